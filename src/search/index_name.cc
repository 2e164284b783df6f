#include "search/index_name.h"

#include <fmt/format.h>

namespace logpipe::search {
namespace {

// Elasticsearch's limit on an index name, in bytes.
constexpr size_t kMaxIndexNameBytes = 255;

// Characters that Elasticsearch and OpenSearch reject anywhere in an index
// name. ':' separates a remote cluster name in cross-cluster search.
constexpr std::string_view kForbidden = "\\/*?\"<>|,#: ";

bool IsDateConversion(char c) { return c == 'Y' || c == 'm' || c == 'd'; }

void AppendPadded(int value, int width, std::string* out) {
  char digits[8];
  int length = 0;
  unsigned magnitude = value < 0 ? 0u : static_cast<unsigned>(value);
  do {
    digits[length++] = static_cast<char>('0' + magnitude % 10);
    magnitude /= 10;
  } while (magnitude > 0 && length < 8);
  for (int i = length; i < width; ++i) out->push_back('0');
  while (length > 0) out->push_back(digits[--length]);
}

std::string Describe(char c) {
  if (c == ' ') return "space";
  if (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) >= 0x7F) {
    return fmt::format("byte 0x{:02x}", static_cast<unsigned char>(c));
  }
  return fmt::format("'{}'", c);
}

}  // namespace

Status ValidateIndexPattern(std::string_view pattern) {
  auto invalid = [&](std::string reason) {
    return Status::InvalidArgument(fmt::format("index pattern \"{}\" is invalid: {}", pattern, reason));
  };
  if (pattern.empty()) {
    return invalid("it is empty; use e.g. \"access-logs-%Y.%m.%d\"");
  }
  if (pattern[0] == '-' || pattern[0] == '_' || pattern[0] == '+') {
    return invalid(fmt::format("it starts with '{}'; index names must not start with -, _ or +", pattern[0]));
  }
  if (pattern == "." || pattern == "..") {
    return invalid("\".\" and \"..\" are not allowed as index names");
  }

  size_t formatted_length = 0;
  for (size_t i = 0; i < pattern.size(); ++i) {
    char c = pattern[i];
    size_t position = i + 1;

    if (c == '%') {
      if (i + 1 == pattern.size()) {
        return invalid(fmt::format("'%' at position {} ends the pattern; write %% for a literal '%'", position));
      }
      char conversion = pattern[++i];
      if (conversion == '%') {
        formatted_length += 1;
      } else if (conversion == 'Y') {
        formatted_length += 4;
      } else if (conversion == 'm' || conversion == 'd') {
        formatted_length += 2;
      } else {
        std::string conversion_text = Describe(conversion);
        conversion_text = conversion_text.front() == '\'' ? fmt::format("\"%{}\"", conversion)
                                                          : "'%' followed by " + conversion_text;
        return invalid(fmt::format("unknown conversion {} at position {}; supported are %Y, %m, %d and %%",
                                   conversion_text, position));
      }
      continue;
    }

    if (c >= 'A' && c <= 'Z') {
      return invalid(fmt::format("uppercase letter '{}' at position {}; index names must be lowercase", c, position));
    }
    if (kForbidden.find(c) != std::string_view::npos) {
      return invalid(fmt::format("{} at position {} is not allowed in index names (forbidden: \\ / * ? \" < > | , # : "
                                 "and space)",
                                 Describe(c), position));
    }
    if (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) >= 0x7F) {
      return invalid(fmt::format("{} at position {}; only printable ASCII is supported", Describe(c), position));
    }
    formatted_length += 1;
  }

  if (formatted_length > kMaxIndexNameBytes) {
    return invalid(fmt::format("it formats to names of {} bytes; the maximum is {}", formatted_length,
                               kMaxIndexNameBytes));
  }
  return Status::Ok();
}

void FormatIndexName(std::string_view pattern, const record::CivilTime& time, std::string* out) {
  for (size_t i = 0; i < pattern.size(); ++i) {
    if (pattern[i] != '%' || i + 1 == pattern.size()) {
      out->push_back(pattern[i]);
      continue;
    }
    char conversion = pattern[++i];
    switch (conversion) {
      case 'Y': AppendPadded(time.year, 4, out); break;
      case 'm': AppendPadded(time.month, 2, out); break;
      case 'd': AppendPadded(time.day, 2, out); break;
      case '%': out->push_back('%'); break;
      default:
        out->push_back('%');
        out->push_back(conversion);
    }
  }
}

std::string IndexGlob(std::string_view pattern) {
  // First replace every date conversion with '*' and %% with '%'.
  std::string starred;
  for (size_t i = 0; i < pattern.size(); ++i) {
    if (pattern[i] == '%' && i + 1 < pattern.size()) {
      char conversion = pattern[++i];
      if (IsDateConversion(conversion)) {
        starred.push_back('*');
      } else if (conversion == '%') {
        starred.push_back('%');
      } else {
        starred.push_back('%');
        starred.push_back(conversion);
      }
    } else {
      starred.push_back(pattern[i]);
    }
  }

  // Then merge "*<separators>*" into "*".
  std::string glob;
  for (size_t i = 0; i < starred.size(); ++i) {
    glob.push_back(starred[i]);
    if (starred[i] != '*') continue;
    size_t next = starred.find_first_not_of(".-_", i + 1);
    while (next != std::string::npos && starred[next] == '*') {
      i = next;
      next = starred.find_first_not_of(".-_", i + 1);
    }
  }
  return glob;
}

}  // namespace logpipe::search
