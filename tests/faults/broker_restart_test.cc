// Fault test: the Kafka broker restarts while `logpipe produce` runs.
//
// The producer reads its lines from a named pipe that the test writes at a
// steady pace, however fast the producer is. So the run is still going when
// the broker stops, and it goes on while the broker is down. Each line carries a unique sequence number in its path
// (/api/orders/<n>), so every line of the topic can be traced to one write.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <map>
#include <regex>
#include <string>
#include <thread>
#include <vector>

#include "support/kafka_reader.h"
#include "support/logpipe_run.h"
#include "support/process.h"
#include "support/stack_control.h"

namespace logpipe::testing {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;
using std::chrono::seconds;

constexpr int kPartitions = 3;
constexpr int kLines = 100000;
constexpr int kLinesPerTick = 500;  // written every kTick: 5,000 lines/s, so the run lasts about 20 s
constexpr milliseconds kTick{100};
constexpr int kLinesBeforeStop = 20000;

// The access-log line with sequence number `n`.
std::string LineFor(int n) {
  return "10.0." + std::to_string((n / 256) % 256) + "." + std::to_string(n % 256) +
         " - - [Dec 04 2026, 20:11:39] \"GET /api/orders/" + std::to_string(n) + " HTTP/1.1\" 200 " +
         std::to_string(n % 5000) + " \"-\" \"logpipe-fault-test/1.0\"";
}

// Writes LineFor(0) .. LineFor(kLines - 1) into a named pipe from its own
// thread, kLinesPerTick lines per kTick. The destructor stops early if the
// lines are not all written yet and joins the thread.
class PacedPipeWriter {
 public:
  explicit PacedPipeWriter(std::string path) : path_(std::move(path)), thread_([this] { Run(); }) {}
  ~PacedPipeWriter() {
    abort_.store(true);
    thread_.join();
  }

  PacedPipeWriter(const PacedPipeWriter&) = delete;
  PacedPipeWriter& operator=(const PacedPipeWriter&) = delete;

  int written() const { return written_.load(); }
  bool failed() const { return failed_.load(); }

 private:
  void Run() {
    // Opening the write end without O_NONBLOCK would block until the reader
    // opens the pipe, and forever if the reader never does. Without
    // O_CLOEXEC the stack scripts started meanwhile, and the broker they
    // launch, would inherit the write end, and the reader would never see
    // the end of the input.
    int fd = -1;
    auto deadline = Clock::now() + seconds(60);
    while (fd < 0 && !abort_.load() && Clock::now() < deadline) {
      fd = open(path_.c_str(), O_WRONLY | O_NONBLOCK | O_CLOEXEC);
      if (fd < 0) std::this_thread::sleep_for(milliseconds(20));
    }
    if (fd < 0) {
      failed_.store(true);
      return;
    }
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);

    auto next_tick = Clock::now();
    for (int n = 0; n < kLines && !abort_.load();) {
      std::string chunk;
      for (int end = std::min(n + kLinesPerTick, kLines); n < end; ++n) chunk += LineFor(n) + "\n";
      if (!WriteAll(fd, chunk)) {
        failed_.store(true);
        break;
      }
      written_.store(n);
      next_tick += kTick;
      std::this_thread::sleep_until(next_tick);
    }
    close(fd);
  }

  static bool WriteAll(int fd, const std::string& data) {
    size_t done = 0;
    while (done < data.size()) {
      ssize_t count = write(fd, data.data() + done, data.size() - done);
      if (count < 0 && errno == EINTR) continue;
      if (count <= 0) return false;
      done += static_cast<size_t>(count);
    }
    return true;
  }

  std::string path_;
  std::atomic<bool> abort_{false};
  std::atomic<bool> failed_{false};
  std::atomic<int> written_{0};
  std::thread thread_;
};

// Extracts n from a line made by LineFor. Returns -1 when the line has no
// /api/orders/<n> path.
int SequenceOf(const std::string& line) {
  static const std::regex pattern(R"( /api/orders/(\d+) )");
  std::smatch match;
  if (!std::regex_search(line, match, pattern)) return -1;
  return std::stoi(match[1]);
}

