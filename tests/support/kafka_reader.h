// Reads a whole topic for test assertions: every record of every partition
// from its first offset up to the end offset at the time of the call.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace logpipe::testing {

struct TopicRecord {
  int32_t partition = 0;
  int64_t offset = 0;
  std::string value;
  std::map<std::string, std::string> headers;
};

// Returns every record of `topic`; fails the calling test on errors.
std::vector<TopicRecord> ReadTopic(const std::string& bootstrap_servers, const std::string& topic);

// Creates `topic` with `partitions` partitions (fails the test on error).
void CreateTopic(const std::string& bootstrap_servers, const std::string& topic, int partitions,
                 const std::vector<std::pair<std::string, std::string>>& configs = {});

}  // namespace logpipe::testing
