// Stopping and starting one engine of the local stack from a fault test,
// through stack/down and stack/up. The ports and stack folder come from the
// same environment variables the scripts read (KAFKA_PORT, OPENSEARCH_PORT,
// LOGPIPE_STACK_DIR, ...), which the child scripts inherit.
#pragma once

#include <string>

namespace logpipe::testing {

// Stops `engine` ("kafka" or "opensearch"); fails the test on error.
void StopEngine(const std::string& engine);

// Starts `engine` and waits until it is healthy; fails the test on error.
void StartEngine(const std::string& engine);

// Stops `engine` and starts it again in Start() or, at the latest, in the
// destructor, so later tests find the stack up even after a failed assertion.
class StoppedEngine {
 public:
  explicit StoppedEngine(std::string engine);
  ~StoppedEngine();

  StoppedEngine(const StoppedEngine&) = delete;
  StoppedEngine& operator=(const StoppedEngine&) = delete;

  // Starts the engine unless it was started already.
  void Start();

 private:
  std::string engine_;
  bool started_ = false;
};

// The broker and node addresses the tests use: LOGPIPE_BOOTSTRAP_SERVERS
// (default 127.0.0.1:$KAFKA_PORT or 127.0.0.1:9092) and LOGPIPE_ES_URL
// (default http://127.0.0.1:$OPENSEARCH_PORT or port 9200).
std::string BootstrapServers();
std::string SearchUrl();

}  // namespace logpipe::testing
