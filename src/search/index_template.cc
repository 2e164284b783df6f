#include "search/index_template.h"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "search/error_reason.h"
#include "search/retry_policy.h"

namespace logpipe::search {
namespace {

using Json = nlohmann::ordered_json;

// Keyword fields that hold request text are not indexed past 8191
// characters. Lucene rejects a term longer than 32766 bytes, and with up to
// 4 UTF-8 bytes per character 8191 characters stay below that, so a long
// URL is kept in _source instead of failing the whole document. 8191 is also
// about the longest request line common servers accept (Apache's
// LimitRequestLine default is 8190 bytes, nginx's buffer 8 KiB).
constexpr int kRequestTextIgnoreAbove = 8191;

// Longer user agents are kept in _source and stay searchable through the
// text field, but get no keyword term for aggregations.
constexpr int kUserAgentIgnoreAbove = 1024;

Json Keyword(int ignore_above) { return {{"type", "keyword"}, {"ignore_above", ignore_above}}; }

Json Properties(Json fields) { return {{"properties", std::move(fields)}}; }

Json Mappings() {
  Json request_text = Keyword(kRequestTextIgnoreAbove);
  return Properties({
      {"@timestamp", {{"type", "date"}}},
      {"source", Properties({{"ip", {{"type", "ip"}}}})},
      {"http", Properties({
                   {"request", Properties({
                                   {"method", request_text},
                                   {"referrer", request_text},
                               })},
                   {"version", request_text},
                   {"response", Properties({
                                    {"status_code", {{"type", "integer"}}},
                                    {"body", Properties({{"bytes", {{"type", "long"}}}})},
                                })},
               })},
      {"url", Properties({
                  {"original", request_text},
                  {"path", request_text},
                  {"query", request_text},
              })},
      {"user_agent",
       Properties({
           {"original",
            {{"type", "text"}, {"fields", {{"keyword", Keyword(kUserAgentIgnoreAbove)}}}}},
       })},
      // The raw line is stored for reading and reindexing only: neither
      // searchable nor aggregatable, which saves the index and doc values.
      {"event", Properties({
                    {"original", {{"type", "keyword"}, {"index", false}, {"doc_values", false}}},
                })},
  });
}

bool IsValidTemplateName(std::string_view name) {
  if (name.empty()) return false;
  for (char c : name) {
    bool allowed = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
                   c == '-' || c == '_';
    if (!allowed) return false;
  }
  return true;
}

}  // namespace

std::string BuildIndexTemplate(std::string_view index_glob, int number_of_replicas, int number_of_shards) {
  Json body = {
      {"index_patterns", Json::array({std::string(index_glob)})},
      {"priority", kTemplatePriority},
      {"template",
       {
           {"settings", {{"index", {{"number_of_shards", number_of_shards}, {"number_of_replicas", number_of_replicas}}}}},
           {"mappings", Mappings()},
       }},
      {"_meta", {{"managed_by", "logpipe"}}},
  };
  return body.dump();
}

Status InstallIndexTemplate(HttpClient& client, std::string_view name, std::string_view body) {
  if (!IsValidTemplateName(name)) {
    return Status::InvalidArgument(fmt::format(
        "index template name \"{}\" is invalid: use only letters, digits, '.', '-' and '_'", name));
  }

  std::string path = fmt::format("/_index_template/{}", name);
  HttpResponse response;
  Status sent = client.Send("PUT", path, body, "application/json", &response);
  if (!sent.ok()) return sent;
  if (response.status >= 200 && response.status <= 299) return Status::Ok();

  std::string message = fmt::format("installing index template \"{}\" at {}{} failed with HTTP {}: {}", name,
                                    client.redacted_url(), path, response.status, DescribeErrorBody(response.body));
  if (IsRetryableResponse(response.status)) return Status::Transient(message);
  return Status::Permanent(message);
}

}  // namespace logpipe::search
