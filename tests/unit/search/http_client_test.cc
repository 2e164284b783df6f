// HttpClient construction and URL redaction. Sending is covered by the
// integration tests against a real node.
#include "search/http_client.h"

#include <gtest/gtest.h>

namespace logpipe::search {
namespace {

Status CreateWithUrl(const std::string& url, std::unique_ptr<HttpClient>* client) {
  HttpConfig config;
  config.url = url;
  return HttpClient::Create(config, client);
}

TEST(RedactUrl, RemovesUserinfo) {
  EXPECT_EQ(RedactUrl("http://elastic:s3cret@127.0.0.1:9200/x"), "http://***@127.0.0.1:9200/x");
}

TEST(RedactUrl, AtSignInPassword) {
  EXPECT_EQ(RedactUrl("https://u:p@ss@host"), "https://***@host");
}

TEST(RedactUrl, NoSchemeStillRedacted) { EXPECT_EQ(RedactUrl("u:pw@host:9200"), "***@host:9200"); }

TEST(RedactUrl, AtSignInPathKept) {
  EXPECT_EQ(RedactUrl("http://host:9200/a@b"), "http://host:9200/a@b");
}

TEST(RedactUrl, PlainUrlUnchanged) { EXPECT_EQ(RedactUrl("http://127.0.0.1:9200"), "http://127.0.0.1:9200"); }

TEST(HttpClientCreate, HttpAccepted) {
  std::unique_ptr<HttpClient> client;
  Status status = CreateWithUrl("http://127.0.0.1:9200", &client);

  ASSERT_TRUE(status.ok()) << status.message();
  EXPECT_EQ(client->redacted_url(), "http://127.0.0.1:9200");
}

TEST(HttpClientCreate, TrailingSlashDropped) {
  std::unique_ptr<HttpClient> client;
  ASSERT_TRUE(CreateWithUrl("https://127.0.0.1:9200/prefix/", &client).ok());

  EXPECT_EQ(client->redacted_url(), "https://127.0.0.1:9200/prefix");
}

TEST(HttpClientCreate, UserinfoRemovedFromUrl) {
  std::unique_ptr<HttpClient> client;
  Status status = CreateWithUrl("http://elastic:s3cret@127.0.0.1:9200", &client);

  ASSERT_TRUE(status.ok()) << status.message();
  EXPECT_EQ(client->redacted_url(), "http://127.0.0.1:9200");
}

TEST(HttpClientCreate, OtherSchemeRejected) {
  std::unique_ptr<HttpClient> client;
  Status status = CreateWithUrl("ftp://127.0.0.1:9200", &client);

  EXPECT_EQ(status.kind(), Status::Kind::kInvalidArgument);
  EXPECT_NE(status.message().find("only http and https"), std::string::npos) << status.message();
  EXPECT_EQ(client, nullptr);
}

TEST(HttpClientCreate, MissingSchemeRejected) {
  std::unique_ptr<HttpClient> client;
  Status status = CreateWithUrl("127.0.0.1:9200", &client);

  EXPECT_EQ(status.kind(), Status::Kind::kInvalidArgument);
}

TEST(HttpClientCreate, EmptyRejected) {
  std::unique_ptr<HttpClient> client;
  Status status = CreateWithUrl("", &client);

  EXPECT_EQ(status.kind(), Status::Kind::kInvalidArgument);
  EXPECT_NE(status.message().find("empty"), std::string::npos) << status.message();
}

TEST(HttpClientCreate, QueryRejected) {
  std::unique_ptr<HttpClient> client;
  Status status = CreateWithUrl("http://127.0.0.1:9200/?pretty", &client);

  EXPECT_EQ(status.kind(), Status::Kind::kInvalidArgument);
}

TEST(HttpClientCreate, ErrorHidesPassword) {
  std::unique_ptr<HttpClient> client;
  Status status = CreateWithUrl("gopher://elastic:s3cret@127.0.0.1:9200", &client);

  EXPECT_FALSE(status.ok());
  EXPECT_EQ(status.message().find("s3cret"), std::string::npos) << status.message();
}

TEST(HttpClientCreate, MalformedErrorHidesPassword) {
  std::unique_ptr<HttpClient> client;
  Status status = CreateWithUrl("http://elastic:s3cret@127.0.0.1:99999999", &client);

  EXPECT_FALSE(status.ok());
  EXPECT_EQ(status.message().find("s3cret"), std::string::npos) << status.message();
}

TEST(HttpClientCreate, CredentialsTwiceRejected) {
  HttpConfig config;
  config.url = "http://elastic:s3cret@127.0.0.1:9200";
  config.username = "other";
  std::unique_ptr<HttpClient> client;
  Status status = HttpClient::Create(config, &client);

  EXPECT_EQ(status.kind(), Status::Kind::kInvalidArgument);
  EXPECT_EQ(status.message().find("s3cret"), std::string::npos) << status.message();
}

TEST(HttpClientCreate, ApiKeyAndPasswordRejected) {
  HttpConfig config;
  config.url = "http://127.0.0.1:9200";
  config.username = "elastic";
  config.password = "s3cret";
  config.api_key = "a2V5";
  std::unique_ptr<HttpClient> client;
  Status status = HttpClient::Create(config, &client);

  EXPECT_EQ(status.kind(), Status::Kind::kInvalidArgument);
  EXPECT_EQ(status.message().find("s3cret"), std::string::npos) << status.message();
  EXPECT_EQ(status.message().find("a2V5"), std::string::npos) << status.message();
}

}  // namespace
}  // namespace logpipe::search
