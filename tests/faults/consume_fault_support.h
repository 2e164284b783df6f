// Helpers of the consumer fault tests (consumer_kill_test, sigterm_flush_test,
// scale_out_test, bulk_item_faults_test). They name one test's Kafka and
// search objects, create and fill its topics and build consume command lines.
// The main check is that the indices contain exactly one document per line of
// a topic, equal to that line.
#pragma once

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdint>
#include <map>
#include <regex>
#include <string>
#include <utility>
#include <vector>

#include "support/kafka_reader.h"
#include "support/logpipe_run.h"
#include "support/process.h"
#include "support/search_probe.h"
#include "support/stack_control.h"

namespace logpipe::testing {

// Names of one test's topic, dead-letter topic, group, indices and template.
struct RunNames {
  explicit RunNames(const std::string& prefix)
      : topic(UniqueName(prefix)), dlq_topic(topic + "-dlq"), group(topic + "-group"), index_prefix(topic) {}

  std::string topic, dlq_topic, group, index_prefix;
};

// Deletes a test's indices and index template when it ends, unless
// LOGPIPE_KEEP_TEST_DATA is set.
class SearchCleanup {
 public:
  explicit SearchCleanup(std::string index_prefix) : index_prefix_(std::move(index_prefix)) {}
  ~SearchCleanup() {
    if (getenv("LOGPIPE_KEEP_TEST_DATA") != nullptr) return;
    SearchProbe probe(SearchUrl());
    probe.DeleteIndices(index_prefix_ + "-*");
    probe.Request("DELETE", "/_index_template/" + index_prefix_);
  }

