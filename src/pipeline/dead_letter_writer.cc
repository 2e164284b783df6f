#include "pipeline/dead_letter_writer.h"

#include <fmt/format.h>

#include <array>

#include "common/log.h"

namespace logpipe::pipeline {

Status DeadLetterWriter::Create(const kafka::ProducerOptions& options, std::string topic,
                                std::unique_ptr<DeadLetterWriter>* out) {
  if (topic.empty()) return Status::InvalidArgument("the dead-letter topic is empty; pass --dlq-topic NAME");
  std::unique_ptr<DeadLetterWriter> writer(new DeadLetterWriter());
  Status status = kafka::Producer::Create(options, &writer->producer_);
  if (!status.ok()) return status;
  writer->topic_ = std::move(topic);
  *out = std::move(writer);
  return Status::Ok();
}

Status DeadLetterWriter::Write(std::span<const DeadLetter> letters, std::chrono::milliseconds timeout) {
  if (letters.empty()) return Status::Ok();
  uint64_t failed_before = producer_->failed();

  for (const DeadLetter& letter : letters) {
    std::string partition = std::to_string(letter.partition);
    std::string offset = std::to_string(letter.offset);
    std::array<kafka::MessageHeader, 5> headers = {{
        {"logpipe.stage", letter.stage},
        {"logpipe.reason", letter.reason},
        {"logpipe.source.topic", letter.topic},
        {"logpipe.source.partition", partition},
        {"logpipe.source.offset", offset},
    }};
    producer_->Produce(topic_, {}, letter.line, headers);  // a failure is counted by the producer
  }

  producer_->Flush(timeout);
  uint64_t failed = producer_->failed() - failed_before;
  if (failed > 0) {
    return Status::Transient(fmt::format("{} of {} records could not be written to dead-letter topic {}; their "
                                         "offsets are not committed, so they will be read again",
                                         failed, letters.size(), topic_));
  }
  return Status::Ok();
}

}  // namespace logpipe::pipeline
