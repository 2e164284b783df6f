#include "pipeline/consume_job.h"

#include <fmt/format.h>

#include <algorithm>
#include <memory>
#include <thread>

#include "common/log.h"
#include "pipeline/batch.h"
#include "pipeline/dead_letter_writer.h"
#include "record/line_parser.h"
#include "search/index_name.h"
#include "search/index_template.h"

namespace logpipe::pipeline {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

constexpr milliseconds kPollInterval{100};

// The state of one run. It is the consumer's rebalance listener, because a
// revocation must flush the batch before partitions move to another member.
class ConsumeRun : public kafka::RebalanceListener {
 public:
  ConsumeRun(const ConsumeOptions& options, const std::atomic<bool>& stop, ConsumeSummary* summary)
      : options_(options),
        stop_(stop),
        summary_(summary),
        started_at_(options.kafka.started_at != std::chrono::system_clock::time_point{}
                        ? options.kafka.started_at
                        : std::chrono::system_clock::now()),
        batch_(options.index_pattern, options.document, options.batch_size) {}

  Status Start();
  // Runs until max_duration after `started`, idle_timeout or a stop.
  Status Loop(Clock::time_point started);
  Status Finish();

  // Forgets the unresolved batch without committing it, so leaving the group
  // after a failure does not try to index it again.
  void Abandon() { batch_.Clear(); }

  void OnPartitionsRevoked(const std::vector<kafka::PartitionOffset>& partitions) override;

 private:
  void Accept(const rd_kafka_message_t& message);
  void WatchForShutdown(std::stop_token finished);
  Status Flush(milliseconds give_up_after, const char* trigger);
  void RecordCommitted(const std::vector<kafka::PartitionOffset>& offsets);

  const ConsumeOptions& options_;
  const std::atomic<bool>& stop_;
  // Set shutdown_timeout after stop_, to end a bulk retry loop that would
  // otherwise keep a stopping process alive until give_up_after.
  std::atomic<bool> abandon_{false};
  std::jthread shutdown_watch_;
  ConsumeSummary* summary_;
  // The caller's start time, or the construction time, which precedes the
  // template install and the group join.
  std::chrono::system_clock::time_point started_at_;
  Batch batch_;

