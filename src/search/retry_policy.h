// Retry policy for _bulk: which statuses are retried, for one item and for a
// whole request, and how long to wait between attempts. Pure functions and
// a seeded generator, so every decision is unit-testable.
#pragma once

#include <chrono>
#include <cstdint>
#include <random>

namespace logpipe::search {

enum class ItemOutcome {
  kIndexed,     // the node stored the document
  kRetry,       // the node may accept it later (queue full, shard unavailable)
  kDeadLetter,  // the document itself was rejected, so resending cannot help
};

// Judges one item of a bulk response by its status: 2xx is indexed, 429 and
// 5xx are retried, and every other value (4xx, 1xx, 3xx, 0) is dead-lettered.
ItemOutcome JudgeItem(int status);

// Returns whether a whole request that got a non-2xx `http_status` should be
// sent again: true for 429 and 5xx. Other statuses are permanent: 400 means
// the request is malformed, 401 and 403 mean the credentials are wrong, and
// 404 or 413 need a change in the configuration.
bool IsRetryableResponse(long http_status);

// Capped exponential backoff with "equal jitter": attempt n (from 0) waits
// between ceiling/2 and ceiling, where ceiling = min(max, initial * 2^n).
// Half of each delay is fixed, so no delay collapses to zero, and the random
// half keeps many clients from retrying in lockstep.
class Backoff {
 public:
  // `initial` below 1 ms is raised to 1 ms and `max` below `initial` is
  // raised to `initial`. The same seed gives the same delays.
  explicit Backoff(std::chrono::milliseconds initial = std::chrono::milliseconds(100),
                   std::chrono::milliseconds max = std::chrono::seconds(30), uint64_t seed = RandomSeed());

  // Returns the delay before the next attempt and advances attempt().
  std::chrono::milliseconds NextDelay();

  // Number of delays returned since construction or the last Reset().
  int attempt() const { return attempt_; }

  void Reset() { attempt_ = 0; }

  // A seed from std::random_device, for callers that need no reproducibility.
  static uint64_t RandomSeed();

 private:
  std::chrono::milliseconds initial_;
  std::chrono::milliseconds max_;
  int attempt_ = 0;
  std::mt19937_64 random_;
};

}  // namespace logpipe::search
