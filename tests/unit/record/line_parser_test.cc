#include "record/line_parser.h"

#include <gtest/gtest.h>

#include <cstring>
#include <string>

#include "test_line.h"

namespace logpipe::record {
namespace {

using testing::LineParts;

constexpr char kExample[] =
    "9.180.123.170 - - [Jan 21 2026, 22:23:40] \"DELETE /contact HTTP/1.1\" 404 13444 \"https://example.com\" "
    "\"Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7)\"";

ParseError Parse(const std::string& line) {
  AccessRecord record;
  return ParseLine(line, &record);
}

TEST(LineParser, ParsesExample) {
  AccessRecord record;
  ASSERT_EQ(ParseLine(kExample, &record), ParseError::kNone);
  EXPECT_EQ(record.client_ip, "9.180.123.170");
  EXPECT_EQ(record.ident, "-");
  EXPECT_EQ(record.auth_user, "-");
  EXPECT_EQ(record.time.year, 2026);
  EXPECT_EQ(record.time.month, 1);
  EXPECT_EQ(record.time.day, 21);
  EXPECT_EQ(record.time.hour, 22);
  EXPECT_EQ(record.time.minute, 23);
  EXPECT_EQ(record.time.second, 40);
  EXPECT_TRUE(record.has_request);
  EXPECT_EQ(record.method, "DELETE");
  EXPECT_EQ(record.target, "/contact");
  EXPECT_EQ(record.path, "/contact");
  EXPECT_FALSE(record.has_query);
  EXPECT_EQ(record.query, "");
  EXPECT_EQ(record.http_version, "1.1");
  EXPECT_EQ(record.status, 404);
  EXPECT_TRUE(record.has_bytes);
  EXPECT_EQ(record.bytes, 13444);
  EXPECT_EQ(record.referrer, "https://example.com");
  EXPECT_EQ(record.user_agent, "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7)");
}

TEST(LineParser, ViewsIntoLine) {
  std::string line = kExample;
  AccessRecord record;
  ASSERT_EQ(ParseLine(line, &record), ParseError::kNone);
  EXPECT_EQ(record.client_ip.data(), line.data());
  EXPECT_EQ(record.user_agent.data() + record.user_agent.size() + 1, line.data() + line.size());
}

TEST(LineParser, RejectsEmptyLine) {
  EXPECT_EQ(Parse(""), ParseError::kEmptyLine);
  EXPECT_EQ(Parse("\n"), ParseError::kEmptyLine);
  EXPECT_EQ(Parse("\r\n"), ParseError::kEmptyLine);
}

TEST(LineParser, ParsesLfEnding) {
  AccessRecord record;
  std::string line = std::string(kExample) + "\n";
  ASSERT_EQ(ParseLine(line, &record), ParseError::kNone);
  EXPECT_EQ(record.user_agent, "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7)");
}

TEST(LineParser, ParsesCrlfEnding) {
  AccessRecord record;
  std::string line = std::string(kExample) + "\r\n";
  ASSERT_EQ(ParseLine(line, &record), ParseError::kNone);
  EXPECT_EQ(record.user_agent, "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7)");
}

TEST(LineParser, AcceptsTrailingWhitespace) {
  EXPECT_EQ(Parse(std::string(kExample) + " \t "), ParseError::kNone);
  EXPECT_EQ(Parse(std::string(kExample) + "  \r\n"), ParseError::kNone);
}

TEST(LineParser, RejectsTrailingData) {
  EXPECT_EQ(Parse(std::string(kExample) + " extra"), ParseError::kTrailingData);
  EXPECT_EQ(Parse(std::string(kExample) + "\"\""), ParseError::kTrailingData);
}

TEST(LineParser, ParsesIpv6Client) {
  LineParts parts;
  parts.client = "2001:db8::7";
  std::string line = parts.Join();
  AccessRecord record;
  ASSERT_EQ(ParseLine(line, &record), ParseError::kNone);
  EXPECT_EQ(record.client_ip, "2001:db8::7");
}

TEST(LineParser, AcceptsAddressForms) {
  const char* addresses[] = {
      "0.0.0.0", "255.255.255.255", "10.0.0.1", "::", "::1", "1::", "2001:db8::7",
      "2001:0db8:0000:0000:0000:ff00:0042:8329", "fe80::1:2:3:4:5:6", "::ffff:192.0.2.128", "64:ff9b::192.0.2.33",
      "1:2:3:4:5:6:1.2.3.4", "1:2:3:4:5:6:7::", "ABCD:EF01::",
  };
  for (const char* address : addresses) {
    LineParts parts;
    parts.client = address;
    EXPECT_EQ(Parse(parts.Join()), ParseError::kNone) << address;
  }
}

TEST(LineParser, RejectsBadAddresses) {
  const char* addresses[] = {
      "",           "256.1.1.1",     "1.2.3",         "1.2.3.4.5",        "01.2.3.4",        "1.2.3.",
      "1..2.3",     "-",             "example.com",   "1.2.3.4a",         ":",               ":::",
      "1::2::3",    "1:2:3:4:5:6:7:8:9", "1:2:3:4:5:6:7", "12345::",        "::g",             "1:",
      ":1",         "[::1]",         "fe80::1%eth0",  "1:2:3:4:5:6:7:1.2.3.4", "::1.2.3",  "1.2.3.4::",
      "::ffff:256.0.0.1", "1:2:3:4:5:6:7:8::",
  };
  for (const char* address : addresses) {
    LineParts parts;
    parts.client = address;
    EXPECT_EQ(Parse(parts.Join()), ParseError::kInvalidClientAddress) << address;
  }
}

TEST(LineParser, RejectsMissingIdentity) {
  EXPECT_EQ(Parse("9.180.123.170"), ParseError::kMissingIdentity);
  EXPECT_EQ(Parse("9.180.123.170 -"), ParseError::kMissingIdentity);
  EXPECT_EQ(Parse("9.180.123.170  - [Jan 21 2026, 22:23:40]"), ParseError::kMissingIdentity);
}

TEST(LineParser, KeepsIdentityFields) {
  std::string line = kExample;
  line.replace(line.find(" - - "), 5, " ident frank ");
  AccessRecord record;
  ASSERT_EQ(ParseLine(line, &record), ParseError::kNone);
  EXPECT_EQ(record.ident, "ident");
  EXPECT_EQ(record.auth_user, "frank");
}

TEST(LineParser, RejectsFeb30) {
  LineParts parts;
  parts.time = "Feb 30 2026, 10:00:00";
  EXPECT_EQ(Parse(parts.Join()), ParseError::kImpossibleTimestamp);
}

TEST(LineParser, RejectsHour24) {
  LineParts parts;
  parts.time = "Jan 21 2026, 24:00:00";
  EXPECT_EQ(Parse(parts.Join()), ParseError::kImpossibleTimestamp);
}

TEST(LineParser, RejectsMalformedTimestamp) {
  const char* times[] = {"Foo 21 2026, 22:23:40", "Jan 21 2026 22:23:40", "", "Jan 21 2026, 22:23:40 +0000"};
  for (const char* time : times) {
    LineParts parts;
    parts.time = time;
    EXPECT_EQ(Parse(parts.Join()), ParseError::kInvalidTimestamp) << time;
  }
  EXPECT_EQ(Parse("9.180.123.170 - - Jan 21 2026, 22:23:40"), ParseError::kInvalidTimestamp);
  EXPECT_EQ(Parse("9.180.123.170 - - [Jan 21 2026, 22:23:40"), ParseError::kInvalidTimestamp);
}

TEST(LineParser, ParsesDashRequest) {
  LineParts parts;
  parts.request = "-";
  std::string line = parts.Join();
  AccessRecord record;
  ASSERT_EQ(ParseLine(line, &record), ParseError::kNone);
  EXPECT_FALSE(record.has_request);
  EXPECT_EQ(record.method, "");
  EXPECT_EQ(record.target, "");
  EXPECT_EQ(record.http_version, "");
}

TEST(LineParser, ParsesAllMethods) {
  const char* methods[] = {"GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS", "CONNECT", "TRACE", "PROPFIND"};
  for (const char* method : methods) {
    LineParts parts;
    parts.request = std::string(method) + " /contact HTTP/1.1";
    std::string line = parts.Join();
    AccessRecord record;
    ASSERT_EQ(ParseLine(line, &record), ParseError::kNone) << method;
    EXPECT_EQ(record.method, method);
  }
}

TEST(LineParser, ParsesPatch) {
  LineParts parts;
  parts.request = "PATCH /api/items/7 HTTP/1.1";
  std::string line = parts.Join();
  AccessRecord record;
  ASSERT_EQ(ParseLine(line, &record), ParseError::kNone);
  EXPECT_EQ(record.method, "PATCH");
}

TEST(LineParser, ParsesHead) {
  LineParts parts;
  parts.request = "HEAD / HTTP/1.0";
  std::string line = parts.Join();
  AccessRecord record;
  ASSERT_EQ(ParseLine(line, &record), ParseError::kNone);
  EXPECT_EQ(record.method, "HEAD");
  EXPECT_EQ(record.http_version, "1.0");
}

TEST(LineParser, ParsesOptions) {
  LineParts parts;
  parts.request = "OPTIONS * HTTP/1.1";
  std::string line = parts.Join();
  AccessRecord record;
  ASSERT_EQ(ParseLine(line, &record), ParseError::kNone);
  EXPECT_EQ(record.method, "OPTIONS");
  EXPECT_EQ(record.target, "*");
}

TEST(LineParser, RejectsTlsHandshake) {
  LineParts parts;
  parts.request = "\x16\x03\x01";
  EXPECT_EQ(Parse(parts.Join()), ParseError::kInvalidRequest);
}

TEST(LineParser, RejectsEscapedTlsHandshake) {
  LineParts parts;
  parts.request = "\\x16\\x03\\x01";
  EXPECT_EQ(Parse(parts.Join()), ParseError::kInvalidRequest);
}

TEST(LineParser, RejectsBadRequests) {
  const char* requests[] = {
      "",
      "GET",
      "GET /",
      "GET / HTTP/1",
      "GET / HTTP/1.1 extra",
      "GET  / HTTP/1.1",
      "GET / HTTP/x.y",
      "GET / http/1.1",
      "GET /a\x01z HTTP/1.1",
      "GET /a\x7fz HTTP/1.1",
      "GE(T / HTTP/1.1",
      " GET / HTTP/1.1",
      "GET / HTTP/1.1 ",
      "--",
  };
  for (const char* request : requests) {
    LineParts parts;
    parts.request = request;
    EXPECT_EQ(Parse(parts.Join()), ParseError::kInvalidRequest) << request;
  }
}

TEST(LineParser, RejectsUnterminatedRequest) {
  EXPECT_EQ(Parse("9.180.123.170 - - [Jan 21 2026, 22:23:40] \"GET / HTTP/1.1"), ParseError::kInvalidRequest);
  EXPECT_EQ(Parse("9.180.123.170 - - [Jan 21 2026, 22:23:40] GET / HTTP/1.1"), ParseError::kInvalidRequest);
}

TEST(LineParser, SplitsQuery) {
  LineParts parts;
  parts.request = "GET /search?q=logs&page=2 HTTP/1.1";
  std::string line = parts.Join();
  AccessRecord record;
  ASSERT_EQ(ParseLine(line, &record), ParseError::kNone);
  EXPECT_EQ(record.target, "/search?q=logs&page=2");
  EXPECT_EQ(record.path, "/search");
  EXPECT_TRUE(record.has_query);
  EXPECT_EQ(record.query, "q=logs&page=2");
}

TEST(LineParser, SplitsAtFirstQuestionMark) {
  LineParts parts;
  parts.request = "GET /a?b?c HTTP/1.1";
  std::string line = parts.Join();
  AccessRecord record;
  ASSERT_EQ(ParseLine(line, &record), ParseError::kNone);
  EXPECT_EQ(record.path, "/a");
  EXPECT_EQ(record.query, "b?c");
}

TEST(LineParser, KeepsEmptyQuery) {
  LineParts parts;
  parts.request = "GET /a? HTTP/1.1";
  std::string line = parts.Join();
  AccessRecord record;
  ASSERT_EQ(ParseLine(line, &record), ParseError::kNone);
  EXPECT_TRUE(record.has_query);
  EXPECT_EQ(record.query, "");
}

TEST(LineParser, AcceptsEscapedQuoteInTarget) {
  LineParts parts;
  parts.request = "GET /a\\\"b HTTP/1.1";
  std::string line = parts.Join();
  AccessRecord record;
  ASSERT_EQ(ParseLine(line, &record), ParseError::kNone);
  EXPECT_EQ(record.target, "/a\\\"b");
}

TEST(LineParser, ChecksStatus) {
  const char* good[] = {"100", "200", "404", "599"};
  for (const char* status : good) {
    LineParts parts;
    parts.status = status;
    std::string line = parts.Join();
    AccessRecord record;
    ASSERT_EQ(ParseLine(line, &record), ParseError::kNone) << status;
    EXPECT_EQ(record.status, std::stoi(status));
  }
  const char* bad[] = {"099", "600", "99", "4040", "abc", "", "-", "+40"};
  for (const char* status : bad) {
    LineParts parts;
    parts.status = status;
    EXPECT_EQ(Parse(parts.Join()), ParseError::kInvalidStatus) << status;
  }
}

TEST(LineParser, ParsesDashBytes) {
  LineParts parts;
  parts.bytes = "-";
  std::string line = parts.Join();
  AccessRecord record;
  ASSERT_EQ(ParseLine(line, &record), ParseError::kNone);
  EXPECT_FALSE(record.has_bytes);
}

TEST(LineParser, ParsesLargeBytes) {
  LineParts parts;
  parts.bytes = "9223372036854775807";
  std::string line = parts.Join();
  AccessRecord record;
  ASSERT_EQ(ParseLine(line, &record), ParseError::kNone);
  EXPECT_EQ(record.bytes, INT64_MAX);
}

TEST(LineParser, RejectsBadBytes) {
  const char* sizes[] = {"", "12a", "-1", "+1", "9223372036854775808", "99999999999999999999", "--"};
  for (const char* bytes : sizes) {
    LineParts parts;
    parts.bytes = bytes;
    EXPECT_EQ(Parse(parts.Join()), ParseError::kInvalidBytes) << bytes;
  }
}

TEST(LineParser, ParsesDashReferrer) {
  LineParts parts;
  parts.referrer = "-";
  std::string line = parts.Join();
  AccessRecord record;
  ASSERT_EQ(ParseLine(line, &record), ParseError::kNone);
  EXPECT_EQ(record.referrer, "-");
}

TEST(LineParser, RejectsBadReferrer) {
  std::string prefix = "9.180.123.170 - - [Jan 21 2026, 22:23:40] \"GET / HTTP/1.1\" 200 5";
  EXPECT_EQ(Parse(prefix), ParseError::kInvalidReferrer);
  EXPECT_EQ(Parse(prefix + " "), ParseError::kInvalidReferrer);
  EXPECT_EQ(Parse(prefix + " -"), ParseError::kInvalidReferrer);
  EXPECT_EQ(Parse(prefix + " \"https://example.com"), ParseError::kInvalidReferrer);
  EXPECT_EQ(Parse(prefix + " \"https://example.com\\\""), ParseError::kInvalidReferrer);
}

TEST(LineParser, RejectsBadUserAgent) {
  std::string prefix = "9.180.123.170 - - [Jan 21 2026, 22:23:40] \"GET / HTTP/1.1\" 200 5 \"-\"";
  EXPECT_EQ(Parse(prefix), ParseError::kInvalidUserAgent);
  EXPECT_EQ(Parse(prefix + " curl/8.5.0"), ParseError::kInvalidUserAgent);
  EXPECT_EQ(Parse(prefix + " \"curl/8.5.0"), ParseError::kInvalidUserAgent);
  EXPECT_EQ(Parse(prefix + "\"curl/8.5.0\""), ParseError::kInvalidUserAgent);
}

TEST(LineParser, KeepsEscapedQuoteInUserAgent) {
  LineParts parts;
  parts.user_agent = "say \\\"hi\\\" \\\\ done";
  std::string line = parts.Join();
  AccessRecord record;
  ASSERT_EQ(ParseLine(line, &record), ParseError::kNone);
  EXPECT_EQ(record.user_agent, "say \\\"hi\\\" \\\\ done");
}

TEST(LineParser, EndsFieldAfterEscapedBackslash) {
  // "a\\" is the text a\ followed by the closing quote.
  LineParts parts;
  parts.referrer = "a\\\\";
  std::string line = parts.Join();
  AccessRecord record;
  ASSERT_EQ(ParseLine(line, &record), ParseError::kNone);
  EXPECT_EQ(record.referrer, "a\\\\");
}

TEST(LineParser, KeepsInvalidUtf8InUserAgent) {
  LineParts parts;
  parts.user_agent = "bad \xA9\xB8 bytes";
  std::string line = parts.Join();
  AccessRecord record;
  ASSERT_EQ(ParseLine(line, &record), ParseError::kNone);
  EXPECT_EQ(record.user_agent, "bad \xA9\xB8 bytes");
}

TEST(LineParser, KeepsEscapeByteInUserAgent) {
  LineParts parts;
  parts.user_agent = "\x1b[31mred";
  std::string line = parts.Join();
  AccessRecord record;
  ASSERT_EQ(ParseLine(line, &record), ParseError::kNone);
  EXPECT_EQ(record.user_agent, "\x1b[31mred");
}

TEST(LineParser, KeepsLongUserAgent) {
  LineParts parts;
  parts.user_agent = std::string(200 * 1024, 'x');
  std::string line = parts.Join();
  AccessRecord record;
  ASSERT_EQ(ParseLine(line, &record), ParseError::kNone);
  EXPECT_EQ(record.user_agent.size(), 200u * 1024u);
}

TEST(LineParser, RejectsEveryTruncation) {
  std::string line = kExample;
  for (size_t length = 0; length + 1 < line.size(); ++length) {
    AccessRecord record;
    EXPECT_NE(ParseLine(std::string_view(line.data(), length), &record), ParseError::kNone) << length;
  }
}

TEST(LineParser, DescribesEveryError) {
  for (int value = static_cast<int>(ParseError::kNone); value <= static_cast<int>(ParseError::kTrailingData); ++value) {
    const char* reason = Describe(static_cast<ParseError>(value));
    ASSERT_NE(reason, nullptr);
    EXPECT_GT(std::strlen(reason), 5u) << value;
  }
}

TEST(LineParser, DescribesTimestampErrors) {
  EXPECT_STREQ(Describe(ParseError::kImpossibleTimestamp), "impossible timestamp: no such date or time");
  EXPECT_STREQ(Describe(ParseError::kInvalidTimestamp), "invalid timestamp: expected [Mon DD YYYY, HH:MM:SS]");
  EXPECT_STREQ(Describe(ParseError::kInvalidRequest), "invalid request line: expected METHOD TARGET HTTP/x.y");
}

}  // namespace
}  // namespace logpipe::record
