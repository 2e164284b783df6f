// The search layer against a real Elasticsearch or OpenSearch node at
// $LOGPIPE_ES_URL (default http://127.0.0.1:9200). Every index and template
// created here is named "logpipe-it-<unix ms>-<pid>..." and deleted at the end.
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <thread>

#include "common/json_writer.h"
#include "search/bulk_indexer.h"
#include "search/http_client.h"
#include "search/index_name.h"
#include "search/index_template.h"

namespace logpipe::search {
namespace {

using nlohmann::json;
using std::chrono::milliseconds;

const record::CivilTime kEventTime{2026, 1, 21, 22, 23, 40};

std::string NodeUrl() {
  const char* url = std::getenv("LOGPIPE_ES_URL");
  return url != nullptr && url[0] != '\0' ? url : "http://127.0.0.1:9200";
}

std::unique_ptr<HttpClient> MakeClient(const std::string& url) {
  HttpConfig config;
  config.url = url;
  config.connect_timeout = milliseconds(1000);
  config.request_timeout = milliseconds(30000);
  std::unique_ptr<HttpClient> client;
  Status status = HttpClient::Create(config, &client);
  EXPECT_TRUE(status.ok()) << status.message();
  return client;
}

// An ECS document like the encoder's, with http.response.body.bytes = i.
// `bytes_as_text` writes the bytes as the string "lots" instead, which the
// template's long mapping rejects.
std::string Document(int i, bool bytes_as_text = false) {
  std::string out;
  JsonWriter writer(&out);
  writer.BeginObject();
  writer.Field("@timestamp", "2026-01-21T22:23:40Z");
  writer.Key("source");
  writer.BeginObject();
  writer.Field("ip", fmt::format("10.0.{}.{}", i / 256, i % 256));
  writer.EndObject();

  writer.Key("http");
  writer.BeginObject();
  writer.Key("request");
  writer.BeginObject();
  writer.Field("method", "GET");
  writer.EndObject();
  writer.Field("version", "1.1");
  writer.Key("response");
  writer.BeginObject();
  writer.Field("status_code", int64_t{200});
  writer.Key("body");
  writer.BeginObject();
  if (bytes_as_text) {
    writer.Field("bytes", "lots");
  } else {
    writer.Field("bytes", int64_t{i});
  }
  writer.EndObject();
  writer.EndObject();
  writer.EndObject();

  writer.Key("url");
  writer.BeginObject();
  writer.Field("original", fmt::format("/item?i={}", i));
  writer.Field("path", "/item");
  writer.Field("query", fmt::format("i={}", i));
  writer.EndObject();
  writer.Key("user_agent");
  writer.BeginObject();
  writer.Field("original", "curl/8.5.0");
  writer.EndObject();
  writer.EndObject();
  return out;
}

class SearchIntegration : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    prefix_ = fmt::format("logpipe-it-{}-{}",
                          std::chrono::duration_cast<milliseconds>(
                              std::chrono::system_clock::now().time_since_epoch())
                              .count(),
                          getpid());
    admin_ = MakeClient(NodeUrl());
    if (admin_ == nullptr) return;
    template_status_ = InstallIndexTemplate(*admin_, prefix_, TemplateBody());
  }

  static void TearDownTestSuite() {
    if (admin_ == nullptr) return;
    HttpResponse response;
    for (const std::string& index : created_) admin_->Send("DELETE", "/" + index, "", "", &response);
    admin_->Send("DELETE", "/_index_template/" + prefix_, "", "", &response);
    created_.clear();
    admin_.reset();
  }

  void SetUp() override {
    ASSERT_NE(admin_, nullptr);
    HttpResponse response;
    Status status = admin_->Send("GET", "/_cluster/health", "", "", &response);
    ASSERT_TRUE(status.ok()) << "no search node at " << NodeUrl() << " (start it with stack/up): "
                             << status.message();
    ASSERT_TRUE(template_status_.ok()) << template_status_.message();
  }

