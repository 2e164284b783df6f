#include "record/ecs_document.h"

#include <cstring>

#include "common/json_writer.h"
#include "record/timestamp.h"

namespace logpipe::record {
namespace {

std::string_view StripLineEnding(std::string_view line) {
  if (!line.empty() && line.back() == '\n') {
    line.remove_suffix(1);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  }
  return line;
}

// Appends `value` as the body of a JSON string with the log's escapes
// (\" and \\) decoded. A backslash before any other byte is kept as written.
// Splitting at backslashes never cuts a valid UTF-8 sequence, because 0x5C
// appears in UTF-8 only as itself.
void AppendDecoded(std::string* out, std::string_view value) {
  while (!value.empty()) {
    const void* found = std::memchr(value.data(), '\\', value.size());
    if (found == nullptr) {
      JsonWriter::AppendEscaped(out, value);
      return;
    }
    size_t backslash = static_cast<size_t>(static_cast<const char*>(found) - value.data());
    JsonWriter::AppendEscaped(out, value.substr(0, backslash));

    bool is_escape = backslash + 1 < value.size() && (value[backslash + 1] == '"' || value[backslash + 1] == '\\');
    if (is_escape) {
      JsonWriter::AppendEscaped(out, value.substr(backslash + 1, 1));
      value.remove_prefix(backslash + 2);
    } else {
      JsonWriter::AppendEscaped(out, value.substr(backslash, 1));
      value.remove_prefix(backslash + 1);
    }
  }
}

// Next member or end of the object after a WriteDecodedField call.
enum class Next { kMember, kEndObject };

// Writes `key` and `value` with the log's escapes in `value` decoded. The
// value bypasses JsonWriter, which then still expects a value, so this
// function writes the comma before the next member or closes the object.
void WriteDecodedField(JsonWriter& writer, std::string* out, std::string_view key, std::string_view value, Next next) {
  writer.Key(key);
  out->push_back('"');
  AppendDecoded(out, value);
  out->push_back('"');
  if (next == Next::kMember) {
    out->push_back(',');
  } else {
    writer.EndObject();
  }
}

}  // namespace

void AppendDocument(const AccessRecord& record, std::string_view line, const DocumentOptions& options,
                    std::string* out) {
  JsonWriter writer(out);
  bool has_referrer = record.referrer != "-";
  writer.BeginObject();

  char timestamp[kIso8601Length];
  FormatIso8601(record.time, timestamp);
  writer.Field("@timestamp", std::string_view(timestamp, sizeof(timestamp)));

  writer.Key("source");
  writer.BeginObject();
  writer.Field("ip", record.client_ip);
  writer.EndObject();

  // http: request (method, referrer), version, response (status, body size).
  writer.Key("http");
  writer.BeginObject();
  if (record.has_request || has_referrer) {
    writer.Key("request");
    writer.BeginObject();
    if (record.has_request) writer.Field("method", record.method);
    if (has_referrer) {
      WriteDecodedField(writer, out, "referrer", record.referrer, Next::kEndObject);
    } else {
      writer.EndObject();
    }
  }
  if (record.has_request) writer.Field("version", record.http_version);
  writer.Key("response");
  writer.BeginObject();
  writer.Field("status_code", static_cast<int64_t>(record.status));
  if (record.has_bytes) {
    writer.Key("body");
    writer.BeginObject();
    writer.Field("bytes", record.bytes);
    writer.EndObject();
  }
  writer.EndObject();
  writer.EndObject();

  if (record.has_request) {
    writer.Key("url");
    writer.BeginObject();
    WriteDecodedField(writer, out, "original", record.target, Next::kMember);
    if (record.has_query) {
      WriteDecodedField(writer, out, "path", record.path, Next::kMember);
      WriteDecodedField(writer, out, "query", record.query, Next::kEndObject);
    } else {
      WriteDecodedField(writer, out, "path", record.path, Next::kEndObject);
    }
  }

  writer.Key("user_agent");
  writer.BeginObject();
  WriteDecodedField(writer, out, "original", record.user_agent, Next::kEndObject);

  if (options.include_event_original) {
    writer.Key("event");
    writer.BeginObject();
    writer.Field("original", StripLineEnding(line));
    writer.EndObject();
  }

  writer.EndObject();
}

}  // namespace logpipe::record
