#include "support/kafka_reader.h"

#include <gtest/gtest.h>
#include <librdkafka/rdkafka.h>

#include "kafka/admin.h"

namespace logpipe::testing {

std::vector<TopicRecord> ReadTopic(const std::string& bootstrap_servers, const std::string& topic) {
  std::vector<TopicRecord> records;
  std::vector<kafka::PartitionWatermarks> marks;
  Status status = kafka::ReadWatermarks(bootstrap_servers, {}, topic, &marks);
  EXPECT_TRUE(status.ok()) << status.message();
  if (!status.ok()) return records;

  char error[512];
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  rd_kafka_conf_set(conf, "bootstrap.servers", bootstrap_servers.c_str(), error, sizeof(error));
  rd_kafka_conf_set(conf, "group.id", "logpipe-test-reader", error, sizeof(error));
  rd_kafka_conf_set(conf, "enable.auto.commit", "false", error, sizeof(error));
  rd_kafka_t* handle = rd_kafka_new(RD_KAFKA_CONSUMER, conf, error, sizeof(error));
  EXPECT_NE(handle, nullptr) << error;
  if (handle == nullptr) return records;

  rd_kafka_topic_partition_list_t* assignment = rd_kafka_topic_partition_list_new(static_cast<int>(marks.size()));
  int64_t expected = 0;
  for (const auto& mark : marks) {
    rd_kafka_topic_partition_list_add(assignment, topic.c_str(), mark.partition)->offset = mark.low;
    expected += mark.high - mark.low;
  }
  rd_kafka_assign(handle, assignment);
  rd_kafka_topic_partition_list_destroy(assignment);

  std::map<int32_t, int64_t> ends;
  for (const auto& mark : marks) ends[mark.partition] = mark.high;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (static_cast<int64_t>(records.size()) < expected && std::chrono::steady_clock::now() < deadline) {
    rd_kafka_message_t* message = rd_kafka_consumer_poll(handle, 500);
    if (message == nullptr) continue;
    if (message->err == RD_KAFKA_RESP_ERR_NO_ERROR && message->offset < ends[message->partition]) {
      TopicRecord record;
      record.partition = message->partition;
      record.offset = message->offset;
      record.value.assign(static_cast<const char*>(message->payload), message->len);
      rd_kafka_headers_t* headers = nullptr;
      if (rd_kafka_message_headers(message, &headers) == RD_KAFKA_RESP_ERR_NO_ERROR) {
        const char* name;
        const void* value;
        size_t size;
        for (size_t i = 0; rd_kafka_header_get_all(headers, i, &name, &value, &size) == RD_KAFKA_RESP_ERR_NO_ERROR;
             ++i) {
          record.headers[name] = std::string(static_cast<const char*>(value), size);
        }
      }
      records.push_back(std::move(record));
    }
    rd_kafka_message_destroy(message);
  }
  EXPECT_EQ(static_cast<int64_t>(records.size()), expected) << "records read from " << topic;
  rd_kafka_consumer_close(handle);
  rd_kafka_destroy(handle);
  return records;
}

void CreateTopic(const std::string& bootstrap_servers, const std::string& topic, int partitions,
                 const std::vector<std::pair<std::string, std::string>>& configs) {
  kafka::TopicSpec spec;
  spec.name = topic;
  spec.partitions = partitions;
  spec.configs = configs;
  Status status = kafka::CreateTopic(bootstrap_servers, {}, spec, false, std::chrono::seconds(30));
  ASSERT_TRUE(status.ok()) << status.message();
}

}  // namespace logpipe::testing
