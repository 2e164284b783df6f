// End-to-end tests of `logpipe produce` and `logpipe consume` against the
// real local Kafka broker and OpenSearch node (started by stack/up).
// The suite shares one produce and consume run, made in SetUpTestSuite, and
// each test checks one property of it.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <map>
#include <random>
#include <regex>
#include <set>
#include <thread>

#include "kafka/admin.h"
#include "support/kafka_reader.h"
#include "support/logpipe_run.h"
#include "support/process.h"
#include "support/search_probe.h"
#include "support/stack_control.h"

namespace logpipe::testing {
namespace {

using std::chrono::seconds;

constexpr int kLines = 15000;
constexpr int kPartitions = 3;

struct RunState {
  std::string bootstrap;
  std::string es_url;
  std::string topic;
  std::string dlq_topic;
  std::string group;
  std::string index_prefix;
  ProcessResult produce;
  ProcessResult consume;
  nlohmann::json produce_summary;
  nlohmann::json consume_summary;
};

RunState* state = nullptr;

std::vector<std::string> ConsumeArgs(const RunState& run, const std::string& idle_seconds) {
  return {LogpipeBinary(),   "consume",      "-b",           run.bootstrap,         "-t",
          run.topic,         "-g",           run.group,      "--dlq-topic",         run.dlq_topic,
          "--es-url",        run.es_url,     "--index-pattern", run.index_prefix + "-%Y.%m.%d",
          "--template-name", run.index_prefix, "--idle-timeout", idle_seconds,     "--json"};
}

class PipelineTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    state = new RunState();
    state->bootstrap = BootstrapServers();
    state->es_url = SearchUrl();
    state->topic = UniqueName("it-logs");
    state->dlq_topic = state->topic + "-dlq";
    state->group = state->topic + "-group";
    state->index_prefix = state->topic;
    CreateTopic(state->bootstrap, state->topic, kPartitions);

    // The consumer starts first, as a new group with auto.offset.reset=latest,
    // so this also checks that a first cycle misses none of its producer's lines.
    ChildProcess consumer(ConsumeArgs(*state, "10"));
    std::this_thread::sleep_for(seconds(1));
    state->produce = RunProcess(ProduceArgs(state->bootstrap, state->topic, kLines, 7), seconds(120));
    state->consume = consumer.Wait(seconds(240));
    state->produce_summary = LastJsonLine(state->produce.out);
    state->consume_summary = LastJsonLine(state->consume.out);
  }

  static void TearDownTestSuite() {
    if (getenv("LOGPIPE_KEEP_TEST_DATA") == nullptr) SearchProbe(state->es_url).DeleteIndices(state->index_prefix + "-*");
    delete state;
    state = nullptr;
  }
};

TEST_F(PipelineTest, ProduceDeliversEveryLine) {
  ASSERT_EQ(state->produce.exit_code, 0) << state->produce.err;
  EXPECT_EQ(state->produce_summary["requested"], kLines);
  EXPECT_EQ(state->produce_summary["delivered"], kLines);
  EXPECT_EQ(state->produce_summary["failed"], 0);
}

TEST_F(PipelineTest, ConsumeIndexesEveryLine) {
  ASSERT_EQ(state->consume.exit_code, 0) << state->consume.err;
  EXPECT_EQ(state->consume_summary["polled"], kLines) << state->consume.err;
  EXPECT_EQ(state->consume_summary["parsed"], kLines);
  EXPECT_EQ(state->consume_summary["indexed"], kLines);
  EXPECT_EQ(state->consume_summary["dead_lettered"], 0);
  EXPECT_EQ(SearchProbe(state->es_url).Count(state->index_prefix + "-*"), kLines);
}

TEST_F(PipelineTest, ConsumeCommitsEveryPartitionEnd) {
  std::vector<kafka::PartitionWatermarks> marks;
  ASSERT_TRUE(kafka::ReadWatermarks(state->bootstrap, {}, state->topic, &marks).ok());
  std::map<int, int64_t> committed;
  for (const auto& entry : state->consume_summary["committed"]) committed[entry["partition"]] = entry["offset"];
  for (const auto& mark : marks) {
    if (mark.high == 0) continue;  // a partition that received no line has nothing to commit
    EXPECT_EQ(committed[mark.partition], mark.high) << "partition " << mark.partition;
  }
}

// An oracle independent of the parser under test: a regular expression of
// the line format and a month table.
struct ExpectedFields {
  std::string ip, timestamp, method, target, version, referrer, user_agent;
  int status = 0;
  std::string bytes;
};

ExpectedFields SplitLine(const std::string& line) {
  static const std::regex pattern(
      R"re(^(\S+) - - \[(\w{3}) (\d{2}) (\d{4}), (\d{2}:\d{2}:\d{2})\] "(\S+) (\S+) HTTP/(\d\.\d)" (\d{3}) (\d+|-) "([^"]*)" "([^"]*)"$)re");
  static const std::map<std::string, std::string> months = {
      {"Jan", "01"}, {"Feb", "02"}, {"Mar", "03"}, {"Apr", "04"}, {"May", "05"}, {"Jun", "06"},
      {"Jul", "07"}, {"Aug", "08"}, {"Sep", "09"}, {"Oct", "10"}, {"Nov", "11"}, {"Dec", "12"}};
  std::smatch match;
  ExpectedFields fields;
  if (!std::regex_match(line, match, pattern)) {
    ADD_FAILURE() << "the test's own pattern does not match: " << line;
    return fields;
  }
  fields.ip = match[1];
  fields.timestamp = std::string(match[4]) + "-" + months.at(match[2]) + "-" + std::string(match[3]) + "T" +
                     std::string(match[5]);
  fields.method = match[6];
  fields.target = match[7];
  fields.version = match[8];
  fields.status = std::stoi(match[9]);
  fields.bytes = match[10];
  fields.referrer = match[11];
  fields.user_agent = match[12];
  return fields;
}

