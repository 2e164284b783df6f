// Options and helpers shared by the subcommands: Kafka connection options,
// signal handling, and exit statuses.
#pragma once

#include <CLI/CLI.hpp>

#include <atomic>
#include <string>
#include <vector>

#include "common/status.h"
#include "kafka/client_config.h"

namespace logpipe::cli {

constexpr int kExitOk = 0;
constexpr int kExitFailed = 1;
constexpr int kExitUsage = 2;

// Maps a Status to an exit status: InvalidArgument → 2, other failures → 1.
int ExitCodeFor(const Status& status);

// Kafka options common to every subcommand that talks to a broker.
struct KafkaFlags {
  std::string bootstrap_servers = "127.0.0.1:9092";
  std::vector<std::string> properties;  // -X key=value
  std::string config_file;              // librdkafka properties, one key=value per line

  // Registers --bootstrap-servers, -X and --kafka-config on `command`.
  void Register(CLI::App* command);

  // Collects the config file's properties, then the -X ones (later wins).
  Status Resolve(kafka::Properties* out) const;
};

// Makes the first SIGINT or SIGTERM set StopFlag(), so the running job
// finishes its batch; a second one exits at once with status 130.
void InstallStopHandler();

// The process-wide stop flag that the handler sets.
std::atomic<bool>& StopFlag();

// Accepts a duration in seconds from 1 ms to 30 days, so that converting it
// to milliseconds cannot overflow.
extern const CLI::Range kSeconds;

// Accepts a duration in milliseconds from 1 ms to 30 days.
extern const CLI::Range kMilliseconds;

// Registers --log-level on the top-level app.
void RegisterLogLevel(CLI::App* app);

// Reads a secret from the file at `path` (trailing newline removed), or
// from the environment variable `env` when `path` is empty. Errors name the
// file or variable, never the content.
Status ReadSecret(const std::string& path, const char* env, std::string* out);

}  // namespace logpipe::cli
