#include "record/timestamp.h"

namespace logpipe::record {
namespace {

constexpr char kMonthNames[12][4] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                     "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// Returns 1..12 for an English month abbreviation with the case used in the
// log ("Jan"), or 0 if `name` is not one.
int ParseMonth(const char* name) {
  for (int i = 0; i < 12; ++i) {
    const char* candidate = kMonthNames[i];
    if (name[0] == candidate[0] && name[1] == candidate[1] && name[2] == candidate[2]) return i + 1;
  }
  return 0;
}

// Reads `count` digits at `text` as a decimal number. Returns false if any
// of them is not a digit.
bool ParseDigits(const char* text, int count, int* out) {
  int value = 0;
  for (int i = 0; i < count; ++i) {
    if (!IsDigit(text[i])) return false;
    value = value * 10 + (text[i] - '0');
  }
  *out = value;
  return true;
}

bool IsLeapYear(int year) { return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0; }

int DaysInMonth(int year, int month) {
  constexpr int kDays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (month == 2 && IsLeapYear(year)) return 29;
  return kDays[month - 1];
}

// Writes `value` as exactly `width` decimal digits, zero-padded. `value`
// must be non-negative and fit in `width` digits.
char* WriteDigits(int value, int width, char* out) {
  for (int i = width - 1; i >= 0; --i) {
    out[i] = static_cast<char>('0' + value % 10);
    value /= 10;
  }
  return out + width;
}

}  // namespace

bool ParseLogTimeFields(std::string_view text, CivilTime* out) {
  // "Mon D YYYY, HH:MM:SS" is 20 characters, "Mon DD YYYY, HH:MM:SS" 21.
  if (text.size() != 20 && text.size() != 21) return false;
  size_t day_digits = text.size() - 19;
  const char* p = text.data();

  CivilTime time;
  time.month = ParseMonth(p);
  if (time.month == 0 || p[3] != ' ') return false;
  p += 4;

  if (!ParseDigits(p, static_cast<int>(day_digits), &time.day)) return false;
  p += day_digits;
  if (p[0] != ' ') return false;
  p += 1;

  if (!ParseDigits(p, 4, &time.year)) return false;
  p += 4;
  if (p[0] != ',' || p[1] != ' ') return false;
  p += 2;

  if (!ParseDigits(p, 2, &time.hour) || p[2] != ':') return false;
  if (!ParseDigits(p + 3, 2, &time.minute) || p[5] != ':') return false;
  if (!ParseDigits(p + 6, 2, &time.second)) return false;

  *out = time;
  return true;
}

bool ParseLogTime(std::string_view text, CivilTime* out) {
  CivilTime time;
  if (!ParseLogTimeFields(text, &time) || !IsValid(time)) return false;
  *out = time;
  return true;
}

bool IsValid(const CivilTime& time) {
  if (time.year < 1 || time.year > 9999) return false;
  if (time.month < 1 || time.month > 12) return false;
  if (time.day < 1 || time.day > DaysInMonth(time.year, time.month)) return false;
  if (time.hour < 0 || time.hour > 23) return false;
  if (time.minute < 0 || time.minute > 59) return false;
  return time.second >= 0 && time.second <= 59;
}

void FormatIso8601(const CivilTime& time, char* out) {
  out = WriteDigits(time.year, 4, out);
  *out++ = '-';
  out = WriteDigits(time.month, 2, out);
  *out++ = '-';
  out = WriteDigits(time.day, 2, out);
  *out++ = 'T';
  out = WriteDigits(time.hour, 2, out);
  *out++ = ':';
  out = WriteDigits(time.minute, 2, out);
  *out++ = ':';
  WriteDigits(time.second, 2, out);
}

size_t FormatLogTime(const CivilTime& time, char* out) {
  char* start = out;
  const char* month = kMonthNames[time.month - 1];
  *out++ = month[0];
  *out++ = month[1];
  *out++ = month[2];
  *out++ = ' ';
  out = WriteDigits(time.day, 2, out);
  *out++ = ' ';
  out = WriteDigits(time.year, 4, out);
  *out++ = ',';
  *out++ = ' ';
  out = WriteDigits(time.hour, 2, out);
  *out++ = ':';
  out = WriteDigits(time.minute, 2, out);
  *out++ = ':';
  out = WriteDigits(time.second, 2, out);
  return static_cast<size_t>(out - start);
}

}  // namespace logpipe::record
