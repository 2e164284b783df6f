#include "kafka/producer.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>

namespace logpipe::kafka {

Status Producer::Create(const ProducerOptions& options, std::unique_ptr<Producer>* out) {
  // Defaults chosen for a producer that must not lose or duplicate lines:
  // idempotence implies acks=all and bounded in-flight requests, and
  // message.timeout.ms bounds how long a message may wait for a broker
  // that is restarting before it is reported as failed.
  Properties defaults = {
      {"bootstrap.servers", options.bootstrap_servers},
      {"enable.idempotence", "true"},
      {"acks", "all"},
      {"linger.ms", "5"},
      {"compression.type", "lz4"},
      {"message.timeout.ms", "120000"},
      {"queue.buffering.max.messages", "100000"},
      {"client.id", "logpipe-producer"},
  };

  ConfPtr conf;
  Status status = BuildConf(defaults, options.properties, &conf);
  if (!status.ok()) return status;

  std::unique_ptr<Producer> producer(new Producer());
  producer->enqueue_timeout_ = options.enqueue_timeout;
  rd_kafka_conf_set_dr_msg_cb(conf.get(), &Producer::OnDelivery);
  rd_kafka_conf_set_error_cb(conf.get(), &Producer::OnError);
  rd_kafka_conf_set_opaque(conf.get(), producer.get());

  // The same configuration, callbacks and opaque included, with one message
  // per batch, for resending messages of batches rejected as too large.
  char error[512];
  producer->single_conf_.reset(rd_kafka_conf_dup(conf.get()));
  if (rd_kafka_conf_set(producer->single_conf_.get(), "batch.num.messages", "1", error, sizeof(error)) !=
      RD_KAFKA_CONF_OK) {
    return Status::InvalidArgument(fmt::format("configuring the Kafka producer failed: {}", error));
  }

  producer->handle_ = rd_kafka_new(RD_KAFKA_PRODUCER, conf.get(), error, sizeof(error));
  if (producer->handle_ == nullptr) {
    return Status::InvalidArgument(fmt::format("creating the Kafka producer failed: {}", error));
  }
  conf.release();  // rd_kafka_new took ownership
  *out = std::move(producer);
  return Status::Ok();
}

Producer::~Producer() {
  for (Resend& resend : resends_) {
    if (resend.headers != nullptr) rd_kafka_headers_destroy(resend.headers);
  }
  if (single_handle_ != nullptr) rd_kafka_destroy(single_handle_);
  if (handle_ != nullptr) rd_kafka_destroy(handle_);
}

void Producer::OnDelivery(rd_kafka_t* handle, const rd_kafka_message_t* message, void* opaque) {
  auto* self = static_cast<Producer*>(opaque);
  if (message->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
    self->delivered_.fetch_add(1, std::memory_order_relaxed);
    return;
  }
  if (message->err == RD_KAFKA_RESP_ERR_MSG_SIZE_TOO_LARGE && handle == self->handle_) {
    // The broker wrote nothing of the batch, so resending cannot duplicate.
    Resend resend{rd_kafka_topic_name(message->rkt), message->partition,
                  std::string(static_cast<const char*>(message->key), message->key == nullptr ? 0 : message->key_len),
                  std::string(static_cast<const char*>(message->payload),
                              message->payload == nullptr ? 0 : message->len),
                  nullptr};
    rd_kafka_headers_t* headers = nullptr;
    if (rd_kafka_message_headers(message, &headers) == RD_KAFKA_RESP_ERR_NO_ERROR) {
      resend.headers = rd_kafka_headers_copy(headers);
    }
    self->resends_.push_back(std::move(resend));
    return;
  }
  self->CountFailure(rd_kafka_topic_name(message->rkt), message->partition, rd_kafka_err2str(message->err));
}

void Producer::OnError(rd_kafka_t* handle, int error, const char* reason, void* opaque) {
  auto* self = static_cast<Producer*>(opaque);
  if (error == RD_KAFKA_RESP_ERR__FATAL) {
    char fatal_reason[512];
    rd_kafka_fatal_error(handle, fatal_reason, sizeof(fatal_reason));
    self->fatal_.store(true);
    log::Error("kafka", "producer fatal error, no further message can be delivered: {}", fatal_reason);
    return;
  }
  // Other errors (broker down, all brokers down) are informational:
  // librdkafka keeps retrying, logs the cause itself, and the delivery
  // reports carry the outcome.
  log::Debug("kafka", "producer: {} ({})", reason, rd_kafka_err2name(static_cast<rd_kafka_resp_err_t>(error)));
}

void Producer::CountFailure(std::string_view topic, int32_t partition, std::string_view reason) {
  failed_.fetch_add(1, std::memory_order_relaxed);
  uint64_t suppressed = 0;
  if (failure_log_.Admit(&suppressed)) {
    log::Error("kafka", "delivery to topic {} partition {} failed: {}{}", topic, partition, reason,
               log::SuppressedNote(suppressed));
  }
}

void Producer::ResendAlone() {
  if (resends_.empty()) return;
  if (single_handle_ == nullptr) {
    char error[512];
    single_handle_ = rd_kafka_new(RD_KAFKA_PRODUCER, single_conf_.get(), error, sizeof(error));
    if (single_handle_ == nullptr) {
      for (Resend& resend : resends_) {
        if (resend.headers != nullptr) rd_kafka_headers_destroy(resend.headers);
        CountFailure(resend.topic, resend.partition, fmt::format("creating the producer for resends failed: {}",
                                                                 error));
      }
      resends_.clear();
      return;
    }
    single_conf_.release();  // rd_kafka_new took ownership
  }

  uint64_t suppressed = 0;
  if (resend_log_.Admit(&suppressed)) {
    log::Warn("kafka", "the broker rejected batches of {} messages as too large; resending them one per batch{}",
              resends_.size(), log::SuppressedNote(suppressed));
  }
  for (Resend& resend : resends_) {
    std::array<rd_kafka_vu_t, 6> fields{};
    size_t count = 0;
    fields[count].vtype = RD_KAFKA_VTYPE_TOPIC;
    fields[count++].u.cstr = resend.topic.c_str();
    fields[count].vtype = RD_KAFKA_VTYPE_PARTITION;
    fields[count++].u.i32 = resend.partition;
    fields[count].vtype = RD_KAFKA_VTYPE_VALUE;
    fields[count].u.mem.ptr = resend.value.data();
    fields[count++].u.mem.size = resend.value.size();
    if (!resend.key.empty()) {
      fields[count].vtype = RD_KAFKA_VTYPE_KEY;
      fields[count].u.mem.ptr = resend.key.data();
      fields[count++].u.mem.size = resend.key.size();
    }
    if (resend.headers != nullptr) {
      fields[count].vtype = RD_KAFKA_VTYPE_HEADERS;
      fields[count++].u.headers = resend.headers;
    }
    fields[count].vtype = RD_KAFKA_VTYPE_MSGFLAGS;
    fields[count++].u.i = RD_KAFKA_MSG_F_COPY;

    auto deadline = std::chrono::steady_clock::now() + enqueue_timeout_;
    for (;;) {
      rd_kafka_error_t* error = rd_kafka_produceva(single_handle_, fields.data(), count);
      if (error == nullptr) break;  // librdkafka now owns the headers

      rd_kafka_resp_err_t code = rd_kafka_error_code(error);
      std::string reason = rd_kafka_error_string(error);
      rd_kafka_error_destroy(error);
      if (code == RD_KAFKA_RESP_ERR__QUEUE_FULL && std::chrono::steady_clock::now() < deadline) {
        rd_kafka_poll(single_handle_, 100);
        continue;
      }
      if (resend.headers != nullptr) rd_kafka_headers_destroy(resend.headers);  // still ours after a failure
      CountFailure(resend.topic, resend.partition, reason);
      break;
    }
  }
  resends_.clear();
}

Status Producer::Produce(std::string_view topic, std::string_view key, std::string_view value,
                         std::span<const MessageHeader> headers) {
  ++enqueued_;
  ResendAlone();
  if (fatal()) {
    CountFailure(topic, RD_KAFKA_PARTITION_UA, "producer is in a fatal state");
    return Status::Permanent("the Kafka producer is in a fatal state; see the error logged before");
  }

  if (headers.size() > kMaxHeaders) {
    CountFailure(topic, RD_KAFKA_PARTITION_UA, "too many headers");
    return Status::InvalidArgument(fmt::format("a message may carry at most {} headers", kMaxHeaders));
  }
  if (topic_name_ != topic) topic_name_.assign(topic);

  // A fixed array keeps the per-message path free of heap allocation.
  std::array<rd_kafka_vu_t, 4 + kMaxHeaders> fields{};
  size_t count = 0;
  fields[count].vtype = RD_KAFKA_VTYPE_TOPIC;
  fields[count++].u.cstr = topic_name_.c_str();
  fields[count].vtype = RD_KAFKA_VTYPE_VALUE;
  fields[count].u.mem.ptr = const_cast<char*>(value.data());
  fields[count++].u.mem.size = value.size();
  if (!key.empty()) {
    fields[count].vtype = RD_KAFKA_VTYPE_KEY;
    fields[count].u.mem.ptr = const_cast<char*>(key.data());
    fields[count++].u.mem.size = key.size();
  }
  for (const MessageHeader& header : headers) {
    fields[count].vtype = RD_KAFKA_VTYPE_HEADER;
    fields[count].u.header.name = header.name;
    fields[count].u.header.val = header.value.data();
    fields[count++].u.header.size = static_cast<ssize_t>(header.value.size());
  }
  fields[count].vtype = RD_KAFKA_VTYPE_MSGFLAGS;
  fields[count++].u.i = RD_KAFKA_MSG_F_COPY;

  auto deadline = std::chrono::steady_clock::now() + enqueue_timeout_;
  for (;;) {
    rd_kafka_error_t* error = rd_kafka_produceva(handle_, fields.data(), count);
    if (error == nullptr) return Status::Ok();

    rd_kafka_resp_err_t code = rd_kafka_error_code(error);
    std::string reason = rd_kafka_error_string(error);
    rd_kafka_error_destroy(error);

    if (code == RD_KAFKA_RESP_ERR__QUEUE_FULL && std::chrono::steady_clock::now() < deadline) {
      // The local queue is full: serving delivery reports frees room.
      rd_kafka_poll(handle_, 100);
      continue;
    }
    CountFailure(topic, RD_KAFKA_PARTITION_UA, reason);
    return Status::Permanent(fmt::format("producing a {}-byte message to topic {} failed: {}", value.size(), topic,
                                         reason));
  }
}

void Producer::Poll(std::chrono::milliseconds timeout) {
  rd_kafka_poll(handle_, static_cast<int>(timeout.count()));
  ResendAlone();
  if (single_handle_ != nullptr) rd_kafka_poll(single_handle_, 0);
}

Status Producer::Flush(std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  rd_kafka_flush(handle_, static_cast<int>(timeout.count()));
  ResendAlone();
  if (single_handle_ != nullptr) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    rd_kafka_flush(single_handle_, static_cast<int>(std::max<int64_t>(left.count(), 0)));
  }
  if (outstanding() > 0) {
    log::Error("kafka", "{} messages were still undelivered after waiting {} ms; purging them as failed",
               outstanding(), timeout.count());
    rd_kafka_purge(handle_, RD_KAFKA_PURGE_F_QUEUE | RD_KAFKA_PURGE_F_INFLIGHT);
    if (single_handle_ != nullptr) rd_kafka_purge(single_handle_, RD_KAFKA_PURGE_F_QUEUE | RD_KAFKA_PURGE_F_INFLIGHT);
    // Purged messages get their delivery reports (as failed) on the next poll.
    rd_kafka_flush(handle_, 5000);
    // A report of the purge above may add a resend, which is then failed
    // here rather than sent after the deadline.
    for (Resend& resend : resends_) {
      if (resend.headers != nullptr) rd_kafka_headers_destroy(resend.headers);
      CountFailure(resend.topic, resend.partition, "not resent before the flush timeout");
    }
    resends_.clear();
    if (single_handle_ != nullptr) rd_kafka_flush(single_handle_, 5000);
  }
  if (failed() > 0) {
    return Status::Transient(fmt::format("{} of {} messages were not delivered", failed(), enqueued_));
  }
  return Status::Ok();
}

}  // namespace logpipe::kafka
