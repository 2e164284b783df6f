#include "support/search_probe.h"

#include <gtest/gtest.h>

namespace logpipe::testing {

SearchProbe::SearchProbe(const std::string& url) {
  search::HttpConfig config;
  config.url = url;
  Status status = search::HttpClient::Create(config, &client_);
  EXPECT_TRUE(status.ok()) << status.message();
}

nlohmann::json SearchProbe::Request(const std::string& method, const std::string& path, const std::string& body) {
  search::HttpResponse response;
  Status status = client_->Send(method, path, body, body.empty() ? "" : "application/json", &response);
  EXPECT_TRUE(status.ok()) << method << " " << path << ": " << status.message();
  if (!status.ok()) return nullptr;
  nlohmann::json parsed = nlohmann::json::parse(response.body, nullptr, false);
  parsed["__status"] = response.status;
  return parsed;
}

int64_t SearchProbe::Count(const std::string& pattern) {
  Request("POST", "/" + pattern + "/_refresh?allow_no_indices=true&ignore_unavailable=true");
  nlohmann::json body = Request("GET", "/" + pattern + "/_count?allow_no_indices=true&ignore_unavailable=true");
  EXPECT_TRUE(body.contains("count")) << body.dump();
  return body.value("count", int64_t{-1});
}

void SearchProbe::DeleteIndices(const std::string& pattern) {
  Request("DELETE", "/" + pattern + "?allow_no_indices=true&ignore_unavailable=true&expand_wildcards=all");
}

}  // namespace logpipe::testing
