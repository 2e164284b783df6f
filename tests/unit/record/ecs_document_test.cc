#include "record/ecs_document.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>

#include "record/line_parser.h"
#include "test_line.h"

namespace logpipe::record {
namespace {

using nlohmann::json;
using testing::LineParts;

constexpr char kExample[] =
    "9.180.123.170 - - [Jan 21 2026, 22:23:40] \"DELETE /contact HTTP/1.1\" 404 13444 \"https://example.com\" "
    "\"Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7)\"";

// Parses `line`, encodes it and returns the document text. Fails the test
// if the line does not parse.
std::string Encode(const std::string& line, DocumentOptions options = {}) {
  AccessRecord record;
  ParseError error = ParseLine(line, &record);
  EXPECT_EQ(error, ParseError::kNone) << Describe(error);
  std::string out;
  if (error == ParseError::kNone) AppendDocument(record, line, options, &out);
  return out;
}

// Encodes `line` and parses the document back, failing the test if it is
// not valid JSON (nlohmann also rejects invalid UTF-8).
json EncodeAndParse(const std::string& line, DocumentOptions options = {}) {
  std::string text = Encode(line, options);
  EXPECT_TRUE(json::accept(text)) << text;
  if (!json::accept(text)) return json();
  return json::parse(text);
}

TEST(EcsDocument, EncodesExampleExactly) {
  EXPECT_EQ(Encode(kExample),
            "{\"@timestamp\":\"2026-01-21T22:23:40\",\"source\":{\"ip\":\"9.180.123.170\"},"
            "\"http\":{\"request\":{\"method\":\"DELETE\",\"referrer\":\"https://example.com\"},\"version\":\"1.1\","
            "\"response\":{\"status_code\":404,\"body\":{\"bytes\":13444}}},"
            "\"url\":{\"original\":\"/contact\",\"path\":\"/contact\"},"
            "\"user_agent\":{\"original\":\"Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7)\"}}");
}

TEST(EcsDocument, EncodesExampleFields) {
  json document = EncodeAndParse(kExample);
  EXPECT_EQ(document["@timestamp"], "2026-01-21T22:23:40");
  EXPECT_EQ(document["source"]["ip"], "9.180.123.170");
  EXPECT_EQ(document["http"]["request"]["method"], "DELETE");
  EXPECT_EQ(document["http"]["request"]["referrer"], "https://example.com");
  EXPECT_EQ(document["http"]["version"], "1.1");
  EXPECT_EQ(document["http"]["response"]["status_code"], 404);
  EXPECT_EQ(document["http"]["response"]["body"]["bytes"], 13444);
  EXPECT_EQ(document["url"]["original"], "/contact");
  EXPECT_EQ(document["url"]["path"], "/contact");
  EXPECT_FALSE(document["url"].contains("query"));
  EXPECT_EQ(document["user_agent"]["original"], "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7)");
  EXPECT_FALSE(document.contains("event"));
}

TEST(EcsDocument, AppendsToBuffer) {
  AccessRecord record;
  ASSERT_EQ(ParseLine(kExample, &record), ParseError::kNone);
  std::string out = "prefix\n";
  AppendDocument(record, kExample, {}, &out);
  out.push_back('\n');
  AppendDocument(record, kExample, {}, &out);
  std::string document = Encode(kExample);
  EXPECT_EQ(out, "prefix\n" + document + "\n" + document);
}

TEST(EcsDocument, IncludesEventOriginal) {
  DocumentOptions options;
  options.include_event_original = true;
  json document = EncodeAndParse(kExample, options);
  EXPECT_EQ(document["event"]["original"], kExample);
}

TEST(EcsDocument, StripsCrlfFromEventOriginal) {
  DocumentOptions options;
  options.include_event_original = true;
  json document = EncodeAndParse(std::string(kExample) + "\r\n", options);
  EXPECT_EQ(document["event"]["original"], kExample);
}

TEST(EcsDocument, EncodesQuery) {
  LineParts parts;
  parts.request = "GET /search?q=a%20b&page=2 HTTP/2.0";
  json document = EncodeAndParse(parts.Join());
  EXPECT_EQ(document["url"]["original"], "/search?q=a%20b&page=2");
  EXPECT_EQ(document["url"]["path"], "/search");
  EXPECT_EQ(document["url"]["query"], "q=a%20b&page=2");
  EXPECT_EQ(document["http"]["version"], "2.0");
}

TEST(EcsDocument, KeepsKeyOrderWithQuery) {
  LineParts parts;
  parts.request = "GET /a?b HTTP/1.1";
  std::string text = Encode(parts.Join());
  EXPECT_NE(text.find("\"url\":{\"original\":\"/a?b\",\"path\":\"/a\",\"query\":\"b\"},\"user_agent\":"),
            std::string::npos)
      << text;
}

TEST(EcsDocument, OmitsRequestFieldsForDash) {
  LineParts parts;
  parts.request = "-";
  json document = EncodeAndParse(parts.Join());
  EXPECT_FALSE(document.contains("url"));
  EXPECT_FALSE(document["http"].contains("version"));
  EXPECT_FALSE(document["http"]["request"].contains("method"));
  EXPECT_EQ(document["http"]["request"]["referrer"], "https://example.com");
  EXPECT_EQ(document["http"]["response"]["status_code"], 404);
}

TEST(EcsDocument, OmitsEmptyRequestObject) {
  LineParts parts;
  parts.request = "-";
  parts.referrer = "-";
  json document = EncodeAndParse(parts.Join());
  EXPECT_FALSE(document["http"].contains("request"));
  EXPECT_EQ(document["http"]["response"]["status_code"], 404);
}

TEST(EcsDocument, OmitsDashReferrer) {
  LineParts parts;
  parts.referrer = "-";
  json document = EncodeAndParse(parts.Join());
  EXPECT_FALSE(document["http"]["request"].contains("referrer"));
  EXPECT_EQ(document["http"]["request"]["method"], "DELETE");
}

TEST(EcsDocument, OmitsDashBytes) {
  LineParts parts;
  parts.bytes = "-";
  json document = EncodeAndParse(parts.Join());
  EXPECT_FALSE(document["http"]["response"].contains("body"));
  EXPECT_EQ(document["http"]["response"]["status_code"], 404);
}

TEST(EcsDocument, EncodesIpv6Client) {
  LineParts parts;
  parts.client = "2001:db8::7";
  json document = EncodeAndParse(parts.Join());
  EXPECT_EQ(document["source"]["ip"], "2001:db8::7");
}

TEST(EcsDocument, DecodesEscapedQuote) {
  LineParts parts;
  parts.user_agent = "Mozilla/5.0 \\\"quoted\\\"";
  json document = EncodeAndParse(parts.Join());
  EXPECT_EQ(document["user_agent"]["original"], "Mozilla/5.0 \"quoted\"");
}

TEST(EcsDocument, DecodesEscapedBackslash) {
  LineParts parts;
  parts.referrer = "C:\\\\path\\\\";
  parts.user_agent = "a\\\\\\\"b";  // a\\\"b in the log: a, backslash, quote, b
  json document = EncodeAndParse(parts.Join());
  EXPECT_EQ(document["http"]["request"]["referrer"], "C:\\path\\");
  EXPECT_EQ(document["user_agent"]["original"], "a\\\"b");
}

TEST(EcsDocument, KeepsLoneBackslash) {
  LineParts parts;
  parts.user_agent = "a\\nb\\";
  parts.user_agent += "\\";  // a\nb\\ in the log: the last pair is one escaped backslash
  json document = EncodeAndParse(parts.Join());
  EXPECT_EQ(document["user_agent"]["original"], "a\\nb\\");
}

TEST(EcsDocument, DecodesTarget) {
  LineParts parts;
  parts.request = "GET /a\\\"b?c\\\\d HTTP/1.1";
  json document = EncodeAndParse(parts.Join());
  EXPECT_EQ(document["url"]["original"], "/a\"b?c\\d");
  EXPECT_EQ(document["url"]["path"], "/a\"b");
  EXPECT_EQ(document["url"]["query"], "c\\d");
}

TEST(EcsDocument, ReplacesInvalidUtf8) {
  LineParts parts;
  parts.user_agent = "bad \xA9\xB8 bytes";
  json document = EncodeAndParse(parts.Join());
  EXPECT_EQ(document["user_agent"]["original"], "bad \xEF\xBF\xBD\xEF\xBF\xBD bytes");
}

TEST(EcsDocument, EscapesEscByte) {
  LineParts parts;
  parts.user_agent = "\x1b[31mred\x1b[0m";
  std::string text = Encode(parts.Join());
  EXPECT_NE(text.find("\\u001b[31mred\\u001b[0m"), std::string::npos) << text;
  json document = EncodeAndParse(parts.Join());
  EXPECT_EQ(document["user_agent"]["original"], "\x1b[31mred\x1b[0m");
}

TEST(EcsDocument, KeepsValidUtf8) {
  LineParts parts;
  parts.user_agent = "caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80";
  json document = EncodeAndParse(parts.Join());
  EXPECT_EQ(document["user_agent"]["original"], "caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80");
}

TEST(EcsDocument, KeepsLongUserAgent) {
  LineParts parts;
  parts.user_agent.clear();
  for (size_t i = 0; parts.user_agent.size() < 200 * 1024; ++i) {
    parts.user_agent.push_back(static_cast<char>('a' + i % 26));
  }
  json document = EncodeAndParse(parts.Join());
  EXPECT_EQ(document["user_agent"]["original"].get<std::string>().size(), 200u * 1024u);
  EXPECT_EQ(document["user_agent"]["original"], parts.user_agent);
}

TEST(EcsDocument, EscapesControlBytesInEveryField) {
  // Bytes 0x01..0x1F, DEL, and 0x80 and 0xFF, which are never valid UTF-8.
  std::string controls;
  for (int c = 1; c < 0x20; ++c) controls.push_back(static_cast<char>(c));
  controls += "\x7f\x80\xff";
  LineParts parts;
  parts.referrer = controls;
  parts.user_agent = controls;
  json document = EncodeAndParse(parts.Join(), DocumentOptions{true});
  ASSERT_TRUE(document.is_object());
  std::string expected = controls.substr(0, controls.size() - 2) + "\xEF\xBF\xBD\xEF\xBF\xBD";
  EXPECT_EQ(document["http"]["request"]["referrer"], expected);
  EXPECT_EQ(document["user_agent"]["original"], expected);
}

// Every single byte placed in the referrer and user agent yields valid JSON,
// and so does every byte after a backslash.
TEST(EcsDocument, ValidForEveryByte) {
  for (int byte = 0; byte < 256; ++byte) {
    if (byte == '"') continue;
    LineParts parts;
    parts.referrer = std::string(1, static_cast<char>(byte));
    parts.user_agent = std::string("\\") + static_cast<char>(byte) + "x";
    std::string line = parts.Join();
    AccessRecord record;
    ParseError error = ParseLine(line, &record);
    if (byte == '\\') {
      // A lone backslash escapes the referrer's closing quote.
      EXPECT_NE(error, ParseError::kNone);
      continue;
    }
    ASSERT_EQ(error, ParseError::kNone) << byte;
    std::string text;
    AppendDocument(record, line, DocumentOptions{true}, &text);
    EXPECT_TRUE(json::accept(text)) << byte;
  }
}

}  // namespace
}  // namespace logpipe::record
