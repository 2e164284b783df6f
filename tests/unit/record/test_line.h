// LineParts: the fields of one access-log line, defaulting to the example
// line of the format, so a test changes only the field it is about.
#pragma once

#include <string>

namespace logpipe::record::testing {

struct LineParts {
  std::string client = "9.180.123.170";
  std::string time = "Jan 21 2026, 22:23:40";
  std::string request = "DELETE /contact HTTP/1.1";  // between the quotes
  std::string status = "404";
  std::string bytes = "13444";
  std::string referrer = "https://example.com";  // between the quotes
  std::string user_agent = "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7)";  // between the quotes

  // Returns the line without a line ending.
  std::string Join() const {
    return client + " - - [" + time + "] \"" + request + "\" " + status + " " + bytes + " \"" + referrer + "\" \"" +
           user_agent + "\"";
  }
};

}  // namespace logpipe::record::testing
