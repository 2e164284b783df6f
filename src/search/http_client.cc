#include "search/http_client.h"

#include <curl/curl.h>
#include <fmt/format.h>

#include <mutex>

namespace logpipe::search {
namespace {

static_assert(CURL_ERROR_SIZE == 256, "HttpClient::error_buffer_ must hold CURL_ERROR_SIZE bytes");

// curl_global_init is not thread-safe and must run before the first easy
// handle is created, so it runs once here for the whole process.
void InitCurlOnce() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

size_t AppendToString(char* data, size_t size, size_t count, void* user) {
  static_cast<std::string*>(user)->append(data, size * count);
  return size * count;
}

// Owns a CURLU handle and the strings curl_url_get returns.
class ParsedUrl {
 public:
  ParsedUrl() : handle_(curl_url()) {}
  ~ParsedUrl() { curl_url_cleanup(handle_); }
  ParsedUrl(const ParsedUrl&) = delete;
  ParsedUrl& operator=(const ParsedUrl&) = delete;

  CURLUcode Set(const std::string& url) { return curl_url_set(handle_, CURLUPART_URL, url.c_str(), 0); }
  void Clear(CURLUPart part) { curl_url_set(handle_, part, nullptr, 0); }

  // Returns the part, or "" when it is absent. `flags` are curl_url_get
  // flags such as CURLU_URLDECODE.
  std::string Get(CURLUPart part, unsigned flags = 0) {
    char* text = nullptr;
    if (curl_url_get(handle_, part, &text, flags) != CURLUE_OK || text == nullptr) return "";
    std::string result(text);
    curl_free(text);
    return result;
  }

 private:
  CURLU* handle_;
};

// Connection problems that no retry can fix: the operator must change the
// CA file, the certificate or the options.
bool IsPermanentCurlError(CURLcode code) {
  switch (code) {
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CIPHER:
    case CURLE_SSL_ENGINE_NOTFOUND:
    case CURLE_SSL_ENGINE_SETFAILED:
    case CURLE_UNSUPPORTED_PROTOCOL:
    case CURLE_URL_MALFORMAT:
    case CURLE_NOT_BUILT_IN:
    case CURLE_FUNCTION_NOT_FOUND:
    case CURLE_BAD_FUNCTION_ARGUMENT:
    case CURLE_UNKNOWN_OPTION:
      return true;
    default:
      return false;
  }
}

}  // namespace

std::string RedactUrl(std::string_view url) {
  // The authority starts after "scheme://" (or at the start when there is no
  // scheme) and ends at the first '/', '?' or '#'. Userinfo is everything in
  // it up to the last '@'.
  size_t authority_start = 0;
  size_t scheme_end = url.find("://");
  if (scheme_end != std::string_view::npos) authority_start = scheme_end + 3;
  size_t authority_end = url.find_first_of("/?#", authority_start);
  if (authority_end == std::string_view::npos) authority_end = url.size();

  std::string_view authority = url.substr(authority_start, authority_end - authority_start);
  size_t at = authority.rfind('@');
  if (at == std::string_view::npos) return std::string(url);

  std::string redacted(url.substr(0, authority_start));
  redacted += "***";
  redacted += url.substr(authority_start + at);
  return redacted;
}

Status HttpClient::Create(HttpConfig config, std::unique_ptr<HttpClient>* out) {
  InitCurlOnce();
  const std::string shown_url = RedactUrl(config.url);
  if (config.url.empty()) {
    return Status::InvalidArgument("search URL is empty: set it to the node's base URL, e.g. http://127.0.0.1:9200");
  }

  // Parse and check the URL.
  ParsedUrl url;
  CURLUcode parse_code = url.Set(config.url);
  if (parse_code != CURLUE_OK) {
    return Status::InvalidArgument(fmt::format(
        "search URL \"{}\" is invalid: {}; expected http://host:port or https://host:port", shown_url,
        curl_url_strerror(parse_code)));
  }
  std::string scheme = url.Get(CURLUPART_SCHEME);
  if (scheme != "http" && scheme != "https") {
    return Status::InvalidArgument(fmt::format(
        "search URL \"{}\" has scheme \"{}\"; only http and https are supported", shown_url, scheme));
  }
  if (!url.Get(CURLUPART_QUERY).empty() || !url.Get(CURLUPART_FRAGMENT).empty()) {
    return Status::InvalidArgument(fmt::format(
        "search URL \"{}\" has a query or fragment; give only scheme, host, port and an optional path prefix",
        shown_url));
  }

  // Move userinfo out of the URL into basic-auth credentials.
  std::string url_user = url.Get(CURLUPART_USER, CURLU_URLDECODE);
  std::string url_password = url.Get(CURLUPART_PASSWORD, CURLU_URLDECODE);
  if (!url_user.empty() || !url_password.empty()) {
    if (!config.username.empty() || !config.password.empty()) {
      return Status::InvalidArgument(fmt::format(
          "search URL \"{}\" has credentials and a username or password is also set; give them only once",
          shown_url));
    }
    config.username = std::move(url_user);
    config.password = std::move(url_password);
    url.Clear(CURLUPART_USER);
    url.Clear(CURLUPART_PASSWORD);
    url.Clear(CURLUPART_OPTIONS);
  }
  if (!config.api_key.empty() && (!config.username.empty() || !config.password.empty())) {
    return Status::InvalidArgument(
        "both an API key and basic-auth credentials are set for the search node; set only one of them");
  }

  std::string base_url = url.Get(CURLUPART_URL);
  while (!base_url.empty() && base_url.back() == '/') base_url.pop_back();

  CURL* curl = curl_easy_init();
  if (curl == nullptr) {
    return Status::Permanent("curl_easy_init failed (out of memory?) while creating the search HTTP client");
  }

  std::unique_ptr<HttpClient> client(new HttpClient());
  client->config_ = std::move(config);
  client->base_url_ = std::move(base_url);
  client->curl_ = curl;

  // Options that stay the same for every request.
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);  // timeouts must not raise SIGALRM in a threaded process
  curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(client->config_.connect_timeout.count()));
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, static_cast<long>(client->config_.request_timeout.count()));
  curl_easy_setopt(curl, CURLOPT_TCP_KEEPALIVE, 1L);
  curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, client->error_buffer_);
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, AppendToString);
  if (!client->config_.username.empty() || !client->config_.password.empty()) {
    curl_easy_setopt(curl, CURLOPT_HTTPAUTH, static_cast<long>(CURLAUTH_BASIC));
    curl_easy_setopt(curl, CURLOPT_USERNAME, client->config_.username.c_str());
    curl_easy_setopt(curl, CURLOPT_PASSWORD, client->config_.password.c_str());
  }
  if (!client->config_.ca_file.empty()) curl_easy_setopt(curl, CURLOPT_CAINFO, client->config_.ca_file.c_str());
  if (!client->config_.tls_verify) {
    curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, 0L);
    curl_easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, 0L);
  }
  // NOTE: responses are requested uncompressed. CURLOPT_ACCEPT_ENCODING here
  // would let curl ask for and decode gzip without other changes.

  *out = std::move(client);
  return Status::Ok();
}

