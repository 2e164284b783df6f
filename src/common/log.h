// Log: one line per event an operator acts on, written to stderr as
// "2026-01-21T22:23:40.123Z LEVEL component: message". Repeats of the same
// event are rate-limited by a RateLimitedLog owned by the caller.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <fmt/format.h>
#include <string_view>

namespace logpipe::log {

enum class Level { kDebug, kInfo, kWarn, kError };

// Sets the lowest level that is written. Default: kInfo.
void SetLevel(Level level);
Level GetLevel();

// Parses "debug", "info", "warn" or "error". Returns false for anything else.
bool ParseLevel(std::string_view text, Level* level);

// Writes one line. Thread-safe; the line is written with a single write(2).
void Write(Level level, std::string_view component, std::string_view message);

template <typename... Args>
void Info(std::string_view component, fmt::format_string<Args...> fmt, Args&&... args) {
  if (GetLevel() <= Level::kInfo) Write(Level::kInfo, component, fmt::format(fmt, std::forward<Args>(args)...));
}
template <typename... Args>
void Warn(std::string_view component, fmt::format_string<Args...> fmt, Args&&... args) {
  if (GetLevel() <= Level::kWarn) Write(Level::kWarn, component, fmt::format(fmt, std::forward<Args>(args)...));
}
template <typename... Args>
void Error(std::string_view component, fmt::format_string<Args...> fmt, Args&&... args) {
  Write(Level::kError, component, fmt::format(fmt, std::forward<Args>(args)...));
}
template <typename... Args>
void Debug(std::string_view component, fmt::format_string<Args...> fmt, Args&&... args) {
  if (GetLevel() <= Level::kDebug) Write(Level::kDebug, component, fmt::format(fmt, std::forward<Args>(args)...));
}

// Returns "" for 0, else " (N similar lines not logged)", the suffix of a
// line admitted by a RateLimiter after it dropped N events.
std::string SuppressedNote(uint64_t suppressed);

// Admits at most `burst` events per `window` and counts the rest. The next
// admitted event reports that count, so a flood of bad lines produces a
// bounded number of log lines and no event goes uncounted.
class RateLimiter {
 public:
  RateLimiter(int burst, std::chrono::milliseconds window) : burst_(burst), window_(window) {}

  // Returns true if the caller should log this event. `*suppressed` receives
  // the number of events dropped since the last admitted one.
  bool Admit(uint64_t* suppressed);

 private:
  int burst_;
  std::chrono::milliseconds window_;
  std::chrono::steady_clock::time_point window_start_{};
  int admitted_in_window_ = 0;
  uint64_t suppressed_ = 0;
};

}  // namespace logpipe::log
