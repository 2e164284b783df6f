// Queries of the real Elasticsearch/OpenSearch node for test assertions.
#pragma once

#include <nlohmann/json.hpp>

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "search/http_client.h"

namespace logpipe::testing {

class SearchProbe {
 public:
  explicit SearchProbe(const std::string& url);

  // Refreshes the indices matching `pattern` and returns their document
  // count (0 when none exist). Fails the calling test on errors.
  int64_t Count(const std::string& pattern);

  // Sends a request and returns the parsed JSON body (null on failure).
  nlohmann::json Request(const std::string& method, const std::string& path, const std::string& body = "");

  // Deletes the indices matching `pattern`, if any.
  void DeleteIndices(const std::string& pattern);

  // Posts `body` to the search `path` (one with "scroll=2m"), calls `on_hit`
  // for each hit of every page, then clears the scroll. Returns the last
  // response: without hits when all pages were read, null or without "hits"
  // when a request failed.
  nlohmann::json ScrollHits(const std::string& path, const std::string& body,
                            const std::function<void(const nlohmann::json& hit)>& on_hit);

 private:
  std::unique_ptr<search::HttpClient> client_;
};

// Returns event.original of every document of the indices matching
// `pattern`, by _id. The first document of an _id is kept, and when
// `repeated_ids` is given, each _id seen again is appended to it.
std::map<std::string, std::string> ReadAllOriginals(SearchProbe& probe, const std::string& pattern,
                                                    std::vector<std::string>* repeated_ids = nullptr);

}  // namespace logpipe::testing
