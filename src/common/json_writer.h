// JsonWriter: appends JSON text to a caller-owned std::string, so that a
// buffer reused across lines costs no heap allocation once it has grown.
// Strings are always emitted as valid JSON, whatever bytes they contain.
// Control characters become \u00XX escapes, and every byte that is not part
// of valid UTF-8 becomes U+FFFD. So one bad input line cannot produce a
// document that Elasticsearch rejects as unparsable.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace logpipe {

class JsonWriter {
 public:
  // `out` must outlive the writer. Text is appended; nothing is cleared.
  explicit JsonWriter(std::string* out) : out_(out) {}

  void BeginObject();
  void EndObject();
  void BeginArray();
  void EndArray();
  // Writes `"key":`, with a separating comma when needed. `key` is escaped.
  void Key(std::string_view key);
  void String(std::string_view value);
  void Int(int64_t value);
  void Bool(bool value);
  void Null();

  // Writes one string value in pieces: BeginString(), any number of
  // StringPart() calls whose texts are escaped and joined, EndString().
  // For values that need decoding before they are escaped.
  void BeginString();
  void StringPart(std::string_view text) { AppendEscaped(out_, text); }
  void EndString();

  // Shorthands for Key() followed by a value.
  void Field(std::string_view key, std::string_view value) { Key(key); String(value); }
  void Field(std::string_view key, int64_t value) { Key(key); Int(value); }

  // Appends `value` as the body of a JSON string (no surrounding quotes),
  // escaping as described above. Exposed for writers that build a string
  // from several pieces.
  static void AppendEscaped(std::string* out, std::string_view value);

 private:
  void Separate();

  std::string* out_;
  bool need_comma_ = false;
};

}  // namespace logpipe
