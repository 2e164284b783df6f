// The logpipe subcommands. Each Add*Command registers its options on `app`
// and returns a function that runs it and yields the process exit status:
// 0 success, 1 the job failed or lost lines, 2 invalid options or input.
#pragma once

#include <CLI/CLI.hpp>

#include <functional>

namespace logpipe::cli {

using Runner = std::function<int()>;

Runner AddProduceCommand(CLI::App* app);
Runner AddConsumeCommand(CLI::App* app);
Runner AddParseCommand(CLI::App* app);
Runner AddTopicCommand(CLI::App* app);

}  // namespace logpipe::cli
