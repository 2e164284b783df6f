// libFuzzer target for ParseBulkResponse. The first input byte is the
// expected item count (0..255) and the rest is the response body, so the
// seed corpus files in corpus/bulk_response/ start with their item count.
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "search/bulk_response.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  size_t expected_items = data[0];
  std::string_view body(reinterpret_cast<const char*>(data + 1), size - 1);

  std::vector<logpipe::search::BulkItemResult> items;
  logpipe::Status status = logpipe::search::ParseBulkResponse(body, expected_items, &items);

  // An accepted response always has exactly the expected number of items,
  // each with a status in 100..599.
  if (status.ok()) {
    if (items.size() != expected_items) __builtin_trap();
    for (const auto& item : items) {
      if (item.status < 100 || item.status > 599) __builtin_trap();
    }
  }
  return 0;
}
