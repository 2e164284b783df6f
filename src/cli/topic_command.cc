#include <fmt/format.h>

#include "cli/commands.h"
#include "cli/common_options.h"
#include "common/log.h"
#include "kafka/admin.h"

namespace logpipe::cli {
namespace {

struct TopicFlags {
  KafkaFlags kafka;
  kafka::TopicSpec spec;
  std::vector<std::string> configs;  // key=value topic configs
  bool if_not_exists = false;
  std::string describe_name;
};

}  // namespace

Runner AddTopicCommand(CLI::App* app) {
  auto flags = std::make_shared<TopicFlags>();
  CLI::App* topic = app->add_subcommand("topic", "Create or describe Kafka topics");
  topic->require_subcommand(1);

  CLI::App* create = topic->add_subcommand("create", "Create a topic with a chosen number of partitions");
  flags->kafka.Register(create);
  create->add_option("name", flags->spec.name, "topic name")->required();
  create->add_option("-p,--partitions", flags->spec.partitions, "number of partitions")
      ->check(CLI::Range(1, 100000))
      ->capture_default_str();
  create->add_option("-r,--replication-factor", flags->spec.replication_factor, "replicas of each partition")
      ->check(CLI::Range(1, 32))
      ->capture_default_str();
  create->add_option("-c,--config", flags->configs, "topic config key=value, repeatable (e.g. max.message.bytes=65536)")
      ->allow_extra_args(false);
  create->add_flag("--if-not-exists", flags->if_not_exists, "succeed when the topic already exists");

  CLI::App* describe = topic->add_subcommand("describe", "Print each partition's first and next offset");
  flags->kafka.Register(describe);
  describe->add_option("name", flags->describe_name, "topic name")->required();

  return [flags, create]() {
    kafka::Properties properties;
    Status status = flags->kafka.Resolve(&properties);
    if (status.ok() && create->parsed()) {
      for (const std::string& text : flags->configs) {
        std::pair<std::string, std::string> config;
        status = kafka::ParseProperty(text, &config);
        if (!status.ok()) break;
        flags->spec.configs.push_back(std::move(config));
      }
      if (status.ok()) {
        status = kafka::CreateTopic(flags->kafka.bootstrap_servers, properties, flags->spec, flags->if_not_exists,
                                    std::chrono::seconds(30));
      }
      if (status.ok()) fmt::print("topic {} ready with {} partitions\n", flags->spec.name, flags->spec.partitions);
    } else if (status.ok()) {
      std::vector<kafka::PartitionWatermarks> marks;
      status = kafka::ReadWatermarks(flags->kafka.bootstrap_servers, properties, flags->describe_name, &marks);
      for (const auto& mark : marks) {
        fmt::print("{}\tpartition {}\tfirst offset {}\tnext offset {}\n", flags->describe_name, mark.partition, mark.low,
                   mark.high);
      }
    }
    if (!status.ok()) log::Error("topic", "{}", status.message());
    return ExitCodeFor(status);
  };
}

}  // namespace logpipe::cli
