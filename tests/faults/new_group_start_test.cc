// Fault tests of where a consumer group starts reading when it has no usable
// committed offset (auto.offset.reset=latest, logpipe's default):
//  - a brand-new group started just before a producer run indexes all of
//    that run's lines and none of the lines the topic held before;
//  - a group whose committed offset was deleted from the partition (its
//    records removed with DeleteRecords) logs the expired offset and where
//    it starts instead.
// Both cases log a warning naming the partition and the start offset.
#include <gtest/gtest.h>
#include <librdkafka/rdkafka.h>

#include <nlohmann/json.hpp>

#include <map>
#include <string>
#include <thread>
#include <vector>

#include "kafka/admin.h"
#include "support/kafka_reader.h"
#include "support/logpipe_run.h"
#include "support/process.h"
#include "support/search_probe.h"
#include "support/stack_control.h"

namespace logpipe::testing {
namespace {

using std::chrono::seconds;

constexpr int kPartitions = 3;

// Partition -> high watermark (the offset the next record gets).
std::map<int32_t, int64_t> EndOffsets(const std::string& bootstrap, const std::string& topic) {
  std::vector<kafka::PartitionWatermarks> marks;
  Status status = kafka::ReadWatermarks(bootstrap, {}, topic, &marks);
  EXPECT_TRUE(status.ok()) << status.message();
  std::map<int32_t, int64_t> ends;
  for (const kafka::PartitionWatermarks& mark : marks) ends[mark.partition] = mark.high;
  return ends;
}

// Deletes the records of each partition below its offset in `before`, so the
// partition's first available offset becomes that offset. Fails the calling
// test on errors.
void DeleteRecordsBefore(const std::string& bootstrap, const std::string& topic,
                         const std::map<int32_t, int64_t>& before) {
  char error[512];
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  rd_kafka_conf_set(conf, "bootstrap.servers", bootstrap.c_str(), error, sizeof(error));
  rd_kafka_t* handle = rd_kafka_new(RD_KAFKA_PRODUCER, conf, error, sizeof(error));
  ASSERT_NE(handle, nullptr) << error;

  rd_kafka_topic_partition_list_t* offsets = rd_kafka_topic_partition_list_new(static_cast<int>(before.size()));
  for (const auto& [partition, offset] : before) {
    rd_kafka_topic_partition_list_add(offsets, topic.c_str(), partition)->offset = offset;
  }
  rd_kafka_DeleteRecords_t* request = rd_kafka_DeleteRecords_new(offsets);
  rd_kafka_topic_partition_list_destroy(offsets);
  rd_kafka_queue_t* queue = rd_kafka_queue_new(handle);
  rd_kafka_DeleteRecords(handle, &request, 1, nullptr, queue);
  rd_kafka_DeleteRecords_destroy(request);

  rd_kafka_event_t* event = rd_kafka_queue_poll(queue, 60000);
  EXPECT_NE(event, nullptr) << "DeleteRecords timed out";
  if (event != nullptr) {
    EXPECT_EQ(rd_kafka_event_error(event), RD_KAFKA_RESP_ERR_NO_ERROR) << rd_kafka_event_error_string(event);
    const rd_kafka_DeleteRecords_result_t* result = rd_kafka_event_DeleteRecords_result(event);
    const rd_kafka_topic_partition_list_t* done =
        result != nullptr ? rd_kafka_DeleteRecords_result_offsets(result) : nullptr;
    EXPECT_NE(done, nullptr);
    for (int i = 0; done != nullptr && i < done->cnt; ++i) {
      EXPECT_EQ(done->elems[i].err, RD_KAFKA_RESP_ERR_NO_ERROR)
          << "partition " << done->elems[i].partition << ": " << rd_kafka_err2str(done->elems[i].err);
    }
    rd_kafka_event_destroy(event);
  }
  rd_kafka_queue_destroy(queue);
  rd_kafka_destroy(handle);
}

std::vector<std::string> ConsumeArgs(const std::string& bootstrap, const std::string& topic, const std::string& group) {
  // The index name has no date, so every document lands in one index.
  return {LogpipeBinary(),  "consume",        "-b",   bootstrap,    "-t",           topic,
          "-g",             group,            "--dlq-topic", topic + "-dlq", "--es-url", SearchUrl(),
          "--index-pattern", topic,           "--template-name", topic, "--idle-timeout", "10",
          "--event-original", "--json"};
}

// Checks that the index contains exactly the records of `topic` at or past
// `start` of their partition, each under its partition-offset _id and with
// its line as event.original.
void ExpectIndexHoldsRecordsFrom(SearchProbe& probe, const std::string& bootstrap, const std::string& topic,
                                 const std::map<int32_t, int64_t>& start) {
  std::vector<TopicRecord> records = ReadTopic(bootstrap, topic);
  std::map<std::string, std::string> originals = ReadAllOriginals(probe, topic);

  size_t expected = 0;
  size_t missing = 0;
  size_t different = 0;
  for (const TopicRecord& record : records) {
    if (record.offset < start.at(record.partition)) continue;
    ++expected;
    std::string id = topic + "-" + std::to_string(record.partition) + "-" + std::to_string(record.offset);
    auto found = originals.find(id);
    if (found == originals.end()) {
      if (++missing <= 5) ADD_FAILURE() << "record " << id << " is not indexed";
    } else if (found->second != record.value) {
      if (++different <= 5) ADD_FAILURE() << id << " holds \"" << found->second << "\", expected \"" << record.value << "\"";
    }
  }
  EXPECT_EQ(missing, 0u);
  EXPECT_EQ(different, 0u);

  // Anything else in the index is a record from before the start offsets.
  size_t early = 0;
  for (const auto& [id, original] : originals) {
    size_t offset_dash = id.rfind('-');
    size_t partition_dash = id.rfind('-', offset_dash - 1);
    int32_t partition = std::stoi(id.substr(partition_dash + 1, offset_dash - partition_dash - 1));
    int64_t offset = std::stoll(id.substr(offset_dash + 1));
    if (offset < start.at(partition)) {
      if (++early <= 5) ADD_FAILURE() << "record " << id << " before the start offset " << start.at(partition) << " is indexed";
    }
  }
  EXPECT_EQ(early, 0u);
  EXPECT_EQ(originals.size(), expected);
}

TEST(NewGroupStart, FirstCycleIndexesWholeRun) {
  constexpr int kOldLines = 3000;
  constexpr int kNewLines = 9000;
  const std::string bootstrap = BootstrapServers();
  const std::string topic = UniqueName("fault-newgroup");
  const std::string group = topic + "-group";
  CreateTopic(bootstrap, topic, kPartitions);
  SearchProbe probe(SearchUrl());

  ProcessResult old_run = RunProcess(ProduceArgs(bootstrap, topic, kOldLines, 21), seconds(120));
  ASSERT_EQ(old_run.exit_code, 0) << old_run.err;
  const std::map<int32_t, int64_t> old_end = EndOffsets(bootstrap, topic);
  ASSERT_EQ(old_end.size(), static_cast<size_t>(kPartitions));

  // The consumer takes its process start time, rounded down to a clock
  // tick of up to 10 ms, as the end of the old lines. The pause keeps the
  // old lines' timestamps out of that rounding.
  std::this_thread::sleep_for(seconds(1));

  // The producer starts right after the consumer process, with no wait for
  // the consumer to join the group.
  ChildProcess consumer(ConsumeArgs(bootstrap, topic, group));
  ProcessResult new_run = RunProcess(ProduceArgs(bootstrap, topic, kNewLines, 22), seconds(120));
  ASSERT_EQ(new_run.exit_code, 0) << new_run.err;
  ProcessResult consumed = consumer.Wait(std::chrono::minutes(4));
  ASSERT_EQ(consumed.exit_code, 0) << consumed.err;

  nlohmann::json summary = LastJsonLine(consumed.out);
  EXPECT_EQ(summary["polled"], kNewLines) << consumed.err;
  EXPECT_EQ(summary["indexed"], kNewLines);
  EXPECT_EQ(probe.Count(topic), kNewLines);
  ExpectIndexHoldsRecordsFrom(probe, bootstrap, topic, old_end);

  for (const auto& [partition, offset] : old_end) {
    std::string warning = "group " + group + " has no committed offset on " + topic + "[" + std::to_string(partition) +
                          "]; starting at offset " + std::to_string(offset) + ":";
    EXPECT_NE(consumed.err.find(warning), std::string::npos) << "missing \"" << warning << "\" in\n" << consumed.err;
  }

  if (getenv("LOGPIPE_KEEP_TEST_DATA") == nullptr) probe.DeleteIndices(topic);
}

TEST(NewGroupStart, ExpiredOffsetLogsJump) {
  constexpr int kFirstLines = 2000;
  constexpr int kUnreadLines = 2000;  // produced while no consumer runs, then partly deleted
  constexpr int kLastLines = 4000;
  const std::string bootstrap = BootstrapServers();
  const std::string topic = UniqueName("fault-expired");
  const std::string group = topic + "-group";
  // One partition, because a short producer run may put all its lines into
  // one partition of several, and a partition without records would have
  // no committed offset to expire.
  constexpr int kExpiredPartitions = 1;
  CreateTopic(bootstrap, topic, kExpiredPartitions);
  SearchProbe probe(SearchUrl());

  // First cycle: the group commits the end of the first run.
  {
    ChildProcess consumer(ConsumeArgs(bootstrap, topic, group));
    ASSERT_TRUE(WaitForStderr(consumer, "assigned " + topic, kExpiredPartitions, seconds(60))) << consumer.StderrSoFar();
    ProcessResult first_run = RunProcess(ProduceArgs(bootstrap, topic, kFirstLines, 31), seconds(120));
    ASSERT_EQ(first_run.exit_code, 0) << first_run.err;
    ProcessResult consumed = consumer.Wait(std::chrono::minutes(4));
    ASSERT_EQ(consumed.exit_code, 0) << consumed.err;
    nlohmann::json summary = LastJsonLine(consumed.out);
    ASSERT_EQ(summary["indexed"], kFirstLines) << consumed.err;
    ASSERT_EQ(summary["committed"].size(), 1u) << consumed.out;
    ASSERT_EQ(summary["committed"][0]["offset"], kFirstLines) << consumed.out;
  }
  const std::map<int32_t, int64_t> committed = {{0, kFirstLines}};

  // More lines arrive while no consumer runs, and the first half of each
  // partition's unread records is deleted, so every committed offset lies
  // below its partition's first available offset.
  ProcessResult unread_run = RunProcess(ProduceArgs(bootstrap, topic, kUnreadLines, 32), seconds(120));
  ASSERT_EQ(unread_run.exit_code, 0) << unread_run.err;
  const std::map<int32_t, int64_t> unread_end = EndOffsets(bootstrap, topic);
  std::map<int32_t, int64_t> first_available;
  for (const auto& [partition, end] : unread_end) {
    first_available[partition] = committed.at(partition) + (end - committed.at(partition)) / 2 + 1;
  }
  DeleteRecordsBefore(bootstrap, topic, first_available);
  ASSERT_FALSE(::testing::Test::HasFailure());

  // Second cycle: each partition's committed offset has expired, so the
  // group starts at the end of the partition (auto.offset.reset=latest).
  ChildProcess consumer(ConsumeArgs(bootstrap, topic, group));
  ASSERT_TRUE(WaitForStderr(consumer, "assigned " + topic, kExpiredPartitions, seconds(60))) << consumer.StderrSoFar();
  ProcessResult last_run = RunProcess(ProduceArgs(bootstrap, topic, kLastLines, 33), seconds(120));
  ASSERT_EQ(last_run.exit_code, 0) << last_run.err;
  ProcessResult consumed = consumer.Wait(std::chrono::minutes(4));
  ASSERT_EQ(consumed.exit_code, 0) << consumed.err;

  nlohmann::json summary = LastJsonLine(consumed.out);
  EXPECT_EQ(summary["polled"], kLastLines) << consumed.err;
  EXPECT_EQ(summary["indexed"], kLastLines);
  EXPECT_EQ(probe.Count(topic), kFirstLines + kLastLines);
  for (const auto& [partition, offset] : committed) {
    std::string warning = "committed offset " + std::to_string(offset) + " of group " + group + " on " + topic + "[" +
                          std::to_string(partition) + "] has expired (first available is " +
                          std::to_string(first_available.at(partition)) + "); starting at offset " +
                          std::to_string(unread_end.at(partition)) + ":";
    EXPECT_NE(consumed.err.find(warning), std::string::npos) << "missing \"" << warning << "\" in\n" << consumed.err;
  }

  if (getenv("LOGPIPE_KEEP_TEST_DATA") == nullptr) probe.DeleteIndices(topic);
}

}  // namespace
}  // namespace logpipe::testing
