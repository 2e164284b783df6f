#include "common/json_writer.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <nlohmann/json.hpp>
#include <string>

namespace logpipe {
namespace {

using nlohmann::json;

constexpr char kReplacement[] = "\xEF\xBF\xBD";  // U+FFFD in UTF-8

// Returns `value` written as a complete JSON string literal.
std::string Quote(std::string_view value) {
  std::string out = "\"";
  JsonWriter::AppendEscaped(&out, value);
  out.push_back('"');
  return out;
}

// Returns the string that the JSON literal for `value` decodes to, or
// fails the test if the literal is not valid JSON.
std::string RoundTrip(std::string_view value) {
  std::string literal = Quote(value);
  EXPECT_TRUE(json::accept(literal)) << literal;
  if (!json::accept(literal)) return std::string();
  return json::parse(literal).get<std::string>();
}

// Returns true if the two bytes are valid UTF-8 on their own: two ASCII
// bytes or one two-byte sequence (lead C2..DF, continuation 80..BF, RFC 3629).
bool IsValidPair(int first, int second) {
  if (first < 0x80 && second < 0x80) return true;
  return first >= 0xC2 && first <= 0xDF && second >= 0x80 && second <= 0xBF;
}

TEST(JsonWriter, WritesNestedObject) {
  std::string out;
  JsonWriter writer(&out);
  writer.BeginObject();
  writer.Field("a", std::string_view("x"));
  writer.Key("b");
  writer.BeginObject();
  writer.Field("c", int64_t{1});
  writer.Key("d");
  writer.Bool(true);
  writer.EndObject();
  writer.Key("e");
  writer.Null();
  writer.EndObject();
  EXPECT_EQ(out, "{\"a\":\"x\",\"b\":{\"c\":1,\"d\":true},\"e\":null}");
}

TEST(JsonWriter, WritesIntLimits) {
  std::string out;
  JsonWriter writer(&out);
  writer.BeginObject();
  writer.Field("min", std::numeric_limits<int64_t>::min());
  writer.Field("max", std::numeric_limits<int64_t>::max());
  writer.EndObject();
  EXPECT_EQ(out, "{\"min\":-9223372036854775808,\"max\":9223372036854775807}");
}

TEST(JsonWriter, EscapesKeys) {
  std::string out;
  JsonWriter writer(&out);
  writer.BeginObject();
  writer.Field("a\"b", std::string_view("c"));
  writer.EndObject();
  ASSERT_TRUE(json::accept(out)) << out;
  EXPECT_EQ(json::parse(out)["a\"b"], "c");
}

TEST(JsonWriter, AppendsWithoutClearing) {
  std::string out = "keep";
  JsonWriter writer(&out);
  writer.String("x");
  EXPECT_EQ(out, "keep\"x\"");
}

TEST(JsonWriter, EscapesQuoteAndBackslash) {
  EXPECT_EQ(Quote("a\"b\\c"), "\"a\\\"b\\\\c\"");
}

TEST(JsonWriter, EscapesControlCharacters) {
  EXPECT_EQ(Quote("\n\r\t"), "\"\\n\\r\\t\"");
  EXPECT_EQ(Quote("\x1b"), "\"\\u001b\"");
  EXPECT_EQ(Quote(std::string_view("\0", 1)), "\"\\u0000\"");
}

TEST(JsonWriter, EscapesDel) {
  EXPECT_EQ(Quote("\x7f"), "\"\\u007f\"");
  EXPECT_EQ(RoundTrip("\x7f"), "\x7f");
}

TEST(JsonWriter, ValidForEverySingleByte) {
  for (int byte = 0; byte < 256; ++byte) {
    std::string value(1, static_cast<char>(byte));
    std::string decoded = RoundTrip(value);
    if (byte < 0x80) {
      EXPECT_EQ(decoded, value) << byte;
    } else {
      EXPECT_EQ(decoded, kReplacement) << byte;
    }
  }
}

TEST(JsonWriter, ValidForEveryBytePair) {
  for (int first = 0; first < 256; ++first) {
    for (int second = 0; second < 256; ++second) {
      std::string value = {static_cast<char>(first), static_cast<char>(second)};
      std::string literal = Quote(value);
      ASSERT_TRUE(json::accept(literal)) << first << " " << second;
      if (IsValidPair(first, second)) {
        EXPECT_EQ(json::parse(literal).get<std::string>(), value) << first << " " << second;
      }
    }
  }
}

TEST(JsonWriter, KeepsValidSequences) {
  const char* values[] = {
      "\xC2\x80",          // U+0080, smallest two-byte
      "\xDF\xBF",          // U+07FF
      "\xE0\xA0\x80",      // U+0800, smallest three-byte
      "\xE2\x82\xAC",      // euro sign
      "\xED\x9F\xBF",      // U+D7FF, just below the surrogates
      "\xEE\x80\x80",      // U+E000, just above the surrogates
      "\xEF\xBF\xBD",      // U+FFFD itself
      "\xF0\x90\x80\x80",  // U+10000, smallest four-byte
      "\xF0\x9F\x98\x80",  // grinning face emoji
      "\xF4\x8F\xBF\xBF",  // U+10FFFF, the maximum
  };
  for (const char* value : values) {
    EXPECT_EQ(Quote(value), std::string("\"") + value + "\"");
    EXPECT_EQ(RoundTrip(value), value);
  }
}

TEST(JsonWriter, ReplacesSurrogates) {
  EXPECT_EQ(RoundTrip("\xED\xA0\x80"), std::string(kReplacement) + kReplacement + kReplacement);
  EXPECT_EQ(RoundTrip("\xED\xBF\xBF"), std::string(kReplacement) + kReplacement + kReplacement);
}

TEST(JsonWriter, ReplacesOverlongs) {
  EXPECT_EQ(RoundTrip("\xC0\xAF"), std::string(kReplacement) + kReplacement);
  EXPECT_EQ(RoundTrip("\xC1\xBF"), std::string(kReplacement) + kReplacement);
  EXPECT_EQ(RoundTrip("\xE0\x80\xAF"), std::string(kReplacement) + kReplacement + kReplacement);
  EXPECT_EQ(RoundTrip("\xF0\x80\x80\xAF"), std::string(kReplacement) + kReplacement + kReplacement + kReplacement);
}

TEST(JsonWriter, ReplacesAboveMaximum) {
  std::string decoded = RoundTrip("\xF4\x90\x80\x80");
  EXPECT_EQ(decoded, std::string(kReplacement) + kReplacement + kReplacement + kReplacement);
}

TEST(JsonWriter, ReplacesTruncatedSequence) {
  EXPECT_EQ(RoundTrip("a\xF0\x9F\x98"), std::string("a") + kReplacement + kReplacement + kReplacement);
  EXPECT_EQ(RoundTrip("\xE2\x82z"), std::string(kReplacement) + kReplacement + "z");
}

}  // namespace
}  // namespace logpipe
