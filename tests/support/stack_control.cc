#include "support/stack_control.h"

#include <gtest/gtest.h>

#include <utility>

#include "support/process.h"

namespace logpipe::testing {

void StopEngine(const std::string& engine) {
  ProcessResult result = RunProcess({SourceDir() + "/stack/down", engine}, std::chrono::minutes(2));
  ASSERT_EQ(result.exit_code, 0) << "stack/down " << engine << " failed:\n" << result.out << result.err;
}

void StartEngine(const std::string& engine) {
  ProcessResult result = RunProcess({SourceDir() + "/stack/up", engine}, std::chrono::minutes(4));
  ASSERT_EQ(result.exit_code, 0) << "stack/up " << engine << " failed:\n" << result.out << result.err;
}

StoppedEngine::StoppedEngine(std::string engine) : engine_(std::move(engine)) { StopEngine(engine_); }

StoppedEngine::~StoppedEngine() { Start(); }

void StoppedEngine::Start() {
  if (started_) return;
  started_ = true;
  StartEngine(engine_);
}

std::string BootstrapServers() {
  return EnvOr("LOGPIPE_BOOTSTRAP_SERVERS", "127.0.0.1:" + EnvOr("KAFKA_PORT", "9092"));
}

std::string SearchUrl() { return EnvOr("LOGPIPE_ES_URL", "http://127.0.0.1:" + EnvOr("OPENSEARCH_PORT", "9200")); }

}  // namespace logpipe::testing
