#include "search/error_reason.h"

namespace logpipe::search {
namespace {

constexpr int kMaxCausedByDepth = 3;
constexpr size_t kMaxSnippetBytes = 200;

std::string StringMember(const nlohmann::json& object, const char* key) {
  auto it = object.find(key);
  if (it == object.end() || !it->is_string()) return "";
  return it->get_ref<const std::string&>();
}

void AppendTypeAndReason(const nlohmann::json& error, std::string* out) {
  std::string type = StringMember(error, "type");
  std::string reason = StringMember(error, "reason");
  if (type.empty() && reason.empty()) {
    out->append("unknown error");
  } else if (reason.empty()) {
    out->append(type);
  } else if (type.empty()) {
    out->append(reason);
  } else {
    out->append(type);
    out->append(": ");
    out->append(reason);
  }
}

}  // namespace

std::string DescribeError(const nlohmann::json& error) {
  if (error.is_string()) return error.get<std::string>();
  if (!error.is_object()) return "unknown error";

  std::string description;
  AppendTypeAndReason(error, &description);
  const nlohmann::json* cause = &error;
  for (int depth = 0; depth < kMaxCausedByDepth; ++depth) {
    auto it = cause->find("caused_by");
    if (it == cause->end() || !it->is_object()) break;
    cause = &*it;
    description.append(" (caused by ");
    AppendTypeAndReason(*cause, &description);
    description.push_back(')');
  }
  return description;
}

std::string DescribeErrorBody(std::string_view body) {
  nlohmann::json parsed = nlohmann::json::parse(body, nullptr, false);
  if (parsed.is_object()) {
    auto it = parsed.find("error");
    if (it != parsed.end()) return DescribeError(*it);
  }

  if (body.empty()) return "empty response body";
  std::string snippet = "response body: ";
  for (char c : body.substr(0, kMaxSnippetBytes)) {
    snippet.push_back(c >= 0x20 && c < 0x7F ? c : '?');
  }
  if (body.size() > kMaxSnippetBytes) snippet.append("...");
  return snippet;
}

}  // namespace logpipe::search