TEST(BrokerRestart, ProducerDeliversEachLineOnce) {
  // A reader that dies makes write() fail with EPIPE instead of killing the test.
  signal(SIGPIPE, SIG_IGN);
  const std::string bootstrap = BootstrapServers();
  const std::string topic = UniqueName("fault-broker");
  CreateTopic(bootstrap, topic, kPartitions);
  const std::string pipe_path = "/tmp/" + topic + ".fifo";
  ASSERT_EQ(mkfifo(pipe_path.c_str(), 0600), 0) << pipe_path << ": " << std::strerror(errno);

  ProcessResult produced;
  {
    // Declared in this order so the broker is restarted before the writer
    // is joined, and the writer is joined before the producer is reaped.
    ChildProcess producer({LogpipeBinary(), "produce", "-b", bootstrap, "-t", topic, "--input", pipe_path, "--json"});
    PacedPipeWriter writer(pipe_path);

    auto deadline = Clock::now() + seconds(60);
    while (writer.written() < kLinesBeforeStop && !writer.failed() && Clock::now() < deadline) {
      std::this_thread::sleep_for(milliseconds(20));
    }
    ASSERT_GE(writer.written(), kLinesBeforeStop) << producer.StderrSoFar();
    {
      StoppedEngine broker("kafka");
      // The writer goes on at its pace, so lines are produced while the broker is down.
      std::this_thread::sleep_for(seconds(5));
      EXPECT_LT(writer.written(), kLines) << "the writer finished before the broker was restarted";
      broker.Start();
    }
    produced = producer.Wait(std::chrono::minutes(5));
    EXPECT_FALSE(writer.failed());
  }
  unlink(pipe_path.c_str());

  ASSERT_EQ(produced.exit_code, 0) << produced.err;
  // The producer logged the lost connection while the broker was down.
  EXPECT_NE(produced.err.find("ERROR librdkafka: logpipe-producer"), std::string::npos) << produced.err;

  nlohmann::json summary = LastJsonLine(produced.out);
  ASSERT_TRUE(summary.is_object()) << produced.out;
  EXPECT_EQ(summary["requested"], kLines);
  EXPECT_EQ(summary["failed"], 0) << produced.err;
  EXPECT_EQ(summary["delivered"].get<int64_t>() + summary["failed"].get<int64_t>(), summary["requested"].get<int64_t>());

  std::vector<TopicRecord> records = ReadTopic(bootstrap, topic);
  EXPECT_EQ(static_cast<int64_t>(records.size()), summary["delivered"].get<int64_t>());
  std::sort(records.begin(), records.end(), [](const TopicRecord& a, const TopicRecord& b) {
    return a.partition != b.partition ? a.partition < b.partition : a.offset < b.offset;
  });

  // Each written line is in the topic once, unchanged, and the lines of one
  // partition keep the order in which they were produced.
  std::vector<int> copies(kLines, 0);
  std::map<int32_t, int> last_in_partition;
  size_t foreign = 0;
  size_t reordered = 0;
  for (const TopicRecord& record : records) {
    int n = SequenceOf(record.value);
    if (n < 0 || n >= kLines || record.value != LineFor(n)) {
      if (++foreign <= 5) ADD_FAILURE() << "unexpected record at " << record.partition << "/" << record.offset << ": " << record.value;
      continue;
    }
    ++copies[n];
    auto last = last_in_partition.find(record.partition);
    if (last != last_in_partition.end() && n <= last->second) {
      if (++reordered <= 5) ADD_FAILURE() << "line " << n << " follows line " << last->second << " in partition " << record.partition;
    }
    last_in_partition[record.partition] = n;
  }
  size_t duplicated = 0;
  size_t missing = 0;
  for (int n = 0; n < kLines; ++n) {
    if (copies[n] > 1) ++duplicated;
    if (copies[n] == 0) ++missing;
  }
  EXPECT_EQ(foreign, 0u);
  EXPECT_EQ(duplicated, 0u);
  EXPECT_EQ(missing, 0u);
  EXPECT_EQ(reordered, 0u);
}

}  // namespace
}  // namespace logpipe::testing
