#include "kafka/client_config.h"

#include <fmt/format.h>

namespace logpipe::kafka {
namespace {

Status Apply(rd_kafka_conf_t* conf, const std::string& key, const std::string& value) {
  char error[512];
  if (rd_kafka_conf_set(conf, key.c_str(), value.c_str(), error, sizeof(error)) != RD_KAFKA_CONF_OK) {
    // librdkafka's message may quote the value, and the value may be a
    // secret, so only the key and a generic hint are reported.
    return Status::InvalidArgument(fmt::format(
        "invalid Kafka property '{}': librdkafka rejected its name or value; check the key against "
        "librdkafka's CONFIGURATION.md",
        key));
  }
  return Status::Ok();
}

}  // namespace

Status ParseProperty(std::string_view text, std::pair<std::string, std::string>* out) {
  size_t equals = text.find('=');
  if (equals == std::string_view::npos || equals == 0) {
    std::string_view shown = text.substr(0, std::min<size_t>(text.find('='), 64));
    return Status::InvalidArgument(
        fmt::format("invalid Kafka property '{}': expected key=value, e.g. -X linger.ms=5", shown));
  }
  out->first = std::string(text.substr(0, equals));
  out->second = std::string(text.substr(equals + 1));
  return Status::Ok();
}

Status BuildConf(const Properties& defaults, const Properties& overrides, ConfPtr* out) {
  ConfPtr conf(rd_kafka_conf_new());
  for (const auto& [key, value] : defaults) {
    Status status = Apply(conf.get(), key, value);
    if (!status.ok()) return status;
  }
  for (const auto& [key, value] : overrides) {
    Status status = Apply(conf.get(), key, value);
    if (!status.ok()) return status;
  }
  *out = std::move(conf);
  return Status::Ok();
}

const std::string* FindProperty(const Properties& properties, std::string_view key) {
  const std::string* found = nullptr;
  for (const auto& [name, value] : properties) {
    if (name == key) found = &value;
  }
  return found;
}

}  // namespace logpipe::kafka
