#include "pipeline/produce_job.h"

#include <fmt/format.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <memory>
#include <random>

#include "common/log.h"
#include "synth/traffic_generator.h"

namespace logpipe::pipeline {
namespace {

using Clock = std::chrono::steady_clock;

int64_t UnixSecondsNow() {
  timespec now{};
  clock_gettime(CLOCK_REALTIME, &now);
  return now.tv_sec;
}

// Serves delivery reports and error callbacks every 1,024 lines, so a
// broker outage is logged while it happens, not only at the final flush,
// even when the local queue never fills (a slow stdin, say).
void ServeReports(kafka::Producer* producer, uint64_t produced) {
  if (produced % 1024 == 0) producer->Poll(std::chrono::milliseconds(0));
}

struct FileCloser {
  void operator()(FILE* file) const {
    if (file != stdin) fclose(file);
  }
};

// Publishes each line of `path` ("-" for stdin), without its line ending.
// Empty lines are published too: they are data the consumer must reject
// visibly, not something the producer may drop.
Status PublishFile(const ProduceOptions& options, const std::atomic<bool>& stop, kafka::Producer* producer,
                   ProduceSummary* summary) {
  std::unique_ptr<FILE, FileCloser> file(options.input_path == "-" ? stdin : fopen(options.input_path.c_str(), "rb"));
  if (!file) {
    return Status::InvalidArgument(fmt::format("opening input file {} failed: {}", options.input_path,
                                               std::strerror(errno)));
  }
  char* line = nullptr;  // reused by getline across lines
  size_t capacity = 0;
  ssize_t length;
  while (!stop.load() && (length = getline(&line, &capacity, file.get())) >= 0) {
    std::string_view text(line, static_cast<size_t>(length));
    if (!text.empty() && text.back() == '\n') text.remove_suffix(1);
    ++summary->requested;
    producer->Produce(options.topic, {}, text);  // a failure is counted by the producer and logged there
    ServeReports(producer, summary->requested);
  }
  free(line);
  if (ferror(file.get())) {
    return Status::Transient(fmt::format("reading input file {} failed: {}", options.input_path, std::strerror(errno)));
  }
  return Status::Ok();
}

void PublishSynthetic(const ProduceOptions& options, const std::atomic<bool>& stop, kafka::Producer* producer,
                      ProduceSummary* summary) {
  synth::TrafficGenerator generator(summary->seed);
  for (uint64_t i = 0; i < options.count && !stop.load(); ++i) {
    std::string_view line = generator.Next(UnixSecondsNow());
    ++summary->requested;
    producer->Produce(options.topic, {}, line);  // a failure is counted by the producer and logged there
    ServeReports(producer, summary->requested);
  }
}

}  // namespace

Status RunProduce(const ProduceOptions& options, const std::atomic<bool>& stop, ProduceSummary* summary) {
  *summary = ProduceSummary();
  summary->seed = options.seed ? *options.seed : std::random_device{}();
  auto started = Clock::now();

  std::unique_ptr<kafka::Producer> producer;
  Status status = kafka::Producer::Create(options.kafka, &producer);
  if (!status.ok()) return status;

  if (options.input_path.empty()) {
    log::Info("produce", "producing {} synthetic lines to topic {} at {} (seed {})", options.count, options.topic,
              options.kafka.bootstrap_servers, summary->seed);
    PublishSynthetic(options, stop, producer.get(), summary);
  } else {
    log::Info("produce", "producing the lines of {} to topic {} at {}", options.input_path, options.topic,
              options.kafka.bootstrap_servers);
    status = PublishFile(options, stop, producer.get(), summary);
  }
  if (stop.load()) log::Warn("produce", "stop requested after {} lines; flushing what was produced", summary->requested);

  Status flushed = producer->Flush(options.flush_timeout);
  summary->delivered = producer->delivered();
  summary->failed = producer->failed();
  summary->elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - started);

  if (!status.ok()) return status;
  return flushed;
}

}  // namespace logpipe::pipeline