 private:
  std::string index_prefix_;
};

// Creates `names.topic` with `partitions` partitions and its dead-letter
// topic with one.
inline void CreateTopics(const RunNames& names, int partitions) {
  CreateTopic(BootstrapServers(), names.topic, partitions);
  CreateTopic(BootstrapServers(), names.dlq_topic, 1);
}

// Produces `lines` synthetic lines from generator seed `seed` to `topic`, and
// fails the test unless every one is delivered.
inline void ProduceLines(const std::string& topic, int lines, int seed) {
  ProcessResult produced = RunProcess(ProduceArgs(BootstrapServers(), topic, lines, seed), std::chrono::seconds(120));
  ASSERT_EQ(produced.exit_code, 0) << produced.err;
  ASSERT_EQ(LastJsonLine(produced.out)["delivered"], lines) << produced.out;
}

// Returns the command line of `logpipe consume` for `names`, followed by
// `extra` options. Documents carry event.original, so that each can be
// compared byte for byte with its line.
inline std::vector<std::string> ConsumeArgs(const RunNames& names, const std::vector<std::string>& extra) {
  std::vector<std::string> argv = {LogpipeBinary(),   "consume",       "-b",         BootstrapServers(),
                                   "-t",              names.topic,     "-g",         names.group,
                                   "--dlq-topic",     names.dlq_topic, "--es-url",   SearchUrl(),
                                   "--index-pattern", names.index_prefix + "-%Y.%m.%d",
                                   "--template-name", names.index_prefix, "--event-original", "--json"};
  argv.insert(argv.end(), extra.begin(), extra.end());
  return argv;
}

// Returns the "N indexed" count of the last "flushed" line in a consumer's
// log: the documents that run indexed and committed, 0 when it never flushed.
// The line follows the commit, so for a killed run this is a lower bound.
inline int64_t LastFlushedIndexed(const std::string& log) {
  static const std::regex flushed_line("flushed [0-9]+ records \\([a-z ]+\\): ([0-9]+) indexed");
  int64_t indexed = 0;
  for (auto it = std::sregex_iterator(log.begin(), log.end(), flushed_line); it != std::sregex_iterator(); ++it) {
    indexed = std::stoll((*it)[1]);
  }
  return indexed;
}

// The fields of a line that the test compares with its document, taken
// with a regular expression of the line format, independent of the parser
// under test. The target is stored with its \" and \\ escapes decoded.
struct LineFields {
  std::string ip, timestamp, target;
  int status = 0;
};

inline std::string DecodeEscapes(const std::string& quoted) {
  std::string decoded;
  for (size_t i = 0; i < quoted.size(); ++i) {
    if (quoted[i] == '\\' && i + 1 < quoted.size() && (quoted[i + 1] == '"' || quoted[i + 1] == '\\')) ++i;
    decoded.push_back(quoted[i]);
  }
  return decoded;
}

inline bool SplitLine(const std::string& line, LineFields* fields) {
  static const std::regex pattern(
      R"re(^(\S+) - - \[(\w{3}) (\d{2}) (\d{4}), (\d{2}:\d{2}:\d{2})\] "\S+ ((?:[^"\\ ]|\\.)+) HTTP/\d\.\d" (\d{3}) .*$)re");
  static const std::map<std::string, std::string> months = {
      {"Jan", "01"}, {"Feb", "02"}, {"Mar", "03"}, {"Apr", "04"}, {"May", "05"}, {"Jun", "06"},
      {"Jul", "07"}, {"Aug", "08"}, {"Sep", "09"}, {"Oct", "10"}, {"Nov", "11"}, {"Dec", "12"}};
  std::smatch match;
  if (!std::regex_match(line, match, pattern)) return false;
  auto month = months.find(match[2]);
  if (month == months.end()) return false;
  fields->ip = match[1];
  fields->timestamp = std::string(match[4]) + "-" + month->second + "-" + std::string(match[3]) + "T" +
                      std::string(match[5]);
  fields->target = DecodeEscapes(match[6]);
  fields->status = std::stoi(match[7]);
  return true;
}

inline nlohmann::json::json_pointer Pointer(const char* path) { return nlohmann::json::json_pointer(path); }

// One document of the indices, as the checks need it.
struct IndexedDocument {
  std::string index;
  nlohmann::json source;
};

// Reads every document of the indices matching `pattern` with the scroll
// API and returns them by _id. `id_occurrences` receives how often each _id
// was seen, which is more than once only when an _id is in two indices.
inline std::map<std::string, IndexedDocument> ReadAllDocuments(const std::string& pattern,
                                                               std::map<std::string, int>* id_occurrences) {
  SearchProbe probe(SearchUrl());
  probe.Request("POST", "/" + pattern + "/_refresh?allow_no_indices=true&ignore_unavailable=true");
  std::map<std::string, IndexedDocument> documents;
  nlohmann::json page = probe.ScrollHits("/" + pattern + "/_search?scroll=2m&size=10000",
                                         R"({"sort":["_doc"],"_source":["@timestamp","source.ip","url.original",)"
                                         R"("http.response.status_code","event.original"]})",
                                         [&](const nlohmann::json& hit) {
                                           std::string id = hit["_id"];
                                           ++(*id_occurrences)[id];
                                           documents[id] = {hit["_index"], hit["_source"]};
                                         });
  EXPECT_TRUE(page.is_object()) << "scrolling " << pattern << " failed";
  EXPECT_TRUE(page.contains("hits")) << "scrolling " << pattern << " failed: " << page.dump();
  return documents;
}

// Checks that the indices of `names` hold exactly one document per record of
// `names.topic`, under the _id "topic-partition-offset", each equal to its
// line, and that the dead-letter topic is empty. `expected_lines` is what
// the test produced.
inline void ExpectIndexEqualsTopic(const RunNames& names, size_t expected_lines) {
  std::vector<TopicRecord> records = ReadTopic(BootstrapServers(), names.topic);
  ASSERT_EQ(records.size(), expected_lines);

  std::map<std::string, int> id_occurrences;
  std::map<std::string, IndexedDocument> documents = ReadAllDocuments(names.index_prefix + "-*", &id_occurrences);
  EXPECT_EQ(SearchProbe(SearchUrl()).Count(names.index_prefix + "-*"), static_cast<int64_t>(expected_lines));
  EXPECT_EQ(documents.size(), expected_lines);
  int repeated_ids = 0;
  for (const auto& [id, occurrences] : id_occurrences) {
    if (occurrences > 1) ++repeated_ids;
  }
  EXPECT_EQ(repeated_ids, 0) << "_ids found in more than one index";

  int missing = 0, unequal = 0;
  for (const TopicRecord& record : records) {
    std::string id = names.topic + "-" + std::to_string(record.partition) + "-" + std::to_string(record.offset);
    auto found = documents.find(id);
    if (found == documents.end()) {
      if (++missing <= 5) ADD_FAILURE() << "no document " << id << " for line: " << record.value;
      continue;
    }
    const nlohmann::json& source = found->second.source;
    LineFields expected;
    ASSERT_TRUE(SplitLine(record.value, &expected)) << "the test's own pattern does not match: " << record.value;
    bool equal = source.value(Pointer("/event/original"), std::string()) == record.value &&
                 source.value(Pointer("/@timestamp"), std::string()) == expected.timestamp &&
                 source.value(Pointer("/source/ip"), std::string()) == expected.ip &&
                 source.value(Pointer("/url/original"), std::string()) == expected.target &&
                 source.value(Pointer("/http/response/status_code"), 0) == expected.status;
    if (!equal && ++unequal <= 5) {
      ADD_FAILURE() << "document " << id << " differs from its line\n  line:     " << record.value
                    << "\n  document: " << source.dump();
    }
  }
  EXPECT_EQ(missing, 0) << "lines without a document";
  EXPECT_EQ(unequal, 0) << "documents that differ from their line";

  std::vector<TopicRecord> letters = ReadTopic(BootstrapServers(), names.dlq_topic);
  EXPECT_EQ(letters.size(), 0u) << "dead letters in " << names.dlq_topic;
}

}  // namespace logpipe::testing
