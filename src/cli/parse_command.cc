#include <fmt/format.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>
#include <string>

#include "cli/commands.h"
#include "cli/common_options.h"
#include "common/json_writer.h"
#include "common/log.h"
#include "record/ecs_document.h"
#include "record/line_parser.h"

namespace logpipe::cli {
namespace {

struct ParseFlags {
  std::string input = "-";
  record::DocumentOptions document;
};

struct FileCloser {
  void operator()(FILE* file) const {
    if (file != stdin) fclose(file);
  }
};

constexpr size_t kOutputChunk = 1 << 16;  // bytes buffered before a write to stdout

// Writes every line of `input` as the JSON document it would be indexed as,
// and every reject as {"line":N,"reason":"...","text":"..."} on stderr.
int RunParse(const ParseFlags& flags) {
  std::unique_ptr<FILE, FileCloser> input(flags.input == "-" ? stdin : fopen(flags.input.c_str(), "rb"));
  if (!input) {
    log::Error("parse", "opening {} failed: {}", flags.input, std::strerror(errno));
    return kExitUsage;
  }

  std::string output;
  output.reserve(kOutputChunk * 2);
  std::string reject;
  char* line = nullptr;  // reused by getline across lines
  size_t capacity = 0;
  ssize_t length;
  uint64_t number = 0, rejected = 0;

  while ((length = getline(&line, &capacity, input.get())) >= 0) {
    ++number;
    std::string_view text(line, static_cast<size_t>(length));
    record::AccessRecord parsed;
    record::ParseError error = record::ParseLine(text, &parsed);
    if (error == record::ParseError::kNone) {
      record::AppendDocument(parsed, text, flags.document, &output);
      output.push_back('\n');
      if (output.size() >= kOutputChunk) {
        fwrite(output.data(), 1, output.size(), stdout);
        output.clear();
      }
      continue;
    }

    ++rejected;
    if (!text.empty() && text.back() == '\n') text.remove_suffix(1);
    if (!text.empty() && text.back() == '\r') text.remove_suffix(1);
    reject.clear();
    JsonWriter writer(&reject);
    writer.BeginObject();
    writer.Field("line", static_cast<int64_t>(number));
    writer.Field("reason", record::Describe(error));
    writer.Field("text", text);
    writer.EndObject();
    reject.push_back('\n');
    fwrite(output.data(), 1, output.size(), stdout);  // keep stdout and stderr in line order when interleaved
    output.clear();
    fflush(stdout);
    fwrite(reject.data(), 1, reject.size(), stderr);
  }
  free(line);
  fwrite(output.data(), 1, output.size(), stdout);
  fflush(stdout);

  if (ferror(input.get())) {
    log::Error("parse", "reading {} failed: {}", flags.input, std::strerror(errno));
    return kExitFailed;
  }
  return rejected == 0 ? kExitOk : kExitFailed;
}

}  // namespace

Runner AddParseCommand(CLI::App* app) {
  auto flags = std::make_shared<ParseFlags>();
  CLI::App* command = app->add_subcommand(
      "parse",
      "Parse access-log lines and print the JSON document each would be indexed as; rejects go to stderr. Exit "
      "status 0 if every line parsed, 1 if any was rejected");
  command->add_option("input", flags->input, "file to read, or '-' for stdin")
      ->check(CLI::ExistingFile | CLI::IsMember({"-"}))
      ->capture_default_str();
  command->add_flag("--event-original", flags->document.include_event_original,
                    "also print the raw line in event.original");
  return [flags]() { return RunParse(*flags); };
}

}  // namespace logpipe::cli
