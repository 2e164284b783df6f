// BulkRequest: the NDJSON body of one _bulk request, built in a buffer that
// is reused across batches.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace logpipe::search {

class BulkRequest {
 public:
  // Empties the body and keeps its capacity, so a request reused for
  // batches of similar size allocates nothing once it has grown.
  void Clear();

  // Appends an "index" action and its document:
  //   {"index":{"_index":"<index>","_id":"<id>"}}\n<document_json>\n
  // `index` and `id` are JSON-escaped. An empty `id` omits "_id", so the node
  // generates one. `document_json` must be one JSON value. Raw newlines in it
  // are only legal as whitespace between JSON tokens, and they are replaced
  // by spaces because a newline ends a line of the NDJSON body.
  void Add(std::string_view index, std::string_view id, std::string_view document_json);

  size_t item_count() const { return item_count_; }
  const std::string& body() const { return body_; }

 private:
  std::string body_;
  size_t item_count_ = 0;
};

}  // namespace logpipe::search
