// Parser of logpipe's access-log line format:
//   IP - - [Mon DD YYYY, HH:MM:SS] "METHOD TARGET HTTP/x.y" STATUS BYTES "REFERRER" "USER_AGENT"
// Pure code: no I/O, no heap allocation, any bytes accepted as input.
#pragma once

#include <string_view>

#include "record/access_record.h"

namespace logpipe::record {

// Reason a line was rejected. Each value has a fixed English description.
enum class ParseError {
  kNone,
  kEmptyLine,
  kInvalidClientAddress,
  kMissingIdentity,        // the two fields after the address
  kInvalidTimestamp,       // not "[Mon DD YYYY, HH:MM:SS]"
  kImpossibleTimestamp,    // right shape, but no such date or time
  kInvalidRequest,         // not "METHOD TARGET HTTP/x.y" nor "-"
  kInvalidStatus,          // not three digits in 100..599
  kInvalidBytes,           // not a non-negative integer nor "-"
  kInvalidReferrer,        // missing or unterminated quotes
  kInvalidUserAgent,       // missing or unterminated quotes
  kTrailingData,           // anything but whitespace after the user agent
};

// Returns a short, stable, human-readable reason such as
// "invalid timestamp: expected [Mon DD YYYY, HH:MM:SS]". Never null.
const char* Describe(ParseError error);

// Parses `line` into `*out`. A single trailing "\n" or "\r\n" is ignored.
// On success returns ParseError::kNone and `*out` views into `line`;
// otherwise `*out` is unspecified.
ParseError ParseLine(std::string_view line, AccessRecord* out);

}  // namespace logpipe::record
