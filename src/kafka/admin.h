// Topic administration through librdkafka's Admin API: creating topics with
// a chosen partition count and reading partition offsets.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "common/status.h"
#include "kafka/client_config.h"

namespace logpipe::kafka {

struct TopicSpec {
  std::string name;
  int partitions = 1;
  int replication_factor = 1;
  Properties configs;  // topic configs, e.g. {"max.message.bytes", "65536"}
};

struct PartitionWatermarks {
  int32_t partition = 0;
  int64_t low = 0;   // first available offset
  int64_t high = 0;  // offset the next record will get
};

// Creates `spec`. An existing topic is not an error when `if_not_exists`.
Status CreateTopic(const std::string& bootstrap_servers, const Properties& properties, const TopicSpec& spec,
                   bool if_not_exists, std::chrono::milliseconds timeout);

// Reads the low and high watermarks of every partition of `topic`.
Status ReadWatermarks(const std::string& bootstrap_servers, const Properties& properties, const std::string& topic,
                      std::vector<PartitionWatermarks>* out);

}  // namespace logpipe::kafka
