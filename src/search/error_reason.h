// One-line descriptions of the error objects Elasticsearch and OpenSearch
// return, e.g. {"type":"mapper_parsing_exception","reason":"failed to parse
// field [bytes]","caused_by":{"type":"illegal_argument_exception",...}}.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

namespace logpipe::search {

// Describes an "error" value as "type: reason", followed by
// " (caused by type: reason)" for each nested caused_by, up to 3 levels.
// A string error (older versions) is returned as it is. Any other shape gives
// "unknown error". Never throws.
std::string DescribeError(const nlohmann::json& error);

// Describes the error in a whole-request error body such as
// {"error":{...},"status":401}. A body that is not such JSON is described by
// its first 200 bytes, with bytes outside printable ASCII shown as '?', so a
// proxy's HTML page still gives a readable message.
std::string DescribeErrorBody(std::string_view body);

}  // namespace logpipe::search
