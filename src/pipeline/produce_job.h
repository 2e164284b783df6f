// The produce job: generates synthetic access-log lines (or reads them from
// a file) and publishes each as one Kafka message, one produce call per line.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include "common/status.h"
#include "kafka/producer.h"

namespace logpipe::pipeline {

struct ProduceOptions {
  kafka::ProducerOptions kafka;
  std::string topic = "access-logs";
  uint64_t count = 15000;                 // synthetic lines to generate
  std::optional<uint64_t> seed;           // generator seed; random when absent
  std::string input_path;                 // when set, publish this file's lines ("-" = stdin) instead
  std::chrono::milliseconds flush_timeout{std::chrono::minutes(2)};  // wait for delivery reports at the end
};

struct ProduceSummary {
  uint64_t requested = 0;  // lines handed to the producer
  uint64_t delivered = 0;  // acknowledged by the broker (acks=all)
  uint64_t failed = 0;     // rejected locally or by the broker, or undelivered at the deadline
  std::chrono::milliseconds elapsed{0};
  uint64_t seed = 0;       // the seed used, so a random run can be repeated
};

// Runs one produce job. Stops early (and still flushes) when `stop` is set.
// Returns non-ok when the producer could not start or any line was not
// delivered; `summary` is filled in either case.
Status RunProduce(const ProduceOptions& options, const std::atomic<bool>& stop, ProduceSummary* summary);

}  // namespace logpipe::pipeline
