#include "kafka/consumer.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstring>

#include "common/log.h"

namespace logpipe::kafka {
namespace {

constexpr int kMetadataTimeoutMs = 10000;

struct PartitionListDeleter {
  void operator()(rd_kafka_topic_partition_list_t* list) const { rd_kafka_topic_partition_list_destroy(list); }
};
using PartitionListPtr = std::unique_ptr<rd_kafka_topic_partition_list_t, PartitionListDeleter>;

std::vector<PartitionOffset> ToOffsets(const rd_kafka_topic_partition_list_t* partitions) {
  std::vector<PartitionOffset> result;
  result.reserve(static_cast<size_t>(partitions->cnt));
  for (int i = 0; i < partitions->cnt; ++i) {
    const rd_kafka_topic_partition_t& p = partitions->elems[i];
    result.push_back({p.topic, p.partition, p.offset});
  }
  return result;
}

// Logs and frees the result of an incremental assignment change. A null
// result means success.
void LogAssignmentError(rd_kafka_error_t* error, const char* action, int partitions) {
  if (error == nullptr) return;
  log::Error("kafka", "changing the assignment ({} {} partitions) failed: {}", action, partitions,
             rd_kafka_error_string(error));
  rd_kafka_error_destroy(error);
}

}  // namespace

Status Consumer::Create(const ConsumerOptions& options, RebalanceListener* listener, std::unique_ptr<Consumer>* out) {
  if (options.group_id.empty()) return Status::InvalidArgument("the consumer group id is empty; pass --group NAME");
  if (options.topics.empty()) return Status::InvalidArgument("no topic to consume; pass --topic NAME");

  // Memory is bounded by librdkafka's fetch and queue limits, set here
  // because queued.max.messages.kbytes defaults to 64 MiB per partition.
  // These allow about 16 MiB of prefetched messages per partition and
  // 8 MiB per fetch response.
  Properties defaults = {
      {"bootstrap.servers", options.bootstrap_servers},
      {"group.id", options.group_id},
      {"client.id", "logpipe-consumer"},
      {"enable.auto.commit", "false"},
      {"enable.auto.offset.store", "false"},
      {"auto.offset.reset", "latest"},
      {"enable.partition.eof", "false"},
      {"queued.max.messages.kbytes", "16384"},
      {"fetch.max.bytes", "8388608"},
      {"max.partition.fetch.bytes", "1048576"},
      {"fetch.wait.max.ms", "100"},
      {"session.timeout.ms", "10000"},
      {"heartbeat.interval.ms", "2000"},
  };

  ConfPtr conf;
  Status status = BuildConf(defaults, options.properties, &conf);
  if (!status.ok()) return status;

  std::unique_ptr<Consumer> consumer(new Consumer());
  consumer->listener_ = listener;
  consumer->options_ = options;
  const std::string* reset = FindProperty(options.properties, "auto.offset.reset");
  consumer->reset_to_earliest_ =
      reset != nullptr && (*reset == "earliest" || *reset == "smallest" || *reset == "beginning");
  rd_kafka_conf_set_rebalance_cb(conf.get(), &Consumer::OnRebalance);
  rd_kafka_conf_set_opaque(conf.get(), consumer.get());

  char error[512];
  consumer->handle_ = rd_kafka_new(RD_KAFKA_CONSUMER, conf.get(), error, sizeof(error));
  if (consumer->handle_ == nullptr) {
    return Status::InvalidArgument(fmt::format("creating the Kafka consumer failed: {}", error));
  }
  conf.release();  // rd_kafka_new took ownership
  rd_kafka_poll_set_consumer(consumer->handle_);

  consumer->RecordStartupEnds();
  *out = std::move(consumer);
  return Status::Ok();
}

Consumer::~Consumer() {
  if (handle_ == nullptr) return;
  if (!closed_) Close();
  rd_kafka_destroy(handle_);
}

void Consumer::RecordStartupEnds() {
  for (const std::string& topic : options_.topics) {
    rd_kafka_topic_t* topic_handle = rd_kafka_topic_new(handle_, topic.c_str(), nullptr);
    const rd_kafka_metadata_t* metadata = nullptr;
    rd_kafka_resp_err_t error = rd_kafka_metadata(handle_, 0, topic_handle, &metadata, kMetadataTimeoutMs);
    rd_kafka_topic_destroy(topic_handle);
    if (error != RD_KAFKA_RESP_ERR_NO_ERROR) {
      log::Warn("kafka", "reading metadata of topic {} failed: {}; partitions without a committed offset will start "
                "at their end when assigned", topic, rd_kafka_err2str(error));
      continue;
    }
    for (int t = 0; t < metadata->topic_cnt; ++t) {
      const rd_kafka_metadata_topic_t& info = metadata->topics[t];
      if (info.err != RD_KAFKA_RESP_ERR_NO_ERROR) {
        log::Info("kafka", "topic {} does not exist yet ({}); its partitions will be read from the beginning once "
                  "created", topic, rd_kafka_err2str(info.err));
        continue;
      }
      for (int p = 0; p < info.partition_cnt; ++p) {
        int32_t partition = info.partitions[p].id;
        int64_t low = 0, high = 0;
        error = rd_kafka_query_watermark_offsets(handle_, topic.c_str(), partition, &low, &high, kMetadataTimeoutMs);
        if (error == RD_KAFKA_RESP_ERR_NO_ERROR) startup_end_offsets_[{topic, partition}] = high;
      }
    }
    rd_kafka_metadata_destroy(metadata);
  }
  MoveStartupEndsToStartTime();
}

void Consumer::MoveStartupEndsToStartTime() {
  if (startup_end_offsets_.empty() || options_.started_at == std::chrono::system_clock::time_point{}) return;
  int64_t started_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(options_.started_at.time_since_epoch()).count();

  // rd_kafka_offsets_for_times takes the timestamp in the offset field and
  // returns the first offset whose timestamp is at or after it, or -1.
  // NOTE: this trusts record timestamps. A producer whose clock is behind
  // this host's, or that sets older CreateTimes, can still lose the records
  // it wrote between the run's start and the end-offset query above.
  PartitionListPtr list(rd_kafka_topic_partition_list_new(static_cast<int>(startup_end_offsets_.size())));
  for (const auto& [key, end] : startup_end_offsets_) {
    rd_kafka_topic_partition_list_add(list.get(), key.first.c_str(), key.second)->offset = started_ms;
  }
  rd_kafka_resp_err_t error = rd_kafka_offsets_for_times(handle_, list.get(), kMetadataTimeoutMs);
  if (error != RD_KAFKA_RESP_ERR_NO_ERROR) {
    log::Warn("kafka", "looking up the offsets at this run's start time failed: {}; records produced between the "
              "start and reading the partition ends are skipped by a group without a committed offset",
              rd_kafka_err2str(error));
    return;
  }
  for (int i = 0; i < list->cnt; ++i) {
    const rd_kafka_topic_partition_t& found = list->elems[i];
    if (found.err != RD_KAFKA_RESP_ERR_NO_ERROR || found.offset < 0) continue;
    int64_t& end = startup_end_offsets_[{found.topic, found.partition}];
    if (found.offset < end) end = found.offset;
  }
}

void Consumer::ChooseStartOffsets(rd_kafka_topic_partition_list_t* partitions) {
  PartitionListPtr committed(rd_kafka_topic_partition_list_copy(partitions));
  rd_kafka_resp_err_t error = rd_kafka_committed(handle_, committed.get(), kMetadataTimeoutMs);
  if (error != RD_KAFKA_RESP_ERR_NO_ERROR) {
    // Without the committed offsets, assigning with OFFSET_INVALID lets
    // librdkafka fetch them itself; only our "latest at startup" refinement
    // is lost, and that is logged.
    log::Warn("kafka", "reading committed offsets of group {} failed: {}; librdkafka will resolve start offsets",
              options_.group_id, rd_kafka_err2str(error));
    return;
  }

  for (int i = 0; i < partitions->cnt; ++i) {
    rd_kafka_topic_partition_t& target = partitions->elems[i];
    int64_t offset = committed->elems[i].offset;
    int64_t low = 0, high = 0;
    bool have_watermarks = rd_kafka_query_watermark_offsets(handle_, target.topic, target.partition, &low, &high,
                                                            kMetadataTimeoutMs) == RD_KAFKA_RESP_ERR_NO_ERROR;

    if (offset >= 0 && (!have_watermarks || (offset >= low && offset <= high))) {
      target.offset = offset;
      continue;
    }

    // No usable committed offset: apply auto.offset.reset.
    int64_t start;
    std::string start_reason;
    auto found = startup_end_offsets_.find({target.topic, target.partition});
    if (reset_to_earliest_) {
      start = have_watermarks ? low : RD_KAFKA_OFFSET_BEGINNING;
      start_reason = "the first available offset (auto.offset.reset=earliest)";
    } else if (found != startup_end_offsets_.end()) {
      start = found->second;
      start_reason = "the end of the partition when this consumer started (auto.offset.reset=latest)";
    } else {
      start = have_watermarks ? low : RD_KAFKA_OFFSET_BEGINNING;
      start_reason = "its first available offset, because the partition did not exist when this consumer started";
    }
    if (offset >= 0) {
      log::Warn("kafka", "committed offset {} of group {} on {}[{}] has expired (first available is {}); starting at "
                "offset {}: {}", offset, options_.group_id, target.topic, target.partition, low, start, start_reason);
    } else {
      log::Warn("kafka", "group {} has no committed offset on {}[{}]; starting at offset {}: {}", options_.group_id,
                target.topic, target.partition, start, start_reason);
    }
    target.offset = start;
  }
}

void Consumer::OnRebalance(rd_kafka_t* handle, rd_kafka_resp_err_t error, rd_kafka_topic_partition_list_t* partitions,
                           void* opaque) {
  auto* self = static_cast<Consumer*>(opaque);
  // For a cooperative assignor (partition.assignment.strategy=cooperative-sticky)
  // librdkafka requires the incremental calls and rejects rd_kafka_assign(),
  // which would leave the member consuming nothing (rdkafka.h, rebalance_cb).
  bool cooperative = std::strcmp(rd_kafka_rebalance_protocol(handle), "COOPERATIVE") == 0;
  if (error == RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS) {
    self->ever_assigned_ = true;
    self->ChooseStartOffsets(partitions);
    for (int i = 0; i < partitions->cnt; ++i) {
      log::Info("kafka", "assigned {}[{}] starting at offset {}", partitions->elems[i].topic,
                partitions->elems[i].partition, partitions->elems[i].offset);
    }
    if (cooperative) {
      LogAssignmentError(rd_kafka_incremental_assign(handle, partitions), "adding", partitions->cnt);
      self->assigned_count_ += static_cast<size_t>(partitions->cnt);
    } else {
      rd_kafka_assign(handle, partitions);
      self->assigned_count_ = static_cast<size_t>(partitions->cnt);
    }
    return;
  }

  if (error == RD_KAFKA_RESP_ERR__REVOKE_PARTITIONS) {
    log::Info("kafka", "{} partitions are being revoked; finishing their records before release", partitions->cnt);
    if (self->listener_ != nullptr) self->listener_->OnPartitionsRevoked(ToOffsets(partitions));
    if (cooperative) {
      LogAssignmentError(rd_kafka_incremental_unassign(handle, partitions), "removing", partitions->cnt);
      self->assigned_count_ -= std::min(self->assigned_count_, static_cast<size_t>(partitions->cnt));
      return;
    }
  } else {
    log::Error("kafka", "rebalance failed: {}; releasing the assignment", rd_kafka_err2str(error));
  }
  rd_kafka_assign(handle, nullptr);
  self->assigned_count_ = 0;
}

Status Consumer::Subscribe() {
  PartitionListPtr topics(rd_kafka_topic_partition_list_new(static_cast<int>(options_.topics.size())));
  for (const std::string& topic : options_.topics) {
    rd_kafka_topic_partition_list_add(topics.get(), topic.c_str(), RD_KAFKA_PARTITION_UA);
  }
  rd_kafka_resp_err_t error = rd_kafka_subscribe(handle_, topics.get());
  if (error != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return Status::Permanent(fmt::format("subscribing to {} failed: {}", fmt::join(options_.topics, ","),
                                         rd_kafka_err2str(error)));
  }
  return Status::Ok();
}

MessagePtr Consumer::Poll(std::chrono::milliseconds timeout) {
  return MessagePtr(rd_kafka_consumer_poll(handle_, static_cast<int>(timeout.count())));
}

Status Consumer::Commit(const std::vector<PartitionOffset>& offsets) {
  if (offsets.empty()) return Status::Ok();
  PartitionListPtr list(rd_kafka_topic_partition_list_new(static_cast<int>(offsets.size())));
  for (const PartitionOffset& entry : offsets) {
    rd_kafka_topic_partition_list_add(list.get(), entry.topic.c_str(), entry.partition)->offset = entry.offset;
  }
  rd_kafka_resp_err_t error = rd_kafka_commit(handle_, list.get(), 0);
  if (error != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return Status::Transient(fmt::format("committing offsets of group {} failed: {}", options_.group_id,
                                         rd_kafka_err2str(error)));
  }
  for (int i = 0; i < list->cnt; ++i) {
    if (list->elems[i].err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      return Status::Transient(fmt::format("committing offset {} of {}[{}] failed: {}", list->elems[i].offset,
                                           list->elems[i].topic, list->elems[i].partition,
                                           rd_kafka_err2str(list->elems[i].err)));
    }
  }
  return Status::Ok();
}

Status Consumer::Close() {
  if (closed_) return Status::Ok();
  closed_ = true;
  rd_kafka_resp_err_t error = rd_kafka_consumer_close(handle_);
  if (error != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return Status::Transient(fmt::format("leaving group {} failed: {}", options_.group_id, rd_kafka_err2str(error)));
  }
  return Status::Ok();
}

}  // namespace logpipe::kafka
