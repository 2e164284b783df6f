#include <fmt/format.h>
#include <time.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <iterator>
#include <sstream>

#include "cli/commands.h"
#include "cli/common_options.h"
#include "common/json_writer.h"
#include "common/log.h"
#include "pipeline/consume_job.h"

namespace logpipe::cli {
namespace {

using std::chrono::milliseconds;

struct ConsumeFlags {
  KafkaFlags kafka;
  pipeline::ConsumeOptions options;
  std::vector<std::string> topics = {"access-logs"};
  std::string password_file;
  std::string api_key_file;
  double es_timeout_seconds = 60;
  double max_duration_seconds = 240;
  double idle_timeout_seconds = 15;
  double shutdown_timeout_seconds = 30;
  double retry_initial_ms = 200;
  double retry_max_seconds = 30;
  double retry_give_up_seconds = 45;
  bool no_template = false;
  bool json = false;
};

milliseconds Seconds(double seconds) { return milliseconds(static_cast<int64_t>(seconds * 1000)); }

// Returns when this process was started, from field 22 (starttime, in clock
// ticks after boot) of /proc/self/stat, rounded down to a tick (10 ms with
// the usual USER_HZ of 100). Returns the current time when that fails. A
// producer started after this process then writes records with later
// timestamps, which an in-process clock reading cannot promise because
// the two processes start up concurrently.
std::chrono::system_clock::time_point ProcessStartTime() {
  auto now = std::chrono::system_clock::now();
  std::ifstream file("/proc/self/stat");
  std::string stat((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());

  // Field 2, the command name, is in parentheses and may contain spaces, so
  // counting starts after the last ')', with field 3.
  size_t name_end = stat.rfind(')');
  if (name_end == std::string::npos) return now;
  std::istringstream fields(stat.substr(name_end + 1));
  std::string skipped;
  for (int field = 3; field < 22; ++field) fields >> skipped;
  unsigned long long start_ticks = 0;
  long ticks_per_second = sysconf(_SC_CLK_TCK);
  timespec since_boot{};
  if (!(fields >> start_ticks) || ticks_per_second <= 0 || clock_gettime(CLOCK_BOOTTIME, &since_boot) != 0) return now;

  auto age = std::chrono::seconds(since_boot.tv_sec) + std::chrono::nanoseconds(since_boot.tv_nsec) -
             milliseconds(static_cast<int64_t>(start_ticks * 1000 / static_cast<unsigned long long>(ticks_per_second)));
  if (age < std::chrono::nanoseconds::zero()) return now;
  return now - std::chrono::duration_cast<std::chrono::system_clock::duration>(age);
}

void PrintSummary(const pipeline::ConsumeSummary& summary, bool json) {
  if (json) {
    std::string out;
    JsonWriter writer(&out);
    writer.BeginObject();
    writer.Field("polled", static_cast<int64_t>(summary.polled));
    writer.Field("parsed", static_cast<int64_t>(summary.parsed));
    writer.Field("rejected", static_cast<int64_t>(summary.rejected));
    writer.Field("indexed", static_cast<int64_t>(summary.indexed));
    writer.Field("dead_lettered", static_cast<int64_t>(summary.dead_lettered));
    writer.Field("bulk_requests", static_cast<int64_t>(summary.bulk_requests));
    writer.Field("elapsed_ms", static_cast<int64_t>(summary.elapsed.count()));
    writer.Key("committed");
    writer.BeginArray();
    for (const auto& entry : summary.committed) {
      writer.BeginObject();
      writer.Field("topic", entry.topic);
      writer.Field("partition", static_cast<int64_t>(entry.partition));
      writer.Field("offset", entry.offset);
      writer.EndObject();
    }
    writer.EndArray();
    writer.EndObject();
    fmt::print("{}\n", out);
  } else {
    fmt::print("consume summary\n  polled         {}\n  parsed         {}\n  rejected       {}\n  indexed        {}\n"
               "  dead-lettered  {}\n  bulk requests  {}\n  elapsed        {:.3f} s\n",
               summary.polled, summary.parsed, summary.rejected, summary.indexed, summary.dead_lettered,
               summary.bulk_requests, std::chrono::duration<double>(summary.elapsed).count());
    for (const auto& entry : summary.committed) {
      fmt::print("  committed      {}[{}] next offset {}\n", entry.topic, entry.partition, entry.offset);
    }
  }
  std::fflush(stdout);
}

}  // namespace

Runner AddConsumeCommand(CLI::App* app) {
  auto flags = std::make_shared<ConsumeFlags>();
  pipeline::ConsumeOptions& options = flags->options;
  CLI::App* command = app->add_subcommand(
      "consume", "Read access-log lines from a Kafka consumer group, parse them and index them with _bulk requests");

  flags->kafka.Register(command);
  command->add_option("-t,--topic", flags->topics, "topic to consume, repeatable")
      ->allow_extra_args(false)
      ->envname("LOGPIPE_TOPIC")
      ->capture_default_str();
  command->add_option("-g,--group", options.kafka.group_id, "consumer group id")
      ->envname("LOGPIPE_GROUP")
      ->capture_default_str();
  command->add_option("--dlq-topic", options.dead_letter_topic,
                      "dead-letter topic for records that do not parse or that the index rejects")
      ->envname("LOGPIPE_DLQ_TOPIC")
      ->capture_default_str();

  options.search.url = "http://127.0.0.1:9200";
  command->add_option("--es-url", options.search.url, "Elasticsearch or OpenSearch base URL")
      ->envname("LOGPIPE_ES_URL")
      ->capture_default_str();
  command->add_option("--es-user", options.search.username, "user name for basic auth")->envname("LOGPIPE_ES_USER");
  command->add_option("--es-password-file", flags->password_file,
                      "file holding the basic-auth password (default: the LOGPIPE_ES_PASSWORD environment variable)")
      ->check(CLI::ExistingFile);
  command->add_option("--es-api-key-file", flags->api_key_file,
                      "file holding an API key, sent as 'Authorization: ApiKey KEY' (default: the LOGPIPE_ES_API_KEY "
                      "environment variable)")
      ->check(CLI::ExistingFile);
  command->add_option("--es-ca-file", options.search.ca_file, "PEM file of CA certificates for https")
      ->check(CLI::ExistingFile);
  command->add_flag("--es-insecure", [&options](int64_t) { options.search.tls_verify = false; },
                    "skip TLS certificate and host name verification (testing only)");
  command->add_option("--es-timeout", flags->es_timeout_seconds, "seconds one HTTP request may take")
      ->check(kSeconds)
      ->capture_default_str();

  command->add_option("--index-pattern", options.index_pattern,
                      "index name, with %Y %m %d replaced by the event's UTC date")
      ->envname("LOGPIPE_INDEX_PATTERN")
      ->capture_default_str();
  command->add_option("--template-name", options.template_name, "name of the index template installed at start")
      ->capture_default_str();
  command->add_flag("--no-template", flags->no_template, "do not install the index template");
  command->add_option("--replicas", options.replicas, "number_of_replicas of new indices")
      ->check(CLI::Range(0, 16))
      ->capture_default_str();
  command->add_option("--shards", options.shards, "number_of_shards of new indices")
      ->check(CLI::Range(1, 1024))
      ->capture_default_str();
  command->add_flag("--event-original", options.document.include_event_original,
                    "also store the raw line in event.original");

  command->add_option("--batch-size", options.batch_size, "records per _bulk request")
      ->check(CLI::Range(size_t{1}, size_t{1000000}))
      ->capture_default_str();
  command->add_option("--max-duration", flags->max_duration_seconds, "seconds after which the run ends")
      ->check(kSeconds)
      ->capture_default_str();
  command->add_option("--idle-timeout", flags->idle_timeout_seconds, "seconds without a record after which the run ends")
      ->check(kSeconds)
      ->capture_default_str();
  command->add_option("--shutdown-timeout", flags->shutdown_timeout_seconds,
                      "seconds the final flush may take after SIGTERM or SIGINT")
      ->check(kSeconds)
      ->capture_default_str();
  command->add_option("--retry-initial", flags->retry_initial_ms, "milliseconds before the first bulk retry")
      ->check(kMilliseconds)
      ->capture_default_str();
  command->add_option("--retry-max", flags->retry_max_seconds, "seconds, upper bound of one retry delay")
      ->check(kSeconds)
      ->capture_default_str();
  command->add_option("--retry-give-up", flags->retry_give_up_seconds,
                      "seconds one batch may spend retrying before the run fails without committing it (the next "
                      "run reads it again). With the default --max-duration, a run ends within 5 minutes, the "
                      "schedule's interval")
      ->check(kSeconds)
      ->capture_default_str();
  command->add_option("--refresh", options.bulk.refresh,
                      "refresh parameter of each _bulk request: true, false or wait_for (default: not sent, so the "
                      "index's refresh interval applies)")
      ->check(CLI::IsMember({"true", "false", "wait_for"}));
  command->add_flag("--json", flags->json, "print the run summary as one JSON object");

  return [flags]() {
    pipeline::ConsumeOptions& run_options = flags->options;
    run_options.kafka.topics = flags->topics;
    run_options.kafka.bootstrap_servers = flags->kafka.bootstrap_servers;
    run_options.kafka.started_at = ProcessStartTime();  // the CLI makes one run per process
    run_options.install_template = !flags->no_template;
    run_options.search.request_timeout = Seconds(flags->es_timeout_seconds);
    run_options.max_duration = Seconds(flags->max_duration_seconds);
    run_options.idle_timeout = Seconds(flags->idle_timeout_seconds);
    run_options.shutdown_timeout = Seconds(flags->shutdown_timeout_seconds);
    run_options.bulk.retry_initial = milliseconds(static_cast<int64_t>(flags->retry_initial_ms));
    run_options.bulk.retry_max = Seconds(flags->retry_max_seconds);
    run_options.bulk.give_up_after = Seconds(flags->retry_give_up_seconds);

    Status status = flags->kafka.Resolve(&run_options.kafka.properties);
    if (status.ok()) status = ReadSecret(flags->password_file, "LOGPIPE_ES_PASSWORD", &run_options.search.password);
    if (status.ok()) status = ReadSecret(flags->api_key_file, "LOGPIPE_ES_API_KEY", &run_options.search.api_key);
    if (!status.ok()) {
      log::Error("consume", "{}", status.message());
      return ExitCodeFor(status);
    }

    pipeline::ConsumeSummary summary;
    status = pipeline::RunConsume(run_options, StopFlag(), &summary);
    if (status.kind() == Status::Kind::kInvalidArgument) {
      // Nothing ran, so there is no summary to print.
      log::Error("consume", "{}", status.message());
      return ExitCodeFor(status);
    }
    PrintSummary(summary, flags->json);
    if (!status.ok()) {
      log::Error("consume", "run failed: {}", status.message());
      return ExitCodeFor(status);
    }
    return kExitOk;
  };
}

}  // namespace logpipe::cli
