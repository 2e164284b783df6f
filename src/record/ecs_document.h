// Encoding of an AccessRecord as the JSON document logpipe indexes, with
// Elastic Common Schema field names:
//   @timestamp, source.ip, http.request.method, url.original, url.path,
//   url.query (only when the target has a query), http.version,
//   http.response.status_code, http.response.body.bytes (absent for "-"),
//   http.request.referrer (absent for "-"), user_agent.original,
//   event.original (only when requested).
// Dotted names are written as nested objects ({"http":{"request":{...}}}),
// the form ECS documents and Kibana expect in _source.
#pragma once

#include <string>
#include <string_view>

#include "record/access_record.h"

namespace logpipe::record {

struct DocumentOptions {
  bool include_event_original = false;  // copy the whole raw line into event.original
};

// Appends one JSON object (no trailing newline) to `*out`. `line` is the raw
// line `record` was parsed from. The log's \" and \\ escapes in the target, referrer
// and user agent are decoded. The output is valid JSON for any bytes in the
// record: invalid UTF-8 becomes U+FFFD and control characters are escaped.
// Allocates only when `*out` must grow.
void AppendDocument(const AccessRecord& record, std::string_view line, const DocumentOptions& options,
                    std::string* out);

}  // namespace logpipe::record
