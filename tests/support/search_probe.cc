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

nlohmann::json SearchProbe::ScrollHits(const std::string& path, const std::string& body,
                                       const std::function<void(const nlohmann::json& hit)>& on_hit) {
  nlohmann::json page = Request("POST", path, body);
  while (page.is_object() && page.contains("hits") && !page["hits"]["hits"].empty()) {
    for (const nlohmann::json& hit : page["hits"]["hits"]) on_hit(hit);
    nlohmann::json next = {{"scroll", "2m"}, {"scroll_id", page["_scroll_id"]}};
    page = Request("POST", "/_search/scroll", next.dump());
  }
  if (page.is_object() && page.contains("_scroll_id")) {
    nlohmann::json clear = {{"scroll_id", page["_scroll_id"]}};
    Request("DELETE", "/_search/scroll", clear.dump());
  }
  return page;
}

std::map<std::string, std::string> ReadAllOriginals(SearchProbe& probe, const std::string& pattern,
                                                    std::vector<std::string>* repeated_ids) {
  std::map<std::string, std::string> originals;
  nlohmann::json query = {{"size", 5000}, {"sort", {"_doc"}}, {"_source", {"event.original"}}};
  probe.ScrollHits("/" + pattern + "/_search?scroll=2m", query.dump(), [&](const nlohmann::json& hit) {
    std::string id = hit["_id"];
    std::string original = hit["_source"]["event"].value("original", "");
    if (!originals.emplace(id, original).second && repeated_ids != nullptr) repeated_ids->push_back(id);
  });
  return originals;
}

}  // namespace logpipe::testing
