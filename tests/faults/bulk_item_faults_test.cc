// Fault tests of `logpipe consume` against a real OpenSearch node behind
// fault_proxy.py, which fails chosen _bulk items (429 for their first
// attempts, 400 on every attempt) or whole _bulk requests (503) and forwards
// everything else to the node.
#include <gtest/gtest.h>
#include <signal.h>

#include <nlohmann/json.hpp>

#include <map>
#include <memory>
#include <regex>
#include <set>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "faults/consume_fault_support.h"

namespace logpipe::testing {
namespace {

using std::chrono::seconds;

// _ids are "topic-partition-offset". The proxy matches them with Python's
// re.search and the test with std::regex_search, so the patterns use only
// syntax both read the same way. The two sets are disjoint (last digit 7
// against last digits 13).
constexpr char kRetryIdPattern[] = "-[0-9]+-[0-9]*7$";
constexpr char kRejectIdPattern[] = "-[0-9]+-[0-9]*13$";
constexpr int kRetryTimes = 2;  // 429s the proxy returns per matching _id

// fault_proxy.py as a child process, listening on an ephemeral loopback port
// and forwarding to the node at SearchUrl().
class FaultProxy {
 public:
  // Starts the proxy with `rules` (its command-line options) and waits until
  // it listens; fails the test when it does not within 30 s.
  explicit FaultProxy(const std::vector<std::string>& rules) {
    std::vector<std::string> argv = {"python3", SourceDir() + "/tests/faults/fault_proxy.py", "--upstream",
                                     SearchUrl()};
    argv.insert(argv.end(), rules.begin(), rules.end());
    process_ = std::make_unique<ChildProcess>(argv);

    static const std::regex ready("fault proxy listening on (http://127\\.0\\.0\\.1:[0-9]+)");
    auto deadline = std::chrono::steady_clock::now() + seconds(30);
    while (url_.empty() && std::chrono::steady_clock::now() < deadline) {
      std::string err = process_->StderrSoFar();
      std::smatch match;
      if (std::regex_search(err, match, ready)) {
        url_ = match[1];
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    EXPECT_FALSE(url_.empty()) << "fault proxy did not start: " << process_->StderrSoFar();
  }

  ~FaultProxy() {
    process_->Signal(SIGTERM);
    process_->Wait(seconds(10));
  }

  // Base URL, e.g. "http://127.0.0.1:41234"; empty when the proxy failed to start.
  const std::string& url() const { return url_; }

  // The proxy's counters (see fault_proxy.py).
  nlohmann::json Stats() { return SearchProbe(url_).Request("GET", "/_fault_proxy/stats"); }

  std::string Stderr() const { return process_->StderrSoFar(); }

 private:
  std::unique_ptr<ChildProcess> process_;
  std::string url_;
};

// Runs `logpipe consume` from the start of `names.topic` with the node at
// `es_url` until no record arrives for 10 s.
ProcessResult Consume(const RunNames& names, const std::string& es_url) {
  return RunProcess({LogpipeBinary(), "consume", "-b", BootstrapServers(), "-t", names.topic, "-g", names.group,
                     "-X", "auto.offset.reset=earliest", "--dlq-topic", names.dlq_topic, "--es-url", es_url,
                     "--index-pattern", names.index_prefix + "-%Y.%m.%d", "--template-name", names.index_prefix,
                     "--batch-size", "500", "--retry-initial", "50", "--idle-timeout", "10", "--json"},
                    seconds(300));
}

std::string DocumentId(const std::string& topic, const TopicRecord& record) {
  return topic + "-" + std::to_string(record.partition) + "-" + std::to_string(record.offset);
}

// Returns the attempt numbers of the consumer's "bulk retry attempt N" log
// lines whose text contains `cause`.
std::set<int> RetryAttempts(const std::string& log, const std::string& cause) {
  static const std::regex retry_line("WARN search: bulk retry attempt ([0-9]+) in [0-9]+ ms: [^\n]*");
  std::set<int> attempts;
  for (auto it = std::sregex_iterator(log.begin(), log.end(), retry_line); it != std::sregex_iterator(); ++it) {
    if (it->str().find(cause) != std::string::npos) attempts.insert(std::stoi((*it)[1]));
  }
  return attempts;
}

// Counts the documents of `ids` in the indices matching `pattern`.
int64_t CountIds(SearchProbe* probe, const std::string& pattern, const std::vector<std::string>& ids) {
  nlohmann::json query = {{"query", {{"ids", {{"values", ids}}}}}};
  nlohmann::json result = probe->Request("POST", "/" + pattern + "/_count", query.dump());
  EXPECT_TRUE(result.contains("count")) << result.dump();
  return result.value("count", int64_t{-1});
}

TEST(BulkItemFaults, RetriesThrottledAndDeadLettersRejected) {
  constexpr int kLines = 3000;
  RunNames names("fault-items");
  SearchCleanup cleanup(names.index_prefix);
  CreateTopic(BootstrapServers(), names.topic, 3);
  ProduceLines(names.topic, kLines, 11);

  // Sort the records by the fault the proxy injects for their _id.
  std::vector<TopicRecord> records = ReadTopic(BootstrapServers(), names.topic);
  ASSERT_EQ(records.size(), static_cast<size_t>(kLines));
  const std::regex retry_pattern(kRetryIdPattern);
  const std::regex reject_pattern(kRejectIdPattern);
  std::vector<std::string> retry_ids, reject_ids;
  std::map<std::pair<int32_t, int64_t>, std::string> rejected_lines;
  for (const TopicRecord& record : records) {
    std::string id = DocumentId(names.topic, record);
    if (std::regex_search(id, reject_pattern)) {
      reject_ids.push_back(id);
      rejected_lines[{record.partition, record.offset}] = record.value;
    } else if (std::regex_search(id, retry_pattern)) {
      retry_ids.push_back(id);
    }
  }
  ASSERT_FALSE(retry_ids.empty());
  ASSERT_FALSE(reject_ids.empty());
  const int64_t rejects = static_cast<int64_t>(reject_ids.size());

  // "--option=value", because argparse takes a separate value starting with '-' for an option.
  FaultProxy proxy({std::string("--retry-id=") + kRetryIdPattern, "--retry-times=" + std::to_string(kRetryTimes),
                    std::string("--reject-id=") + kRejectIdPattern});
  ASSERT_FALSE(proxy.url().empty());
  ProcessResult consumed = Consume(names, proxy.url());
  ASSERT_EQ(consumed.exit_code, 0) << consumed.err;

  // The summary reconciles: every polled record is indexed or dead-lettered.
  nlohmann::json summary = LastJsonLine(consumed.out);
  ASSERT_TRUE(summary.is_object()) << consumed.out;
  EXPECT_EQ(summary["rejected"], 0);
  ExpectPolledSplit(summary, kLines, rejects);

  // Each throttled item got exactly its injected 429s, so it was resent
  // after each, and each rejected item was sent once.
  nlohmann::json stats = proxy.Stats();
  EXPECT_EQ(stats["injected_429"], static_cast<int64_t>(retry_ids.size()) * kRetryTimes) << stats.dump();
  EXPECT_EQ(stats["retried_ids"], retry_ids.size()) << stats.dump();
  EXPECT_EQ(stats["injected_400"], rejects) << stats.dump();
  EXPECT_EQ(stats["upstream_errors"], 0) << proxy.Stderr();

  // The consumer logged its retries with their attempt numbers.
  std::set<int> attempts = RetryAttempts(consumed.err, "got HTTP 429");
  EXPECT_TRUE(attempts.count(1)) << consumed.err;
  EXPECT_TRUE(attempts.count(kRetryTimes)) << consumed.err;

  // The index contains every throttled item and none of the rejected ones.
  SearchProbe probe(SearchUrl());
  std::string indices = names.index_prefix + "-*";
  EXPECT_EQ(probe.Count(indices), kLines - rejects);
  EXPECT_EQ(CountIds(&probe, indices, retry_ids), static_cast<int64_t>(retry_ids.size()));
  EXPECT_EQ(CountIds(&probe, indices, reject_ids), 0);

  // Every rejected item is dead-lettered once, unchanged, with its reason.
  std::vector<TopicRecord> letters = ReadTopic(BootstrapServers(), names.dlq_topic);
  EXPECT_EQ(static_cast<int64_t>(letters.size()), rejects);
  std::set<std::pair<int32_t, int64_t>> lettered;
  for (const TopicRecord& letter : letters) {
    SCOPED_TRACE(letter.value);
    EXPECT_EQ(letter.headers.at("logpipe.stage"), "index");
    EXPECT_NE(letter.headers.at("logpipe.reason").find("mapper_parsing_exception"), std::string::npos);
    EXPECT_NE(letter.headers.at("logpipe.reason").find("injected by fault proxy"), std::string::npos);
    EXPECT_EQ(letter.headers.at("logpipe.source.topic"), names.topic);
    std::pair<int32_t, int64_t> source{std::stoi(letter.headers.at("logpipe.source.partition")),
                                       std::stoll(letter.headers.at("logpipe.source.offset"))};
    EXPECT_TRUE(lettered.insert(source).second) << "dead-lettered twice";
    auto original = rejected_lines.find(source);
    ASSERT_NE(original, rejected_lines.end()) << "dead letter of a record the proxy did not reject";
    EXPECT_EQ(letter.value, original->second);
  }
}

TEST(BulkItemFaults, RetriesFailedRequests) {
  constexpr int kLines = 1000;
  constexpr int kFailedRequests = 2;
  RunNames names("fault-requests");
  SearchCleanup cleanup(names.index_prefix);
  CreateTopic(BootstrapServers(), names.topic, 3);
  ProduceLines(names.topic, kLines, 11);

  FaultProxy proxy({"--fail-requests", std::to_string(kFailedRequests), "--fail-status", "503"});
  ASSERT_FALSE(proxy.url().empty());
  ProcessResult consumed = Consume(names, proxy.url());
  ASSERT_EQ(consumed.exit_code, 0) << consumed.err;

  nlohmann::json summary = LastJsonLine(consumed.out);
  ASSERT_TRUE(summary.is_object()) << consumed.out;
  EXPECT_EQ(summary["polled"], kLines);
  EXPECT_EQ(summary["indexed"], kLines);
  EXPECT_EQ(summary["dead_lettered"], 0);

  nlohmann::json stats = proxy.Stats();
  EXPECT_EQ(stats["injected_request_failures"], kFailedRequests) << stats.dump();
  EXPECT_EQ(stats["upstream_errors"], 0) << proxy.Stderr();

  // The first batch's request failed twice, so its retries 1 and 2 name the 503.
  std::set<int> attempts = RetryAttempts(consumed.err, "got HTTP 503");
  EXPECT_TRUE(attempts.count(1)) << consumed.err;
  EXPECT_TRUE(attempts.count(2)) << consumed.err;

  EXPECT_EQ(SearchProbe(SearchUrl()).Count(names.index_prefix + "-*"), kLines);
}

}  // namespace
}  // namespace logpipe::testing
