// The composable index template that maps logpipe's ECS fields, installed
// with PUT /_index_template/<name> (Elasticsearch 7.8+, OpenSearch 1.0+).
#pragma once

#include <string>
#include <string_view>

#include "common/status.h"
#include "search/http_client.h"

namespace logpipe::search {

inline constexpr std::string_view kDefaultTemplateName = "logpipe-access-logs";

// Priority of logpipe's template, so that it wins over Elasticsearch's
// built-in templates for logs-*-*, metrics-*-* and synthetics-*-*, which
// have priority 100 in 7.x and 500 in 8.x (Elasticsearch reference, "Index
// templates"). The node rejects a template whose patterns overlap another's
// at the same priority (checked on OpenSearch 2.19.6).
inline constexpr int kTemplatePriority = 501;

// Returns the template body for indices matching `index_glob` (see
// IndexGlob). It sets the shard and replica counts and maps every field the
// ECS encoder writes. Fields not listed keep dynamic mapping. A single-node
// cluster needs `number_of_replicas` 0 for its indices to be green.
std::string BuildIndexTemplate(std::string_view index_glob, int number_of_replicas = 0, int number_of_shards = 1);

// Creates or replaces the template `name` with `body`. Installing the same
// body again succeeds and changes nothing, so this can run at every start.
// Indices that already exist keep their mappings, because the template
// applies only to indices created afterwards. A rejection gives an error
// with the HTTP status and the node's reason: Transient for 429 and 5xx,
// Permanent otherwise. A `name` with characters other than letters, digits, '.', '-'
// and '_' is InvalidArgument.
Status InstallIndexTemplate(HttpClient& client, std::string_view name, std::string_view body);

}  // namespace logpipe::search
