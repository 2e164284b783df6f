#include "synth/traffic_generator.h"

#include <algorithm>
#include <cassert>
#include <charconv>
#include <cmath>
#include <cstring>
#include <numbers>

#include "record/timestamp.h"

namespace logpipe::synth {
namespace {

constexpr int64_t kSecondsPerDay = 86400;

// Days from 0000-03-01 to 1970-01-01 in the proleptic Gregorian calendar.
constexpr int64_t kDaysFromMarchYearZeroTo1970 = 719468;
constexpr int64_t kDaysPer400Years = 146097;

// --- Request shapes -------------------------------------------------------

// Response behavior of an endpoint. It selects the status table and the
// size of error bodies.
enum class Profile : uint8_t {
  kPage,       // HTML page
  kStatic,     // file served as is
  kApiRead,    // JSON read
  kApiCreate,  // JSON create, 201 on success
  kApiUpdate,  // JSON update, 200 or 204 on success
  kApiDelete,  // JSON delete, mostly 204 on success
  kLogin,      // HTML form that redirects on success, 401 on bad credentials
  kForm,       // HTML form that redirects on success
};

// The kind of number appended to an endpoint's prefix, if any.
enum class IdKind : uint8_t { kNone, kUser, kOrder, kProduct, kPageNumber };

struct Endpoint {
  std::string_view prefix;  // path, or path and query up to the number
  IdKind id;
  Profile profile;
  double median_bytes;  // body size of a successful response with a body
  double spread;        // standard deviation of ln(size), 0 for fixed files
  uint32_t weight;
};

// GET requests from browsers: pages, the assets they load, and the API calls
// of the single-page parts of the site.
constexpr Endpoint kBrowserGets[] = {
    {"/", IdKind::kNone, Profile::kPage, 18400, 0.15, 140},
    {"/about", IdKind::kNone, Profile::kPage, 9200, 0.05, 30},
    {"/services", IdKind::kNone, Profile::kPage, 11800, 0.05, 35},
    {"/contact", IdKind::kNone, Profile::kPage, 7600, 0.05, 25},
    {"/login", IdKind::kNone, Profile::kPage, 5400, 0.05, 30},
    {"/products", IdKind::kNone, Profile::kPage, 24500, 0.3, 45},
    {"/products/", IdKind::kProduct, Profile::kPage, 15600, 0.3, 50},
    {"/blog", IdKind::kNone, Profile::kPage, 16000, 0.2, 15},
    {"/static/css/main.css", IdKind::kNone, Profile::kStatic, 48213, 0, 70},
    {"/static/js/app.js", IdKind::kNone, Profile::kStatic, 187402, 0, 70},
    {"/static/js/vendor.js", IdKind::kNone, Profile::kStatic, 412880, 0, 45},
    {"/images/logo.png", IdKind::kNone, Profile::kStatic, 12877, 0, 60},
    {"/images/hero.jpg", IdKind::kNone, Profile::kStatic, 186533, 0, 30},
    {"/favicon.ico", IdKind::kNone, Profile::kStatic, 5430, 0, 40},
    {"/api/users", IdKind::kNone, Profile::kApiRead, 6800, 0.5, 25},
    {"/api/users/", IdKind::kUser, Profile::kApiRead, 720, 0.25, 45},
    {"/api/orders/", IdKind::kOrder, Profile::kApiRead, 1450, 0.4, 45},
    {"/api/products?page=", IdKind::kPageNumber, Profile::kApiRead, 9400, 0.3, 60},
    {"/api/products/", IdKind::kProduct, Profile::kApiRead, 1900, 0.3, 40},
    {"/api/cart", IdKind::kNone, Profile::kApiRead, 850, 0.6, 25},
};

// GET requests from scripts (curl, python-requests): API reads and health
// checks from monitors.
constexpr Endpoint kToolGets[] = {
    {"/api/health", IdKind::kNone, Profile::kApiRead, 17, 0, 40},
    {"/api/users", IdKind::kNone, Profile::kApiRead, 6800, 0.5, 15},
    {"/api/users/", IdKind::kUser, Profile::kApiRead, 720, 0.25, 25},
    {"/api/orders/", IdKind::kOrder, Profile::kApiRead, 1450, 0.4, 25},
    {"/api/products?page=", IdKind::kPageNumber, Profile::kApiRead, 9400, 0.3, 25},
    {"/api/products/", IdKind::kProduct, Profile::kApiRead, 1900, 0.3, 15},
    {"/", IdKind::kNone, Profile::kPage, 18400, 0.15, 10},
};

// GET requests from search-engine crawlers: robots.txt, the sitemap and the
// public pages.
constexpr Endpoint kCrawlerGets[] = {
    {"/robots.txt", IdKind::kNone, Profile::kStatic, 68, 0, 50},
    {"/sitemap.xml", IdKind::kNone, Profile::kStatic, 24310, 0, 30},
    {"/", IdKind::kNone, Profile::kPage, 18400, 0.15, 40},
    {"/about", IdKind::kNone, Profile::kPage, 9200, 0.05, 15},
    {"/services", IdKind::kNone, Profile::kPage, 11800, 0.05, 15},
    {"/contact", IdKind::kNone, Profile::kPage, 7600, 0.05, 10},
    {"/products", IdKind::kNone, Profile::kPage, 24500, 0.3, 20},
    {"/products/", IdKind::kProduct, Profile::kPage, 15600, 0.3, 60},
    {"/blog", IdKind::kNone, Profile::kPage, 16000, 0.2, 15},
    {"/images/logo.png", IdKind::kNone, Profile::kStatic, 12877, 0, 5},
    {"/favicon.ico", IdKind::kNone, Profile::kStatic, 5430, 0, 5},
};

constexpr Endpoint kPosts[] = {
    {"/api/users", IdKind::kNone, Profile::kApiCreate, 640, 0.2, 20},
    {"/api/orders", IdKind::kNone, Profile::kApiCreate, 1320, 0.3, 35},
    {"/api/cart/items", IdKind::kNone, Profile::kApiCreate, 410, 0.2, 30},
    {"/login", IdKind::kNone, Profile::kLogin, 5400, 0.05, 15},
    {"/contact", IdKind::kNone, Profile::kForm, 7600, 0.05, 6},
};

constexpr Endpoint kPuts[] = {
    {"/api/users/", IdKind::kUser, Profile::kApiUpdate, 720, 0.25, 30},
    {"/api/orders/", IdKind::kOrder, Profile::kApiUpdate, 1450, 0.4, 35},
    {"/api/products/", IdKind::kProduct, Profile::kApiUpdate, 1900, 0.3, 15},
    {"/api/cart/items/", IdKind::kProduct, Profile::kApiUpdate, 410, 0.2, 20},
};

constexpr Endpoint kDeletes[] = {
    {"/api/users/", IdKind::kUser, Profile::kApiDelete, 60, 0.1, 15},
    {"/api/orders/", IdKind::kOrder, Profile::kApiDelete, 60, 0.1, 25},
    {"/api/cart/items/", IdKind::kProduct, Profile::kApiDelete, 60, 0.1, 45},
    {"/api/session", IdKind::kNone, Profile::kApiDelete, 60, 0.1, 15},
};

enum class Method : uint8_t { kGet, kPost, kPut, kDelete };

struct MethodRow {
  Method method;
  std::string_view name;
  uint32_t weight;
};

constexpr MethodRow kMethods[] = {
    {Method::kGet, "GET", 700},
    {Method::kPost, "POST", 200},
    {Method::kPut, "PUT", 60},
    {Method::kDelete, "DELETE", 40},
};

// --- Responses ------------------------------------------------------------

struct StatusRow {
  int status;
  uint32_t weight;  // per mille
};

constexpr StatusRow kPageStatuses[] = {
    {200, 880}, {301, 25}, {302, 20}, {304, 20}, {403, 8},
    {404, 30},  {429, 5},  {500, 6},  {502, 3},  {503, 3},
};

constexpr StatusRow kStaticStatuses[] = {
    {200, 850}, {304, 110}, {404, 30}, {500, 4}, {503, 6},
};

constexpr StatusRow kApiReadStatuses[] = {
    {200, 840}, {304, 20}, {400, 20}, {401, 40}, {403, 15},
    {404, 40},  {429, 10}, {500, 8},  {502, 3},  {503, 4},
};

constexpr StatusRow kApiCreateStatuses[] = {
    {201, 800}, {200, 40}, {400, 60}, {401, 40}, {403, 15},
    {409, 15},  {422, 10}, {429, 10}, {500, 6},  {503, 4},
};

constexpr StatusRow kApiUpdateStatuses[] = {
    {200, 780}, {204, 100}, {400, 40}, {401, 25}, {403, 15},
    {404, 20},  {409, 10},  {500, 7},  {503, 3},
};

constexpr StatusRow kApiDeleteStatuses[] = {
    {204, 800}, {200, 60}, {401, 40}, {403, 30}, {404, 60}, {500, 7}, {503, 3},
};

// A failed login re-renders the form with 401, and a successful one
// redirects.
constexpr StatusRow kLoginStatuses[] = {
    {302, 720}, {401, 220}, {400, 20}, {429, 25}, {500, 10}, {503, 5},
};

constexpr StatusRow kFormStatuses[] = {
    {302, 820}, {200, 80}, {400, 70}, {429, 15}, {500, 10}, {503, 5},
};

// --- Clients --------------------------------------------------------------

enum class AgentKind : uint8_t { kBrowser, kTool, kCrawler };

struct UserAgentRow {
  std::string_view text;  // contains no '"' or '\', so it needs no escaping
  AgentKind kind;
  uint32_t crawler_network;  // first address of the crawler's block, else 0
  int crawler_prefix;        // prefix length of that block, else 0
  uint32_t weight;
};

constexpr uint32_t Ipv4(uint32_t a, uint32_t b, uint32_t c, uint32_t d) {
  return a << 24 | b << 16 | c << 8 | d;
}

// Crawlers get addresses from one block each, taken from the address lists
// the search engines publish (Google's googlebot.json, Bing's bingbot.json),
// so their requests come from where real crawlers' do. NOTE: each list has
// many more blocks and changes over time, and only one block is used.
constexpr UserAgentRow kUserAgents[] = {
    {"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
     "Chrome/124.0.0.0 Safari/537.36",
     AgentKind::kBrowser, 0, 0, 300},
    {"Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) "
     "Chrome/124.0.0.0 Safari/537.36",
     AgentKind::kBrowser, 0, 0, 110},
    {"Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
     "Chrome/123.0.0.0 Safari/537.36",
     AgentKind::kBrowser, 0, 0, 25},
    {"Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) "
     "Chrome/124.0.0.0 Mobile Safari/537.36",
     AgentKind::kBrowser, 0, 0, 150},
    {"Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 "
     "(KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1",
     AgentKind::kBrowser, 0, 0, 120},
    {"Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 "
     "(KHTML, like Gecko) Version/17.4 Safari/605.1.15",
     AgentKind::kBrowser, 0, 0, 60},
    {"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
     "Chrome/124.0.0.0 Safari/537.36 Edg/124.0.0.0",
     AgentKind::kBrowser, 0, 0, 60},
    {"Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:125.0) Gecko/20100101 Firefox/125.0",
     AgentKind::kBrowser, 0, 0, 35},
    {"Mozilla/5.0 (Macintosh; Intel Mac OS X 10.15; rv:125.0) Gecko/20100101 Firefox/125.0",
     AgentKind::kBrowser, 0, 0, 12},
    {"Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0",
     AgentKind::kBrowser, 0, 0, 13},
    {"curl/8.5.0", AgentKind::kTool, 0, 0, 20},
    {"curl/7.81.0", AgentKind::kTool, 0, 0, 10},
    {"python-requests/2.31.0", AgentKind::kTool, 0, 0, 25},
    {"Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
     AgentKind::kCrawler, Ipv4(66, 249, 68, 0), 22, 40},
    {"Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)",
     AgentKind::kCrawler, Ipv4(157, 55, 39, 0), 24, 20},
};

struct Network {
  uint32_t first;
  int prefix;
};

// Special-purpose and non-unicast IPv4 blocks. No client on the public
// internet has an address in them.
constexpr Network kNonPublicNetworks[] = {
    {Ipv4(0, 0, 0, 0), 8},        // "this network"
    {Ipv4(10, 0, 0, 0), 8},       // private
    {Ipv4(100, 64, 0, 0), 10},    // carrier-grade NAT
    {Ipv4(127, 0, 0, 0), 8},      // loopback
    {Ipv4(169, 254, 0, 0), 16},   // link-local
    {Ipv4(172, 16, 0, 0), 12},    // private
    {Ipv4(192, 0, 0, 0), 24},     // IETF protocol assignments
    {Ipv4(192, 0, 2, 0), 24},     // documentation (TEST-NET-1)
    {Ipv4(192, 88, 99, 0), 24},   // deprecated 6to4 relay anycast
    {Ipv4(192, 168, 0, 0), 16},   // private
    {Ipv4(198, 18, 0, 0), 15},    // benchmarking
    {Ipv4(198, 51, 100, 0), 24},  // documentation (TEST-NET-2)
    {Ipv4(203, 0, 113, 0), 24},   // documentation (TEST-NET-3)
    {Ipv4(224, 0, 0, 0), 4},      // multicast
    {Ipv4(240, 0, 0, 0), 4},      // reserved, including broadcast
};

// Returning clients, ranked by popularity: the client of rank k (from 0) is
// picked with weight 1 / (k + 1)^kPopularityExponent.
constexpr size_t kReturningClients = 4096;
constexpr double kPopularityExponent = 0.8;
// Share of requests, in tenths, made by returning clients. The other
// requests come from one-time clients drawn fresh for each request.
constexpr uint64_t kReturningTenths = 8;

// --- Referrers ------------------------------------------------------------

struct ReferrerRow {
  std::string_view url;  // contains no '"' or '\', so it needs no escaping
  uint32_t weight;
};

constexpr std::string_view kNoReferrer = "-";

constexpr ReferrerRow kInternalReferrers[] = {
    {"https://example.com", 25},          {"https://example.com/", 80},
    {"https://example.com/products", 60}, {"https://example.com/services", 25},
    {"https://example.com/about", 15},    {"https://example.com/contact", 15},
    {"https://example.com/login", 20},    {"https://example.com/blog", 10},
};

constexpr ReferrerRow kExternalReferrers[] = {
    {"https://www.google.com/", 600},         {"https://www.bing.com/", 100},
    {"https://duckduckgo.com/", 60},          {"https://search.yahoo.com/", 30},
    {"https://www.facebook.com/", 60},        {"https://t.co/", 50},
    {"https://www.reddit.com/", 50},          {"https://www.linkedin.com/", 30},
    {"https://news.ycombinator.com/", 20},
};

// --- Limits ---------------------------------------------------------------

template <typename Row, size_t N, typename Length>
constexpr size_t MaxLength(const Row (&rows)[N], Length length) {
  size_t max = 0;
  for (const Row& row : rows) max = std::max(max, length(row));
  return max;
}

constexpr auto kEndpointLength = [](const Endpoint& e) { return e.prefix.size(); };
constexpr size_t kMaxEndpointPrefix =
    std::max({MaxLength(kBrowserGets, kEndpointLength), MaxLength(kToolGets, kEndpointLength),
              MaxLength(kCrawlerGets, kEndpointLength), MaxLength(kPosts, kEndpointLength),
              MaxLength(kPuts, kEndpointLength), MaxLength(kDeletes, kEndpointLength)});
constexpr size_t kMaxIdDigits = 20;  // any uint64_t
constexpr size_t kTargetCapacity = 128;  // size of TrafficGenerator::target_
static_assert(kMaxEndpointPrefix + kMaxIdDigits <= kTargetCapacity);
constexpr size_t kMaxIpv4Length = 15;  // "255.255.255.255"

constexpr size_t kMaxReferrer =
    std::max({kNoReferrer.size(),
              MaxLength(kInternalReferrers, [](const ReferrerRow& r) { return r.url.size(); }),
              MaxLength(kExternalReferrers, [](const ReferrerRow& r) { return r.url.size(); })});

// Upper bound of a line's length, reserved once so Next() never reallocates.
constexpr size_t kMaxLineLength =
    kMaxIpv4Length + std::string_view(" - - [").size() + 21 + std::string_view("] \"").size() +
    MaxLength(kMethods, [](const MethodRow& m) { return m.name.size(); }) + 1 + kTargetCapacity +
    std::string_view(" HTTP/1.1\" ").size() + 3 + 1 + kMaxIdDigits + 2 + kMaxReferrer + 3 +
    MaxLength(kUserAgents, [](const UserAgentRow& u) { return u.text.size(); }) + 1;

// --- Random draws ---------------------------------------------------------
// The draws use only raw mt19937_64 output, whose sequence the C++ standard
// fixes, so a seed produces the same lines with any standard library. The
// standard leaves the algorithms of std::uniform_int_distribution and the
// other distributions to each library, so they are not used.

// Returns a number in [0, n). The modulo bias is below n / 2^64.
uint64_t DrawBelow(std::mt19937_64& rng, uint64_t n) { return rng() % n; }

// Returns a number in [0, 1) with 53 random bits.
double DrawUnit(std::mt19937_64& rng) { return static_cast<double>(rng() >> 11) * 0x1.0p-53; }

template <typename Row, size_t N>
constexpr uint64_t SumWeights(const Row (&rows)[N]) {
  uint64_t sum = 0;
  for (const Row& row : rows) sum += row.weight;
  return sum;
}

// Picks a row of the table `rows` with probability proportional to its weight.
template <const auto& rows>
const auto& PickWeighted(std::mt19937_64& rng) {
  static constexpr uint64_t kTotal = SumWeights(rows);
  static_assert(kTotal > 0);
  uint64_t ticket = DrawBelow(rng, kTotal);
  for (const auto& row : rows) {
    if (ticket < row.weight) return row;
    ticket -= row.weight;
  }
  return rows[0];  // unreachable: ticket < kTotal
}

bool IsPublic(uint32_t address) {
  for (const Network& network : kNonPublicNetworks) {
    uint32_t mask = ~uint32_t{0} << (32 - network.prefix);
    if ((address & mask) == network.first) return false;
  }
  return true;
}

// Returns a public unicast address, rejecting draws in kNonPublicNetworks
// (about 14% of the address space).
uint32_t DrawPublicAddress(std::mt19937_64& rng) {
  while (true) {
    auto address = static_cast<uint32_t>(rng() >> 32);
    if (IsPublic(address)) return address;
  }
}

uint32_t DrawAddressFor(std::mt19937_64& rng, const UserAgentRow& agent) {
  if (agent.crawler_prefix == 0) return DrawPublicAddress(rng);
  uint32_t host_count = uint32_t{1} << (32 - agent.crawler_prefix);
  return agent.crawler_network + static_cast<uint32_t>(DrawBelow(rng, host_count));
}

uint16_t DrawUserAgent(std::mt19937_64& rng) {
  const UserAgentRow& agent = PickWeighted<kUserAgents>(rng);
  return static_cast<uint16_t>(&agent - kUserAgents);
}

const StatusRow& PickStatus(std::mt19937_64& rng, Profile profile) {
  switch (profile) {
    case Profile::kPage:
      return PickWeighted<kPageStatuses>(rng);
    case Profile::kStatic:
      return PickWeighted<kStaticStatuses>(rng);
    case Profile::kApiRead:
      return PickWeighted<kApiReadStatuses>(rng);
    case Profile::kApiCreate:
      return PickWeighted<kApiCreateStatuses>(rng);
    case Profile::kApiUpdate:
      return PickWeighted<kApiUpdateStatuses>(rng);
    case Profile::kApiDelete:
      return PickWeighted<kApiDeleteStatuses>(rng);
    case Profile::kLogin:
      return PickWeighted<kLoginStatuses>(rng);
    case Profile::kForm:
      return PickWeighted<kFormStatuses>(rng);
  }
  return kPageStatuses[0];  // unreachable: the switch covers every Profile
}

const Endpoint& PickEndpoint(std::mt19937_64& rng, Method method, AgentKind agent) {
  switch (method) {
    case Method::kGet:
      if (agent == AgentKind::kCrawler) return PickWeighted<kCrawlerGets>(rng);
      if (agent == AgentKind::kTool) return PickWeighted<kToolGets>(rng);
      return PickWeighted<kBrowserGets>(rng);
    case Method::kPost:
      return PickWeighted<kPosts>(rng);
    case Method::kPut:
      return PickWeighted<kPuts>(rng);
    case Method::kDelete:
      return PickWeighted<kDeletes>(rng);
  }
  return kBrowserGets[0];  // unreachable: the switch covers every Method
}

uint64_t DrawId(std::mt19937_64& rng, IdKind kind) {
  switch (kind) {
    case IdKind::kNone:
      return 0;
    case IdKind::kUser:
      return 1 + DrawBelow(rng, 50000);
    case IdKind::kOrder:
      return 100000 + DrawBelow(rng, 900000);
    case IdKind::kProduct:
      return 1 + DrawBelow(rng, 2400);
    case IdKind::kPageNumber: {
      // Most readers stop at the first pages: P(page > n) = 0.4^(n-1).
      uint64_t page = 1;
      while (page < 40 && DrawBelow(rng, 10) < 4) ++page;
      return page;
    }
  }
  return 0;
}

std::string_view PickReferrer(std::mt19937_64& rng, AgentKind agent, Method method,
                              const Endpoint& endpoint) {
  if (agent != AgentKind::kBrowser) return kNoReferrer;

  // Percentages of direct visits and of links from another site; the rest
  // come from a page of the site itself. Assets, API calls and form posts
  // are requested by a page of the site, so they name it.
  uint64_t direct = 10;
  uint64_t external = 0;
  if (method != Method::kGet) {
    direct = 5;
  } else if (endpoint.profile == Profile::kPage) {
    direct = 40;
    external = 35;
  }

  uint64_t draw = DrawBelow(rng, 100);
  if (draw < direct) return kNoReferrer;
  if (draw < direct + external) return PickWeighted<kExternalReferrers>(rng).url;
  return PickWeighted<kInternalReferrers>(rng).url;
}

bool IsHtml(Profile profile) {
  return profile == Profile::kPage || profile == Profile::kStatic ||
         profile == Profile::kLogin || profile == Profile::kForm;
}

// Returns median * e^(spread * normal) rounded, at least 1, so sizes are
// log-normal when `normal` is a standard normal draw.
int64_t ScaleSize(double median, double spread, double normal) {
  if (spread == 0) return static_cast<int64_t>(median);
  auto bytes = std::llround(median * std::exp(spread * normal));
  return std::max<int64_t>(bytes, 1);
}

// Appends the decimal digits of `value`.
template <typename Integer>
void AppendNumber(std::string& out, Integer value) {
  char digits[24];
  auto [end, error] = std::to_chars(digits, digits + sizeof digits, value);
  assert(error == std::errc());
  out.append(digits, static_cast<size_t>(end - digits));
}

// Writes `address` in dotted-quad form and returns the length (7 to 15).
size_t FormatIpv4(uint32_t address, char* out) {
  char* end = out;
  for (int shift = 24; shift >= 0; shift -= 8) {
    if (shift != 24) *end++ = '.';
    end = std::to_chars(end, end + 3, (address >> shift) & 0xFF).ptr;
  }
  return static_cast<size_t>(end - out);
}

int64_t FloorDivide(int64_t numerator, int64_t denominator) {
  int64_t quotient = numerator / denominator;
  if (numerator % denominator != 0 && (numerator < 0) != (denominator < 0)) --quotient;
  return quotient;
}

}  // namespace

record::CivilTime CivilTimeFromUnixSeconds(int64_t unix_seconds) {
  assert(unix_seconds >= kMinUnixSeconds);
  assert(unix_seconds <= kMaxUnixSeconds);
  int64_t days = FloorDivide(unix_seconds, kSecondsPerDay);
  int64_t second_of_day = unix_seconds - days * kSecondsPerDay;

