// Runs of the logpipe binary in integration and fault tests: the command line
// of a synthetic produce run and the JSON summary that `--json` prints last.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace logpipe::testing {

// Parses the last line of `out`, where `--json` prints the run summary.
// Returns a discarded value when that line is not JSON, and null when `out`
// contains no line.
nlohmann::json LastJsonLine(const std::string& out);

// The command line of `logpipe produce --json` writing `lines` synthetic
// lines from generator seed `seed` to `topic`.
std::vector<std::string> ProduceArgs(const std::string& bootstrap, const std::string& topic, int lines, int seed);

// Checks a consume summary in which `polled` records were read and
// `dead_lettered` of them dead-lettered: the rest are indexed, and indexed
// plus dead-lettered adds up to polled.
void ExpectPolledSplit(nlohmann::json summary, int64_t polled, int64_t dead_lettered);

}  // namespace logpipe::testing