  static std::string TemplateBody() { return BuildIndexTemplate(IndexGlob(prefix_ + "-%Y.%m.%d"), 0, 1); }

  // Returns the day index for `suffix`, matched by the test template, and
  // records it for deletion.
  static std::string IndexFor(std::string_view suffix) {
    std::string name;
    FormatIndexName(fmt::format("{}-{}-%Y.%m.%d", prefix_, suffix), kEventTime, &name);
    created_.push_back(name);
    return name;
  }

  static json Request(std::string_view method, const std::string& path, std::string_view body = "") {
    HttpResponse response;
    Status status = admin_->Send(method, path, body, body.empty() ? "" : "application/json", &response);
    EXPECT_TRUE(status.ok()) << status.message();
    EXPECT_GE(response.status, 200) << path << ": " << response.body;
    EXPECT_LE(response.status, 299) << path << ": " << response.body;
    return json::parse(response.body, nullptr, false);
  }

  static int64_t Count(const std::string& index) {
    json count = Request("GET", "/" + index + "/_count");
    return count.value("count", int64_t{-1});
  }

  static std::string prefix_;
  static std::unique_ptr<HttpClient> admin_;
  static Status template_status_;
  static std::vector<std::string> created_;
};

std::string SearchIntegration::prefix_;
std::unique_ptr<HttpClient> SearchIntegration::admin_;
Status SearchIntegration::template_status_;
std::vector<std::string> SearchIntegration::created_;

TEST_F(SearchIntegration, TemplateInstallTwice) {
  Status first = InstallIndexTemplate(*admin_, prefix_, TemplateBody());
  Status second = InstallIndexTemplate(*admin_, prefix_, TemplateBody());
  ASSERT_TRUE(first.ok()) << first.message();
  ASSERT_TRUE(second.ok()) << second.message();

  json stored = Request("GET", "/_index_template/" + prefix_);
  ASSERT_TRUE(stored.contains("index_templates"));
  ASSERT_EQ(stored["index_templates"].size(), 1u);
  EXPECT_EQ(stored["index_templates"][0]["index_template"]["index_patterns"][0], prefix_ + "-*");
}

TEST_F(SearchIntegration, TemplateRejectionExplained) {
  Status status = InstallIndexTemplate(*admin_, prefix_ + "-bad", R"({"index_patterns":["x-*"],"priority":"high"})");

  EXPECT_EQ(status.kind(), Status::Kind::kPermanent);
  EXPECT_NE(status.message().find("HTTP 400"), std::string::npos) << status.message();
  EXPECT_NE(status.message().find("exception"), std::string::npos) << status.message();
}

TEST_F(SearchIntegration, ThousandDocsIndexedOnce) {
  const std::string index = IndexFor("bulk");
  std::vector<std::string> ids, documents;
  for (int i = 0; i < 1000; ++i) {
    ids.push_back(fmt::format("doc-{}", i));
    documents.push_back(Document(i));
  }
  std::vector<BulkItem> items;
  for (int i = 0; i < 1000; ++i) items.push_back({index, ids[i], documents[i]});
  BulkIndexer indexer(admin_.get(), {});

  // First pass.
  std::vector<ItemFinal> finals;
  Status status = indexer.Index(items, &finals);
  ASSERT_TRUE(status.ok()) << status.message();
  ASSERT_EQ(finals.size(), 1000u);
  for (size_t i = 0; i < finals.size(); ++i) {
    ASSERT_TRUE(finals[i].indexed) << "item " << i << ": " << finals[i].reason;
  }
  Request("POST", "/" + index + "/_refresh");
  EXPECT_EQ(Count(index), 1000);

  // The same ids again replace the documents instead of adding.
  status = indexer.Index(items, &finals);
  ASSERT_TRUE(status.ok()) << status.message();
  Request("POST", "/" + index + "/_refresh");
  EXPECT_EQ(Count(index), 1000);

  // The template's mapping, not dynamic mapping, typed the fields.
  json mapping = Request("GET", "/" + index + "/_mapping")[index]["mappings"]["properties"];
  EXPECT_EQ(mapping["source"]["properties"]["ip"]["type"], "ip");
  EXPECT_EQ(mapping["url"]["properties"]["original"]["ignore_above"], 8191);
}

