// Fault test of `logpipe consume` when an index template of higher priority
// than logpipe's maps a field with a narrower type. The real node rejects
// each document whose value does not fit with a per-item 400. Only those are
// dead-lettered, and the rest of the same batch is indexed.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <cstdio>
#include <fstream>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "search/index_template.h"
#include "support/kafka_reader.h"
#include "support/logpipe_run.h"
#include "support/process.h"
#include "support/search_probe.h"
#include "support/stack_control.h"

namespace logpipe::testing {
namespace {

using std::chrono::seconds;

constexpr int kLines = 200;
constexpr int kConflictEvery = 20;  // every 20th line has a response size above 2^31 - 1
constexpr char kHugeBytes[] = "3000000000";

// Returns line `i` of the test input, all on 2026-01-21 UTC so they share one
// index. Conflicting lines carry kHugeBytes, which an `integer` field rejects.
std::string Line(int i) {
  bool conflict = i % kConflictEvery == kConflictEvery - 1;
  char time[32];
  std::snprintf(time, sizeof(time), "Jan 21 2026, 10:%02d:%02d", i / 60 % 60, i % 60);
  return "10.0.0." + std::to_string(i % 250 + 1) + " - - [" + time + "] \"GET /items/" + std::to_string(i) +
         " HTTP/1.1\" 200 " + (conflict ? std::string(kHugeBytes) : std::to_string(100 + i)) +
         " \"-\" \"curl/8.0\"";
}

// Deletes the test's indices and both index templates when it ends, unless
// LOGPIPE_KEEP_TEST_DATA is set.
class SearchCleanup {
 public:
  explicit SearchCleanup(std::vector<std::string> paths) : paths_(std::move(paths)) {}
  ~SearchCleanup() {
    if (getenv("LOGPIPE_KEEP_TEST_DATA") != nullptr) return;
    SearchProbe probe(SearchUrl());
    for (const std::string& path : paths_) probe.Request("DELETE", path);
  }

 private:
  std::vector<std::string> paths_;  // request paths to DELETE
};

TEST(MappingConflict, RejectedDocumentsAreDeadLettered) {
  const std::string topic = UniqueName("fault-mapping");
  const std::string dlq_topic = topic + "-dlq";
  const std::string conflict_template = topic + "-narrow-bytes";
  SearchCleanup cleanup({"/" + topic + "-*?allow_no_indices=true&ignore_unavailable=true",
                         "/_index_template/" + conflict_template, "/_index_template/" + topic});
  SearchProbe probe(SearchUrl());
  CreateTopic(BootstrapServers(), topic, 1);

  // A template that wins over logpipe's (higher priority, same pattern) and
  // maps the response size as a 32-bit integer instead of a long.
  nlohmann::json narrow = nlohmann::json::parse(R"({
    "template": {
      "settings": {"number_of_replicas": 0},
      "mappings": {"properties": {"http": {"properties": {"response": {"properties": {"body": {"properties": {
        "bytes": {"type": "integer"}}}}}}}}}
    }
  })");
  narrow["index_patterns"] = {topic + "-*"};
  narrow["priority"] = search::kTemplatePriority + 100;
  nlohmann::json installed = probe.Request("PUT", "/_index_template/" + conflict_template, narrow.dump());
  ASSERT_EQ(installed["acknowledged"], true) << installed.dump();

  std::string path = "/tmp/" + topic + ".log";
  std::map<int64_t, std::string> conflicting;  // offset -> line; one partition, so offset == line number
  {
    std::ofstream file(path);
    for (int i = 0; i < kLines; ++i) {
      file << Line(i) << "\n";
      if (i % kConflictEvery == kConflictEvery - 1) conflicting[i] = Line(i);
    }
  }
  ProcessResult produced =
      RunProcess({LogpipeBinary(), "produce", "-b", BootstrapServers(), "-t", topic, "--input", path, "--json"},
                 seconds(60));
  std::remove(path.c_str());
  ASSERT_EQ(produced.exit_code, 0) << produced.err;
  ASSERT_EQ(LastJsonLine(produced.out)["delivered"], kLines) << produced.out;

  // One batch contains every line, so accepted and rejected items share a request.
  ProcessResult consumed =
      RunProcess({LogpipeBinary(), "consume", "-b", BootstrapServers(), "-t", topic, "-g", topic + "-group", "-X",
                  "auto.offset.reset=earliest", "--dlq-topic", dlq_topic, "--es-url", SearchUrl(), "--index-pattern",
                  topic + "-%Y.%m.%d", "--template-name", topic, "--batch-size", "1000", "--idle-timeout", "10",
                  "--json"},
                 seconds(180));
  ASSERT_EQ(consumed.exit_code, 0) << consumed.err;

  const int64_t rejects = static_cast<int64_t>(conflicting.size());
  nlohmann::json summary = LastJsonLine(consumed.out);
  ASSERT_TRUE(summary.is_object()) << consumed.out;
  EXPECT_EQ(summary["bulk_requests"], 1);
  ExpectPolledSplit(summary, kLines, rejects);

  // The narrow template, not logpipe's, shaped the index.
  nlohmann::json mapping = probe.Request("GET", "/" + topic + "-*/_mapping/field/http.response.body.bytes");
  ASSERT_TRUE(mapping.is_object()) << mapping.dump();
  ASSERT_TRUE(mapping.contains(topic + "-2026.01.21")) << mapping.dump();
  EXPECT_EQ(mapping[topic + "-2026.01.21"]["mappings"]["http.response.body.bytes"]["mapping"]["bytes"]["type"],
            "integer")
      << mapping.dump();

  EXPECT_EQ(probe.Count(topic + "-*"), kLines - rejects);

  std::vector<TopicRecord> letters = ReadTopic(BootstrapServers(), dlq_topic);
  EXPECT_EQ(static_cast<int64_t>(letters.size()), rejects);
  std::set<int64_t> lettered;
  for (const TopicRecord& letter : letters) {
    SCOPED_TRACE(letter.value);
    EXPECT_EQ(letter.headers.at("logpipe.stage"), "index");
    const std::string& reason = letter.headers.at("logpipe.reason");
    EXPECT_NE(reason.find("HTTP 400"), std::string::npos) << reason;
    EXPECT_NE(reason.find("mapper_parsing_exception"), std::string::npos) << reason;
    EXPECT_NE(reason.find("http.response.body.bytes"), std::string::npos) << reason;
    EXPECT_EQ(letter.headers.at("logpipe.source.topic"), topic);
    int64_t offset = std::stoll(letter.headers.at("logpipe.source.offset"));
    EXPECT_TRUE(lettered.insert(offset).second) << "dead-lettered twice";
    auto original = conflicting.find(offset);
    ASSERT_NE(original, conflicting.end()) << "dead letter of a line that fits the mapping";
    EXPECT_EQ(letter.value, original->second);
  }

}

}  // namespace
}  // namespace logpipe::testing
