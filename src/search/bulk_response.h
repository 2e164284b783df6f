// Parsing of a _bulk response body into one result per item.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace logpipe::search {

struct BulkItemResult {
  int status = 0;            // HTTP status of this item, 100..599
  std::string error_type;    // e.g. "mapper_parsing_exception"; empty without an error
  std::string error_reason;  // "type: reason (caused by type: reason)"; empty without an error
};

// Parses a _bulk response into `*items`, in request order, one per item
// whatever its action (index, create, update, delete). Returns Transient, so
// that the caller resends the whole request, when the body is not JSON, has
// no "items" array, has a number of items other than `expected_items`, or
// has an item without a status in 100..599. `*items` is then unspecified.
// Accepts any bytes without crashing and never throws.
Status ParseBulkResponse(std::string_view body, size_t expected_items, std::vector<BulkItemResult>* items);

}  // namespace logpipe::search
