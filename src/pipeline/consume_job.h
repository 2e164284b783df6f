// The consume job: reads access-log lines from a Kafka consumer group,
// parses each into an ECS document and indexes the documents with _bulk
// requests of up to batch_size records. What cannot be indexed is
// dead-lettered. A partition's offset is committed only once every record
// below it is indexed or dead-lettered.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "common/status.h"
#include "kafka/consumer.h"
#include "kafka/producer.h"
#include "record/ecs_document.h"
#include "search/bulk_indexer.h"
#include "search/http_client.h"

namespace logpipe::pipeline {

struct ConsumeOptions {
  kafka::ConsumerOptions kafka;
  std::string dead_letter_topic = "access-logs-dlq";

  search::HttpConfig search;
  std::string index_pattern = "access-logs-%Y.%m.%d";
  std::string template_name = "logpipe-access-logs";
  bool install_template = true;
  int replicas = 0;  // number_of_replicas of new indices
  int shards = 1;    // number_of_shards of new indices
  search::BulkIndexer::Options bulk;
  record::DocumentOptions document;

  size_t batch_size = 15000;  // records per _bulk request
  std::chrono::milliseconds max_duration{std::chrono::minutes(4)};   // end the run after this long
  std::chrono::milliseconds idle_timeout{std::chrono::seconds(15)};  // end the run after this long with no record
  std::chrono::milliseconds shutdown_timeout{std::chrono::seconds(30)};  // flush limit after SIGTERM
  std::chrono::milliseconds dead_letter_timeout{std::chrono::minutes(2)};
};

struct ConsumeSummary {
  uint64_t polled = 0;         // records read from Kafka
  uint64_t parsed = 0;         // records that parsed into a document
  uint64_t rejected = 0;       // records that did not parse
  uint64_t indexed = 0;        // documents the index accepted
  uint64_t dead_lettered = 0;  // records acknowledged by the dead-letter topic
  uint64_t bulk_requests = 0;  // batches sent (each may take several HTTP requests when items are retried)
  std::vector<kafka::PartitionOffset> committed;  // last committed offset per partition
  std::chrono::milliseconds elapsed{0};
};

// Runs one consume job until max_duration, idle_timeout or `stop`. Returns
// non-ok when it could not start or when records were left unresolved
// (their offsets are then not committed, so the next run reads them again).
Status RunConsume(const ConsumeOptions& options, const std::atomic<bool>& stop, ConsumeSummary* summary);

}  // namespace logpipe::pipeline
