// Building librdkafka configurations from logpipe's options and from the
// user's pass-through properties (-X key=value, as kcat takes them).
#pragma once

#include <librdkafka/rdkafka.h>

#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/status.h"

namespace logpipe::kafka {

using Properties = std::vector<std::pair<std::string, std::string>>;

struct ConfDeleter {
  void operator()(rd_kafka_conf_t* conf) const { rd_kafka_conf_destroy(conf); }
};
using ConfPtr = std::unique_ptr<rd_kafka_conf_t, ConfDeleter>;

// Splits "key=value" into its parts. Rejects text without '=' or with an
// empty key. The error never repeats the text, because its value may be a
// secret such as sasl.password.
Status ParseProperty(std::string_view text, std::pair<std::string, std::string>* out);

// Creates a configuration holding `defaults` and then `overrides`, so a
// user's -X property replaces logpipe's default for the same key. Its log
// lines go through logpipe's logger. An
// unknown key or invalid value fails with librdkafka's reason and the key.
Status BuildConf(const Properties& defaults, const Properties& overrides, ConfPtr* out);

// Looks up `key` in `properties`, the last occurrence winning, as librdkafka
// applies them. Returns nullptr when absent.
const std::string* FindProperty(const Properties& properties, std::string_view key);

}  // namespace logpipe::kafka
