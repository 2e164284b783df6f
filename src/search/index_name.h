// Index name patterns such as "access-logs-%Y.%m.%d": one index per UTC day
// of the event time.
#pragma once

#include <string>
#include <string_view>

#include "common/status.h"
#include "record/access_record.h"

namespace logpipe::search {

inline constexpr std::string_view kDefaultIndexPattern = "access-logs-%Y.%m.%d";

// Checks that every name `pattern` formats to is a valid index name.
// Conversions: %Y (4-digit year), %m (2-digit month), %d (2-digit day) and
// %% (a literal '%'). Rejected, with the character and its position counted
// from 1: an empty pattern, any other %-conversion, uppercase letters,
// bytes outside printable ASCII, the characters \ / * ? " < > | , # : and
// space, a leading - _ or +, the names "." and "..", and names longer than
// 255 bytes.
Status ValidateIndexPattern(std::string_view pattern);

// Appends the index name for `time` to `*out`. `pattern` must have passed
// ValidateIndexPattern. An unknown conversion is copied as written.
// Allocates only when `*out` must grow.
void FormatIndexName(std::string_view pattern, const record::CivilTime& time, std::string* out);

// Returns the wildcard that matches every name `pattern` formats to, for an
// index template's index_patterns: each conversion becomes '*', and
// wildcards separated only by '.', '-' or '_' merge into one, so
// "access-logs-%Y.%m.%d" gives "access-logs-*".
std::string IndexGlob(std::string_view pattern);

}  // namespace logpipe::search