TEST_F(SearchIntegration, MappingConflictDeadLettered) {
  const std::string index = IndexFor("conflict");
  std::vector<std::string> documents;
  for (int i = 0; i < 10; ++i) documents.push_back(Document(i, i == 5));
  std::vector<BulkItem> items;
  for (int i = 0; i < 10; ++i) items.push_back({index, "", documents[i]});
  BulkIndexer::Options options;
  options.refresh = "wait_for";
  BulkIndexer indexer(admin_.get(), options);

  std::vector<ItemFinal> finals;
  Status status = indexer.Index(items, &finals);

  ASSERT_TRUE(status.ok()) << status.message();
  EXPECT_FALSE(finals[5].indexed);
  EXPECT_NE(finals[5].reason.find("HTTP 400: mapper_parsing_exception"), std::string::npos) << finals[5].reason;
  EXPECT_NE(finals[5].reason.find("'lots'"), std::string::npos) << finals[5].reason;
  for (int i : {0, 1, 2, 3, 4, 6, 7, 8, 9}) {
    EXPECT_TRUE(finals[i].indexed) << "item " << i << ": " << finals[i].reason;
  }
  EXPECT_EQ(Count(index), 9);
}

TEST_F(SearchIntegration, InvalidIndexDeadLettered) {
  const std::string index = IndexFor("valid");
  std::string document = Document(1);
  std::vector<BulkItem> items = {{index, "a", document}, {"Not-Lowercase", "b", document}};
  BulkIndexer indexer(admin_.get(), {});

  std::vector<ItemFinal> finals;
  Status status = indexer.Index(items, &finals);

  ASSERT_TRUE(status.ok()) << status.message();
  EXPECT_TRUE(finals[0].indexed) << finals[0].reason;
  EXPECT_FALSE(finals[1].indexed);
  EXPECT_NE(finals[1].reason.find("invalid_index_name_exception"), std::string::npos) << finals[1].reason;
}

// An index with the read_only_allow_delete block rejects each item with 429
// until the block is removed, so only the items sent to it are retried.
TEST_F(SearchIntegration, BlockedItemsRetried) {
  const std::string open_index = IndexFor("open");
  const std::string blocked_index = IndexFor("blocked");
  Request("PUT", "/" + blocked_index);
  Request("PUT", "/" + blocked_index + "/_settings", R"({"index.blocks.read_only_allow_delete":true})");

  std::vector<std::string> documents;
  for (int i = 0; i < 10; ++i) documents.push_back(Document(i));
  std::vector<std::string> ids;
  for (int i = 0; i < 10; ++i) ids.push_back(std::to_string(i));
  std::vector<BulkItem> items;
  for (int i = 0; i < 10; ++i) items.push_back({i % 2 == 0 ? open_index : blocked_index, ids[i], documents[i]});

  // Lift the block after a second, from another connection.
  std::thread unblock([url = NodeUrl(), blocked_index] {
    std::this_thread::sleep_for(std::chrono::seconds(1));
    std::unique_ptr<HttpClient> client = MakeClient(url);
    HttpResponse response;
    client->Send("PUT", "/" + blocked_index + "/_settings", R"({"index.blocks.read_only_allow_delete":null})",
                 "application/json", &response);
  });
  BulkIndexer::Options options;
  options.retry_initial = milliseconds(100);
  options.retry_max = milliseconds(400);
  options.give_up_after = milliseconds(20000);
  options.refresh = "wait_for";
  BulkIndexer indexer(admin_.get(), options);

  testing::internal::CaptureStderr();
  std::vector<ItemFinal> finals;
  Status status = indexer.Index(items, &finals);
  std::string log = testing::internal::GetCapturedStderr();
  unblock.join();

  ASSERT_TRUE(status.ok()) << status.message();
  for (size_t i = 0; i < finals.size(); ++i) {
    EXPECT_TRUE(finals[i].indexed) << "item " << i << ": " << finals[i].reason;
  }
  EXPECT_NE(log.find("bulk retry attempt 1 in "), std::string::npos) << log;
  EXPECT_NE(log.find(" ms: 5 items, first failing item got HTTP 429: cluster_block_exception"), std::string::npos)
      << log;
  EXPECT_EQ(Count(open_index), 5);
  EXPECT_EQ(Count(blocked_index), 5);
}

