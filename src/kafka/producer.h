// Producer: an owner of a librdkafka producer that tracks the fate of every
// message. Produce() only enqueues. A message is delivered or failed when
// its delivery report is served, which happens inside Produce() (when the
// local queue is full), Poll() and Flush(). Messages still queued when
// Flush() times out are purged and counted as failed, so after Flush()
// enqueued() == delivered() + failed().
#pragma once

#include <librdkafka/rdkafka.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/log.h"
#include "common/status.h"
#include "kafka/client_config.h"

namespace logpipe::kafka {

struct ProducerOptions {
  std::string bootstrap_servers = "127.0.0.1:9092";
  Properties properties;  // -X key=value pass-through, applied after logpipe's defaults
  // How long Produce() keeps serving delivery reports while the local
  // queue is full before it gives up on one message.
  std::chrono::milliseconds enqueue_timeout{std::chrono::minutes(5)};
};

struct MessageHeader {
  const char* name;  // NUL-terminated
  std::string_view value;
};

constexpr size_t kMaxHeaders = 8;  // per message

class Producer {
 public:
  // Creates an idempotent producer (enable.idempotence=true, acks=all).
  static Status Create(const ProducerOptions& options, std::unique_ptr<Producer>* out);
  ~Producer();

  Producer(const Producer&) = delete;
  Producer& operator=(const Producer&) = delete;

  // Enqueues one message (key may be empty, headers at most kMaxHeaders).
  // A full local queue is handled by serving delivery reports and retrying,
  // never by spinning or dropping. A message that cannot be enqueued at all
  // (larger than message.max.bytes, enqueue timeout, fatal producer error)
  // is counted as failed and reported in the returned Status. The producer
  // stays usable unless fatal() is true.
  Status Produce(std::string_view topic, std::string_view key, std::string_view value,
                 std::span<const MessageHeader> headers = {});

  // Serves delivery reports for up to `timeout` and resends, one per batch,
  // the messages of batches the broker rejected as too large.
  void Poll(std::chrono::milliseconds timeout);

  // Waits up to `timeout` for every enqueued message to be delivered or
  // failed, resends included (see Resend), then purges what remains and
  // counts it as failed. Returns non-ok if any message failed since the
  // producer was created.
  Status Flush(std::chrono::milliseconds timeout);

  uint64_t enqueued() const { return enqueued_; }
  uint64_t delivered() const { return delivered_.load(); }
  uint64_t failed() const { return failed_.load(); }
  uint64_t outstanding() const { return enqueued_ - delivered() - failed(); }

  // True after librdkafka raised a fatal error (for an idempotent producer,
  // a broken sequence); no further message can be delivered.
  bool fatal() const { return fatal_.load(); }

 private:
  Producer() = default;
  static void OnDelivery(rd_kafka_t* handle, const rd_kafka_message_t* message, void* opaque);
  static void OnError(rd_kafka_t* handle, int error, const char* reason, void* opaque);
  void CountFailure(std::string_view topic, int32_t partition, std::string_view reason);
  void ResendAlone();

  // A message of a batch that the broker rejected as too large. Kafka checks
  // a topic's max.message.bytes against whole record batches, and librdkafka
  // 2.0.2 then fails every message of the batch. Each is resent in a batch
  // of its own, so only a message too large by itself fails. NOTE: a resent
  // message lands after the messages produced to its partition since.
  struct Resend {
    std::string topic;
    int32_t partition;
    std::string key, value;
    rd_kafka_headers_t* headers;  // owned until produced; may be null
  };

  rd_kafka_t* handle_ = nullptr;
  ConfPtr single_conf_;                 // single_handle_'s configuration until it is created
  rd_kafka_t* single_handle_ = nullptr;  // batch.num.messages=1, created on the first resend
  std::vector<Resend> resends_;
  uint64_t enqueued_ = 0;
  std::atomic<uint64_t> delivered_{0};
  std::atomic<uint64_t> failed_{0};
  std::atomic<bool> fatal_{false};
  std::chrono::milliseconds enqueue_timeout_{0};
  std::string topic_name_;  // NUL-terminated copy of the last topic, reused across calls
  log::RateLimiter failure_log_{10, std::chrono::seconds(10)};
  log::RateLimiter resend_log_{10, std::chrono::seconds(10)};
};

}  // namespace logpipe::kafka
