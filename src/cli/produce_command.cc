#include <fmt/format.h>

#include <cstdio>

#include "cli/commands.h"
#include "cli/common_options.h"
#include "common/log.h"
#include "pipeline/produce_job.h"

namespace logpipe::cli {
namespace {

struct ProduceFlags {
  KafkaFlags kafka;
  pipeline::ProduceOptions options;
  uint64_t seed = 0;
  double flush_timeout_seconds = 120;
  bool json = false;
};

// Prints the run summary; the seed only for synthetic runs, where it can
// repeat the run.
void PrintSummary(const pipeline::ProduceSummary& summary, bool json, bool synthetic) {
  std::string seed = synthetic ? fmt::format("{}", summary.seed) : "";
  if (json) {
    fmt::print("{{\"requested\":{},\"delivered\":{},\"failed\":{},\"elapsed_ms\":{}{}{}}}\n", summary.requested,
               summary.delivered, summary.failed, summary.elapsed.count(), synthetic ? ",\"seed\":" : "", seed);
  } else {
    fmt::print("produce summary\n  requested  {}\n  delivered  {}\n  failed     {}\n  elapsed    {:.3f} s\n",
               summary.requested, summary.delivered, summary.failed,
               std::chrono::duration<double>(summary.elapsed).count());
    if (synthetic) fmt::print("  seed       {}\n", seed);
  }
  std::fflush(stdout);
}

}  // namespace

Runner AddProduceCommand(CLI::App* app) {
  auto flags = std::make_shared<ProduceFlags>();
  CLI::App* command = app->add_subcommand(
      "produce", "Generate synthetic access-log lines (or read them from a file) and publish one Kafka message each");
  flags->kafka.Register(command);
  command->add_option("-t,--topic", flags->options.topic, "topic to publish to")
      ->envname("LOGPIPE_TOPIC")
      ->capture_default_str();
  command->add_option("-n,--count", flags->options.count, "number of synthetic lines to generate")
      ->check(CLI::Range(uint64_t{0}, uint64_t{1} << 40))
      ->capture_default_str();
  command->add_option("--seed", flags->seed, "seed of the generator, for a reproducible run (default: random)");
  command->add_option("-i,--input", flags->options.input_path,
                      "publish the lines of this file instead of synthetic ones ('-' reads stdin); --count is "
                      "then ignored")
      ->check(CLI::ExistingFile | CLI::IsMember({"-"}));
  command->add_option("--flush-timeout", flags->flush_timeout_seconds,
                      "seconds to wait at the end for delivery reports; lines still undelivered then count as failed")
      ->check(kSeconds)
      ->capture_default_str();
  command->add_flag("--json", flags->json, "print the run summary as one JSON object");

  return [flags, command]() {
    pipeline::ProduceOptions& options = flags->options;
    if (command->count("--seed") > 0) options.seed = flags->seed;
    options.kafka.bootstrap_servers = flags->kafka.bootstrap_servers;
    options.flush_timeout = std::chrono::milliseconds(static_cast<int64_t>(flags->flush_timeout_seconds * 1000));
    Status status = flags->kafka.Resolve(&options.kafka.properties);
    if (!status.ok()) {
      log::Error("produce", "{}", status.message());
      return ExitCodeFor(status);
    }

    pipeline::ProduceSummary summary;
    status = pipeline::RunProduce(options, StopFlag(), &summary);
    if (status.kind() == Status::Kind::kInvalidArgument) {
      // Nothing ran, so there is no summary to print.
      log::Error("produce", "{}", status.message());
      return ExitCodeFor(status);
    }
    PrintSummary(summary, flags->json, options.input_path.empty());
    if (!status.ok()) {
      log::Error("produce", "{}", status.message());
      return ExitCodeFor(status);
    }
    if (summary.failed > 0 || summary.delivered != summary.requested) return kExitFailed;
    return kExitOk;
  };
}

}  // namespace logpipe::cli
