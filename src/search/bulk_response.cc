#include "search/bulk_response.h"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "search/error_reason.h"

namespace logpipe::search {
namespace {

using nlohmann::json;

// Parses one entry of "items", {"<action>":{"status":201,...}}, into `*result`.
// Returns false when the entry has another shape.
bool ParseItem(const json& entry, BulkItemResult* result) {
  if (!entry.is_object() || entry.size() != 1) return false;
  const json& item = entry.begin().value();
  if (!item.is_object()) return false;

  auto status = item.find("status");
  if (status == item.end() || !status->is_number_integer()) return false;
  int64_t code = status->is_number_unsigned() ? static_cast<int64_t>(std::min<uint64_t>(status->get<uint64_t>(), 1000))
                                              : status->get<int64_t>();
  if (code < 100 || code > 599) return false;
  result->status = static_cast<int>(code);

  result->error_type.clear();
  result->error_reason.clear();
  auto error = item.find("error");
  if (error != item.end() && !error->is_null()) {
    if (error->is_object()) {
      auto type = error->find("type");
      if (type != error->end() && type->is_string()) result->error_type = type->get<std::string>();
    }
    result->error_reason = DescribeError(*error);
  }
  return true;
}

}  // namespace

Status ParseBulkResponse(std::string_view body, size_t expected_items, std::vector<BulkItemResult>* items) {
  items->clear();
  try {
    json parsed = json::parse(body, nullptr, false);
    if (parsed.is_discarded()) {
      return Status::Transient(fmt::format("bulk response is not valid JSON ({} bytes); resending the request",
                                           body.size()));
    }
    if (!parsed.is_object()) {
      return Status::Transient("bulk response is not a JSON object; resending the request");
    }
    auto items_json = parsed.find("items");
    if (items_json == parsed.end() || !items_json->is_array()) {
      auto error = parsed.find("error");
      if (error != parsed.end()) {
        return Status::Transient(fmt::format("bulk response has no items but an error: {}", DescribeError(*error)));
      }
      return Status::Transient("bulk response has no \"items\" array; resending the request");
    }
    if (items_json->size() != expected_items) {
      return Status::Transient(fmt::format("bulk response has {} items for a request of {}; resending the request",
                                           items_json->size(), expected_items));
    }

    items->resize(expected_items);
    for (size_t i = 0; i < expected_items; ++i) {
      if (!ParseItem((*items_json)[i], &(*items)[i])) {
        return Status::Transient(fmt::format(
            "bulk response item {} has no action with a status in 100..599; resending the request", i));
      }
    }
    return Status::Ok();
  } catch (const std::exception& e) {
    // Every access above checks the type first, so only an allocation
    // failure or a bug reaches this. The request is then resent.
    return Status::Transient(fmt::format("bulk response could not be parsed: {}", e.what()));
  }
}

}  // namespace logpipe::search
