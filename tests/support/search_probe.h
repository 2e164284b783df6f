// Queries of the real Elasticsearch/OpenSearch node for test assertions.
#pragma once

#include <nlohmann/json.hpp>

#include <memory>
#include <string>

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

 private:
  std::unique_ptr<search::HttpClient> client_;
};

}  // namespace logpipe::testing
