// Fault test of `logpipe consume` killed with SIGKILL at random points while
// it indexes, and restarted in the same group each time. Offsets are
// committed only after their records are indexed, so a restart may index a
// record again (under the same _id, which overwrites) but never skips one.
// The index must end with exactly one document per line, equal to its line.
#include <gtest/gtest.h>
#include <signal.h>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "faults/consume_fault_support.h"

namespace logpipe::testing {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

constexpr int kLines = 50000;
constexpr int kPartitions = 4;
constexpr int kKills = 10;
constexpr uint32_t kKillSeed = 20261204;  // seed of the kill delays, so a failing sequence can be rerun

// Kill delays in ms, counted from the run's first partition assignment.
// Trial runs of this test on a shared 2-core machine indexed 5,000 to 20,000
// documents per second with the local stack. So ten runs of these lengths
// leave part of the 50,000 lines to the last run, and each kill lands inside
// a batch or between two commits. On a faster machine the last kills may
// land after everything is committed, which the test tolerates and prints.
constexpr int kMinKillDelayMs = 30;
constexpr int kMaxKillDelayMs = 300;

// Options of every run. auto.offset.reset=earliest because a run killed
// before its first commit on a partition leaves the group without a
// committed offset there: with "latest" the next run would start that
// partition at its end and skip its lines. session.timeout.ms=6000 (the
// broker's default minimum) lets the group drop a killed member sooner, so
// the next run is assigned partitions sooner.
std::vector<std::string> RunOptions(int idle_timeout_seconds) {
  return {"--batch-size", "2000", "--idle-timeout", std::to_string(idle_timeout_seconds), "-X",
          "auto.offset.reset=earliest", "-X", "session.timeout.ms=6000"};
}

TEST(ConsumerKill, RestartsIndexEveryLineOnce) {
  RunNames names("fault-kill");
  SearchCleanup cleanup(names.index_prefix);
  CreateTopics(names, kPartitions);
  ASSERT_NO_FATAL_FAILURE(ProduceLines(names.topic, kLines, 31));

  std::mt19937 random(kKillSeed);
  std::uniform_int_distribution<int> kill_delay(kMinKillDelayMs, kMaxKillDelayMs);
  int64_t logged_by_killed_runs = 0;  // documents in commit log lines, a lower bound of those committed
  for (int kill = 1; kill <= kKills; ++kill) {
    // The idle timeout is longer than any kill delay, so a run never ends
    // on its own before its kill.
    ChildProcess consumer(ConsumeArgs(names, RunOptions(120)));
    ASSERT_TRUE(WaitForStderr(consumer, "kafka: assigned ", 1, seconds(90))) << consumer.StderrSoFar();

    milliseconds delay(kill_delay(random));
    std::this_thread::sleep_for(delay);
    consumer.Signal(SIGKILL);
    ProcessResult killed = consumer.Wait(seconds(30));
    ASSERT_EQ(killed.exit_code, 128 + SIGKILL) << killed.err;

    int64_t committed = LastFlushedIndexed(killed.err);
    logged_by_killed_runs += committed;
    std::printf("kill %d: SIGKILL %lld ms after the first assignment; the run had logged %lld committed documents\n",
                kill, static_cast<long long>(delay.count()), static_cast<long long>(committed));
    std::fflush(stdout);
  }

  // The last run joins a group whose previous member was killed, and the
  // broker waits for that member's session to expire before assigning
  // partitions, so the idle timeout exceeds session.timeout.ms.
  ProcessResult last = RunProcess(ConsumeArgs(names, RunOptions(15)), seconds(300));
  ASSERT_EQ(last.exit_code, 0) << last.err;
  nlohmann::json summary = LastJsonLine(last.out);
  ASSERT_TRUE(summary.is_object()) << last.out;
  std::printf("killed runs logged %lld committed documents; the last run polled %lld lines\n",
              static_cast<long long>(logged_by_killed_runs), summary["polled"].get<long long>());

  // A killed run leaves no summary, and it may die between a commit and the
  // commit's log line, so the index is the record of what the runs did.
  EXPECT_EQ(summary["rejected"], 0);
  EXPECT_EQ(summary["dead_lettered"], 0);
  EXPECT_EQ(summary["indexed"], summary["polled"]);

  ExpectIndexEqualsTopic(names, kLines);
}

}  // namespace
}  // namespace logpipe::testing
