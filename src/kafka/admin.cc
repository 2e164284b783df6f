#include "kafka/admin.h"

#include <fmt/format.h>
#include <librdkafka/rdkafka.h>

#include <memory>

namespace logpipe::kafka {
namespace {

struct HandleDeleter {
  void operator()(rd_kafka_t* handle) const { rd_kafka_destroy(handle); }
};
using HandlePtr = std::unique_ptr<rd_kafka_t, HandleDeleter>;

Status NewAdminHandle(const std::string& bootstrap_servers, const Properties& properties, HandlePtr* out) {
  ConfPtr conf;
  Status status = BuildConf({{"bootstrap.servers", bootstrap_servers}, {"client.id", "logpipe-admin"}}, properties,
                            &conf);
  if (!status.ok()) return status;
  char error[512];
  rd_kafka_t* handle = rd_kafka_new(RD_KAFKA_PRODUCER, conf.get(), error, sizeof(error));
  if (handle == nullptr) return Status::InvalidArgument(fmt::format("creating a Kafka admin client failed: {}", error));
  conf.release();
  out->reset(handle);
  return Status::Ok();
}

}  // namespace

Status CreateTopic(const std::string& bootstrap_servers, const Properties& properties, const TopicSpec& spec,
                   bool if_not_exists, std::chrono::milliseconds timeout) {
  if (spec.partitions < 1) {
    return Status::InvalidArgument(fmt::format("invalid partition count {}: must be at least 1", spec.partitions));
  }
  HandlePtr handle;
  Status status = NewAdminHandle(bootstrap_servers, properties, &handle);
  if (!status.ok()) return status;

  char error[512];
  rd_kafka_NewTopic_t* topic =
      rd_kafka_NewTopic_new(spec.name.c_str(), spec.partitions, spec.replication_factor, error, sizeof(error));
  if (topic == nullptr) return Status::InvalidArgument(fmt::format("invalid topic {}: {}", spec.name, error));
  for (const auto& [key, value] : spec.configs) {
    rd_kafka_NewTopic_set_config(topic, key.c_str(), value.c_str());
  }

  rd_kafka_queue_t* queue = rd_kafka_queue_new(handle.get());
  rd_kafka_AdminOptions_t* options = rd_kafka_AdminOptions_new(handle.get(), RD_KAFKA_ADMIN_OP_CREATETOPICS);
  rd_kafka_AdminOptions_set_operation_timeout(options, static_cast<int>(timeout.count()), error, sizeof(error));
  rd_kafka_CreateTopics(handle.get(), &topic, 1, options, queue);

  rd_kafka_event_t* event = rd_kafka_queue_poll(queue, static_cast<int>(timeout.count()) + 5000);
  Status result = Status::Ok();
  if (event == nullptr) {
    result = Status::Transient(fmt::format("creating topic {} timed out after {} ms; is the broker at {} up?",
                                           spec.name, timeout.count(), bootstrap_servers));
  } else if (rd_kafka_event_error(event) != RD_KAFKA_RESP_ERR_NO_ERROR) {
    result = Status::Transient(fmt::format("creating topic {} failed: {}", spec.name, rd_kafka_event_error_string(event)));
  } else {
    size_t count = 0;
    const rd_kafka_topic_result_t** results =
        rd_kafka_CreateTopics_result_topics(rd_kafka_event_CreateTopics_result(event), &count);
    for (size_t i = 0; i < count; ++i) {
      rd_kafka_resp_err_t code = rd_kafka_topic_result_error(results[i]);
      if (code == RD_KAFKA_RESP_ERR_NO_ERROR) continue;
      if (code == RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS && if_not_exists) continue;
      const char* message = rd_kafka_topic_result_error_string(results[i]);
      result = Status::Permanent(fmt::format("creating topic {} failed: {}", spec.name,
                                             message != nullptr ? message : rd_kafka_err2str(code)));
    }
  }

  if (event != nullptr) rd_kafka_event_destroy(event);
  rd_kafka_AdminOptions_destroy(options);
  rd_kafka_NewTopic_destroy(topic);
  rd_kafka_queue_destroy(queue);
  return result;
}

Status ReadWatermarks(const std::string& bootstrap_servers, const Properties& properties, const std::string& topic,
                      std::vector<PartitionWatermarks>* out) {
  HandlePtr handle;
  Status status = NewAdminHandle(bootstrap_servers, properties, &handle);
  if (!status.ok()) return status;

  rd_kafka_topic_t* topic_handle = rd_kafka_topic_new(handle.get(), topic.c_str(), nullptr);
  const rd_kafka_metadata_t* metadata = nullptr;
  rd_kafka_resp_err_t error = rd_kafka_metadata(handle.get(), 0, topic_handle, &metadata, 10000);
  rd_kafka_topic_destroy(topic_handle);
  if (error != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return Status::Transient(fmt::format("reading metadata of topic {} failed: {}", topic, rd_kafka_err2str(error)));
  }
  std::unique_ptr<const rd_kafka_metadata_t, decltype(&rd_kafka_metadata_destroy)> owner(metadata,
                                                                                          &rd_kafka_metadata_destroy);
  if (metadata->topic_cnt != 1 || metadata->topics[0].err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return Status::Permanent(fmt::format("topic {} not found", topic));
  }

  out->clear();
  const rd_kafka_metadata_topic_t& info = metadata->topics[0];
  for (int p = 0; p < info.partition_cnt; ++p) {
    PartitionWatermarks marks;
    marks.partition = info.partitions[p].id;
    error = rd_kafka_query_watermark_offsets(handle.get(), topic.c_str(), marks.partition, &marks.low, &marks.high,
                                             10000);
    if (error != RD_KAFKA_RESP_ERR_NO_ERROR) {
      return Status::Transient(fmt::format("reading offsets of {}[{}] failed: {}", topic, marks.partition,
                                           rd_kafka_err2str(error)));
    }
    out->push_back(marks);
  }
  return Status::Ok();
}

}  // namespace logpipe::kafka
