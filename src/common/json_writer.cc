#include "common/json_writer.h"

#include <array>
#include <charconv>

namespace logpipe {
namespace {

constexpr char kHex[] = "0123456789abcdef";

// True for the bytes that cannot be copied into a JSON string as they are:
// control characters, DEL, '"', '\\' and every non-ASCII byte (which needs
// a UTF-8 validity check).
constexpr std::array<bool, 256> kNeedsAttention = [] {
  std::array<bool, 256> table{};
  for (int c = 0; c < 256; ++c) table[c] = c < 0x20 || c >= 0x7F || c == '"' || c == '\\';
  return table;
}();
constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD in UTF-8

// Returns the length of the valid UTF-8 sequence starting at s[0], or 0 if
// the bytes there are not valid UTF-8 (overlongs, surrogates and code points
// above U+10FFFF included), following RFC 3629's table of well-formed bytes.
size_t ValidSequenceLength(const unsigned char* s, size_t available) {
  unsigned char b0 = s[0];
  if (b0 < 0x80) return 1;
  size_t length;
  unsigned char low = 0x80, high = 0xBF;  // bounds of the second byte
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    length = 2;
  } else if (b0 >= 0xE0 && b0 <= 0xEF) {
    length = 3;
    if (b0 == 0xE0) low = 0xA0;
    if (b0 == 0xED) high = 0x9F;
  } else if (b0 >= 0xF0 && b0 <= 0xF4) {
    length = 4;
    if (b0 == 0xF0) low = 0x90;
    if (b0 == 0xF4) high = 0x8F;
  } else {
    return 0;
  }
  if (available < length) return 0;
  if (s[1] < low || s[1] > high) return 0;
  for (size_t i = 2; i < length; ++i) {
    if (s[i] < 0x80 || s[i] > 0xBF) return 0;
  }
  return length;
}

}  // namespace

void JsonWriter::AppendEscaped(std::string* out, std::string_view value) {
  const auto* s = reinterpret_cast<const unsigned char*>(value.data());
  size_t n = value.size();
  size_t i = 0;
  while (i < n) {
    // Copy the longest run that needs no escaping in one append.
    size_t run = i;
    while (run < n && !kNeedsAttention[s[run]]) ++run;
    if (run > i) {
      out->append(value.data() + i, run - i);
      i = run;
      if (i == n) break;
    }

    unsigned char c = s[i];
    if (c == '"' || c == '\\') {
      out->push_back('\\');
      out->push_back(static_cast<char>(c));
      ++i;
    } else if (c < 0x20 || c == 0x7F) {
      switch (c) {
        case '\n': out->append("\\n"); break;
        case '\r': out->append("\\r"); break;
        case '\t': out->append("\\t"); break;
        default: {
          char escape[6] = {'\\', 'u', '0', '0', kHex[c >> 4], kHex[c & 0xF]};
          out->append(escape, sizeof(escape));
        }
      }
      ++i;
    } else {
      size_t length = ValidSequenceLength(s + i, n - i);
      if (length == 0) {
        out->append(kReplacement);
        ++i;
      } else {
        out->append(value.data() + i, length);
        i += length;
      }
    }
  }
}

void JsonWriter::Separate() {
  if (need_comma_) out_->push_back(',');
}

void JsonWriter::BeginObject() {
  Separate();
  out_->push_back('{');
  need_comma_ = false;
}

void JsonWriter::EndObject() {
  out_->push_back('}');
  need_comma_ = true;
}

void JsonWriter::BeginArray() {
  Separate();
  out_->push_back('[');
  need_comma_ = false;
}

void JsonWriter::EndArray() {
  out_->push_back(']');
  need_comma_ = true;
}

void JsonWriter::Key(std::string_view key) {
  Separate();
  out_->push_back('"');
  AppendEscaped(out_, key);
  out_->append("\":");
  need_comma_ = false;
}

void JsonWriter::String(std::string_view value) {
  Separate();
  out_->push_back('"');
  AppendEscaped(out_, value);
  out_->push_back('"');
  need_comma_ = true;
}

void JsonWriter::BeginString() {
  Separate();
  out_->push_back('"');
}

void JsonWriter::EndString() {
  out_->push_back('"');
  need_comma_ = true;
}

void JsonWriter::Int(int64_t value) {
  Separate();
  char digits[24];
  auto result = std::to_chars(digits, digits + sizeof(digits), value);
  out_->append(digits, result.ptr);
  need_comma_ = true;
}

void JsonWriter::Bool(bool value) {
  Separate();
  out_->append(value ? "true" : "false");
  need_comma_ = true;
}

void JsonWriter::Null() {
  Separate();
  out_->append("null");
  need_comma_ = true;
}

}  // namespace logpipe
