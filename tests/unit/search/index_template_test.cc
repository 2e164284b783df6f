#include "search/index_template.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace logpipe::search {
namespace {

using nlohmann::json;

json Template(int replicas = 0, int shards = 1) {
  json parsed = json::parse(BuildIndexTemplate("access-logs-*", replicas, shards), nullptr, false);
  EXPECT_FALSE(parsed.is_discarded()) << "template body is not valid JSON";
  return parsed;
}

// Returns the mapping of a dotted field name, e.g. "url.original".
json Field(const json& body, const std::string& dotted) {
  const json* node = &body.at("template").at("mappings");
  size_t start = 0;
  while (true) {
    size_t dot = dotted.find('.', start);
    std::string part = dotted.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
    node = &node->at("properties").at(part);
    if (dot == std::string::npos) return *node;
    start = dot + 1;
  }
}

TEST(IndexTemplate, PatternAndPriority) {
  json body = Template();

  EXPECT_EQ(body["index_patterns"], json::array({"access-logs-*"}));
  EXPECT_EQ(body["priority"], kTemplatePriority);
}

TEST(IndexTemplate, Settings) {
  json body = Template(2, 3);

  EXPECT_EQ(body["template"]["settings"]["index"]["number_of_replicas"], 2);
  EXPECT_EQ(body["template"]["settings"]["index"]["number_of_shards"], 3);
}

TEST(IndexTemplate, DefaultReplicasZero) {
  json body = json::parse(BuildIndexTemplate("x-*"));

  EXPECT_EQ(body["template"]["settings"]["index"]["number_of_replicas"], 0);
}

TEST(IndexTemplate, FieldTypes) {
  json body = Template();
  const std::vector<std::pair<std::string, std::string>> expected = {
      {"@timestamp", "date"},
      {"source.ip", "ip"},
      {"http.request.method", "keyword"},
      {"http.request.referrer", "keyword"},
      {"http.version", "keyword"},
      {"http.response.status_code", "integer"},
      {"http.response.body.bytes", "long"},
      {"url.original", "keyword"},
      {"url.path", "keyword"},
      {"url.query", "keyword"},
      {"user_agent.original", "text"},
      {"event.original", "keyword"},
  };
  for (const auto& [field, type] : expected) {
    EXPECT_EQ(Field(body, field)["type"], type) << field;
  }
}

TEST(IndexTemplate, UrlIgnoreAbove) {
  json body = Template();

  EXPECT_EQ(Field(body, "url.original")["ignore_above"], 8191);
}

TEST(IndexTemplate, UserAgentKeyword) {
  json keyword = Field(Template(), "user_agent.original")["fields"]["keyword"];

  EXPECT_EQ(keyword["type"], "keyword");
  EXPECT_EQ(keyword["ignore_above"], 1024);
}

TEST(IndexTemplate, EventOriginalNotIndexed) {
  json field = Field(Template(), "event.original");

  EXPECT_EQ(field["index"], false);
  EXPECT_EQ(field["doc_values"], false);
}

TEST(IndexTemplate, DynamicLeftDefault) {
  json body = Template();

  EXPECT_FALSE(body["template"]["mappings"].contains("dynamic"));
}

TEST(IndexTemplate, GlobEscaped) {
  json body = json::parse(BuildIndexTemplate("we\"ird-*"), nullptr, false);

  ASSERT_FALSE(body.is_discarded());
  EXPECT_EQ(body["index_patterns"][0], "we\"ird-*");
}

}  // namespace
}  // namespace logpipe::search
