// libFuzzer target for the line parser and the document encoder. Any input
// must either be rejected with a described reason or parse into a record
// whose document is valid JSON (strict UTF-8 included). Any other outcome
// aborts, and libFuzzer saves the input.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "record/ecs_document.h"
#include "record/line_parser.h"
#include "record/timestamp.h"

namespace {

using logpipe::record::AccessRecord;
using logpipe::record::ParseError;

[[noreturn]] void Fail(const char* what, std::string_view detail) {
  std::fprintf(stderr, "fuzz_line_parser: %s: %.*s\n", what, static_cast<int>(detail.size()), detail.data());
  std::abort();
}

// Aborts unless `field` lies inside `line`, which ParseLine guarantees.
void CheckInside(std::string_view field, std::string_view line, const char* name) {
  if (field.empty()) return;
  if (field.data() < line.data() || field.data() + field.size() > line.data() + line.size()) {
    Fail("field outside the line", name);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view line(reinterpret_cast<const char*>(data), size);

  AccessRecord record;
  ParseError error = logpipe::record::ParseLine(line, &record);
  if (error != ParseError::kNone) {
    const char* reason = logpipe::record::Describe(error);
    if (reason == nullptr || reason[0] == '\0') Fail("empty reason for rejected line", line);
    return 0;
  }

  if (!logpipe::record::IsValid(record.time)) Fail("accepted an impossible time", line);
  if (record.status < 100 || record.status > 599) Fail("accepted an out-of-range status", line);
  if (record.has_bytes && record.bytes < 0) Fail("accepted a negative size", line);
  CheckInside(record.client_ip, line, "client_ip");
  CheckInside(record.target, line, "target");
  CheckInside(record.referrer, line, "referrer");
  CheckInside(record.user_agent, line, "user_agent");

  // Reused across inputs, as the pipeline reuses its buffer.
  static std::string document;
  document.clear();
  logpipe::record::DocumentOptions options;
  options.include_event_original = true;
  logpipe::record::AppendDocument(record, line, options, &document);

  if (!nlohmann::json::accept(document)) Fail("invalid JSON document", document);
  return 0;
}