HttpClient::~HttpClient() {
  if (curl_ != nullptr) curl_easy_cleanup(static_cast<CURL*>(curl_));
}

Status HttpClient::Send(std::string_view method, std::string_view path, std::string_view body,
                        std::string_view content_type, HttpResponse* out) {
  CURL* curl = static_cast<CURL*>(curl_);
  out->status = 0;
  out->body.clear();
  error_buffer_[0] = '\0';

  url_buffer_.assign(base_url_);
  url_buffer_.append(path);
  std::string method_text(method);

  // Per-request options. CURLOPT_HTTPGET resets the method and any body left
  // from the previous request on this reused handle.
  curl_easy_setopt(curl, CURLOPT_URL, url_buffer_.c_str());
  curl_easy_setopt(curl, CURLOPT_HTTPGET, 1L);
  curl_easy_setopt(curl, CURLOPT_NOBODY, method == "HEAD" ? 1L : 0L);
  if (!body.empty() || method == "POST" || method == "PUT") {
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body.empty() ? "" : body.data());
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
  }
  curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, method_text.c_str());
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &out->body);

  // Headers. "Expect:" stops curl from waiting for "100 Continue" before
  // sending a large body, which costs a round trip per bulk request.
  curl_slist* headers = nullptr;
  std::string content_type_header;
  if (!content_type.empty()) {
    content_type_header = fmt::format("Content-Type: {}", content_type);
    headers = curl_slist_append(headers, content_type_header.c_str());
  }
  std::string api_key_header;
  if (!config_.api_key.empty()) {
    api_key_header = fmt::format("Authorization: ApiKey {}", config_.api_key);
    headers = curl_slist_append(headers, api_key_header.c_str());
  }
  headers = curl_slist_append(headers, "Expect:");
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);

  CURLcode code = curl_easy_perform(curl);
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, nullptr);
  curl_slist_free_all(headers);

  if (code != CURLE_OK) {
    // The URL handed to curl has no userinfo, so its error text cannot
    // contain credentials.
    // The query is left out of the message because it only repeats options.
    std::string detail = error_buffer_[0] != '\0' ? std::string(error_buffer_) : curl_easy_strerror(code);
    std::string_view shown_url(url_buffer_);
    shown_url = shown_url.substr(0, shown_url.find('?'));
    std::string message = fmt::format("{} {} failed: {} (curl error {})", method, shown_url, detail,
                                      static_cast<int>(code));
    if (IsPermanentCurlError(code)) {
      return Status::Permanent(message + "; check the URL, CA file and TLS options");
    }
    return Status::Transient(message);
  }
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &out->status);
  return Status::Ok();
}

}  // namespace logpipe::search
