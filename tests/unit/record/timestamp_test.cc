#include "record/timestamp.h"

#include <gtest/gtest.h>

#include <string>

namespace logpipe::record {
namespace {

CivilTime Time(int year, int month, int day, int hour, int minute, int second) {
  CivilTime time;
  time.year = year;
  time.month = month;
  time.day = day;
  time.hour = hour;
  time.minute = minute;
  time.second = second;
  return time;
}

std::string Iso(const CivilTime& time) {
  char text[kIso8601Length];
  FormatIso8601(time, text);
  return std::string(text, sizeof(text));
}

TEST(ParseLogTime, ParsesExample) {
  CivilTime time;
  ASSERT_TRUE(ParseLogTime("Jan 21 2026, 22:23:40", &time));
  EXPECT_EQ(time, Time(2026, 1, 21, 22, 23, 40));
  EXPECT_EQ(Iso(time), "2026-01-21T22:23:40");
}

TEST(ParseLogTime, ParsesSingleDigitDay) {
  CivilTime time;
  ASSERT_TRUE(ParseLogTime("Mar 5 2026, 01:02:03", &time));
  EXPECT_EQ(time, Time(2026, 3, 5, 1, 2, 3));
}

TEST(ParseLogTime, AcceptsLeapDay) {
  CivilTime time;
  ASSERT_TRUE(ParseLogTime("Feb 29 2024, 12:00:00", &time));
  EXPECT_EQ(Iso(time), "2024-02-29T12:00:00");
}

TEST(ParseLogTime, AcceptsLeapDayOf2000) {
  CivilTime time;
  EXPECT_TRUE(ParseLogTime("Feb 29 2000, 12:00:00", &time));
}

TEST(ParseLogTime, RejectsFeb29InNonLeapYear) {
  CivilTime time;
  EXPECT_FALSE(ParseLogTime("Feb 29 2025, 12:00:00", &time));
}

TEST(ParseLogTime, RejectsFeb29Of1900) {
  CivilTime time;
  EXPECT_FALSE(ParseLogTime("Feb 29 1900, 12:00:00", &time));
}

TEST(ParseLogTime, RejectsFeb30) {
  CivilTime time;
  EXPECT_FALSE(ParseLogTime("Feb 30 2026, 10:00:00", &time));
}

TEST(ParseLogTime, RejectsApr31) {
  CivilTime time;
  EXPECT_FALSE(ParseLogTime("Apr 31 2026, 10:00:00", &time));
}

TEST(ParseLogTime, RejectsDayZero) {
  CivilTime time;
  EXPECT_FALSE(ParseLogTime("Jan 00 2026, 10:00:00", &time));
}

TEST(ParseLogTime, AcceptsYearBoundary) {
  CivilTime last;
  CivilTime first;
  ASSERT_TRUE(ParseLogTime("Dec 31 2025, 23:59:59", &last));
  ASSERT_TRUE(ParseLogTime("Jan 01 2026, 00:00:00", &first));
  EXPECT_EQ(Iso(last), "2025-12-31T23:59:59");
  EXPECT_EQ(Iso(first), "2026-01-01T00:00:00");
}

TEST(ParseLogTime, RejectsHour24) {
  CivilTime time;
  EXPECT_FALSE(ParseLogTime("Jan 21 2026, 24:00:00", &time));
}

TEST(ParseLogTime, RejectsMinute60) {
  CivilTime time;
  EXPECT_FALSE(ParseLogTime("Jan 21 2026, 10:60:00", &time));
}

TEST(ParseLogTime, RejectsSecond60) {
  CivilTime time;
  EXPECT_FALSE(ParseLogTime("Jun 30 2026, 23:59:60", &time));
}

TEST(ParseLogTime, RejectsYearZero) {
  CivilTime time;
  EXPECT_FALSE(ParseLogTime("Jan 01 0000, 00:00:00", &time));
}

TEST(ParseLogTime, ParsesAllMonthNames) {
  const char* names[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  for (int month = 1; month <= 12; ++month) {
    std::string text = std::string(names[month - 1]) + " 15 2026, 08:00:00";
    CivilTime time;
    ASSERT_TRUE(ParseLogTime(text, &time)) << text;
    EXPECT_EQ(time.month, month) << text;
  }
}

TEST(ParseLogTime, RejectsBadMonth) {
  const char* texts[] = {"Foo 21 2026, 22:23:40", "jan 21 2026, 22:23:40", "JAN 21 2026, 22:23:40",
                         "Sept 21 2026, 22:23:4"};
  for (const char* text : texts) {
    CivilTime time;
    EXPECT_FALSE(ParseLogTime(text, &time)) << text;
  }
}

TEST(ParseLogTime, RejectsMalformedShapes) {
  const char* texts[] = {
      "",
      "Jan 21 2026 22:23:40",      // no comma
      "Jan 21 2026,22:23:40",      // no space after the comma
      "Jan 21 26, 22:23:40",       // two-digit year
      "Jan 121 2026, 22:23:40",    // three-digit day
      "Jan 21 2026, 22:23",        // no seconds
      "Jan 21 2026, 22:23:40Z",    // zone suffix
      "Jan 21 2026, 2:23:40",      // one-digit hour
      "Jan 21 2026, 22-23-40",     // wrong separators
      "Jan 2x 2026, 22:23:40",     // letter in the day
      "2026-01-21T22:23:40",       // already ISO 8601
      "Jan  1 2026, 22:23:40",     // space-padded day
  };
  for (const char* text : texts) {
    CivilTime time;
    EXPECT_FALSE(ParseLogTime(text, &time)) << text;
  }
}

TEST(ParseLogTimeFields, KeepsImpossibleValues) {
  CivilTime time;
  ASSERT_TRUE(ParseLogTimeFields("Feb 30 2026, 24:60:60", &time));
  EXPECT_EQ(time, Time(2026, 2, 30, 24, 60, 60));
  EXPECT_FALSE(IsValid(time));
}

TEST(ParseLogTimeFields, RejectsBadShape) {
  CivilTime time;
  EXPECT_FALSE(ParseLogTimeFields("Feb 30 2026 24:60:60", &time));
}

TEST(IsValid, ChecksEachField) {
  EXPECT_TRUE(IsValid(Time(2026, 1, 21, 22, 23, 40)));
  EXPECT_FALSE(IsValid(Time(2026, 0, 21, 22, 23, 40)));
  EXPECT_FALSE(IsValid(Time(2026, 13, 21, 22, 23, 40)));
  EXPECT_FALSE(IsValid(Time(2026, 1, 32, 22, 23, 40)));
  EXPECT_FALSE(IsValid(Time(2026, 1, 21, -1, 23, 40)));
  EXPECT_FALSE(IsValid(Time(10000, 1, 21, 22, 23, 40)));
  EXPECT_TRUE(IsValid(Time(9999, 12, 31, 23, 59, 59)));
}

TEST(FormatIso8601, PadsEveryField) {
  EXPECT_EQ(Iso(Time(7, 3, 4, 5, 6, 9)), "0007-03-04T05:06:09");
}

TEST(FormatLogTime, PadsDay) {
  char text[32];
  size_t length = FormatLogTime(Time(2026, 3, 5, 1, 2, 3), text);
  EXPECT_EQ(length, 21u);
  EXPECT_EQ(std::string(text, length), "Mar 05 2026, 01:02:03");
}

TEST(FormatLogTime, InvertsParseLogTime) {
  const char* texts[] = {"Jan 21 2026, 22:23:40", "Feb 29 2024, 00:00:00", "Dec 31 2025, 23:59:59",
                         "Jul 04 1999, 12:34:56"};
  for (const char* text : texts) {
    CivilTime time;
    ASSERT_TRUE(ParseLogTime(text, &time)) << text;
    char formatted[32];
    size_t length = FormatLogTime(time, formatted);
    EXPECT_EQ(std::string(formatted, length), text);
  }
}

}  // namespace
}  // namespace logpipe::record
