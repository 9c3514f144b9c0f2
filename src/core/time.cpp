#include "core/time.hpp"

#include <charconv>
#include <cstdio>

// GCC 12's libstdc++ has no std::chrono::parse or std::format, so RFC 3339 is read and written by hand
// here; the grammar is small (RFC 3339 §5.6) and this is on the import hot path.

namespace ssad {
namespace {

bool read_digits(std::string_view text, std::size_t pos, std::size_t count, int& out) {
  if (pos + count > text.size()) return false;
  out = 0;
  for (std::size_t i = pos; i < pos + count; ++i) {
    const char c = text[i];
    if (c < '0' || c > '9') return false;
    out = out * 10 + (c - '0');
  }
  return true;
}

}  // namespace

Result<Timestamp> parse_rfc3339(std::string_view text) {
  using namespace std::chrono;
  auto bad = [&](std::string_view why) {
    return fail(ErrorCode::invalid_input,
                "bad RFC 3339 date-time '" + std::string(text) + "': " + std::string(why));
  };
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0;
  if (text.size() < 20 || !read_digits(text, 0, 4, y) || text[4] != '-' || !read_digits(text, 5, 2, mo) ||
      text[7] != '-' || !read_digits(text, 8, 2, d) || (text[10] != 'T' && text[10] != 't') ||
      !read_digits(text, 11, 2, h) || text[13] != ':' || !read_digits(text, 14, 2, mi) || text[16] != ':' ||
      !read_digits(text, 17, 2, s)) {
    return bad("expected YYYY-MM-DDTHH:MM:SS followed by Z or an offset");
  }
  const year_month_day date{year{y}, month{static_cast<unsigned>(mo)}, day{static_cast<unsigned>(d)}};
  if (!date.ok()) return bad("no such date");
  if (h > 23 || mi > 59 || s > 60) return bad("time out of range");
  std::size_t pos = 19;
  int millis = 0;
  if (pos < text.size() && text[pos] == '.') {
    ++pos;
    const std::size_t start = pos;
    while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
      if (pos - start < 3) millis = millis * 10 + (text[pos] - '0');
      ++pos;
    }
    if (pos == start) return bad("empty fraction");
    for (std::size_t n = pos - start; n < 3; ++n) millis *= 10;
  }
  if (pos >= text.size()) return bad("missing time zone");
  int offset_minutes = 0;
  if (text[pos] == 'Z' || text[pos] == 'z') {
    ++pos;
  } else if (text[pos] == '+' || text[pos] == '-') {
    int oh = 0, om = 0;
    if (!read_digits(text, pos + 1, 2, oh) || pos + 3 >= text.size() || text[pos + 3] != ':' ||
        !read_digits(text, pos + 4, 2, om) || oh > 23 || om > 59) {
      return bad("bad offset");
    }
    offset_minutes = (text[pos] == '-' ? -1 : 1) * (oh * 60 + om);
    pos += 6;
  } else {
    return bad("missing time zone");
  }
  if (pos != text.size()) return bad("trailing characters");
  // A leap second (:60) is folded into the next second, as most systems do.
  const auto instant =
      sys_days{date} + hours{h} + minutes{mi} + seconds{s} + milliseconds{millis} - minutes{offset_minutes};
  return Timestamp(instant);
}

std::string format_rfc3339(Timestamp instant) {
  using namespace std::chrono;
  const auto day_start = floor<days>(instant);
  const year_month_day date{day_start};
  const hh_mm_ss<milliseconds> time{instant - day_start};
  char buffer[40];
  const auto ms = time.subseconds().count();
  const int written =
      ms == 0 ? std::snprintf(buffer, sizeof buffer, "%04d-%02u-%02uT%02ld:%02ld:%02lldZ", int(date.year()),
                              unsigned(date.month()), unsigned(date.day()), long(time.hours().count()),
                              long(time.minutes().count()), static_cast<long long>(time.seconds().count()))
              : std::snprintf(buffer, sizeof buffer, "%04d-%02u-%02uT%02ld:%02ld:%02lld.%03lldZ",
                              int(date.year()), unsigned(date.month()), unsigned(date.day()),
                              long(time.hours().count()), long(time.minutes().count()),
                              static_cast<long long>(time.seconds().count()), static_cast<long long>(ms));
  return std::string(buffer, static_cast<std::size_t>(written));
}

Timestamp SystemClock::now() const {
  return std::chrono::time_point_cast<std::chrono::milliseconds>(std::chrono::system_clock::now());
}

Clock::Monotonic SystemClock::monotonic() const { return std::chrono::steady_clock::now(); }

}  // namespace ssad
