// TrafficGenerator: synthetic web traffic for the producer, one access-log
// line at a time, in logpipe's line format. Deterministic for a given seed
// and sequence of clock readings.
#pragma once

#include <cstdint>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "record/access_record.h"

namespace logpipe::synth {

// Unix seconds of 0001-01-01T00:00:00Z and 9999-12-31T23:59:59Z, the range
// that record::CivilTime and the log's four-digit year can represent.
constexpr int64_t kMinUnixSeconds = -62135596800;
constexpr int64_t kMaxUnixSeconds = 253402300799;

// Converts seconds since 1970-01-01T00:00:00Z to the UTC calendar date and
// time in the proleptic Gregorian calendar, with no leap seconds. Negative
// values are instants before 1970. `unix_seconds` must lie in
// [kMinUnixSeconds, kMaxUnixSeconds].
record::CivilTime CivilTimeFromUnixSeconds(int64_t unix_seconds);

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
  // next call. Allocates nothing after construction. `unix_seconds` must lie
  // in [kMinUnixSeconds, kMaxUnixSeconds].
  std::string_view Next(int64_t unix_seconds);

  // The fields of the line last returned by Next().
  const SyntheticEntry& entry() const { return entry_; }

 private:
  // A returning client: an IPv4 address with the browser or tool it uses.
  struct Client {
    uint32_t address = 0;     // host byte order
    uint16_t user_agent = 0;  // index into the user-agent table
  };

  const Client& PickClient();
  double DrawStandardNormal();
  // Sets entry_.time and returns its text in the log's format.
  std::string_view FormatTime(int64_t unix_seconds);

  std::mt19937_64 rng_;
  SyntheticEntry entry_;
  std::string line_;
  char ip_[16] = {};
  char target_[128] = {};

  std::vector<Client> clients_;     // returning clients, most popular first
  std::vector<double> client_cdf_;  // cumulative share of clients_, ends at 1
  Client fresh_client_;             // the last one-time client drawn

  int64_t time_seconds_ = 0;  // unix seconds that time_text_ shows
  bool has_time_text_ = false;
  char time_text_[32] = {};  // "Mon DD YYYY, HH:MM:SS"
  size_t time_length_ = 0;

  bool has_spare_normal_ = false;  // Box-Muller yields normals in pairs
  double spare_normal_ = 0;
};

}  // namespace logpipe::synth
