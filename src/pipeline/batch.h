// Batch: the consumer's records between two commits. It owns a copy of each
// record's line and encoded document in one growing buffer, tracks which
// records still need a dead letter, and computes the offsets that may be
// committed once every record in it is indexed or dead-lettered.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "kafka/consumer.h"
#include "record/access_record.h"
#include "record/ecs_document.h"

namespace logpipe::pipeline {

// The Kafka position a record was read from.
struct SourcePosition {
  std::string_view topic;
  int32_t partition = 0;
  int64_t offset = 0;
};

// A record that must go to the dead-letter topic, with why.
struct DeadLetter {
  std::string_view stage;   // "parse" or "index"
  std::string_view reason;  // what was wrong, e.g. "invalid status: ..."
  std::string_view topic;
  int32_t partition = 0;
  int64_t offset = 0;
  std::string_view line;    // the record's bytes, unchanged
};

// A document ready for the bulk request, with views into the batch buffer.
struct PendingDocument {
  std::string_view index;
  std::string_view id;
  std::string_view document;
};

class Batch {
 public:
  // `index_pattern` must have passed search::ValidateIndexPattern().
  Batch(std::string index_pattern, record::DocumentOptions document_options, size_t expected_records);

  // Adds a parsed record: its index name, _id ("topic-partition-offset")
  // and encoded document.
  void AddDocument(const SourcePosition& source, std::string_view line, const record::AccessRecord& record);

  // Adds a record that did not parse; it will be dead-lettered with `reason`.
  void AddReject(const SourcePosition& source, std::string_view line, std::string_view reason);

  // Marks document `index` (in Documents() order) as failed to index with
  // `reason`, so it is dead-lettered instead.
  void MarkIndexFailure(size_t index, std::string_view reason);

  // Views stay valid until the next Add*/Mark*/Clear call.
  std::vector<PendingDocument> Documents() const;
  std::vector<DeadLetter> DeadLetters() const;

  // The offsets to commit once the batch is resolved: per partition, one
  // past the highest offset the batch contains.
  std::vector<kafka::PartitionOffset> CommitOffsets() const;

  size_t record_count() const { return documents_.size() + rejects_.size(); }
  size_t document_count() const { return documents_.size(); }
  bool empty() const { return record_count() == 0; }

  // Forgets every record; keeps the buffer's capacity.
  void Clear();

 private:
  struct Span {
    size_t begin = 0;
    size_t size = 0;
  };
  struct Stored {
    size_t source;  // index into sources_
    int32_t partition;
    int64_t offset;
    Span line, index, id, document, reason;
    bool failed = false;  // rejected by the index: dead-letter it
  };

  Span Append(std::string_view text);
  std::string_view View(Span span) const { return std::string_view(buffer_).substr(span.begin, span.size); }
  size_t TopicIndex(std::string_view topic);
  void Track(size_t topic, int32_t partition, int64_t offset);

  std::string index_pattern_;
  record::DocumentOptions document_options_;
  std::string buffer_;  // lines, ids, index names and documents, back to back
  std::vector<std::string> topics_;
  std::vector<Stored> documents_;
  std::vector<Stored> rejects_;
  std::map<std::pair<size_t, int32_t>, int64_t> highest_offsets_;
  std::string scratch_;  // encoding area reused across records
};

}  // namespace logpipe::pipeline