TEST_F(PipelineTest, SampledDocumentsMatchTheirLines) {
  std::vector<TopicRecord> records = ReadTopic(state->bootstrap, state->topic);
  ASSERT_EQ(records.size(), static_cast<size_t>(kLines));

  std::mt19937 random(42);
  std::shuffle(records.begin(), records.end(), random);
  SearchProbe probe(state->es_url);
  for (size_t i = 0; i < 200; ++i) {
    const TopicRecord& record = records[i];
    std::string id = state->topic + "-" + std::to_string(record.partition) + "-" + std::to_string(record.offset);
    nlohmann::json query = {{"query", {{"ids", {{"values", {id}}}}}}};
    nlohmann::json hit = probe.Request("POST", "/" + state->index_prefix + "-*/_search", query.dump());
    ASSERT_EQ(hit["hits"]["total"]["value"], 1) << id;
    const nlohmann::json& document = hit["hits"]["hits"][0]["_source"];
    ExpectedFields expected = SplitLine(record.value);

    SCOPED_TRACE(record.value);
    EXPECT_EQ(document["@timestamp"], expected.timestamp);
    EXPECT_EQ(document["source"]["ip"], expected.ip);
    EXPECT_EQ(document["http"]["request"]["method"], expected.method);
    EXPECT_EQ(document["url"]["original"], expected.target);
    EXPECT_EQ(document["http"]["version"], expected.version);
    EXPECT_EQ(document["http"]["response"]["status_code"], expected.status);
    if (expected.bytes == "-") {
      EXPECT_FALSE(document["http"]["response"].contains("body"));
    } else {
      EXPECT_EQ(document["http"]["response"]["body"]["bytes"], std::stoll(expected.bytes));
    }
    if (expected.referrer == "-") {
      EXPECT_FALSE(document["http"]["request"].contains("referrer"));
    } else {
      EXPECT_EQ(document["http"]["request"]["referrer"], expected.referrer);
    }
    EXPECT_EQ(document["user_agent"]["original"], expected.user_agent);
    size_t question = expected.target.find('?');
    EXPECT_EQ(document["url"]["path"], expected.target.substr(0, question));
    if (question != std::string::npos) {
      EXPECT_EQ(document["url"]["query"], expected.target.substr(question + 1));
    }
  }
}

TEST_F(PipelineTest, SecondRunIndexesNothingNew) {
  ProcessResult again = RunProcess(ConsumeArgs(*state, "5"), seconds(120));
  ASSERT_EQ(again.exit_code, 0) << again.err;
  nlohmann::json summary = LastJsonLine(again.out);
  EXPECT_EQ(summary["polled"], 0);
  EXPECT_EQ(summary["indexed"], 0);
  EXPECT_EQ(SearchProbe(state->es_url).Count(state->index_prefix + "-*"), kLines);
}

TEST_F(PipelineTest, UnparsableLineIsDeadLettered) {
  std::string path = "/tmp/" + UniqueName("bad-lines") + ".log";
  {
    std::ofstream file(path);
    file << "this is not an access log line\n";
    file << "9.180.123.170 - - [Feb 30 2026, 10:00:00] \"GET / HTTP/1.1\" 200 5 \"-\" \"curl/8.0\"\n";
    file << "9.180.123.170 - - [Jan 21 2026, 22:23:40] \"GET /ok HTTP/1.1\" 200 5 \"-\" \"curl/8.0\"\n";
  }
  ChildProcess consumer(ConsumeArgs(*state, "8"));
  std::this_thread::sleep_for(seconds(1));
  ProcessResult produced =
      RunProcess({LogpipeBinary(), "produce", "-b", state->bootstrap, "-t", state->topic, "--input", path}, seconds(60));
  std::remove(path.c_str());
  ASSERT_EQ(produced.exit_code, 0) << produced.err;
  ProcessResult consumed = consumer.Wait(seconds(120));
  ASSERT_EQ(consumed.exit_code, 0) << consumed.err;

  nlohmann::json summary = LastJsonLine(consumed.out);
  EXPECT_EQ(summary["rejected"], 2);
  ExpectPolledSplit(summary, 3, 2);

  std::vector<TopicRecord> letters = ReadTopic(state->bootstrap, state->dlq_topic);
  ASSERT_EQ(letters.size(), 2u);
  std::set<std::string> values;
  for (const TopicRecord& letter : letters) {
    values.insert(letter.value);
    EXPECT_EQ(letter.headers.at("logpipe.stage"), "parse");
    EXPECT_FALSE(letter.headers.at("logpipe.reason").empty());
    EXPECT_EQ(letter.headers.at("logpipe.source.topic"), state->topic);
    EXPECT_FALSE(letter.headers.at("logpipe.source.offset").empty());
  }
  EXPECT_TRUE(values.count("this is not an access log line"));
}

}  // namespace
}  // namespace logpipe::testing
