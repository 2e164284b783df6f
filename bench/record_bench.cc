// Throughput of the consumer's per-line work: parsing a line and encoding
// its ECS document, on synthetic lines from the producer's generator.
#include <benchmark/benchmark.h>

#include <string>
#include <vector>

#include "record/ecs_document.h"
#include "record/line_parser.h"
#include "synth/traffic_generator.h"

namespace {

constexpr int kLineCount = 15000;
constexpr int64_t kEventTime = 1769034220;  // 2026-01-21T22:23:40Z

const std::vector<std::string>& Lines() {
  static const std::vector<std::string> lines = [] {
    logpipe::synth::TrafficGenerator generator(7);
    std::vector<std::string> result;
    result.reserve(kLineCount);
    for (int i = 0; i < kLineCount; ++i) result.emplace_back(generator.Next(kEventTime + i));
    return result;
  }();
  return lines;
}

void BM_ParseLine(benchmark::State& state) {
  const auto& lines = Lines();
  size_t i = 0;
  logpipe::record::AccessRecord record;
  for (auto _ : state) {
    benchmark::DoNotOptimize(logpipe::record::ParseLine(lines[i], &record));
    if (++i == lines.size()) i = 0;
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_ParseLine);

void BM_ParseAndEncode(benchmark::State& state) {
  const auto& lines = Lines();
  size_t i = 0;
  logpipe::record::AccessRecord record;
  logpipe::record::DocumentOptions options;
  std::string document;
  document.reserve(4096);
  for (auto _ : state) {
    document.clear();
    logpipe::record::ParseLine(lines[i], &record);
    logpipe::record::AppendDocument(record, lines[i], options, &document);
    benchmark::DoNotOptimize(document.data());
    if (++i == lines.size()) i = 0;
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_ParseAndEncode);

void BM_Generate(benchmark::State& state) {
  logpipe::synth::TrafficGenerator generator(7);
  int64_t now = kEventTime;
  for (auto _ : state) benchmark::DoNotOptimize(generator.Next(now++).data());
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_Generate);

}  // namespace

BENCHMARK_MAIN();
