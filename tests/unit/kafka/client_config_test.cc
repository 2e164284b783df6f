// Unit tests of the Kafka configuration helpers: property parsing and
// configuration building, without a broker.
#include <gtest/gtest.h>

#include "kafka/client_config.h"

namespace logpipe::kafka {
namespace {

TEST(ParseProperty, SplitsAtFirstEquals) {
  std::pair<std::string, std::string> property;
  ASSERT_TRUE(ParseProperty("sasl.jaas.config=a=b", &property).ok());
  EXPECT_EQ(property.first, "sasl.jaas.config");
  EXPECT_EQ(property.second, "a=b");
}

TEST(ParseProperty, KeepsEmptyValue) {
  std::pair<std::string, std::string> property;
  ASSERT_TRUE(ParseProperty("client.rack=", &property).ok());
  EXPECT_EQ(property.first, "client.rack");
  EXPECT_EQ(property.second, "");
}

TEST(ParseProperty, RejectsTextWithoutEquals) {
  std::pair<std::string, std::string> property;
  Status status = ParseProperty("sasl.password hunter2secret", &property);
  EXPECT_EQ(status.kind(), Status::Kind::kInvalidArgument);
  EXPECT_EQ(status.message().find("hunter2secret"), std::string::npos) << status.message();
  EXPECT_EQ(status.message().find("sasl.password"), std::string::npos) << status.message();
}

TEST(ParseProperty, RejectsEmptyKey) {
  std::pair<std::string, std::string> property;
  Status status = ParseProperty("=hunter2secret", &property);
  EXPECT_EQ(status.kind(), Status::Kind::kInvalidArgument);
  EXPECT_EQ(status.message().find("hunter2secret"), std::string::npos) << status.message();
}

TEST(BuildConf, OverrideWinsOverDefault) {
  ConfPtr conf;
  ASSERT_TRUE(BuildConf({{"linger.ms", "5"}}, {{"linger.ms", "50"}}, &conf).ok());
  char value[64];
  size_t size = sizeof(value);
  ASSERT_EQ(rd_kafka_conf_get(conf.get(), "linger.ms", value, &size), RD_KAFKA_CONF_OK);
  EXPECT_STREQ(value, "50");
}

TEST(BuildConf, RejectsUnknownKeyWithoutValue) {
  ConfPtr conf;
  Status status = BuildConf({}, {{"bogus.key", "hunter2secret"}}, &conf);
  EXPECT_EQ(status.kind(), Status::Kind::kInvalidArgument);
  EXPECT_NE(status.message().find("bogus.key"), std::string::npos) << status.message();
  EXPECT_EQ(status.message().find("hunter2secret"), std::string::npos) << status.message();
}

TEST(FindProperty, LastOccurrenceWins) {
  Properties properties = {{"acks", "1"}, {"linger.ms", "5"}, {"acks", "all"}};
  const std::string* found = FindProperty(properties, "acks");
  ASSERT_NE(found, nullptr);
  EXPECT_EQ(*found, "all");
  EXPECT_EQ(FindProperty(properties, "missing"), nullptr);
}

}  // namespace
}  // namespace logpipe::kafka
