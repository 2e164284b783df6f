#include "record/line_parser.h"

#include <cstdint>
#include <cstring>
#include <limits>

#include "record/timestamp.h"

namespace logpipe::record {
namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

bool IsHexDigit(char c) { return IsDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }

bool IsWhitespace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f'; }

// A byte that may not appear in a request target: space, ASCII control
// characters and DEL.
bool IsControlOrSpace(char c) {
  auto byte = static_cast<unsigned char>(c);
  return byte <= 0x20 || byte == 0x7F;
}

// tchar of RFC 7230 section 3.2.6, the characters of an HTTP method.
bool IsTokenChar(char c) {
  if (IsDigit(c) || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z')) return true;
  switch (c) {
    case '!': case '#': case '$': case '%': case '&': case '\'': case '*': case '+':
    case '-': case '.': case '^': case '_': case '`': case '|': case '~':
      return true;
    default:
      return false;
  }
}

// Dotted-quad IPv4: four decimal octets 0..255. Leading zeros ("010") are
// rejected because some parsers read them as octal.
bool IsIpv4(std::string_view text) {
  size_t i = 0;
  for (int octet = 0; octet < 4; ++octet) {
    if (octet > 0) {
      if (i >= text.size() || text[i] != '.') return false;
      ++i;
    }
    size_t start = i;
    int value = 0;
    while (i < text.size() && i - start < 3 && IsDigit(text[i])) {
      value = value * 10 + (text[i] - '0');
      ++i;
    }
    size_t digits = i - start;
    if (digits == 0 || value > 255) return false;
    if (digits > 1 && text[start] == '0') return false;
  }
  return i == text.size();
}

// IPv6 text of RFC 4291 section 2.2: eight groups of 1..4 hex digits, at
// most one "::" standing for one or more zero groups, and an optional
// dotted-quad IPv4 address as the last 32 bits. Zone ids ("%eth0") and
// brackets are rejected.
bool IsIpv6(std::string_view text) {
  size_t n = text.size();
  size_t i = 0;
  int groups = 0;
  bool compressed = false;

  if (n < 2) return false;
  if (text[0] == ':') {
    if (text[1] != ':') return false;
    compressed = true;
    i = 2;
  }

  while (i < n) {
    size_t start = i;
    while (i < n && IsHexDigit(text[i])) ++i;

    // Decimal digits followed by '.' start the embedded IPv4 address,
    // which must end the text and counts as two groups.
    if (i < n && text[i] == '.') {
      if (!IsIpv4(text.substr(start))) return false;
      groups += 2;
      break;
    }

    size_t digits = i - start;
    if (digits == 0 || digits > 4) return false;
    ++groups;
    if (i == n) break;

    if (text[i] != ':') return false;
    ++i;
    if (i < n && text[i] == ':') {
      if (compressed) return false;
      compressed = true;
      ++i;
    } else if (i == n) {
      return false;  // a single trailing ':'
    }
  }

  return compressed ? groups <= 7 : groups == 8;
}

// Cursor that hands out the fields of a line from left to right. A method
// that fails consumes nothing.
class Scanner {
 public:
  explicit Scanner(std::string_view text) : rest_(text) {}

  std::string_view rest() const { return rest_; }

  bool Consume(char c) {
    if (rest_.empty() || rest_[0] != c) return false;
    rest_.remove_prefix(1);
    return true;
  }

  // Consumes and returns the bytes before the next space or the end.
  std::string_view TakeToken() {
    const void* space = std::memchr(rest_.data(), ' ', rest_.size());
    size_t length = space ? static_cast<size_t>(static_cast<const char*>(space) - rest_.data()) : rest_.size();
    return Take(length);
  }

  // Consumes the body of a quoted field whose opening quote has been
  // consumed, and its closing quote. The log writes \" and \\ inside quotes,
  // so the field ends at the first '"' not escaped by a backslash. Returns
  // false if there is no closing quote.
  bool TakeQuoted(std::string_view* body) {
    size_t from = 0;
    while (true) {
      const void* found = std::memchr(rest_.data() + from, '"', rest_.size() - from);
      if (found == nullptr) return false;
      size_t quote = static_cast<size_t>(static_cast<const char*>(found) - rest_.data());

      // An odd run of backslashes before the quote ends with one that
      // escapes it, but an even run is made of escaped backslashes.
      size_t backslashes = 0;
      while (backslashes < quote && rest_[quote - 1 - backslashes] == '\\') ++backslashes;
      if (backslashes % 2 == 0) {
        *body = Take(quote);
        rest_.remove_prefix(1);
        return true;
      }
      from = quote + 1;
    }
  }

  std::string_view Take(size_t length) {
    std::string_view field = rest_.substr(0, length);
    rest_.remove_prefix(length);
    return field;
  }

 private:
  std::string_view rest_;
};

// Parses the body of the request field: "-", or METHOD SP TARGET SP
// HTTP/x.y with METHOD an HTTP token and TARGET free of spaces and control
// characters. The target may contain the log's \" and \\ escapes.
bool ParseRequest(std::string_view body, AccessRecord* out) {
  if (body == "-") {
    out->has_request = false;
    return true;
  }

  size_t i = 0;
  while (i < body.size() && IsTokenChar(body[i])) ++i;
  if (i == 0 || i >= body.size() || body[i] != ' ') return false;
  out->method = body.substr(0, i);
  ++i;

  size_t target_start = i;
  while (i < body.size() && !IsControlOrSpace(body[i])) ++i;
  if (i == target_start || i >= body.size() || body[i] != ' ') return false;
  out->target = body.substr(target_start, i - target_start);
  ++i;

  std::string_view version = body.substr(i);
  if (version.size() != 8 || version.substr(0, 5) != "HTTP/") return false;
  if (!IsDigit(version[5]) || version[6] != '.' || !IsDigit(version[7])) return false;
  out->http_version = version.substr(5);

  size_t question = out->target.find('?');
  out->has_query = question != std::string_view::npos;
  out->path = out->target.substr(0, question);
  out->query = out->has_query ? out->target.substr(question + 1) : std::string_view();
  out->has_request = true;
  return true;
}

bool ParseStatus(std::string_view text, int* out) {
  if (text.size() != 3 || !IsDigit(text[0]) || !IsDigit(text[1]) || !IsDigit(text[2])) return false;
  int value = (text[0] - '0') * 100 + (text[1] - '0') * 10 + (text[2] - '0');
  if (value < 100 || value > 599) return false;
  *out = value;
  return true;
}

// Parses a non-negative decimal integer that fits in int64_t.
bool ParseByteCount(std::string_view text, int64_t* out) {
  if (text.empty()) return false;
  int64_t value = 0;
  for (char c : text) {
    if (!IsDigit(c)) return false;
    int digit = c - '0';
    if (value > (std::numeric_limits<int64_t>::max() - digit) / 10) return false;
    value = value * 10 + digit;
  }
  *out = value;
  return true;
}

std::string_view StripLineEnding(std::string_view line) {
  if (!line.empty() && line.back() == '\n') {
    line.remove_suffix(1);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  }
  return line;
}

}  // namespace

const char* Describe(ParseError error) {
  switch (error) {
    case ParseError::kNone: return "no error";
    case ParseError::kEmptyLine: return "empty line";
    case ParseError::kInvalidClientAddress: return "invalid client address: expected IPv4 or IPv6 text";
    case ParseError::kMissingIdentity: return "missing identity: expected two fields after the client address";
    case ParseError::kInvalidTimestamp: return "invalid timestamp: expected [Mon DD YYYY, HH:MM:SS]";
    case ParseError::kImpossibleTimestamp: return "impossible timestamp: no such date or time";
    case ParseError::kInvalidRequest: return "invalid request line: expected METHOD TARGET HTTP/x.y";
    case ParseError::kInvalidStatus: return "invalid status: expected three digits in 100..599";
    case ParseError::kInvalidBytes: return "invalid response size: expected a non-negative integer or -";
    case ParseError::kInvalidReferrer: return "invalid referrer: expected a quoted field";
    case ParseError::kInvalidUserAgent: return "invalid user agent: expected a quoted field";
    case ParseError::kTrailingData: return "trailing data after the user agent";
  }
  return "unknown parse error";
}

ParseError ParseLine(std::string_view line, AccessRecord* out) {
  line = StripLineEnding(line);
  if (line.empty()) return ParseError::kEmptyLine;
  *out = AccessRecord();
  Scanner scanner(line);

  // Client address, then the identity and user fields ("- -").
  out->client_ip = scanner.TakeToken();
  if (!IsIpv4(out->client_ip) && !IsIpv6(out->client_ip)) return ParseError::kInvalidClientAddress;
  if (!scanner.Consume(' ')) return ParseError::kMissingIdentity;
  out->ident = scanner.TakeToken();
  if (out->ident.empty() || !scanner.Consume(' ')) return ParseError::kMissingIdentity;
  out->auth_user = scanner.TakeToken();
  if (out->auth_user.empty() || !scanner.Consume(' ')) return ParseError::kMissingIdentity;

  // [Mon DD YYYY, HH:MM:SS]. The time is at most 21 bytes long, so the
  // closing bracket is within the next 22.
  if (!scanner.Consume('[')) return ParseError::kInvalidTimestamp;
  std::string_view rest = scanner.rest();
  const void* bracket = std::memchr(rest.data(), ']', rest.size() < 22 ? rest.size() : 22);
  if (bracket == nullptr) return ParseError::kInvalidTimestamp;
  std::string_view time_text = scanner.Take(static_cast<size_t>(static_cast<const char*>(bracket) - rest.data()));
  scanner.Consume(']');
  if (!ParseLogTimeFields(time_text, &out->time)) return ParseError::kInvalidTimestamp;
  if (!IsValid(out->time)) return ParseError::kImpossibleTimestamp;

  // "METHOD TARGET HTTP/x.y" or "-".
  std::string_view request;
  if (!scanner.Consume(' ') || !scanner.Consume('"') || !scanner.TakeQuoted(&request)) {
    return ParseError::kInvalidRequest;
  }
  if (!ParseRequest(request, out)) return ParseError::kInvalidRequest;

  if (!scanner.Consume(' ') || !ParseStatus(scanner.TakeToken(), &out->status)) return ParseError::kInvalidStatus;

  if (!scanner.Consume(' ')) return ParseError::kInvalidBytes;
  std::string_view bytes = scanner.TakeToken();
  out->has_bytes = bytes != "-";
  if (out->has_bytes && !ParseByteCount(bytes, &out->bytes)) return ParseError::kInvalidBytes;

  if (!scanner.Consume(' ') || !scanner.Consume('"') || !scanner.TakeQuoted(&out->referrer)) {
    return ParseError::kInvalidReferrer;
  }
  if (!scanner.Consume(' ') || !scanner.Consume('"') || !scanner.TakeQuoted(&out->user_agent)) {
    return ParseError::kInvalidUserAgent;
  }

  for (char c : scanner.rest()) {
    if (!IsWhitespace(c)) return ParseError::kTrailingData;
  }
  return ParseError::kNone;
}

}  // namespace logpipe::record
