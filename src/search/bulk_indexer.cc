#include "search/bulk_indexer.h"

#include <fmt/format.h>

#include <algorithm>
#include <thread>

#include "common/log.h"
#include "search/error_reason.h"
#include "search/retry_policy.h"

namespace logpipe::search {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

constexpr std::string_view kComponent = "search";

// Maximum sleep between two checks of the stop flag.
constexpr milliseconds kStopPollInterval{100};

// filter_path drops the fields of each item that are not judged (_index,
// _id, _version, _shards, ...), which shrinks a success response several
// times over. "error" and "status" keep a whole-request error readable.
constexpr std::string_view kBulkPath = "/_bulk?filter_path=errors,items.*.status,items.*.error,error,status";

bool IsValidRefresh(std::string_view refresh) {
  return refresh.empty() || refresh == "true" || refresh == "false" || refresh == "wait_for";
}

// Sleeps for `delay`. Returns false, early, if `*stop` becomes true.
bool SleepUnlessStopped(milliseconds delay, const std::atomic<bool>* stop) {
  auto end = Clock::now() + delay;
  while (true) {
    if (stop != nullptr && stop->load()) return false;
    auto now = Clock::now();
    if (now >= end) return true;
    std::this_thread::sleep_for(std::min<Clock::duration>(end - now, kStopPollInterval));
  }
}

std::string PermanentHint(long status) {
  switch (status) {
    case 401: return "; check the username and password or API key";
    case 403: return "; grant the user the index and create_index privileges on the target indices";
    case 404: return "; check the URL's path prefix";
    case 413: return "; lower the batch size or raise http.max_content_length on the node";
    default: return "";
  }
}

}  // namespace

BulkIndexer::BulkIndexer(HttpClient* client, Options options)
    : client_(client), options_(std::move(options)), path_(kBulkPath) {
  if (!options_.refresh.empty()) path_ += fmt::format("&refresh={}", options_.refresh);
}

Status BulkIndexer::Index(std::span<const BulkItem> items, std::vector<ItemFinal>* finals,
                          const std::atomic<bool>* stop) {
  if (!IsValidRefresh(options_.refresh)) {
    return Status::InvalidArgument(fmt::format(
        "bulk refresh option \"{}\" is invalid: use \"\", \"true\", \"false\" or \"wait_for\"", options_.refresh));
  }
  finals->assign(items.size(), ItemFinal{});
  if (items.empty()) return Status::Ok();  // the node rejects a _bulk request without a body
  std::vector<size_t> pending(items.size());
  for (size_t i = 0; i < items.size(); ++i) pending[i] = i;

  auto deadline = Clock::now() + options_.give_up_after;
  Backoff backoff(options_.retry_initial, options_.retry_max);
  while (!pending.empty()) {
    // Send what is left. A request that fails as a whole leaves all of it pending.
    std::string retry_reason;
    Status sent = SendOnce(items, &pending, finals, &retry_reason);
    if (sent.kind() == Status::Kind::kPermanent) return sent;
    if (!sent.ok()) retry_reason = sent.message();
    if (pending.empty()) break;

    // Wait, unless the delay would pass the deadline or the caller stops.
    milliseconds delay = backoff.NextDelay();
    if (Clock::now() + delay > deadline) {
      return Status::Transient(fmt::format(
          "bulk indexing gave up after {} attempts within {} ms: {} of {} items still failing; last error: {}",
          backoff.attempt(), options_.give_up_after.count(), pending.size(), items.size(), retry_reason));
    }
    log::Warn(kComponent, "bulk retry attempt {} in {} ms: {} items, {}", backoff.attempt(), delay.count(),
              pending.size(), retry_reason);
    if (!SleepUnlessStopped(delay, stop)) {
      return Status::Transient(fmt::format("bulk indexing stopped before retry attempt {}: {} of {} items unresolved",
                                           backoff.attempt(), pending.size(), items.size()));
    }
  }
  return Status::Ok();
}

Status BulkIndexer::SendOnce(std::span<const BulkItem> items, std::vector<size_t>* pending,
                             std::vector<ItemFinal>* finals, std::string* retry_reason) {
  request_.Clear();
  for (size_t index : *pending) request_.Add(items[index].index, items[index].id, items[index].document);

  // Send, and judge the request as a whole.
  Status sent = client_->Send("POST", path_, request_.body(), "application/x-ndjson", &response_);
  if (!sent.ok()) return sent;
  if (response_.status < 200 || response_.status > 299) {
    std::string message = fmt::format("bulk request to {}/_bulk got HTTP {}: {}", client_->redacted_url(),
                                      response_.status, DescribeErrorBody(response_.body));
    if (IsRetryableResponse(response_.status)) return Status::Transient(message);
    return Status::Permanent(message + PermanentHint(response_.status));
  }
  Status parsed = ParseBulkResponse(response_.body, pending->size(), &results_);
  if (!parsed.ok()) return parsed;

  // Judge each item. Those to retry are moved to the front of `pending`, in
  // their original order, and the rest is cut off.
  size_t retry_count = 0;
  for (size_t k = 0; k < pending->size(); ++k) {
    size_t index = (*pending)[k];
    const BulkItemResult& result = results_[k];
    ItemFinal& final_state = (*finals)[index];
    switch (JudgeItem(result.status)) {
      case ItemOutcome::kIndexed:
        final_state.indexed = true;
        final_state.reason.clear();
        break;
      case ItemOutcome::kDeadLetter:
        final_state.indexed = false;
        final_state.reason = fmt::format("HTTP {}: {}", result.status,
                                         result.error_reason.empty() ? "no reason given" : result.error_reason);
        break;
      case ItemOutcome::kRetry:
        if (retry_count == 0) {
          *retry_reason = fmt::format("first failing item got HTTP {}: {}", result.status,
                                      result.error_reason.empty() ? "no reason given" : result.error_reason);
        }
        (*pending)[retry_count++] = index;
        break;
    }
  }
  pending->resize(retry_count);
  return Status::Ok();
}

}  // namespace logpipe::search
