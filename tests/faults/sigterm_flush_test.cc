// Fault test of `logpipe consume` stopped with SIGTERM while its batch is
// smaller than --batch-size: it must index that batch, commit exactly
// the offsets it polled and exit 0, so that the next run of the group
// starts where it stopped.
#include <gtest/gtest.h>
#include <signal.h>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "faults/consume_fault_support.h"
#include "kafka/admin.h"

namespace logpipe::testing {
namespace {

using std::chrono::seconds;

constexpr int kPartitions = 3;
constexpr int kLinesBeforeStop = 5000;
constexpr int kLinesAfterStop = 3000;
constexpr int kShutdownTimeoutSeconds = 20;

// Options of both runs. A batch is larger than the topic, so nothing is
// flushed before the signal. auto.offset.reset=earliest because the lines
// are produced before the first run starts.
std::vector<std::string> RunOptions(int idle_timeout_seconds) {
  return {"--batch-size", "15000", "--idle-timeout", std::to_string(idle_timeout_seconds), "--shutdown-timeout",
          std::to_string(kShutdownTimeoutSeconds), "-X", "auto.offset.reset=earliest"};
}

TEST(SigtermFlush, IndexesAndCommitsHeldBatch) {
  RunNames names("fault-sigterm");
  SearchCleanup cleanup(names.index_prefix);
  CreateTopics(names, kPartitions);
  ASSERT_NO_FATAL_FAILURE(ProduceLines(names.topic, kLinesBeforeStop, 41));

  // The first run would wait 300 s for more lines; it gets SIGTERM once it
  // has all partitions and a moment to poll. How much it polled by then
  // does not matter: every check below is relative to its summary.
  ChildProcess consumer(ConsumeArgs(names, RunOptions(300)));
  ASSERT_TRUE(WaitForStderr(consumer, "kafka: assigned ", kPartitions, seconds(60))) << consumer.StderrSoFar();
  std::this_thread::sleep_for(seconds(3));
  std::string log_before_stop = consumer.StderrSoFar();
  consumer.Signal(SIGTERM);
  ProcessResult stopped = consumer.Wait(seconds(kShutdownTimeoutSeconds + 15));

  ASSERT_EQ(stopped.exit_code, 0) << stopped.err;
  EXPECT_EQ(CountOccurrences(log_before_stop, "flushed "), 0) << "a batch was flushed before the signal";
  EXPECT_EQ(CountOccurrences(stopped.err, "records (shutdown)"), 1) << stopped.err;
  nlohmann::json first = LastJsonLine(stopped.out);
  ASSERT_TRUE(first.is_object()) << stopped.out;
  const int64_t polled = first["polled"].get<int64_t>();
  std::printf("the first run polled %lld of %d lines before SIGTERM\n", static_cast<long long>(polled),
              kLinesBeforeStop);
  ASSERT_GT(polled, 0) << "the run polled nothing before SIGTERM\n" << stopped.err;
  EXPECT_EQ(first["indexed"], polled);
  EXPECT_EQ(first["dead_lettered"], 0);
  EXPECT_EQ(first["bulk_requests"], 1);
  EXPECT_EQ(SearchProbe(SearchUrl()).Count(names.index_prefix + "-*"), polled);

  // The topic started empty, so the committed next offsets add up to the
  // number of records polled, and none is past its partition's end.
  std::vector<kafka::PartitionWatermarks> marks;
  Status status = kafka::ReadWatermarks(BootstrapServers(), {}, names.topic, &marks);
  ASSERT_TRUE(status.ok()) << status.message();
  std::map<int32_t, int64_t> ends;
  for (const kafka::PartitionWatermarks& mark : marks) ends[mark.partition] = mark.high;
  int64_t committed_total = 0;
  for (const nlohmann::json& entry : first["committed"]) {
    int32_t partition = entry["partition"];
    int64_t offset = entry["offset"];
    EXPECT_LE(offset, ends[partition]) << "partition " << partition;
    committed_total += offset;
  }
  EXPECT_EQ(committed_total, polled);

  // A second run of the group reads exactly the records the first did not
  // poll: the rest of the first lines and the lines produced after the stop.
  ASSERT_NO_FATAL_FAILURE(ProduceLines(names.topic, kLinesAfterStop, 42));
  ProcessResult resumed = RunProcess(ConsumeArgs(names, RunOptions(8)), seconds(180));
  ASSERT_EQ(resumed.exit_code, 0) << resumed.err;
  nlohmann::json second = LastJsonLine(resumed.out);
  ASSERT_TRUE(second.is_object()) << resumed.out;
  EXPECT_EQ(second["polled"], kLinesBeforeStop + kLinesAfterStop - polled);
  EXPECT_EQ(second["indexed"], second["polled"]);

  ExpectIndexEqualsTopic(names, kLinesBeforeStop + kLinesAfterStop);
}

}  // namespace
}  // namespace logpipe::testing
