// HttpClient: one keep-alive HTTP(S) connection to an Elasticsearch or
// OpenSearch node, through a reused libcurl easy handle. It only moves bytes:
// deciding what a status code means is left to the callers.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <string_view>

#include "common/status.h"

namespace logpipe::search {

struct HttpConfig {
  // Base URL, e.g. "http://127.0.0.1:9200" or "https://es.internal:9200/prefix".
  // Userinfo ("http://user:pass@host") is used as basic auth and is removed
  // from every message. A query or fragment is rejected.
  std::string url;
  std::string username, password;  // basic auth; both empty for none
  std::string api_key;             // sent as "Authorization: ApiKey <api_key>"
  std::chrono::milliseconds connect_timeout{5000};
  std::chrono::milliseconds request_timeout{60000};  // whole request, upload to last byte
  std::string ca_file;    // PEM bundle for https; empty for the system store
  bool tls_verify = true;  // false skips certificate and host name checks
};

struct HttpResponse {
  long status = 0;  // HTTP status code
  std::string body;
};

class HttpClient {
 public:
  // Validates `config` and creates a client. Fails with InvalidArgument when
  // the URL is not http or https, is malformed, has a query or fragment, or
  // when credentials are given twice (userinfo and username, or basic auth
  // and an API key). No connection is made until the first Send().
  static Status Create(HttpConfig config, std::unique_ptr<HttpClient>* out);

  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  // Sends `method` to base URL + `path` (which starts with '/' and may carry a
  // query) and waits for the whole response. Returns Ok for a response of any
  // status, with `out->status` and `out->body` set. A failure to get a
  // response (connection refused, timeout, reset) is Transient, but a TLS
  // certificate that cannot be verified is Permanent. `content_type` is
  // omitted from the request when empty. Not thread-safe.
  Status Send(std::string_view method, std::string_view path, std::string_view body,
              std::string_view content_type, HttpResponse* out);

  // The base URL without userinfo and trailing '/', safe to log.
  const std::string& redacted_url() const { return base_url_; }

 private:
  HttpClient() = default;

  HttpConfig config_;     // credentials moved out of the URL into username/password
  std::string base_url_;  // no userinfo, no trailing '/'
  void* curl_ = nullptr;  // CURL*, kept opaque so that callers need no curl headers
  std::string url_buffer_;
  char error_buffer_[256] = {};  // CURL_ERROR_SIZE bytes, filled by curl on failure
};

// Returns `url` with any userinfo ("user:password@") replaced by "***@", for
// messages about URLs that may be malformed. Never fails.
std::string RedactUrl(std::string_view url);

}  // namespace logpipe::search
