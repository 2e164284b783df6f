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

// Writes `value` as one JSON string with the log's escapes (\" and \\)
// decoded. A backslash before any other byte is kept as written. Splitting
// at backslashes never cuts a valid UTF-8 sequence, because 0x5C appears in
// UTF-8 only as itself.
void WriteDecoded(JsonWriter& writer, std::string_view value) {
  writer.BeginString();
  while (!value.empty()) {
    const void* found = std::memchr(value.data(), '\\', value.size());
    if (found == nullptr) {
      writer.StringPart(value);
      break;
    }
    size_t backslash = static_cast<size_t>(static_cast<const char*>(found) - value.data());
    writer.StringPart(value.substr(0, backslash));
    bool is_escape = backslash + 1 < value.size() && (value[backslash + 1] == '"' || value[backslash + 1] == '\\');
    if (is_escape) {
      writer.StringPart(value.substr(backslash + 1, 1));
      value.remove_prefix(backslash + 2);
    } else {
      writer.StringPart(value.substr(backslash, 1));
      value.remove_prefix(backslash + 1);
    }
  }
  writer.EndString();
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
      writer.Key("referrer");
      WriteDecoded(writer, record.referrer);
    }
    writer.EndObject();
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
    writer.Key("original");
    WriteDecoded(writer, record.target);
    writer.Key("path");
    WriteDecoded(writer, record.path);
    if (record.has_query) {
      writer.Key("query");
      WriteDecoded(writer, record.query);
    }
    writer.EndObject();
  }

  writer.Key("user_agent");
  writer.BeginObject();
  writer.Key("original");
  WriteDecoded(writer, record.user_agent);
  writer.EndObject();

  if (options.include_event_original) {
    writer.Key("event");
    writer.BeginObject();
    writer.Field("original", StripLineEnding(line));
    writer.EndObject();
  }

  writer.EndObject();
}

}  // namespace logpipe::record