  // Count days from 0000-03-01 so that the leap day, when there is one, is
  // the last day of a "year", and split them into 400-year eras, each of
  // which contains exactly kDaysPer400Years days.
  int64_t shifted = days + kDaysFromMarchYearZeroTo1970;
  int64_t era = FloorDivide(shifted, kDaysPer400Years);
  int64_t day_of_era = shifted - era * kDaysPer400Years;  // 0..146096

  // Year of the era. A year has 365 days, plus one every 4th year, minus
  // one every 100th, plus one on the 400th (the era's last day). Removing
  // those extra days before dividing by 365 gives the year.
  int64_t year_of_era =
      (day_of_era - day_of_era / 1460 + day_of_era / 36524 - day_of_era / 146096) / 365;
  int64_t day_of_year =
      day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);  // 0..365

  // Months counted from March run 31 30 31 30 31, 31 30 31 30 31, 31 and
  // 28 or 29 days. That is 153 days per five months, so month m (from 0)
  // starts on day (153 * m + 2) / 5 of the shifted year.
  int64_t month_from_march = (5 * day_of_year + 2) / 153;  // 0..11
  int64_t day = day_of_year - (153 * month_from_march + 2) / 5 + 1;
  int64_t month = month_from_march < 10 ? month_from_march + 3 : month_from_march - 9;
  int64_t year = era * 400 + year_of_era + (month <= 2 ? 1 : 0);

