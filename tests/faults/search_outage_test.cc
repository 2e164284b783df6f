// Fault test: OpenSearch stops for 60 s in the middle of a consume run.
//
// The run is staged so that the number of documents indexed when the node
// stops is known exactly. The first producer run writes one full batch, and
// the consumer indexes and commits it. Then the node is stopped, and only
// then does the second producer run write the rest. The consumer must retry the
// second batch through the outage, commit nothing past the first batch while
// the node is down, and end with every line indexed once.
#include <gtest/gtest.h>
#include <librdkafka/rdkafka.h>

#include <nlohmann/json.hpp>

#include <map>
#include <regex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "support/kafka_reader.h"
#include "support/logpipe_run.h"
#include "support/process.h"
#include "support/search_probe.h"
#include "support/stack_control.h"

namespace logpipe::testing {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::seconds;

constexpr int kPartitions = 3;
constexpr int kBatchSize = 5000;
constexpr int kFirstRunLines = kBatchSize;  // exactly one batch, indexed before the outage
constexpr int kSecondRunLines = 25000;      // produced while the node is down
constexpr int kTotalLines = kFirstRunLines + kSecondRunLines;
constexpr int kRetryMaxSeconds = 5;  // --retry-max, the cap on one retry delay
constexpr auto kOutage = seconds(60);

// Reads the committed offsets of `group` on partitions 0..partitions-1 of
// `topic` through a consumer handle that never subscribes, so reading them
// does not join the group or trigger a rebalance. A partition without a
// committed offset maps to 0, the first offset of a topic that was never
// truncated. Fails the calling test on errors.
std::map<int32_t, int64_t> ReadCommittedOffsets(const std::string& bootstrap, const std::string& group,
                                                const std::string& topic, int partitions) {
  std::map<int32_t, int64_t> committed;
  char error[512];
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  rd_kafka_conf_set(conf, "bootstrap.servers", bootstrap.c_str(), error, sizeof(error));
  rd_kafka_conf_set(conf, "group.id", group.c_str(), error, sizeof(error));
  rd_kafka_conf_set(conf, "enable.auto.commit", "false", error, sizeof(error));
  rd_kafka_t* handle = rd_kafka_new(RD_KAFKA_CONSUMER, conf, error, sizeof(error));
  EXPECT_NE(handle, nullptr) << error;
  if (handle == nullptr) return committed;

  rd_kafka_topic_partition_list_t* list = rd_kafka_topic_partition_list_new(partitions);
  for (int32_t partition = 0; partition < partitions; ++partition) {
    rd_kafka_topic_partition_list_add(list, topic.c_str(), partition);
  }
  rd_kafka_resp_err_t result = rd_kafka_committed(handle, list, 30000);
  EXPECT_EQ(result, RD_KAFKA_RESP_ERR_NO_ERROR) << rd_kafka_err2str(result);
  for (int i = 0; i < list->cnt; ++i) {
    EXPECT_EQ(list->elems[i].err, RD_KAFKA_RESP_ERR_NO_ERROR) << "partition " << list->elems[i].partition;
    committed[list->elems[i].partition] = list->elems[i].offset >= 0 ? list->elems[i].offset : 0;
  }
  rd_kafka_topic_partition_list_destroy(list);
  rd_kafka_destroy(handle);
  return committed;
}

int64_t Sum(const std::map<int32_t, int64_t>& offsets) {
  int64_t sum = 0;
  for (const auto& [partition, offset] : offsets) sum += offset;
  return sum;
}

TEST(SearchOutage, ConsumerRetriesAndCommitsOnlyIndexed) {
  const std::string bootstrap = BootstrapServers();
  const std::string es_url = SearchUrl();
  const std::string topic = UniqueName("fault-outage");
  const std::string group = topic + "-group";
  CreateTopic(bootstrap, topic, kPartitions);
  SearchProbe probe(es_url);

  // The index name has no date, so every document lands in one index.
  ChildProcess consumer({LogpipeBinary(), "consume", "-b", bootstrap, "-t", topic, "-g", group, "--dlq-topic",
                         topic + "-dlq", "--es-url", es_url, "--index-pattern", topic, "--template-name", topic,
                         "--batch-size", std::to_string(kBatchSize), "--retry-max", std::to_string(kRetryMaxSeconds),
                         "--retry-give-up", "400", "--idle-timeout", "90", "--max-duration", "900",
                         "--event-original", "--json"});
  ASSERT_TRUE(WaitForStderr(consumer, "assigned " + topic, kPartitions, seconds(60))) << consumer.StderrSoFar();

  // First run: one batch, indexed and committed while the node is up.
  ProcessResult first = RunProcess(ProduceArgs(bootstrap, topic, kFirstRunLines, 11), seconds(120));
  ASSERT_EQ(first.exit_code, 0) << first.err;
  ASSERT_TRUE(WaitForStderr(consumer, "flushed", 1, seconds(120))) << consumer.StderrSoFar();
  const int64_t indexed_before_outage = probe.Count(topic);
  ASSERT_EQ(indexed_before_outage, kFirstRunLines);

  {
    // The topic contains no line beyond the first batch yet, so no document
    // can be indexed between the count above and the stop.
    StoppedEngine outage("opensearch");
    auto outage_started = Clock::now();

    ProcessResult second = RunProcess(ProduceArgs(bootstrap, topic, kSecondRunLines, 12), seconds(120));
    ASSERT_EQ(second.exit_code, 0) << second.err;

    // A retry line shows that the consumer has read the second batch and
    // cannot index it, so its offsets must not be committed.
    ASSERT_TRUE(WaitForStderr(consumer, "bulk retry attempt", 1, seconds(60))) << consumer.StderrSoFar();
    std::map<int32_t, int64_t> during = ReadCommittedOffsets(bootstrap, group, topic, kPartitions);
    EXPECT_LE(Sum(during), indexed_before_outage);

    std::this_thread::sleep_until(outage_started + kOutage);
    std::map<int32_t, int64_t> at_end = ReadCommittedOffsets(bootstrap, group, topic, kPartitions);
    EXPECT_LE(Sum(at_end), indexed_before_outage);
    outage.Start();
  }

  ProcessResult consumed = consumer.Wait(std::chrono::minutes(10));
  ASSERT_EQ(consumed.exit_code, 0) << consumed.err;
  nlohmann::json summary = LastJsonLine(consumed.out);
  EXPECT_EQ(summary["polled"], kTotalLines) << consumed.err;
  EXPECT_EQ(summary["indexed"], kTotalLines);
  EXPECT_EQ(summary["dead_lettered"], 0);

  // Each retry line carries its attempt number and its delay in ms. The
  // attempts of the held batch count up from 1 and each delay is capped.
  static const std::regex retry_line(R"(bulk retry attempt (\d+) in (\d+) ms)");
  std::vector<int> attempts;
  for (auto it = std::sregex_iterator(consumed.err.begin(), consumed.err.end(), retry_line);
       it != std::sregex_iterator(); ++it) {
    attempts.push_back(std::stoi((*it)[1]));
    int64_t delay_ms = std::stoll((*it)[2]);
    EXPECT_GT(delay_ms, 0) << (*it)[0];
    EXPECT_LE(delay_ms, kRetryMaxSeconds * 1000) << (*it)[0];
  }
  ASSERT_GE(attempts.size(), 2u) << consumed.err;
  for (size_t i = 0; i < attempts.size(); ++i) {
    EXPECT_EQ(attempts[i], static_cast<int>(i) + 1) << consumed.err;
  }

  // The committed offsets reach the end of every partition.
  std::map<int32_t, int64_t> final_committed = ReadCommittedOffsets(bootstrap, group, topic, kPartitions);
  EXPECT_EQ(Sum(final_committed), kTotalLines);

  // Every line of the topic is indexed exactly once, under the _id of its
  // partition and offset, and the document keeps the line as event.original.
  EXPECT_EQ(probe.Count(topic), kTotalLines);
  std::vector<TopicRecord> records = ReadTopic(bootstrap, topic);
  ASSERT_EQ(records.size(), static_cast<size_t>(kTotalLines));
  std::vector<std::string> repeated_ids;
  std::map<std::string, std::string> originals = ReadAllOriginals(probe, topic, &repeated_ids);
  EXPECT_TRUE(repeated_ids.empty()) << repeated_ids.size() << " repeated ids, first " << repeated_ids.front();
  EXPECT_EQ(originals.size(), static_cast<size_t>(kTotalLines));
  size_t missing = 0;
  size_t different = 0;
  for (const TopicRecord& record : records) {
    std::string id = topic + "-" + std::to_string(record.partition) + "-" + std::to_string(record.offset);
    auto found = originals.find(id);
    if (found == originals.end()) {
      if (++missing <= 5) ADD_FAILURE() << "no document with _id " << id;
      continue;
    }
    if (found->second != record.value) {
      if (++different <= 5) ADD_FAILURE() << id << " holds \"" << found->second << "\", expected \"" << record.value << "\"";
    }
  }
  EXPECT_EQ(missing, 0u);
  EXPECT_EQ(different, 0u);

  if (getenv("LOGPIPE_KEEP_TEST_DATA") == nullptr) probe.DeleteIndices(topic);
}

}  // namespace
}  // namespace logpipe::testing
