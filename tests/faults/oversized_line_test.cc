// Fault test of `logpipe produce` with one line larger than the topic's
// max.message.bytes among normal lines. Kafka checks the limit against whole
// record batches, so the oversized line must fail alone and the lines
// batched with it must still be delivered, once each.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <cstdio>
#include <fstream>
#include <random>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include "support/kafka_reader.h"
#include "support/logpipe_run.h"
#include "support/process.h"
#include "support/stack_control.h"

namespace logpipe::testing {
namespace {

using std::chrono::seconds;

constexpr int kLines = 1000;
constexpr int kOversizedAt = 500;           // line number of the oversized line
constexpr size_t kOversizedBytes = 200000;  // user agent length of that line
constexpr int kTopicMaxMessageBytes = 65536;

std::string Line(int i, const std::string& user_agent) {
  char time[32];
  std::snprintf(time, sizeof(time), "Jan 21 2026, 11:%02d:%02d", i / 60 % 60, i % 60);
  return "10.1.0." + std::to_string(i % 250 + 1) + " - - [" + time + "] \"GET /page/" + std::to_string(i) +
         " HTTP/1.1\" 200 " + std::to_string(i) + " \"-\" \"" + user_agent + "\"";
}

// Returns random letters and digits, which lz4 (the producer's compression)
// cannot shrink below the topic's limit.
std::string IncompressibleText(size_t size) {
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::mt19937 random(2026);
  std::uniform_int_distribution<size_t> pick(0, sizeof(kAlphabet) - 2);
  std::string text(size, ' ');
  for (char& c : text) c = kAlphabet[pick(random)];
  return text;
}

TEST(OversizedLine, FailsAloneOthersDelivered) {
  const std::string topic = UniqueName("fault-oversized");
  CreateTopic(BootstrapServers(), topic, 3, {{"max.message.bytes", std::to_string(kTopicMaxMessageBytes)}});

  std::string path = "/tmp/" + topic + ".log";
  std::set<std::string> normal_lines;
  std::string oversized = Line(kOversizedAt, IncompressibleText(kOversizedBytes));
  {
    std::ofstream file(path);
    for (int i = 0; i < kLines; ++i) {
      if (i == kOversizedAt) {
        file << oversized << "\n";
        continue;
      }
      std::string line = Line(i, "curl/8.0");
      normal_lines.insert(line);
      file << line << "\n";
    }
  }
  ASSERT_EQ(normal_lines.size(), static_cast<size_t>(kLines - 1));

  ProcessResult produced =
      RunProcess({LogpipeBinary(), "produce", "-b", BootstrapServers(), "-t", topic, "--input", path, "--json"},
                 seconds(180));
  std::remove(path.c_str());

  // A line was not delivered, so the run fails, and the summary counts the failure.
  EXPECT_NE(produced.exit_code, 0) << produced.err;
  nlohmann::json summary = LastJsonLine(produced.out);
  ASSERT_TRUE(summary.is_object()) << produced.out << produced.err;
  EXPECT_EQ(summary["requested"], kLines);
  EXPECT_EQ(summary["delivered"], kLines - 1) << produced.err;
  EXPECT_EQ(summary["failed"], 1) << produced.err;

  // The failure is logged once, with the broker's reason.
  static const std::regex failure_line("ERROR kafka: delivery to topic ([^ ]+) partition [0-9]+ failed: ([^\n]*)");
  std::vector<std::string> reasons;
  for (auto it = std::sregex_iterator(produced.err.begin(), produced.err.end(), failure_line);
       it != std::sregex_iterator(); ++it) {
    EXPECT_EQ((*it)[1], topic);
    reasons.push_back((*it)[2]);
  }
  ASSERT_EQ(reasons.size(), 1u) << produced.err;
  EXPECT_NE(reasons[0].find("Message size too large"), std::string::npos) << reasons[0];

  // The topic contains every normal line exactly once and not the oversized one.
  std::vector<TopicRecord> records = ReadTopic(BootstrapServers(), topic);
  EXPECT_EQ(records.size(), static_cast<size_t>(kLines - 1));
  std::set<std::string> seen;
  for (const TopicRecord& record : records) {
    EXPECT_TRUE(seen.insert(record.value).second) << "duplicate: " << record.value;
    EXPECT_NE(record.value.size(), oversized.size()) << "the oversized line was delivered";
  }
  size_t missing = 0;
  for (const std::string& line : normal_lines) missing += seen.count(line) == 0 ? 1 : 0;
  EXPECT_EQ(missing, 0u);
}

}  // namespace
}  // namespace logpipe::testing
