#include "search/retry_policy.h"

#include <gtest/gtest.h>

#include <set>

namespace logpipe::search {
namespace {

using std::chrono::milliseconds;

TEST(JudgeItem, SuccessIsIndexed) {
  for (int status : {200, 201, 202, 299}) {
    EXPECT_EQ(JudgeItem(status), ItemOutcome::kIndexed) << "status " << status;
  }
}

TEST(JudgeItem, TooManyRequestsIsRetried) { EXPECT_EQ(JudgeItem(429), ItemOutcome::kRetry); }

TEST(JudgeItem, ServerErrorIsRetried) {
  for (int status : {500, 502, 503, 504, 599}) {
    EXPECT_EQ(JudgeItem(status), ItemOutcome::kRetry) << "status " << status;
  }
}

TEST(JudgeItem, ClientErrorIsDeadLettered) {
  for (int status : {400, 401, 403, 404, 409, 413, 428, 430, 499}) {
    EXPECT_EQ(JudgeItem(status), ItemOutcome::kDeadLetter) << "status " << status;
  }
}

TEST(JudgeItem, OtherClassesAreDeadLettered) {
  for (int status : {-1, 0, 100, 199, 300, 304, 399, 600, 1000}) {
    EXPECT_EQ(JudgeItem(status), ItemOutcome::kDeadLetter) << "status " << status;
  }
}

TEST(RetryableResponse, TooManyRequests) { EXPECT_TRUE(IsRetryableResponse(429)); }

TEST(RetryableResponse, ServerErrors) {
  for (long status : {500L, 502L, 503L, 504L, 599L}) {
    EXPECT_TRUE(IsRetryableResponse(status)) << "status " << status;
  }
}

TEST(RetryableResponse, ClientErrorsArePermanent) {
  for (long status : {400L, 401L, 403L, 404L, 408L, 413L, 499L}) {
    EXPECT_FALSE(IsRetryableResponse(status)) << "status " << status;
  }
}

TEST(RetryableResponse, OtherClassesArePermanent) {
  for (long status : {0L, 100L, 200L, 301L, 600L}) {
    EXPECT_FALSE(IsRetryableResponse(status)) << "status " << status;
  }
}

TEST(Backoff, DelaysStayWithinEqualJitterBounds) {
  Backoff backoff(milliseconds(100), milliseconds(30000), 42);
  int64_t ceiling = 100;
  for (int attempt = 0; attempt < 20; ++attempt) {
    int64_t delay = backoff.NextDelay().count();
    EXPECT_GE(delay, ceiling / 2) << "attempt " << attempt;
    EXPECT_LE(delay, ceiling) << "attempt " << attempt;
    ceiling = std::min<int64_t>(ceiling * 2, 30000);
  }
}

TEST(Backoff, CeilingDoublesUntilCap) {
  // The lower bound of attempt n is ceiling/2, so attempt 5 (ceiling 3200)
  // waits at least 1600 ms and attempt 9 (ceiling 51200, capped) at most 30 s.
  Backoff backoff(milliseconds(100), milliseconds(30000), 7);
  std::vector<int64_t> delays;
  for (int i = 0; i < 10; ++i) delays.push_back(backoff.NextDelay().count());
  EXPECT_GE(delays[5], 1600);
  EXPECT_LE(delays[5], 3200);
  EXPECT_GE(delays[9], 15000);
  EXPECT_LE(delays[9], 30000);
}

TEST(Backoff, CapHoldsAfterManyAttempts) {
  Backoff backoff(milliseconds(100), milliseconds(30000), 1);
  for (int i = 0; i < 200; ++i) backoff.NextDelay();
  int64_t delay = backoff.NextDelay().count();
  EXPECT_GE(delay, 15000);
  EXPECT_LE(delay, 30000);
}

TEST(Backoff, JitterVaries) {
  Backoff backoff(milliseconds(1000), milliseconds(1000), 3);
  std::set<int64_t> seen;
  for (int i = 0; i < 50; ++i) seen.insert(backoff.NextDelay().count());
  EXPECT_GT(seen.size(), 10u);
}

TEST(Backoff, SameSeedSameDelays) {
  Backoff first(milliseconds(100), milliseconds(30000), 99);
  Backoff second(milliseconds(100), milliseconds(30000), 99);
  for (int i = 0; i < 12; ++i) {
    EXPECT_EQ(first.NextDelay(), second.NextDelay()) << "attempt " << i;
  }
}

TEST(Backoff, AttemptCountsAndResets) {
  Backoff backoff(milliseconds(100), milliseconds(30000), 5);
  EXPECT_EQ(backoff.attempt(), 0);
  backoff.NextDelay();
  backoff.NextDelay();
  EXPECT_EQ(backoff.attempt(), 2);

  backoff.Reset();
  EXPECT_EQ(backoff.attempt(), 0);
  int64_t delay = backoff.NextDelay().count();
  EXPECT_GE(delay, 50);
  EXPECT_LE(delay, 100);
}

TEST(Backoff, ZeroInitialNeverZero) {
  Backoff backoff(milliseconds(0), milliseconds(0), 11);
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(backoff.NextDelay().count(), 1) << "attempt " << i;
  }
}

TEST(Backoff, MaxBelowInitialIsRaised) {
  Backoff backoff(milliseconds(500), milliseconds(100), 13);
  for (int i = 0; i < 5; ++i) {
    int64_t delay = backoff.NextDelay().count();
    EXPECT_GE(delay, 250) << "attempt " << i;
    EXPECT_LE(delay, 500) << "attempt " << i;
  }
}

}  // namespace
}  // namespace logpipe::search
