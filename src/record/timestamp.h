// Conversion of the log's event time ("Jan 21 2026, 22:23:40") to ISO 8601
// ("2026-01-21T22:23:40"). Pure functions; no time zone is applied.
#pragma once

#include <string_view>

#include "record/access_record.h"

namespace logpipe::record {

constexpr size_t kIso8601Length = 19;  // "YYYY-MM-DDTHH:MM:SS"

// Parses "Mon DD YYYY, HH:MM:SS" (English month abbreviation, day of one or
// two digits). Returns false for any other shape and for impossible values:
// Feb 30, Feb 29 outside leap years, hour 24, minute or second 60.
bool ParseLogTime(std::string_view text, CivilTime* out);

// Parses the same shape as ParseLogTime without checking that the fields
// form a real date and time. A caller can then tell a malformed time (false)
// from an impossible one (true, but IsValid is false).
bool ParseLogTimeFields(std::string_view text, CivilTime* out);

// Returns true if `time` names a real instant of the proleptic Gregorian
// calendar with hours 0..23 and minutes and seconds 0..59.
bool IsValid(const CivilTime& time);

// Writes exactly kIso8601Length characters to `out`. `time` must be valid.
void FormatIso8601(const CivilTime& time, char* out);

// Writes "Mon DD YYYY, HH:MM:SS" (day zero-padded to two digits), the
// inverse of ParseLogTime. Returns the number of characters written (21).
size_t FormatLogTime(const CivilTime& time, char* out);

}  // namespace logpipe::record
