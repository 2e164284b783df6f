// logpipe: synthetic access logs into Kafka, and from Kafka into
// Elasticsearch or OpenSearch. This file only dispatches to subcommands.
#include <CLI/CLI.hpp>

#include "cli/commands.h"
#include "cli/common_options.h"

int main(int argc, char** argv) {
  using namespace logpipe::cli;

  CLI::App app("logpipe: ship web access logs from Kafka into Elasticsearch", "logpipe");
  app.set_version_flag("--version", "logpipe 0.1.0");
  app.require_subcommand(1);
  app.fallthrough();  // lets --log-level follow the subcommand too
  RegisterLogLevel(&app);

  std::vector<std::pair<CLI::App*, Runner>> commands;
  auto add = [&](Runner (*make)(CLI::App*)) {
    size_t before = app.get_subcommands({}).size();
    Runner runner = make(&app);
    commands.emplace_back(app.get_subcommands({})[before], std::move(runner));
  };
  add(&AddProduceCommand);
  add(&AddConsumeCommand);
  add(&AddParseCommand);
  add(&AddTopicCommand);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    int code = app.exit(error);
    return code == 0 ? kExitOk : kExitUsage;
  }

  InstallStopHandler();
  for (auto& [command, runner] : commands) {
    if (command->parsed()) return runner();
  }
  return kExitUsage;
}
