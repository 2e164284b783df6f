#include "search/retry_policy.h"

#include <algorithm>

namespace logpipe::search {

ItemOutcome JudgeItem(int status) {
  if (status >= 200 && status <= 299) return ItemOutcome::kIndexed;
  if (status == 429 || (status >= 500 && status <= 599)) return ItemOutcome::kRetry;
  return ItemOutcome::kDeadLetter;
}

bool IsRetryableResponse(long http_status) {
  return http_status == 429 || (http_status >= 500 && http_status <= 599);
}

Backoff::Backoff(std::chrono::milliseconds initial, std::chrono::milliseconds max, uint64_t seed)
    : initial_(std::max(initial, std::chrono::milliseconds(1))), max_(std::max(max, initial_)), random_(seed) {}

uint64_t Backoff::RandomSeed() {
  std::random_device device;
  return (static_cast<uint64_t>(device()) << 32) ^ device();
}

std::chrono::milliseconds Backoff::NextDelay() {
  // Doubling stops at max_, so the ceiling never overflows however many
  // attempts are made.
  int64_t ceiling = initial_.count();
  for (int i = 0; i < attempt_ && ceiling < max_.count(); ++i) ceiling *= 2;
  ceiling = std::min(ceiling, static_cast<int64_t>(max_.count()));
  ++attempt_;

  int64_t fixed = ceiling - ceiling / 2;  // rounds up, so a 1 ms ceiling still waits 1 ms
  std::uniform_int_distribution<int64_t> jitter(0, ceiling / 2);
  return std::chrono::milliseconds(fixed + jitter(random_));
}

}  // namespace logpipe::search
