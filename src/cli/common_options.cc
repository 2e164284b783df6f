#include "cli/common_options.h"

#include <fmt/format.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <fstream>

#include "common/log.h"

namespace logpipe::cli {
namespace {

std::atomic<bool> g_stop{false};
std::atomic<int> g_signals{0};

void OnSignal(int) {
  if (g_signals.fetch_add(1) >= 1) _exit(130);
  g_stop.store(true);
  static const char kMessage[] = "logpipe: stop requested; finishing the current batch (signal again to exit now)\n";
  ssize_t ignored = write(STDERR_FILENO, kMessage, sizeof(kMessage) - 1);
  (void)ignored;
}

}  // namespace

const CLI::Range kSeconds(0.001, 30.0 * 24 * 3600, "SECONDS");
const CLI::Range kMilliseconds(1.0, 30.0 * 24 * 3600 * 1000, "MILLISECONDS");

int ExitCodeFor(const Status& status) {
  if (status.ok()) return kExitOk;
  return status.kind() == Status::Kind::kInvalidArgument ? kExitUsage : kExitFailed;
}

void KafkaFlags::Register(CLI::App* command) {
  command->add_option("-b,--bootstrap-servers", bootstrap_servers, "Kafka bootstrap servers, host:port[,host:port...]")
      ->envname("LOGPIPE_BOOTSTRAP_SERVERS")
      ->capture_default_str();
  command->add_option("-X", properties,
                      "librdkafka property key=value, repeatable (e.g. -X linger.ms=5); applied after logpipe's "
                      "defaults and --kafka-config. Put secrets in --kafka-config, not on the command line")
      ->allow_extra_args(false);
  command->add_option("--kafka-config", config_file,
                      "file of librdkafka properties, one key=value per line, # for comments (for SASL passwords "
                      "and other secrets)")
      ->envname("LOGPIPE_KAFKA_CONFIG");
}

Status KafkaFlags::Resolve(kafka::Properties* out) const {
  out->clear();
  if (!config_file.empty()) {
    std::ifstream file(config_file);
    if (!file) {
      return Status::InvalidArgument(fmt::format("opening Kafka config file {} failed: {}", config_file,
                                                 std::strerror(errno)));
    }
    std::string line;
    int number = 0;
    while (std::getline(file, line)) {
      ++number;
      size_t first = line.find_first_not_of(" \t\r");
      if (first == std::string::npos || line[first] == '#') continue;
      size_t last = line.find_last_not_of(" \t\r");
      std::pair<std::string, std::string> property;
      Status status = kafka::ParseProperty(std::string_view(line).substr(first, last - first + 1), &property);
      if (!status.ok()) {
        return Status::InvalidArgument(fmt::format("{} line {}: {}", config_file, number, status.message()));
      }
      out->push_back(std::move(property));
    }
  }
  for (const std::string& text : properties) {
    std::pair<std::string, std::string> property;
    Status status = kafka::ParseProperty(text, &property);
    if (!status.ok()) return status;
    out->push_back(std::move(property));
  }
  return Status::Ok();
}

void InstallStopHandler() {
  struct sigaction action {};
  action.sa_handler = OnSignal;
  sigemptyset(&action.sa_mask);
  sigaction(SIGINT, &action, nullptr);
  sigaction(SIGTERM, &action, nullptr);
}

std::atomic<bool>& StopFlag() { return g_stop; }

void RegisterLogLevel(CLI::App* app) {
  app->add_option_function<std::string>(
         "--log-level",
         [](const std::string& text) {
           log::Level level;
           if (!log::ParseLevel(text, &level)) {
             throw CLI::ValidationError("--log-level", "invalid level '" + text + "': use debug, info, warn or error");
           }
           log::SetLevel(level);
         },
         "lowest level of log lines written to stderr: debug, info, warn or error (default info)")
      ->envname("LOGPIPE_LOG_LEVEL");
}

Status ReadSecret(const std::string& path, const char* env, std::string* out) {
  if (path.empty()) {
    const char* value = std::getenv(env);
    if (value != nullptr) out->assign(value);
    return Status::Ok();
  }
  std::ifstream file(path);
  if (!file) {
    return Status::InvalidArgument(fmt::format("opening secret file {} failed: {}", path, std::strerror(errno)));
  }
  std::getline(file, *out);
  if (!out->empty() && out->back() == '\r') out->pop_back();
  return Status::Ok();
}

}  // namespace logpipe::cli