  record::CivilTime time;
  time.year = static_cast<int>(year);
  time.month = static_cast<int>(month);
  time.day = static_cast<int>(day);
  time.hour = static_cast<int>(second_of_day / 3600);
  time.minute = static_cast<int>(second_of_day / 60 % 60);
  time.second = static_cast<int>(second_of_day % 60);
  return time;
}

TrafficGenerator::TrafficGenerator(uint64_t seed) : rng_(seed) {
  line_.reserve(kMaxLineLength);

  // Each returning client keeps one user agent, as a real browser does.
  clients_.resize(kReturningClients);
  for (Client& client : clients_) {
    client.user_agent = DrawUserAgent(rng_);
    client.address = DrawAddressFor(rng_, kUserAgents[client.user_agent]);
  }

  client_cdf_.resize(kReturningClients);
  double total = 0;
  for (size_t rank = 0; rank < kReturningClients; ++rank) {
    total += 1.0 / std::pow(static_cast<double>(rank + 1), kPopularityExponent);
    client_cdf_[rank] = total;
  }
  for (double& cumulative : client_cdf_) cumulative /= total;
}

const TrafficGenerator::Client& TrafficGenerator::PickClient() {
  if (DrawBelow(rng_, 10) >= kReturningTenths) {
    fresh_client_.user_agent = DrawUserAgent(rng_);
    fresh_client_.address = DrawAddressFor(rng_, kUserAgents[fresh_client_.user_agent]);
    return fresh_client_;
  }

  double draw = DrawUnit(rng_);
  auto it = std::upper_bound(client_cdf_.begin(), client_cdf_.end(), draw);
  size_t rank = std::min(static_cast<size_t>(it - client_cdf_.begin()), kReturningClients - 1);
  return clients_[rank];
}