TEST_F(SearchIntegration, RefusedGivesUp) {
  std::unique_ptr<HttpClient> client = MakeClient("http://elastic:s3cret@127.0.0.1:1");
  ASSERT_NE(client, nullptr);
  std::string document = Document(1);
  std::vector<BulkItem> items = {{"x", "1", document}, {"x", "2", document}, {"x", "3", document}};
  BulkIndexer::Options options;
  options.retry_initial = milliseconds(50);
  options.retry_max = milliseconds(200);
  options.give_up_after = milliseconds(1500);
  BulkIndexer indexer(client.get(), options);

  testing::internal::CaptureStderr();
  auto start = std::chrono::steady_clock::now();
  std::vector<ItemFinal> finals;
  Status status = indexer.Index(items, &finals);
  auto elapsed = std::chrono::steady_clock::now() - start;
  std::string log = testing::internal::GetCapturedStderr();

  EXPECT_TRUE(status.transient()) << status.message();
  EXPECT_NE(status.message().find("3 of 3 items still failing"), std::string::npos) << status.message();
  EXPECT_NE(status.message().find("http://127.0.0.1:1/_bulk"), std::string::npos) << status.message();
  EXPECT_LT(elapsed, std::chrono::seconds(5));
  EXPECT_NE(log.find("WARN search: bulk retry attempt 1 in "), std::string::npos) << log;
  EXPECT_NE(log.find("bulk retry attempt 2 in "), std::string::npos) << log;
  EXPECT_NE(log.find(" ms: 3 items, POST http://127.0.0.1:1/_bulk"), std::string::npos) << log;
  EXPECT_EQ(log.find("s3cret"), std::string::npos) << log;
  EXPECT_EQ(status.message().find("s3cret"), std::string::npos) << status.message();
}

TEST_F(SearchIntegration, StopEndsRetries) {
  std::unique_ptr<HttpClient> client = MakeClient("http://127.0.0.1:1");
  ASSERT_NE(client, nullptr);
  std::string document = Document(1);
  std::vector<BulkItem> items = {{"x", "1", document}};
  BulkIndexer::Options options;
  options.retry_initial = milliseconds(10000);
  options.give_up_after = milliseconds(600000);
  BulkIndexer indexer(client.get(), options);
  std::atomic<bool> stop{false};

  std::thread stopper([&stop] {
    std::this_thread::sleep_for(milliseconds(300));
    stop = true;
  });
  testing::internal::CaptureStderr();
  auto start = std::chrono::steady_clock::now();
  std::vector<ItemFinal> finals;
  Status status = indexer.Index(items, &finals, &stop);
  auto elapsed = std::chrono::steady_clock::now() - start;
  testing::internal::GetCapturedStderr();
  stopper.join();

  EXPECT_TRUE(status.transient()) << status.message();
  EXPECT_NE(status.message().find("stopped"), std::string::npos) << status.message();
  EXPECT_LT(elapsed, std::chrono::seconds(2));
}

}  // namespace
}  // namespace logpipe::search
