#include "support/logpipe_run.h"

#include <gtest/gtest.h>

#include "support/process.h"

namespace logpipe::testing {

nlohmann::json LastJsonLine(const std::string& out) {
  size_t end = out.find_last_not_of('\n');
  if (end == std::string::npos) return nullptr;
  size_t start = out.rfind('\n', end);
  start = start == std::string::npos ? 0 : start + 1;
  return nlohmann::json::parse(out.substr(start, end - start + 1), nullptr, false);
}

std::vector<std::string> ProduceArgs(const std::string& bootstrap, const std::string& topic, int lines, int seed) {
  return {LogpipeBinary(), "produce", "-b", bootstrap, "-t", topic, "-n", std::to_string(lines), "--seed",
          std::to_string(seed), "--json"};
}

// `summary` is a copy because operator[] of a const json must not be used
// with a missing key, and a test reports a missing count as a failed check.
void ExpectPolledSplit(nlohmann::json summary, int64_t polled, int64_t dead_lettered) {
  EXPECT_EQ(summary["polled"], polled);
  EXPECT_EQ(summary["indexed"], polled - dead_lettered);
  EXPECT_EQ(summary["dead_lettered"], dead_lettered);
  EXPECT_EQ(summary["indexed"].get<int64_t>() + summary["dead_lettered"].get<int64_t>(),
            summary["polled"].get<int64_t>());
}

}  // namespace logpipe::testing
