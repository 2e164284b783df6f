#include "search/bulk_request.h"

#include "common/json_writer.h"

namespace logpipe::search {

void BulkRequest::Clear() {
  body_.clear();
  item_count_ = 0;
}

void BulkRequest::Add(std::string_view index, std::string_view id, std::string_view document_json) {
  body_.append(R"({"index":{"_index":")");
  JsonWriter::AppendEscaped(&body_, index);
  if (!id.empty()) {
    body_.append(R"(","_id":")");
    JsonWriter::AppendEscaped(&body_, id);
  }
  body_.append("\"}}\n");

  // Copy the document in runs between raw newlines.
  size_t start = 0;
  for (size_t newline = document_json.find('\n'); newline != std::string_view::npos;
       newline = document_json.find('\n', start)) {
    body_.append(document_json.substr(start, newline - start));
    body_.push_back(' ');
    start = newline + 1;
  }
  body_.append(document_json.substr(start));
  body_.push_back('\n');

  ++item_count_;
}

}  // namespace logpipe::search
