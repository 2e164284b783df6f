// Child processes for integration and fault tests: run logpipe or a stack
// script, capture its output, send it signals.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <string>
#include <vector>

namespace logpipe::testing {

struct ProcessResult {
  int exit_code = -1;  // exit status, or 128 + signal number when killed
  std::string out;     // everything written to stdout
  std::string err;     // everything written to stderr
};

// A started child whose stdout and stderr go to temporary files.
class ChildProcess {
 public:
  // Starts `argv` with `extra_env` ("NAME=value") added to this environment.
  explicit ChildProcess(const std::vector<std::string>& argv, const std::vector<std::string>& extra_env = {});
  ~ChildProcess();

  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  pid_t pid() const { return pid_; }
  void Signal(int signal_number);

  // Waits up to `timeout`; kills the child with SIGKILL when it is exceeded.
  ProcessResult Wait(std::chrono::milliseconds timeout);

  // Reads the stderr written so far.
  std::string StderrSoFar() const;

 private:
  pid_t pid_ = -1;
  bool reaped_ = false;
  std::string out_path_, err_path_;
};

// Counts the occurrences of `text` in `log`.
int CountOccurrences(const std::string& log, const std::string& text);

// Waits until `child`'s stderr contains `text` at least `times` times,
// reading it every 50 ms. Returns false when `timeout` passes first.
bool WaitForStderr(const ChildProcess& child, const std::string& text, int times, std::chrono::milliseconds timeout);

// Runs `argv` to completion (SIGKILL after `timeout`).
ProcessResult RunProcess(const std::vector<std::string>& argv, std::chrono::milliseconds timeout,
                  const std::vector<std::string>& extra_env = {});

// Path of the logpipe binary under test (set by CMake).
std::string LogpipeBinary();

// Root of the source tree, for stack scripts (set by CMake).
std::string SourceDir();

// Environment with a default: the variable's value or `fallback`.
std::string EnvOr(const char* name, const std::string& fallback);

// A name unique to this test process, e.g. "it-20261204195501-12345".
std::string UniqueName(const std::string& prefix);

}  // namespace logpipe::testing
