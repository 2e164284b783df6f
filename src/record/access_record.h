// AccessRecord: the fields of one access-log line, as views into the line.
// A record is valid only while the line buffer it was parsed from is alive
// and unchanged; parsing copies nothing and allocates nothing.
#pragma once

#include <cstdint>
#include <string_view>

namespace logpipe::record {

// A calendar date and wall-clock time with no zone. logpipe's log lines
// carry UTC, so this is the event time in UTC.
struct CivilTime {
  int year = 0;    // 1..9999
  int month = 0;   // 1..12
  int day = 0;     // 1..31, valid for the month and year
  int hour = 0;    // 0..23
  int minute = 0;  // 0..59
  int second = 0;  // 0..59 (leap seconds are rejected)

  bool operator==(const CivilTime&) const = default;
};

struct AccessRecord {
  std::string_view client_ip;  // IPv4 or IPv6 text, as written
  std::string_view ident;      // RFC 1413 identity, "-" when absent
  std::string_view auth_user;  // authenticated user, "-" when absent
  CivilTime time;

  // False when the request field is "-" (a client that sent no request);
  // method, target, path, query and http_version are then empty.
  bool has_request = false;
  std::string_view method;        // e.g. "GET"; any HTTP token is accepted
  std::string_view target;        // request target as written: url.original
  std::string_view path;          // target up to the first '?'
  std::string_view query;         // text after the first '?'
  bool has_query = false;         // true when the target contains '?'
  std::string_view http_version;  // "1.1" for "HTTP/1.1"

  int status = 0;  // 100..599

  bool has_bytes = false;  // false when the size field is "-"
  int64_t bytes = 0;       // response body size in bytes

  // The referrer and user agent between their quotes, with the log's
  // backslash escapes (\" and \\) NOT yet decoded; encoders decode them.
  // A referrer of "-" means none.
  std::string_view referrer;
  std::string_view user_agent;
};

}  // namespace logpipe::record
