#include "kafka/client_config.h"

#include <fmt/format.h>

#include "common/log.h"

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

// Writes librdkafka's own log lines through logpipe's logger, so they share
// its format and --log-level. `level` is a syslog level (0 emergency to 7
// debug).
void OnLibrdkafkaLog(const rd_kafka_t* handle, int level, const char* facility, const char* message) {
  std::string_view name = rd_kafka_name(handle);
  if (level <= 3) {
    log::Error("librdkafka", "{} {}: {}", name, facility, message);
  } else if (level == 4) {
    log::Warn("librdkafka", "{} {}: {}", name, facility, message);
  } else if (level <= 6) {
    log::Info("librdkafka", "{} {}: {}", name, facility, message);
  } else {
    log::Debug("librdkafka", "{} {}: {}", name, facility, message);
  }
}

}  // namespace

Status ParseProperty(std::string_view text, std::pair<std::string, std::string>* out) {
  size_t equals = text.find('=');
  if (equals == std::string_view::npos || equals == 0) {
    // Without '=' the key cannot be separated from the value, which may be a
    // secret, so the text itself is not shown.
    return Status::InvalidArgument(fmt::format(
        "invalid property of {} characters: expected key=value, e.g. linger.ms=5 (the text is not shown because it "
        "may hold a secret)", text.size()));
  }
  out->first = std::string(text.substr(0, equals));
  out->second = std::string(text.substr(equals + 1));
  return Status::Ok();
}

Status BuildConf(const Properties& defaults, const Properties& overrides, ConfPtr* out) {
  ConfPtr conf(rd_kafka_conf_new());
  rd_kafka_conf_set_log_cb(conf.get(), &OnLibrdkafkaLog);
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
