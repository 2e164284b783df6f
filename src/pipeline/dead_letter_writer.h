// DeadLetterWriter: publishes records that could not be indexed to the
// dead-letter topic, unchanged, with why and where from in headers:
//   logpipe.stage             "parse" or "index"
//   logpipe.reason            e.g. "impossible timestamp: no such date or time"
//   logpipe.source.topic      topic the record was read from
//   logpipe.source.partition  decimal partition number
//   logpipe.source.offset     decimal offset
// A record counts as dead-lettered only once the broker acknowledged it.
#pragma once

#include <chrono>
#include <memory>
#include <span>
#include <string>

#include "common/status.h"
#include "kafka/producer.h"
#include "pipeline/batch.h"

namespace logpipe::pipeline {

class DeadLetterWriter {
 public:
  static Status Create(const kafka::ProducerOptions& options, std::string topic,
                       std::unique_ptr<DeadLetterWriter>* out);

  // Publishes `letters` and waits up to `timeout` for every delivery report.
  // Returns non-ok unless every letter was acknowledged; the caller must then
  // not commit the letters' offsets, so they are read again later.
  Status Write(std::span<const DeadLetter> letters, std::chrono::milliseconds timeout);

  const std::string& topic() const { return topic_; }

 private:
  DeadLetterWriter() = default;

  std::unique_ptr<kafka::Producer> producer_;
  std::string topic_;
};

}  // namespace logpipe::pipeline