// Box-Muller transform: two uniform draws give two independent standard
// normal draws. The second is kept for the next call.
double TrafficGenerator::DrawStandardNormal() {
  if (has_spare_normal_) {
    has_spare_normal_ = false;
    return spare_normal_;
  }
  double radius_draw = 1.0 - DrawUnit(rng_);  // in (0, 1], so log() is finite
  double angle = 2.0 * std::numbers::pi * DrawUnit(rng_);
  double radius = std::sqrt(-2.0 * std::log(radius_draw));
  spare_normal_ = radius * std::sin(angle);
  has_spare_normal_ = true;
  return radius * std::cos(angle);
}

std::string_view TrafficGenerator::FormatTime(int64_t unix_seconds) {
  // Producers call Next() many times per second, so the text is reused
  // until the second changes.
  if (!has_time_text_ || unix_seconds != time_seconds_) {
    entry_.time = CivilTimeFromUnixSeconds(unix_seconds);
    time_length_ = record::FormatLogTime(entry_.time, time_text_);
    time_seconds_ = unix_seconds;
    has_time_text_ = true;
  }
  return {time_text_, time_length_};
}

std::string_view TrafficGenerator::Next(int64_t unix_seconds) {
  // The client and its request.
  const Client& client = PickClient();
  const UserAgentRow& agent = kUserAgents[client.user_agent];
  const MethodRow& method = agent.kind == AgentKind::kCrawler ? kMethods[0]
                                                              : PickWeighted<kMethods>(rng_);
  const Endpoint& endpoint = PickEndpoint(rng_, method.method, agent.kind);

  size_t ip_length = FormatIpv4(client.address, ip_);
  size_t target_length = endpoint.prefix.size();
  std::memcpy(target_, endpoint.prefix.data(), target_length);
  if (endpoint.id != IdKind::kNone) {
    uint64_t id = DrawId(rng_, endpoint.id);
    char* end = std::to_chars(target_ + target_length, target_ + sizeof target_, id).ptr;
    target_length = static_cast<size_t>(end - target_);
  }

  // The response. 204 and 304 carry no body by definition, and error
  // bodies are short pages or JSON messages.
  int status = PickStatus(rng_, endpoint.profile).status;
  int64_t bytes = 0;
  if (status == 204 || status == 304) {
    bytes = 0;
  } else if (status >= 400) {
    double median = IsHtml(endpoint.profile) ? 1540 : 96;
    bytes = ScaleSize(median, 0.3, DrawStandardNormal());
  } else if (status >= 300) {
    bytes = ScaleSize(162, 0.1, DrawStandardNormal());
  } else {
    double normal = endpoint.spread == 0 ? 0 : DrawStandardNormal();
    bytes = ScaleSize(endpoint.median_bytes, endpoint.spread, normal);
  }

  entry_.client_ip = std::string_view(ip_, ip_length);
  std::string_view time_text = FormatTime(unix_seconds);
  entry_.method = method.name;
  entry_.target = std::string_view(target_, target_length);
  entry_.status = status;
  entry_.bytes = bytes;
  entry_.referrer = PickReferrer(rng_, agent.kind, method.method, endpoint);
  entry_.user_agent = agent.text;

  // The line, in the order the parser reads it.
  line_.clear();
  line_.append(entry_.client_ip);
  line_.append(" - - [");
  line_.append(time_text);
  line_.append("] \"");
  line_.append(entry_.method);
  line_.push_back(' ');
  line_.append(entry_.target);
  line_.append(" HTTP/1.1\" ");
  AppendNumber(line_, entry_.status);
  line_.push_back(' ');
  AppendNumber(line_, entry_.bytes);
  line_.append(" \"");
  line_.append(entry_.referrer);
  line_.append("\" \"");
  line_.append(entry_.user_agent);
  line_.push_back('"');
  assert(line_.size() <= kMaxLineLength);
  return line_;
}

}  // namespace logpipe::synth
