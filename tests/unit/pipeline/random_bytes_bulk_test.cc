// Random bytes through the consumer's path from line to _bulk body: parse,
// pipeline::Batch, search::BulkRequest. Whatever a Kafka record holds, the
// body must be NDJSON that the node can read: every line one JSON value
// (strict UTF-8, no raw control characters), action and document lines
// alternating, one pair per parsed record.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <cstdint>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "pipeline/batch.h"
#include "record/line_parser.h"
#include "search/bulk_request.h"

namespace logpipe::pipeline {
namespace {

using nlohmann::json;

constexpr int kLines = 10000;
constexpr size_t kBatchSize = 500;  // records per batch, as --batch-size
constexpr uint64_t kSeed = 20260121;
constexpr char kIndexPattern[] = "logs-%Y.%m.%d";
constexpr char kTopic[] = "access-logs";

// Shows `text` printable in a failure message, whatever its bytes.
std::string Printable(std::string_view text) {
  return json(std::string(text)).dump(-1, ' ', true, json::error_handler_t::replace);
}

class LineSource {
 public:
  explicit LineSource(uint64_t seed) : random_(seed) {}

  // Returns line `i`: one of five kinds, from pure noise to a valid line
  // with noise only in its quoted fields.
  std::string Next(int i) {
    switch (i % 5) {
      case 0: return Bytes(Below(400));
      case 1: return Line("GET /index.html", Bytes(Below(200)), Bytes(Below(200)));
      case 2: return Line("GET /" + NoSpaces(Below(100)), "-", "curl/8.0");
      case 3: return Flip(Line("POST /api/v1/items?id=7", "https://example.com/", "Mozilla/5.0"));
      default: return Line("GET /search?q=1", Escaped(Below(200)), Escaped(Below(200)));
    }
  }

 private:
  size_t Below(size_t limit) { return std::uniform_int_distribution<size_t>(0, limit - 1)(random_); }
  char Byte() { return static_cast<char>(Below(256)); }

  std::string Bytes(size_t size) {
    std::string text(size, '\0');
    for (char& c : text) c = Byte();
    return text;
  }

  std::string NoSpaces(size_t size) {
    std::string text = Bytes(size);
    for (char& c : text) {
      if (c == ' ' || c == '"') c = '_';
    }
    return text;
  }

  // Random bytes in which each '"' is escaped as the log format allows and
  // no trailing backslash escapes the closing quote, so the field parses.
  std::string Escaped(size_t size) {
    std::string text;
    for (char c : Bytes(size)) {
      if (c == '"' || c == '\\') text.push_back('\\');
      text.push_back(c);
    }
    return text;
  }

  // Overwrites 1 to 4 random positions with random bytes.
  std::string Flip(std::string line) {
    size_t flips = 1 + Below(4);
    for (size_t k = 0; k < flips; ++k) line[Below(line.size())] = Byte();
    return line;
  }

  static std::string Line(const std::string& request, const std::string& referrer, const std::string& user_agent) {
    return "192.0.2.7 - - [Jan 21 2026, 22:23:40] \"" + request + " HTTP/1.1\" 200 512 \"" + referrer + "\" \"" +
           user_agent + "\"";
  }

  std::mt19937_64 random_;
};

// Checks that `request` is the NDJSON body of `documents`, one action and
// one document line each. `lines[k]` is the source line of documents[k].
void CheckBody(const search::BulkRequest& request, const std::vector<PendingDocument>& documents,
               const std::vector<std::string>& lines) {
  ASSERT_EQ(request.item_count(), documents.size());
  const std::string& body = request.body();
  if (documents.empty()) {
    EXPECT_TRUE(body.empty());
    return;
  }
  ASSERT_FALSE(body.empty());
  ASSERT_EQ(body.back(), '\n');

  size_t start = 0;
  for (size_t k = 0; k < documents.size(); ++k) {
    SCOPED_TRACE("source line " + Printable(lines[k]));
    for (int part = 0; part < 2; ++part) {
      size_t end = body.find('\n', start);
      ASSERT_NE(end, std::string::npos) << "the body ends before item " << k;
      std::string_view text = std::string_view(body).substr(start, end - start);
      start = end + 1;

      json value = json::parse(text, nullptr, false);
      ASSERT_FALSE(value.is_discarded()) << "not JSON: " << Printable(text);
      ASSERT_TRUE(value.is_object()) << Printable(text);
      if (part == 0) {
        ASSERT_EQ(value.size(), 1u) << Printable(text);
        ASSERT_TRUE(value.contains("index")) << Printable(text);
        EXPECT_EQ(value["index"]["_index"], documents[k].index);
        EXPECT_EQ(value["index"]["_id"], documents[k].id);
      } else {
        EXPECT_TRUE(value.contains("@timestamp")) << Printable(text);
        EXPECT_FALSE(value.contains("index")) << "a document line where an action line belongs: " << Printable(text);
      }
    }
  }
  EXPECT_EQ(start, body.size()) << "the body has lines after the last item";
}

TEST(RandomBytesBulk, BodyIsValidNdjson) {
  LineSource source(kSeed);
  search::BulkRequest request;
  size_t parsed = 0;
  size_t rejected = 0;

  for (int first = 0; first < kLines; first += static_cast<int>(kBatchSize)) {
    record::DocumentOptions options;
    options.include_event_original = (first / kBatchSize) % 2 == 1;  // every other batch copies the raw line too
    Batch batch(kIndexPattern, options, kBatchSize);
    std::vector<std::string> lines;

    for (int i = first; i < first + static_cast<int>(kBatchSize) && i < kLines; ++i) {
      std::string line = source.Next(i);
      SourcePosition position{kTopic, i % 3, i};
      record::AccessRecord record;
      record::ParseError error = record::ParseLine(line, &record);
      if (error == record::ParseError::kNone) {
        batch.AddDocument(position, line, record);
        lines.push_back(std::move(line));
        ++parsed;
      } else {
        batch.AddReject(position, line, record::Describe(error));
        ++rejected;
      }
    }

    // The same steps as the consume job's flush.
    std::vector<PendingDocument> documents = batch.Documents();
    request.Clear();
    for (const PendingDocument& document : documents) request.Add(document.index, document.id, document.document);

    SCOPED_TRACE("batch starting at line " + std::to_string(first) + ", seed " + std::to_string(kSeed));
    ASSERT_EQ(documents.size(), lines.size());
    CheckBody(request, documents, lines);
    if (HasFatalFailure()) return;
  }

  // Both outcomes occurred often enough for the test to mean something.
  EXPECT_GT(parsed, static_cast<size_t>(kLines) / 4);
  EXPECT_GT(rejected, static_cast<size_t>(kLines) / 4);
  EXPECT_EQ(parsed + rejected, static_cast<size_t>(kLines));
}

}  // namespace
}  // namespace logpipe::pipeline
