#include "search/index_name.h"

#include <gtest/gtest.h>

namespace logpipe::search {
namespace {

std::string Format(std::string_view pattern, record::CivilTime time) {
  std::string name;
  FormatIndexName(pattern, time, &name);
  return name;
}

TEST(ValidateIndexPattern, DefaultValid) { EXPECT_TRUE(ValidateIndexPattern(kDefaultIndexPattern).ok()); }

TEST(ValidateIndexPattern, ValidPatterns) {
  for (std::string_view pattern : {"logs", "access-logs-%Y.%m", "a%%b-%Y%m%d", "web.logs_%Y-%m-%d", "0-%d", ".x"}) {
    Status status = ValidateIndexPattern(pattern);
    EXPECT_TRUE(status.ok()) << pattern << ": " << status.message();
  }
}

TEST(ValidateIndexPattern, EmptyRejected) {
  Status status = ValidateIndexPattern("");

  EXPECT_EQ(status.kind(), Status::Kind::kInvalidArgument);
  EXPECT_NE(status.message().find("empty"), std::string::npos) << status.message();
}

TEST(ValidateIndexPattern, UppercaseNamed) {
  Status status = ValidateIndexPattern("access-Logs-%Y");

  EXPECT_FALSE(status.ok());
  EXPECT_NE(status.message().find("uppercase letter 'L' at position 8"), std::string::npos) << status.message();
}

TEST(ValidateIndexPattern, ForbiddenCharacters) {
  for (char c : std::string_view("\\/*?\"<>|,#: ")) {
    std::string pattern = std::string("logs") + c + "x";
    Status status = ValidateIndexPattern(pattern);
    EXPECT_FALSE(status.ok()) << "character " << c;
    EXPECT_NE(status.message().find("at position 5"), std::string::npos) << status.message();
  }
}

TEST(ValidateIndexPattern, SpaceNamed) {
  Status status = ValidateIndexPattern("access logs");

  EXPECT_NE(status.message().find("space at position 7"), std::string::npos) << status.message();
}

TEST(ValidateIndexPattern, LeadingCharactersRejected) {
  for (std::string_view pattern : {"-logs", "_logs", "+logs"}) {
    EXPECT_FALSE(ValidateIndexPattern(pattern).ok()) << pattern;
  }
}

TEST(ValidateIndexPattern, DotNamesRejected) {
  EXPECT_FALSE(ValidateIndexPattern(".").ok());
  EXPECT_FALSE(ValidateIndexPattern("..").ok());
}

TEST(ValidateIndexPattern, UnknownConversionNamed) {
  Status status = ValidateIndexPattern("logs-%H");

  EXPECT_FALSE(status.ok());
  EXPECT_NE(status.message().find("unknown conversion \"%H\" at position 6"), std::string::npos)
      << status.message();
}

TEST(ValidateIndexPattern, TrailingPercentRejected) {
  Status status = ValidateIndexPattern("logs-%");

  EXPECT_FALSE(status.ok());
  EXPECT_NE(status.message().find("position 6"), std::string::npos) << status.message();
}

TEST(ValidateIndexPattern, ControlAndNonAsciiRejected) {
  EXPECT_FALSE(ValidateIndexPattern("logs\x01").ok());
  EXPECT_FALSE(ValidateIndexPattern("logs\xc3\xa9").ok());
}

TEST(ValidateIndexPattern, LengthCountsExpansion) {
  // 247 bytes plus %Y (4 bytes) and %d (2 bytes) gives 253: valid.
  EXPECT_TRUE(ValidateIndexPattern(std::string(247, 'a') + "%Y%d").ok());
  // 250 plus 4 plus 2 gives 256: too long.
  Status status = ValidateIndexPattern(std::string(250, 'a') + "%Y%d");
  EXPECT_FALSE(status.ok());
  EXPECT_NE(status.message().find("256 bytes"), std::string::npos) << status.message();
}

TEST(FormatIndexName, DefaultPattern) {
  EXPECT_EQ(Format(kDefaultIndexPattern, {2026, 1, 21, 22, 23, 40}), "access-logs-2026.01.21");
}

TEST(FormatIndexName, YearBoundary) {
  EXPECT_EQ(Format(kDefaultIndexPattern, {2025, 12, 31, 23, 59, 59}), "access-logs-2025.12.31");
  EXPECT_EQ(Format(kDefaultIndexPattern, {2026, 1, 1, 0, 0, 0}), "access-logs-2026.01.01");
}

TEST(FormatIndexName, PadsSmallYear) { EXPECT_EQ(Format("y%Y", {999, 3, 4, 0, 0, 0}), "y0999"); }

TEST(FormatIndexName, LiteralPercent) { EXPECT_EQ(Format("a%%b%m", {2026, 7, 1, 0, 0, 0}), "a%b07"); }

TEST(FormatIndexName, Appends) {
  std::string name = "prefix:";
  FormatIndexName("logs-%d", {2026, 2, 9, 0, 0, 0}, &name);

  EXPECT_EQ(name, "prefix:logs-09");
}

TEST(FormatIndexName, NoAllocationOnceGrown) {
  std::string name;
  name.reserve(64);
  const char* data = name.data();
  for (int day = 1; day <= 28; ++day) {
    name.clear();
    FormatIndexName(kDefaultIndexPattern, {2026, 2, day, 0, 0, 0}, &name);
  }

  EXPECT_EQ(name.data(), data);
  EXPECT_EQ(name, "access-logs-2026.02.28");
}

TEST(IndexGlob, DefaultPattern) { EXPECT_EQ(IndexGlob(kDefaultIndexPattern), "access-logs-*"); }

TEST(IndexGlob, LiteralBetweenConversions) { EXPECT_EQ(IndexGlob("logs-%Y-web-%m"), "logs-*-web-*"); }

TEST(IndexGlob, AdjacentConversions) { EXPECT_EQ(IndexGlob("logs-%Y%m%d"), "logs-*"); }

TEST(IndexGlob, TrailingSeparatorKept) { EXPECT_EQ(IndexGlob("%Y.%m-logs"), "*-logs"); }

TEST(IndexGlob, NoConversion) { EXPECT_EQ(IndexGlob("logs"), "logs"); }

TEST(IndexGlob, LiteralPercent) { EXPECT_EQ(IndexGlob("a%%-%Y"), "a%-*"); }

}  // namespace
}  // namespace logpipe::search
