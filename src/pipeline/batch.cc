#include "pipeline/batch.h"

#include <fmt/format.h>

#include "search/index_name.h"

namespace logpipe::pipeline {
namespace {

// Estimated bytes per record (line, document, id and index name), used to
// reserve the buffer once so a full batch rarely reallocates.
constexpr size_t kEstimatedBytesPerRecord = 768;

}  // namespace

Batch::Batch(std::string index_pattern, record::DocumentOptions document_options, size_t expected_records)
    : index_pattern_(std::move(index_pattern)), document_options_(document_options) {
  buffer_.reserve(expected_records * kEstimatedBytesPerRecord);
  documents_.reserve(expected_records);
}

Batch::Span Batch::Append(std::string_view text) {
  Span span{buffer_.size(), text.size()};
  buffer_.append(text);
  return span;
}

size_t Batch::TopicIndex(std::string_view topic) {
  for (size_t i = 0; i < topics_.size(); ++i) {
    if (topics_[i] == topic) return i;
  }
  topics_.emplace_back(topic);
  return topics_.size() - 1;
}

void Batch::Track(size_t topic, int32_t partition, int64_t offset) {
  int64_t& highest = highest_offsets_.try_emplace({topic, partition}, offset).first->second;
  if (offset > highest) highest = offset;
}

void Batch::AddDocument(const SourcePosition& source, std::string_view line, const record::AccessRecord& record) {
  Stored stored{};
  stored.source = TopicIndex(source.topic);
  stored.partition = source.partition;
  stored.offset = source.offset;
  stored.line = Append(line);

  scratch_.clear();
  search::FormatIndexName(index_pattern_, record.time, &scratch_);
  stored.index = Append(scratch_);

  scratch_.clear();
  fmt::format_to(std::back_inserter(scratch_), "{}-{}-{}", source.topic, source.partition, source.offset);
  stored.id = Append(scratch_);

  scratch_.clear();
  record::AppendDocument(record, line, document_options_, &scratch_);
  stored.document = Append(scratch_);

  documents_.push_back(stored);
  Track(stored.source, source.partition, source.offset);
}

void Batch::AddReject(const SourcePosition& source, std::string_view line, std::string_view reason) {
  Stored stored{};
  stored.source = TopicIndex(source.topic);
  stored.partition = source.partition;
  stored.offset = source.offset;
  stored.line = Append(line);
  stored.reason = Append(reason);
  stored.failed = true;
  rejects_.push_back(stored);
  Track(stored.source, source.partition, source.offset);
}

void Batch::MarkIndexFailure(size_t index, std::string_view reason) {
  Stored& stored = documents_.at(index);
  stored.reason = Append(reason);
  stored.failed = true;
}

std::vector<PendingDocument> Batch::Documents() const {
  std::vector<PendingDocument> result;
  result.reserve(documents_.size());
  for (const Stored& stored : documents_) {
    result.push_back({View(stored.index), View(stored.id), View(stored.document)});
  }
  return result;
}

std::vector<DeadLetter> Batch::DeadLetters() const {
  std::vector<DeadLetter> result;
  for (const Stored& stored : rejects_) {
    result.push_back({"parse", View(stored.reason), topics_[stored.source], stored.partition, stored.offset,
                      View(stored.line)});
  }
  for (const Stored& stored : documents_) {
    if (!stored.failed) continue;
    result.push_back({"index", View(stored.reason), topics_[stored.source], stored.partition, stored.offset,
                      View(stored.line)});
  }
  return result;
}

std::vector<kafka::PartitionOffset> Batch::CommitOffsets() const {
  std::vector<kafka::PartitionOffset> result;
  result.reserve(highest_offsets_.size());
  for (const auto& [key, highest] : highest_offsets_) {
    result.push_back({topics_[key.first], key.second, highest + 1});
  }
  return result;
}

void Batch::Clear() {
  buffer_.clear();
  documents_.clear();
  rejects_.clear();
  highest_offsets_.clear();
}

}  // namespace logpipe::pipeline
