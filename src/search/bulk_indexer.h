// BulkIndexer: sends a batch of documents with _bulk, judges every item and
// resends only the items that may still succeed, until each one is indexed
// or dead-lettered.
#pragma once

#include <atomic>
#include <chrono>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "search/bulk_request.h"
#include "search/bulk_response.h"
#include "search/http_client.h"

namespace logpipe::search {

struct BulkItem {
  std::string_view index;
  std::string_view id;        // empty: the node generates an id
  std::string_view document;  // one JSON object
};

struct ItemFinal {
  bool indexed = false;
  std::string reason;  // why the item was dead-lettered; empty when indexed
};

class BulkIndexer {
 public:
  struct Options {
    std::chrono::milliseconds retry_initial{200};  // delay before the first retry
    std::chrono::milliseconds retry_max{30000};    // cap on one delay
    // Total time one Index() call may spend, counted from its start. A retry
    // whose delay would end later is not made.
    std::chrono::milliseconds give_up_after{std::chrono::minutes(10)};
    // The _bulk "refresh" parameter: "" (the default, no refresh), "true" or
    // "wait_for" (return once the documents are searchable).
    std::string refresh;
  };

  // `client` must outlive the indexer.
  BulkIndexer(HttpClient* client, Options options);

  // Indexes `items` and sets `(*finals)[i]` for each items[i]. Returns Ok
  // when every item is either indexed or dead-lettered. An item is
  // dead-lettered when the node rejects it with a status other than 429 or
  // 5xx. Items rejected with 429 or 5xx are resent with capped exponential
  // backoff, and so is a whole request that fails in transport, gets 429 or
  // 5xx, or gets an unreadable response. Each retry is logged at WARN.
  //
  // Errors, after which `*finals` must not be used:
  //  - Permanent when the node rejects the whole request with another
  //    status (400, 401, 403, 404, 413) or TLS verification fails.
  //  - Transient when give_up_after is spent, or when `*stop` becomes true
  //    before a retry. The flag is checked during delays, every 100 ms.
  //  - InvalidArgument for a `refresh` option other than "", "true",
  //    "false" or "wait_for".
  // The items' string views must stay valid until Index() returns.
  Status Index(std::span<const BulkItem> items, std::vector<ItemFinal>* finals,
               const std::atomic<bool>* stop = nullptr);

 private:
  // Sends the items listed in `pending` in one request. Items that are
  // resolved get their final set and are removed from `pending`. Returns Ok
  // when the request got a readable response, Transient with the reason the
  // whole request must be resent, or Permanent. `*retry_reason` receives a
  // description of the items left in `pending`.
  Status SendOnce(std::span<const BulkItem> items, std::vector<size_t>* pending, std::vector<ItemFinal>* finals,
                  std::string* retry_reason);

  HttpClient* client_;
  Options options_;
  std::string path_;  // "/_bulk" with the query parameters
  BulkRequest request_;
  HttpResponse response_;
  std::vector<BulkItemResult> results_;
};

}  // namespace logpipe::search
