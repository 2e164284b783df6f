// Fault test of a consumer group that changes while it works: three
// `logpipe consume` processes share a 6-partition topic, one is killed with
// SIGKILL while it has uncommitted records, and a fourth joins. Members
// flush and commit before giving up partitions, and a killed member's
// uncommitted records are read again by the next owner, so the index must
// end with exactly one document per line, equal to its line. The scenario
// runs once with the default eager assignors and once with cooperative-sticky.
#include <gtest/gtest.h>
#include <signal.h>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "faults/consume_fault_support.h"

namespace logpipe::testing {
namespace {

using std::chrono::seconds;

constexpr int kPartitions = 6;
constexpr int kBatchSize = 8000;
// Round 1 is smaller than a batch, so no member can commit before the
// group changes: the killed member commits nothing, and the others have
// uncommitted records when the fourth joins. Rounds 2 and 3 fill several
// batches per member.
constexpr int kRoundLines[] = {6000, 27000, 27000};
constexpr int kLines = 60000;
static_assert(kRoundLines[0] < kBatchSize);
static_assert(kRoundLines[0] + kRoundLines[1] + kRoundLines[2] == kLines);

// Options of every member. auto.offset.reset=earliest because the killed
// member leaves its partitions without a committed offset: with "latest", the
// member that joined after round 1 would start them at their end as of its
// own start and skip round 1's lines. session.timeout.ms=6000 (the broker's
// default minimum) lets the group drop the killed member sooner. The idle
// timeout outlasts the session timeout plus a rebalance, so no member ends
// while the group still reassigns partitions that hold unread records.
std::vector<std::string> MemberOptions() {
  return {"--batch-size", std::to_string(kBatchSize), "--idle-timeout", "20", "-X", "auto.offset.reset=earliest",
          "-X", "session.timeout.ms=6000"};
}

// Returns whether `log` shows a revocation that was followed by another
// assignment, i.e. one during the run rather than when the member left.
bool RevokedDuringRun(const std::string& log) {
  size_t revoked = log.find("partitions are being revoked");
  return revoked != std::string::npos && log.find("kafka: assigned ", revoked) != std::string::npos;
}

// Runs the scenario with `extra_options` added to every member's options,
// checks what holds for any assignor, and stores the survivors' results in
// `survivors` for the caller's assignor-specific checks.
void RunScaleOut(const std::string& prefix, const std::vector<std::string>& extra_options,
                 std::vector<ProcessResult>* survivors) {
  RunNames names(prefix);
  SearchCleanup cleanup(names.index_prefix);
  CreateTopics(names, kPartitions);
  std::vector<std::string> options = MemberOptions();
  options.insert(options.end(), extra_options.begin(), extra_options.end());

  std::vector<std::unique_ptr<ChildProcess>> members;
  for (int i = 0; i < 3; ++i) members.push_back(std::make_unique<ChildProcess>(ConsumeArgs(names, options)));
  for (const auto& member : members) {
    ASSERT_TRUE(WaitForStderr(*member, "kafka: assigned ", 1, seconds(90))) << member->StderrSoFar();
  }
  ASSERT_NO_FATAL_FAILURE(ProduceLines(names.topic, kRoundLines[0], 51));

  // Member 2 is killed while it has (or fetches) round 1's records, and a
  // fourth member joins before round 2.
  members[1]->Signal(SIGKILL);
  ProcessResult killed = members[1]->Wait(seconds(30));
  ASSERT_EQ(killed.exit_code, 128 + SIGKILL) << killed.err;
  ASSERT_EQ(CountOccurrences(killed.err, "flushed "), 0) << killed.err;
  members.push_back(std::make_unique<ChildProcess>(ConsumeArgs(names, options)));
  ASSERT_NO_FATAL_FAILURE(ProduceLines(names.topic, kRoundLines[1], 52));
  ASSERT_TRUE(WaitForStderr(*members[3], "kafka: assigned ", 1, seconds(90))) << members[3]->StderrSoFar();
  ASSERT_NO_FATAL_FAILURE(ProduceLines(names.topic, kRoundLines[2], 53));

  // The survivors end by idle timeout, each having resolved what it polled.
  for (size_t i : {0u, 2u, 3u}) survivors->push_back(members[i]->Wait(seconds(300)));
  int64_t resolved = 0;
  for (size_t i = 0; i < survivors->size(); ++i) {
    const ProcessResult& survivor = (*survivors)[i];
    SCOPED_TRACE("survivor " + std::to_string(i));
    ASSERT_EQ(survivor.exit_code, 0) << survivor.err;
    nlohmann::json summary = LastJsonLine(survivor.out);
    ASSERT_TRUE(summary.is_object()) << survivor.out;
    EXPECT_EQ(summary["rejected"], 0);
    EXPECT_EQ(summary["dead_lettered"], 0);
    EXPECT_EQ(summary["indexed"], summary["polled"]);
    resolved += summary["indexed"].get<int64_t>() + summary["dead_lettered"].get<int64_t>();
    std::printf("survivor %zu: %s\n", i, summary.dump().c_str());
  }

  // The killed member committed nothing, so the survivors resolved every
  // line. Redelivery after the kill may index a record twice under the same
  // _id, and the index count below is exact all the same.
  EXPECT_GE(resolved, kLines);
  ExpectIndexEqualsTopic(names, kLines);
}

// The default assignors (range, roundrobin) are eager: every rebalance
// revokes all partitions, so the survivors flush when the group changes.
TEST(ScaleOut, KilledAndAddedMembersLoseNothing) {
  std::vector<ProcessResult> survivors;
  ASSERT_NO_FATAL_FAILURE(RunScaleOut("fault-scale", {}, &survivors));

  int revoked_during_run = 0, revocation_flushes = 0;
  for (const ProcessResult& survivor : survivors) {
    if (RevokedDuringRun(survivor.err)) ++revoked_during_run;
    revocation_flushes += CountOccurrences(survivor.err, "records (partitions revoked)");
  }
  EXPECT_GT(revoked_during_run, 0) << "no survivor had partitions revoked during its run";
  EXPECT_GT(revocation_flushes, 0) << "no survivor flushed a batch when its partitions were revoked";
}

// The cooperative assignor moves only some partitions per rebalance, and
// librdkafka requires incremental assignment calls for it.
TEST(ScaleOut, CooperativeMembersLoseNothing) {
  std::vector<ProcessResult> survivors;
  ASSERT_NO_FATAL_FAILURE(
      RunScaleOut("fault-scale-coop", {"-X", "partition.assignment.strategy=cooperative-sticky"}, &survivors));

  for (const ProcessResult& survivor : survivors) {
    EXPECT_EQ(CountOccurrences(survivor.err, "assign() call failed"), 0) << survivor.err;
    EXPECT_EQ(CountOccurrences(survivor.err, "changing the assignment"), 0) << survivor.err;
  }
}

}  // namespace
}  // namespace logpipe::testing
