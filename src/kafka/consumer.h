// Consumer: an owner of a librdkafka consumer-group member whose offsets
// are committed only by the caller, after the caller has finished with the
// records below them. Auto-commit and the automatic offset store are off.
//
// Where a partition starts: at its committed offset when the group has
// one. Without one (a new group) or when the committed offset has expired
// (below the partition's first available offset), auto.offset.reset
// applies, with one refinement. "latest" means the end of the partition as
// it was when the run started (ConsumerOptions::started_at), not when the
// group assigned the partition. So records produced after the consumer
// started are consumed even though joining the group took a few seconds.
// Each such reset is logged with the partition and the offset it starts at.
#pragma once

#include <librdkafka/rdkafka.h>

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "common/status.h"
#include "kafka/client_config.h"

namespace logpipe::kafka {

struct ConsumerOptions {
  std::string bootstrap_servers = "127.0.0.1:9092";
  std::string group_id = "access-log-indexer";
  std::vector<std::string> topics = {"access-logs"};
  Properties properties;  // -X key=value pass-through, applied after logpipe's defaults
  // Start of the run. Records produced after it may reach a partition
  // before Create() reads the partition's end offset. So for
  // auto.offset.reset=latest, the start offset is the first record with a
  // timestamp at or after this time, when that is below the end offset.
  // The default (the epoch) keeps the end offset.
  std::chrono::system_clock::time_point started_at{};
};

struct MessageDeleter {
  void operator()(rd_kafka_message_t* message) const { rd_kafka_message_destroy(message); }
};
using MessagePtr = std::unique_ptr<rd_kafka_message_t, MessageDeleter>;

// The next offset to consume of one partition: what a commit stores.
struct PartitionOffset {
  std::string topic;
  int32_t partition = 0;
  int64_t offset = 0;

  auto operator<=>(const PartitionOffset&) const = default;
};

// Receives group rebalance events. Called on the thread that calls
// Consumer::Poll() or Consumer::Close(), from inside those calls.
class RebalanceListener {
 public:
  virtual ~RebalanceListener() = default;

  // Called before `partitions` are taken from this member. The listener
  // must finish its records of them (index, dead-letter, commit) before
  // returning, because another member starts at their committed offsets.
  virtual void OnPartitionsRevoked(const std::vector<PartitionOffset>& partitions) = 0;
};

class Consumer {
 public:
  // Creates the member and records each existing partition's end offset.
  // `listener` may be null and must outlive the consumer.
  static Status Create(const ConsumerOptions& options, RebalanceListener* listener, std::unique_ptr<Consumer>* out);
  ~Consumer();

  Consumer(const Consumer&) = delete;
  Consumer& operator=(const Consumer&) = delete;

  // Joins the group. Partitions are assigned during later Poll() calls.
  Status Subscribe();

  // Returns the next message or error event, or nullptr after `timeout`.
  // Rebalance callbacks run inside this call.
  MessagePtr Poll(std::chrono::milliseconds timeout);

  // Commits `offsets` synchronously. Each offset is the next one to consume.
  Status Commit(const std::vector<PartitionOffset>& offsets);

  // Leaves the group: revokes the assignment (calling the listener) and
  // closes the handle. Safe to call once; the destructor calls it if needed.
  Status Close();

  // Partitions currently assigned to this member.
  size_t assigned_partitions() const { return assigned_count_; }

  // Whether the group has given this member an assignment (possibly empty).
  bool ever_assigned() const { return ever_assigned_; }

  // Returns the member's handle, for callers that query metadata.
  rd_kafka_t* handle() const { return handle_; }

 private:
  Consumer() = default;
  static void OnRebalance(rd_kafka_t* handle, rd_kafka_resp_err_t error, rd_kafka_topic_partition_list_t* partitions,
                          void* opaque);
  void RecordStartupEnds();
  void MoveStartupEndsToStartTime();
  void ChooseStartOffsets(rd_kafka_topic_partition_list_t* partitions);

  rd_kafka_t* handle_ = nullptr;
  RebalanceListener* listener_ = nullptr;
  ConsumerOptions options_;
  bool reset_to_earliest_ = false;  // auto.offset.reset is earliest/smallest/beginning
  std::map<std::pair<std::string, int32_t>, int64_t> startup_end_offsets_;
  size_t assigned_count_ = 0;
  bool ever_assigned_ = false;
  bool closed_ = false;
};

}  // namespace logpipe::kafka
