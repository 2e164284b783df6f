#include "synth/traffic_generator.h"

#include <gtest/gtest.h>

#include <array>
#include <charconv>
#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "record/line_parser.h"

namespace logpipe::synth {
namespace {

constexpr int64_t k2025Dec31At2350 = 1767225000;  // 2025-12-31T23:50:00Z

// Event time of line `i`: about seven lines per second, starting ten
// minutes before a new year so runs cross the year boundary.
int64_t ClockAt(int i) { return k2025Dec31At2350 + i / 7; }

// Parses a dotted quad written without leading zeros. Returns false for
// anything else.
bool ParseIpv4(std::string_view text, std::array<int, 4>* octets) {
  for (size_t i = 0; i < 4; ++i) {
    if (i > 0) {
      if (text.empty() || text.front() != '.') return false;
      text.remove_prefix(1);
    }
    int value = -1;
    auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    size_t length = static_cast<size_t>(end - text.data());
    if (error != std::errc() || value > 255 || (length > 1 && text.front() == '0')) return false;
    (*octets)[i] = value;
    text.remove_prefix(length);
  }
  return text.empty();
}

// Written from the octets, independently of the generator's network table.
bool IsNonPublic(const std::array<int, 4>& o) {
  return o[0] == 0 ||                                       // this network
         o[0] == 10 ||                                      // private
         (o[0] == 100 && o[1] >= 64 && o[1] <= 127) ||      // carrier-grade NAT
         o[0] == 127 ||                                     // loopback
         (o[0] == 169 && o[1] == 254) ||                    // link-local
         (o[0] == 172 && o[1] >= 16 && o[1] <= 31) ||       // private
         (o[0] == 192 && o[1] == 0 && o[2] == 0) ||         // IETF assignments
         (o[0] == 192 && o[1] == 0 && o[2] == 2) ||         // TEST-NET-1
         (o[0] == 192 && o[1] == 88 && o[2] == 99) ||       // 6to4 relay
         (o[0] == 192 && o[1] == 168) ||                    // private
         (o[0] == 198 && (o[1] == 18 || o[1] == 19)) ||     // benchmarking
         (o[0] == 198 && o[1] == 51 && o[2] == 100) ||      // TEST-NET-2
         (o[0] == 203 && o[1] == 0 && o[2] == 113) ||       // TEST-NET-3
         o[0] >= 224;                                       // multicast, reserved
}

record::CivilTime Civil(int year, int month, int day, int hour, int minute, int second) {
  return record::CivilTime{year, month, day, hour, minute, second};
}

TEST(TrafficGenerator, LinesParseBack) {
  TrafficGenerator generator(42);
  for (int i = 0; i < 100000; ++i) {
    int64_t now = ClockAt(i);
    std::string_view line = generator.Next(now);
    const SyntheticEntry& entry = generator.entry();
    std::string_view target = entry.target;
    size_t question = target.find('?');

    record::AccessRecord parsed;
    ASSERT_EQ(record::ParseLine(line, &parsed), record::ParseError::kNone) << line;
    ASSERT_EQ(parsed.client_ip, entry.client_ip) << line;
    ASSERT_EQ(parsed.ident, "-") << line;
    ASSERT_EQ(parsed.auth_user, "-") << line;
    ASSERT_EQ(parsed.time, entry.time) << line;
    ASSERT_EQ(entry.time, CivilTimeFromUnixSeconds(now)) << line;
    ASSERT_TRUE(parsed.has_request) << line;
    ASSERT_EQ(parsed.method, entry.method) << line;
    ASSERT_EQ(parsed.target, target) << line;
    ASSERT_EQ(parsed.path, target.substr(0, question)) << line;
    ASSERT_EQ(parsed.has_query, question != std::string_view::npos) << line;
    if (parsed.has_query) {
      ASSERT_EQ(parsed.query, target.substr(question + 1)) << line;
    }
    ASSERT_EQ(parsed.http_version, "1.1") << line;
    ASSERT_EQ(parsed.status, entry.status) << line;
    ASSERT_TRUE(parsed.has_bytes) << line;
    ASSERT_EQ(parsed.bytes, entry.bytes) << line;
    ASSERT_EQ(parsed.referrer, entry.referrer) << line;
    ASSERT_EQ(parsed.user_agent, entry.user_agent) << line;
  }
}

TEST(TrafficGenerator, LineMatchesExampleShape) {
  TrafficGenerator generator(7);
  std::string line(generator.Next(1769034220));  // 2026-01-21T22:23:40Z
  const SyntheticEntry& entry = generator.entry();

  std::string expected = std::string(entry.client_ip) + " - - [Jan 21 2026, 22:23:40] \"" +
                         std::string(entry.method) + " " + std::string(entry.target) +
                         " HTTP/1.1\" " + std::to_string(entry.status) + " " +
                         std::to_string(entry.bytes) + " \"" + std::string(entry.referrer) +
                         "\" \"" + std::string(entry.user_agent) + "\"";
  EXPECT_EQ(line, expected);
}

TEST(TrafficGenerator, DayIsZeroPadded) {
  TrafficGenerator generator(7);
  std::string_view line = generator.Next(1704067200);  // 2024-01-01T00:00:00Z
  EXPECT_NE(line.find("[Jan 01 2024, 00:00:00]"), std::string_view::npos) << line;
}

TEST(TrafficGenerator, CoversMethodsAndStatusClasses) {
  TrafficGenerator generator(1);
  std::set<std::string, std::less<>> methods;
  std::set<int> classes;
  for (int i = 0; i < 15000; ++i) {
    generator.Next(ClockAt(i));
    methods.emplace(generator.entry().method);
    classes.insert(generator.entry().status / 100);
  }

  EXPECT_TRUE(methods.contains("GET"));
  EXPECT_TRUE(methods.contains("POST"));
  EXPECT_TRUE(methods.contains("PUT"));
  EXPECT_TRUE(methods.contains("DELETE"));
  EXPECT_TRUE(classes.contains(2));
  EXPECT_TRUE(classes.contains(3));
  EXPECT_TRUE(classes.contains(4));
  EXPECT_TRUE(classes.contains(5));
}

TEST(TrafficGenerator, MethodSharesRealistic) {
  TrafficGenerator generator(3);
  std::map<std::string, int, std::less<>> counts;
  constexpr int kLines = 100000;
  for (int i = 0; i < kLines; ++i) {
    generator.Next(ClockAt(i));
    ++counts[std::string(generator.entry().method)];
  }

  // Loose bounds around the target shares GET 70%, POST 20%, PUT 6% and
  // DELETE 4%. Crawlers send only GET, which moves a little share to GET.
  EXPECT_GT(counts["GET"], kLines * 65 / 100);
  EXPECT_LT(counts["GET"], kLines * 78 / 100);
  EXPECT_GT(counts["POST"], kLines * 15 / 100);
  EXPECT_LT(counts["POST"], kLines * 23 / 100);
  EXPECT_GT(counts["PUT"], kLines * 3 / 100);
  EXPECT_LT(counts["PUT"], kLines * 8 / 100);
  EXPECT_GT(counts["DELETE"], kLines * 2 / 100);
  EXPECT_LT(counts["DELETE"], kLines * 6 / 100);
}

TEST(TrafficGenerator, BodilessStatusesHaveZeroBytes) {
  TrafficGenerator generator(5);
  for (int i = 0; i < 15000; ++i) {
    generator.Next(ClockAt(i));
    const SyntheticEntry& entry = generator.entry();
    if (entry.status == 204 || entry.status == 304) {
      ASSERT_EQ(entry.bytes, 0) << entry.status;
    } else {
      ASSERT_GT(entry.bytes, 0) << entry.status;
    }
  }
}

TEST(TrafficGenerator, ClientsArePublic) {
  TrafficGenerator generator(99);
  for (int i = 0; i < 100000; ++i) {
    generator.Next(ClockAt(i));
    std::string_view ip = generator.entry().client_ip;
    std::array<int, 4> octets{};
    ASSERT_TRUE(ParseIpv4(ip, &octets)) << ip;
    ASSERT_FALSE(IsNonPublic(octets)) << ip;
  }
}

TEST(TrafficGenerator, ClientsRepeat) {
  TrafficGenerator generator(11);
  std::map<std::string, int, std::less<>> counts;
  constexpr int kLines = 15000;
  for (int i = 0; i < kLines; ++i) {
    generator.Next(ClockAt(i));
    ++counts[std::string(generator.entry().client_ip)];
  }
  int busiest = 0;
  for (const auto& [ip, count] : counts) busiest = std::max(busiest, count);

  EXPECT_GT(busiest, kLines / 100);  // a few clients are very active
  EXPECT_GT(counts.size(), 1000u);   // many clients appear
  EXPECT_LT(counts.size(), static_cast<size_t>(kLines) * 8 / 10);  // and many return
}

TEST(TrafficGenerator, SameSeedSameLines) {
  TrafficGenerator first(2024);
  TrafficGenerator second(2024);
  for (int i = 0; i < 10000; ++i) {
    std::string line(first.Next(ClockAt(i)));
    ASSERT_EQ(line, second.Next(ClockAt(i))) << "line " << i;
  }
}

TEST(TrafficGenerator, DifferentSeedsDiffer) {
  TrafficGenerator first(2024);
  TrafficGenerator second(2025);
  int same = 0;
  for (int i = 0; i < 1000; ++i) {
    std::string line(first.Next(ClockAt(i)));
    if (line == second.Next(ClockAt(i))) ++same;
  }
  EXPECT_LT(same, 10);
}

TEST(CivilTimeFromUnixSeconds, KnownInstants) {
  EXPECT_EQ(CivilTimeFromUnixSeconds(0), Civil(1970, 1, 1, 0, 0, 0));
  EXPECT_EQ(CivilTimeFromUnixSeconds(-1), Civil(1969, 12, 31, 23, 59, 59));
  EXPECT_EQ(CivilTimeFromUnixSeconds(951825600), Civil(2000, 2, 29, 12, 0, 0));
  EXPECT_EQ(CivilTimeFromUnixSeconds(1709164800), Civil(2024, 2, 29, 0, 0, 0));
  EXPECT_EQ(CivilTimeFromUnixSeconds(1709251199), Civil(2024, 2, 29, 23, 59, 59));
  EXPECT_EQ(CivilTimeFromUnixSeconds(1709251200), Civil(2024, 3, 1, 0, 0, 0));
  EXPECT_EQ(CivilTimeFromUnixSeconds(1735689599), Civil(2024, 12, 31, 23, 59, 59));
  EXPECT_EQ(CivilTimeFromUnixSeconds(1735689600), Civil(2025, 1, 1, 0, 0, 0));
  EXPECT_EQ(CivilTimeFromUnixSeconds(1769034220), Civil(2026, 1, 21, 22, 23, 40));
  EXPECT_EQ(CivilTimeFromUnixSeconds(4107542399), Civil(2100, 2, 28, 23, 59, 59));
  EXPECT_EQ(CivilTimeFromUnixSeconds(4107542400), Civil(2100, 3, 1, 0, 0, 0));
}

TEST(CivilTimeFromUnixSeconds, RangeEnds) {
  EXPECT_EQ(CivilTimeFromUnixSeconds(kMinUnixSeconds), Civil(1, 1, 1, 0, 0, 0));
  EXPECT_EQ(CivilTimeFromUnixSeconds(kMaxUnixSeconds), Civil(9999, 12, 31, 23, 59, 59));
}

// Walks day by day with a plain calendar from 1600 to 2400, which covers
// leap years of every rule (divisible by 4, by 100, by 400).
TEST(CivilTimeFromUnixSeconds, MatchesDayByDayCalendar) {
  auto is_leap = [](int year) { return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0; };
  auto days_in = [&](int year, int month) {
    static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return month == 2 && is_leap(year) ? 29 : kDays[month - 1];
  };

  // 1600-01-01 is 135140 days before 1970-01-01.
  int64_t day_number = -135140;
  for (int year = 1600; year <= 2400; ++year) {
    for (int month = 1; month <= 12; ++month) {
      for (int day = 1; day <= days_in(year, month); ++day) {
        int64_t noon = day_number * 86400 + 12 * 3600;
        ASSERT_EQ(CivilTimeFromUnixSeconds(noon), Civil(year, month, day, 12, 0, 0)) << noon;
        ++day_number;
      }
    }
  }
}

}  // namespace
}  // namespace logpipe::synth
