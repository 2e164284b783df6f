// TrafficGenerator: synthetic web traffic for the producer, one access-log
// line at a time, in logpipe's line format. Deterministic for a given seed
// and sequence of clock readings.
#pragma once

#include <cstdint>
#include <random>
#include <string>
#include <string_view>

#include "record/access_record.h"

namespace logpipe::synth {

// The fields of one generated line, kept so tests can compare what a parser
// recovers with what was generated. Views point into static tables or into
// the generator's own buffers and stay valid until the next Next() call.
struct SyntheticEntry {
  std::string_view client_ip;
  record::CivilTime time;
  std::string_view method;
  std::string_view target;  // path, with a query string for some requests
  int status = 0;
  int64_t bytes = 0;
  std::string_view referrer;  // "-" for direct traffic
  std::string_view user_agent;
};

class TrafficGenerator {
 public:
  explicit TrafficGenerator(uint64_t seed);

  TrafficGenerator(const TrafficGenerator&) = delete;
  TrafficGenerator& operator=(const TrafficGenerator&) = delete;

  // Generates the next line with event time `unix_seconds` (UTC) and returns
  // it without a trailing newline. The view and entry() stay valid until the
  // next call. Allocates nothing once the internal buffers have grown.
  std::string_view Next(int64_t unix_seconds);

  // The fields of the line last returned by Next().
  const SyntheticEntry& entry() const { return entry_; }

 private:
  std::mt19937_64 rng_;
  SyntheticEntry entry_;
  std::string line_;
  char ip_[16] = {};
  char target_[128] = {};
};

}  // namespace logpipe::synth