  std::unique_ptr<search::HttpClient> http_;
  std::unique_ptr<DeadLetterWriter> dead_letters_;
  std::unique_ptr<kafka::Consumer> consumer_;
  Status flush_failure_;  // set when a flush inside a rebalance failed
  log::RateLimiter reject_log_{20, std::chrono::seconds(10)};
  log::RateLimiter event_log_{10, std::chrono::seconds(10)};
};

Status ConsumeRun::Start() {
  Status status = search::ValidateIndexPattern(options_.index_pattern);
  if (!status.ok()) return status;
  if (options_.batch_size == 0) return Status::InvalidArgument("invalid --batch-size 0: must be at least 1");

  status = search::HttpClient::Create(options_.search, &http_);
  if (!status.ok()) return status;

  kafka::ProducerOptions producer_options;
  producer_options.bootstrap_servers = options_.kafka.bootstrap_servers;
  producer_options.properties = options_.kafka.properties;
  producer_options.properties.emplace(producer_options.properties.begin(), "client.id", "logpipe-dead-letter-producer");
  // Consumer-only properties in -X would make the producer refuse to start.
  std::erase_if(producer_options.properties, [](const auto& property) {
    static constexpr std::string_view kConsumerOnly[] = {"group.id", "auto.offset.reset", "enable.auto.commit",
                                                          "session.timeout.ms", "heartbeat.interval.ms",
                                                          "max.poll.interval.ms", "fetch.max.bytes",
                                                          "max.partition.fetch.bytes", "queued.max.messages.kbytes",
                                                          "fetch.wait.max.ms", "enable.partition.eof",
                                                          "enable.auto.offset.store", "group.instance.id",
                                                          "partition.assignment.strategy"};
    return std::find(std::begin(kConsumerOnly), std::end(kConsumerOnly), property.first) != std::end(kConsumerOnly);
  });
  status = DeadLetterWriter::Create(producer_options, options_.dead_letter_topic, &dead_letters_);
  if (!status.ok()) return status;

  kafka::ConsumerOptions consumer_options = options_.kafka;
  consumer_options.started_at = started_at_;
  status = kafka::Consumer::Create(consumer_options, this, &consumer_);
  if (!status.ok()) return status;

  // The template goes in only once every option has been checked, so a bad
  // -X property changes nothing in the cluster.
  if (options_.install_template) {
    std::string body = search::BuildIndexTemplate(search::IndexGlob(options_.index_pattern), options_.replicas,
                                                  options_.shards);
    status = search::InstallIndexTemplate(*http_, options_.template_name, body);
    if (!status.ok()) return status;
    log::Info("consume", "index template {} installed for {}", options_.template_name,
              search::IndexGlob(options_.index_pattern));
  }

  status = consumer_->Subscribe();
  if (!status.ok()) return status;

  log::Info("consume", "consuming {} as group {} from {}; indexing into {} at {}",
            fmt::join(options_.kafka.topics, ","), options_.kafka.group_id, options_.kafka.bootstrap_servers,
            options_.index_pattern, http_->redacted_url());
  return Status::Ok();
}

void ConsumeRun::Accept(const rd_kafka_message_t& message) {
  ++summary_->polled;
  std::string_view line(static_cast<const char*>(message.payload), message.payload == nullptr ? 0 : message.len);
  SourcePosition source{rd_kafka_topic_name(message.rkt), message.partition, message.offset};

  record::AccessRecord record;
  record::ParseError error = record::ParseLine(line, &record);
  if (error == record::ParseError::kNone) {
    ++summary_->parsed;
    batch_.AddDocument(source, line, record);
    return;
  }

  ++summary_->rejected;
  const char* reason = record::Describe(error);
  batch_.AddReject(source, line, reason);
  uint64_t suppressed = 0;
  if (reject_log_.Admit(&suppressed)) {
    log::Warn("consume", "rejected {}[{}] offset {}: {}; sending it to {}{}", source.topic, source.partition,
              source.offset, reason, options_.dead_letter_topic, log::SuppressedNote(suppressed));
  }
}

Status ConsumeRun::Flush(milliseconds give_up_after, const char* trigger) {
  if (batch_.empty()) return Status::Ok();

  // 1. Index the documents; items the node rejects for good come back as
  //    not indexed and join the parse rejects as dead letters.
  std::vector<PendingDocument> documents = batch_.Documents();
  if (!documents.empty()) {
    std::vector<search::BulkItem> items;
    items.reserve(documents.size());
    for (const PendingDocument& document : documents) items.push_back({document.index, document.id, document.document});

    search::BulkIndexer::Options bulk_options = options_.bulk;
    bulk_options.give_up_after = std::min(bulk_options.give_up_after, give_up_after);
    search::BulkIndexer indexer(http_.get(), bulk_options);
    std::vector<search::ItemFinal> finals;
    ++summary_->bulk_requests;
    Status status = indexer.Index(items, &finals, &abandon_);
    if (!status.ok()) {
      std::string message = fmt::format("indexing a batch of {} documents failed: {}; its offsets are not committed, "
                                        "so the next run reads them again", items.size(), status.message());
      return status.transient() ? Status::Transient(std::move(message)) : Status::Permanent(std::move(message));
    }
    uint64_t indexed = 0;
    for (size_t i = 0; i < finals.size(); ++i) {
      if (finals[i].indexed) {
        ++indexed;
      } else {
        batch_.MarkIndexFailure(i, finals[i].reason);
      }
    }
    summary_->indexed += indexed;
  }

  // 2. Dead-letter the rejects and the failed documents, and wait for the
  //    broker to acknowledge them.
  std::vector<DeadLetter> letters = batch_.DeadLetters();
  Status status = dead_letters_->Write(letters, options_.dead_letter_timeout);
  if (!status.ok()) return status;
  summary_->dead_lettered += letters.size();

  // 3. Only now is every record of the batch resolved: commit.
  std::vector<kafka::PartitionOffset> offsets = batch_.CommitOffsets();
  status = consumer_->Commit(offsets);
  if (!status.ok()) {
    // The records are indexed; reading them again overwrites the same _id,
    // so a failed commit costs work, not duplicates.
    return status;
  }
  RecordCommitted(offsets);
  log::Info("consume", "flushed {} records ({}): {} indexed, {} dead-lettered so far; committed {} partitions",
            batch_.record_count(), trigger, summary_->indexed, summary_->dead_lettered, offsets.size());
  batch_.Clear();
  return Status::Ok();
}

void ConsumeRun::RecordCommitted(const std::vector<kafka::PartitionOffset>& offsets) {
  for (const kafka::PartitionOffset& offset : offsets) {
    auto found = std::find_if(summary_->committed.begin(), summary_->committed.end(), [&](const auto& entry) {
      return entry.topic == offset.topic && entry.partition == offset.partition;
    });
    if (found == summary_->committed.end()) {
      summary_->committed.push_back(offset);
    } else {
      found->offset = offset.offset;
    }
  }
}

void ConsumeRun::OnPartitionsRevoked(const std::vector<kafka::PartitionOffset>&) {
  // Everything held is flushed, not only the revoked partitions' records:
  // with the eager protocol every partition is revoked at once.
  Status status = Flush(options_.shutdown_timeout, "partitions revoked");
  if (!status.ok()) {
    log::Error("consume", "flushing before releasing partitions failed: {}; dropping the uncommitted batch from "
               "memory, the next owner reads it again", status.message());
    batch_.Clear();
    if (flush_failure_.ok()) flush_failure_ = status;
  }
}

void ConsumeRun::WatchForShutdown(std::stop_token finished) {
  while (!finished.stop_requested() && !stop_.load()) std::this_thread::sleep_for(kPollInterval);
  auto deadline = Clock::now() + options_.shutdown_timeout;
  while (!finished.stop_requested() && Clock::now() < deadline) std::this_thread::sleep_for(kPollInterval);
  if (!finished.stop_requested()) {
    log::Error("consume", "shutdown timeout of {} ms reached; abandoning the batch without committing it",
               options_.shutdown_timeout.count());
    abandon_.store(true);
  }
}

Status ConsumeRun::Loop(Clock::time_point started) {
  shutdown_watch_ = std::jthread([this](std::stop_token finished) { WatchForShutdown(finished); });
  auto last_record = started;

  while (!stop_.load()) {
    auto now = Clock::now();
    if (now - started >= options_.max_duration) {
      log::Info("consume", "max duration of {} ms reached", options_.max_duration.count());
      break;
    }
    if (now - last_record >= options_.idle_timeout) {
      log::Info("consume", "no record for {} ms (idle timeout); ending the run", options_.idle_timeout.count());
      break;
    }

    kafka::MessagePtr message = consumer_->Poll(kPollInterval);
    if (!flush_failure_.ok()) return flush_failure_;
    if (!message) continue;

    if (message->err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      if (message->err == RD_KAFKA_RESP_ERR__FATAL) {
        return Status::Permanent(fmt::format("Kafka consumer fatal error: {}", rd_kafka_message_errstr(message.get())));
      }
      uint64_t suppressed = 0;
      if (event_log_.Admit(&suppressed)) {
        log::Warn("consume", "consumer event: {}{}", rd_kafka_message_errstr(message.get()),
                  log::SuppressedNote(suppressed));
      }
      continue;
    }

    last_record = Clock::now();
    Accept(*message);
    if (batch_.record_count() >= options_.batch_size) {
      Status status = Flush(options_.bulk.give_up_after, "batch full");
      if (!status.ok()) return status;
      last_record = Clock::now();  // time spent indexing is not idle time
    }
  }
  return Status::Ok();
}

Status ConsumeRun::Finish() {
  if (!consumer_->ever_assigned() && !stop_.load()) {
    // A member always gets an assignment, possibly empty, once it joins, so
    // none at all means the group was never reached.
    consumer_->Close();
    return Status::Transient(fmt::format(
        "no partition assignment from group {} during the whole run: the brokers at {} were not reached or the "
        "group did not form; check --bootstrap-servers and the broker logs",
        options_.kafka.group_id, options_.kafka.bootstrap_servers));
  }

  const char* trigger = stop_.load() ? "shutdown" : "end of run";
  milliseconds limit = stop_.load() ? options_.shutdown_timeout : options_.bulk.give_up_after;
  Status status = Flush(limit, trigger);
  // A batch that failed is not flushed again when Close() revokes the
  // partitions: its offsets stay uncommitted and the next run reads it.
  if (!status.ok()) Abandon();
  Status closed = consumer_->Close();
  if (!status.ok()) return status;
  if (!flush_failure_.ok()) return flush_failure_;
  return closed;
}

}  // namespace

Status RunConsume(const ConsumeOptions& options, const std::atomic<bool>& stop, ConsumeSummary* summary) {
  *summary = ConsumeSummary();
  auto started = Clock::now();
  ConsumeRun run(options, stop, summary);

  Status status = run.Start();
  if (status.ok()) {
    status = run.Loop(started);
    if (status.ok()) {
      status = run.Finish();
    } else {
      // Leave the group without committing the unresolved batch.
      log::Error("consume", "{}", status.message());
      run.Abandon();
    }
  }
  summary->elapsed = std::chrono::duration_cast<milliseconds>(Clock::now() - started);
  return status;
}

}  // namespace logpipe::pipeline
