#include "disclosure/calendar.hpp"

#include <algorithm>
#include <cstdint>
#include <exception>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>
#include <utility>

#include <date/tz.h>
#include <toml++/toml.h>

#include "core/text_check.hpp"

// The system's tzdata, never a download (cmake/dependencies.cmake): the date::date-tz target says so.
static_assert(USE_OS_TZDB == 1 && HAS_REMOTE_API == 0, "date/tz must read the system's tzdata");

namespace ssad::disclosure {
namespace {

using std::chrono::days;
using std::chrono::milliseconds;
using std::chrono::sys_days;
using std::chrono::weekday;
using std::chrono::year_month_day;

constexpr std::array<std::string_view, 7> kWeekdayNames = {"sunday",   "monday", "tuesday", "wednesday",
                                                           "thursday", "friday", "saturday"};

std::string quoted(std::string_view text) { return "'" + std::string(text) + "'"; }

// "2026-12-25" (libstdc++ 12 cannot stream a year_month_day).
std::string iso_date(year_month_day date) {
  const auto padded = [](unsigned value, std::size_t width) {
    const std::string text = std::to_string(value);
    return std::string(width > text.size() ? width - text.size() : 0, '0') + text;
  };
  return padded(static_cast<unsigned>(static_cast<int>(date.year())), 4) + "-" +
         padded(static_cast<unsigned>(date.month()), 2) + "-" + padded(static_cast<unsigned>(date.day()), 2);
}

bool is_utc(std::string_view name) { return name == "UTC" || name == "Etc/UTC"; }

// The zone of an IANA name from the system's tzdata; nullptr for UTC, which needs none. date/tz throws
// when the name is unknown or the tzdata cannot be read: caught here, once.
Result<const date::time_zone*> find_zone(std::string_view name) {
  if (is_utc(name)) return nullptr;
  try {
    return date::locate_zone(name);
  } catch (const std::exception& e) {
    // "NAME not found in timezone database", or why the tzdata could not be read at all.
    const std::string why = e.what();
    return fail(ErrorCode::invalid_input,
                "unknown time zone " + quoted(name) + " (an IANA name such as Europe/Brussels" +
                    (why.ends_with("not found in timezone database") ? std::string() : "; " + why) + ")");
  }
}

// "2026-12-25" exactly; nullopt for anything else, an impossible date included.
std::optional<year_month_day> parse_iso_date(std::string_view text) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return std::nullopt;
  int fields[3] = {0, 0, 0};
  const std::pair<std::size_t, std::size_t> spans[3] = {{0, 4}, {5, 2}, {8, 2}};
  for (std::size_t i = 0; i < 3; ++i) {
    for (std::size_t k = spans[i].first; k < spans[i].first + spans[i].second; ++k) {
      if (text[k] < '0' || text[k] > '9') return std::nullopt;
      fields[i] = fields[i] * 10 + (text[k] - '0');
    }
  }
  const year_month_day date{std::chrono::year{fields[0]},
                            std::chrono::month{static_cast<unsigned>(fields[1])},
                            std::chrono::day{static_cast<unsigned>(fields[2])}};
  if (!date.ok()) return std::nullopt;
  return date;
}

// Collects every problem of a file with its line, so that one run shows them all.
class Problems {
 public:
  explicit Problems(std::string_view source) : source_(source) {}

  void add(const toml::node& at, const std::string& what) { add(at.source().begin.line, what); }
  void add(unsigned line, const std::string& what) { lines_.emplace_back(line, what); }
  [[nodiscard]] bool empty() const { return lines_.empty(); }
  // Every problem as "SOURCE:LINE: what", one per line, in the order of the file.
  [[nodiscard]] std::string text() const {
    std::vector<std::size_t> order(lines_.size());
    for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
      return lines_[a].first != lines_[b].first ? lines_[a].first < lines_[b].first : a < b;
    });
    std::string all;
    for (const std::size_t i : order) {
      if (!all.empty()) all += '\n';
      all += std::string(source_) + ":" + std::to_string(lines_[i].first) + ": " + lines_[i].second;
    }
    return all;
  }

 private:
  std::string_view source_;
  std::vector<std::pair<unsigned, std::string>> lines_;
};

// One [[holiday]] table, or nullopt after reporting what is wrong with it.
std::optional<Holiday> read_holiday(const toml::table& table, Problems& problems) {
  for (const auto& [key, value] : table) {
    if (key.str() != "date" && key.str() != "name") {
      problems.add(value, "[[holiday]]: unknown key " + quoted(key.str()) + " (known: date, name)");
    }
  }
  std::optional<year_month_day> date;
  if (const toml::node* node = table.get("date"); node == nullptr) {
    problems.add(table, "[[holiday]]: date is required (\"YYYY-MM-DD\")");
  } else if (const auto* text = node->as_string()) {
    date = parse_iso_date(text->get());
    if (!date)
      problems.add(*node, "[[holiday]]: date " + quoted(text->get()) + " is not a date (\"YYYY-MM-DD\")");
  } else if (const auto* local = node->as_date()) {
    const toml::date value = local->get();
    date = year_month_day{std::chrono::year{value.year}, std::chrono::month{value.month},
                          std::chrono::day{value.day}};
  } else {
    problems.add(*node, "[[holiday]]: date must be a date (\"YYYY-MM-DD\")");
  }
  std::optional<std::string> name;
  if (const toml::node* node = table.get("name"); node == nullptr) {
    problems.add(table, "[[holiday]]: name is required");
  } else if (const auto* text = node->as_string(); text == nullptr || text->get().empty()) {
    problems.add(*node, "[[holiday]]: name must be a non-empty string");
  } else if (auto checked = check_text_value(text->get()); !checked) {
    problems.add(*node, "[[holiday]]: name " + checked.error().message);
  } else {
    name = text->get();
  }
  if (!date || !name) return std::nullopt;
  return Holiday{*date, std::move(*name)};
}

}  // namespace

Calendar::Calendar() {
  weekend_[weekday(std::chrono::Saturday).c_encoding()] = true;
  weekend_[weekday(std::chrono::Sunday).c_encoding()] = true;
}

Result<Calendar> Calendar::create(std::string_view time_zone, const std::vector<weekday>& weekend,
                                  std::vector<Holiday> holidays) {
  Calendar calendar;
  SSAD_TRY(zone, find_zone(time_zone));
  calendar.time_zone_ = std::string(time_zone);
  calendar.zone_ = zone;
  calendar.weekend_ = {};
  for (const weekday day : weekend) {
    if (!day.ok()) return fail(ErrorCode::invalid_input, "a weekend day is not a weekday");
    bool& off = calendar.weekend_[day.c_encoding()];
    if (off) {
      return fail(ErrorCode::invalid_input,
                  "the weekend names " + std::string(kWeekdayNames[day.c_encoding()]) + " twice");
    }
    off = true;
  }
  if (std::ranges::all_of(calendar.weekend_, [](bool off) { return off; })) {
    return fail(ErrorCode::invalid_input, "the weekend cannot be the whole week");
  }
  std::ranges::sort(holidays, {}, [](const Holiday& h) { return sys_days(h.date); });
  for (std::size_t i = 0; i < holidays.size(); ++i) {
    if (!holidays[i].date.ok()) return fail(ErrorCode::invalid_input, "a holiday's date is not a date");
    if (holidays[i].name.empty()) {
      return fail(ErrorCode::invalid_input, "the holiday on " + iso_date(holidays[i].date) + " has no name");
    }
    if (i > 0 && holidays[i].date == holidays[i - 1].date) {
      return fail(ErrorCode::invalid_input, "two holidays on " + iso_date(holidays[i].date));
    }
    calendar.holiday_days_.push_back(sys_days(holidays[i].date));
  }
  calendar.holidays_ = std::move(holidays);
  return calendar;
}

Result<Calendar> Calendar::parse(std::string_view text, std::string_view source) {
  // Debian's toml++ is built with exceptions: a syntax error is thrown, and caught here once.
  toml::table root;
  try {
    root = toml::parse(text, source);
  } catch (const toml::parse_error& e) {
    return fail(ErrorCode::invalid_input, std::string(source) + ":" + std::to_string(e.source().begin.line) +
                                              ": " + std::string(e.description()));
  }
  Problems problems(source);
  for (const auto& [key, value] : root) {
    if (key.str() != "time_zone" && key.str() != "weekend" && key.str() != "holiday") {
      problems.add(value, "unknown key " + quoted(key.str()) + " (known: time_zone, weekend, holiday)");
    }
  }

  std::string zone_name;
  if (const toml::node* node = root.get("time_zone"); node == nullptr) {
    problems.add(1, "time_zone is required (an IANA name such as \"Europe/Brussels\")");
  } else if (const auto* name = node->as_string(); name == nullptr) {
    problems.add(*node, "time_zone must be a string (an IANA name such as \"Europe/Brussels\")");
  } else if (auto zone = find_zone(name->get()); !zone) {
    problems.add(*node, zone.error().message);
  } else {
    zone_name = name->get();
  }

  std::vector<weekday> weekend = {std::chrono::Saturday, std::chrono::Sunday};
  if (const toml::node* node = root.get("weekend")) {
    weekend.clear();
    if (const auto* days_off = node->as_array(); days_off == nullptr) {
      problems.add(*node, "weekend must be an array of weekday names (\"saturday\", \"sunday\")");
    } else {
      for (const toml::node& element : *days_off) {
        const auto* name = element.as_string();
        const auto* found = name == nullptr ? kWeekdayNames.end()
                                            : std::ranges::find(kWeekdayNames, std::string_view(name->get()));
        if (found == kWeekdayNames.end()) {
          problems.add(element,
                       "weekend: " + (name != nullptr ? quoted(name->get()) : std::string("a value")) +
                           " is not one of monday, tuesday, wednesday, thursday, friday, saturday, "
                           "sunday");
          continue;
        }
        const weekday day{static_cast<unsigned>(found - kWeekdayNames.begin())};
        if (std::ranges::find(weekend, day) != weekend.end()) {
          problems.add(element, "weekend: " + quoted(name->get()) + " is given twice");
        } else {
          weekend.push_back(day);
        }
      }
      if (weekend.size() == 7) problems.add(*node, "weekend: the weekend cannot be the whole week");
    }
  }

  std::vector<Holiday> holidays;
  if (const toml::node* node = root.get("holiday")) {
    const auto* tables = node->as_array();
    if (tables == nullptr || !tables->is_array_of_tables()) {
      problems.add(*node, "holiday must be written as [[holiday]] tables, one per holiday");
    } else {
      std::map<sys_days, unsigned> first_line;
      for (const toml::node& element : *tables) {
        auto holiday = read_holiday(*element.as_table(), problems);
        if (!holiday) continue;
        const unsigned line = element.source().begin.line;
        if (const auto [at, inserted] = first_line.emplace(sys_days(holiday->date), line); !inserted) {
          problems.add(line, "[[holiday]]: " + iso_date(holiday->date) + " is a holiday already (line " +
                                 std::to_string(at->second) + ")");
          continue;
        }
        holidays.push_back(std::move(*holiday));
      }
    }
  }

  if (!problems.empty()) return fail(ErrorCode::invalid_input, problems.text());
  auto calendar = create(zone_name, weekend, std::move(holidays));
  if (!calendar)
    return fail(ErrorCode::invalid_input, std::string(source) + ":1: " + calendar.error().message);
  return calendar;
}

Result<Calendar> Calendar::load(const std::string& path) {
  const std::ifstream in(path);
  if (!in) return fail(ErrorCode::unavailable, "cannot read calendar file '" + path + "'");
  std::stringstream text;
  text << in.rdbuf();
  return parse(text.str(), path);
}

std::vector<weekday> Calendar::weekend() const {
  std::vector<weekday> out;
  for (unsigned i = 0; i < 7; ++i) {
    if (weekend_[i]) out.emplace_back(i);
  }
  return out;
}

bool Calendar::is_business_day(year_month_day local_date) const { return is_business(sys_days(local_date)); }

year_month_day Calendar::local_date_of(Timestamp instant) const {
  return year_month_day(day_containing(instant));
}

Timestamp Calendar::start_of(year_month_day local_date) const { return begins(sys_days(local_date)); }

bool Calendar::is_business(LocalDays day) const {
  return !weekend_[weekday(day).c_encoding()] && !std::ranges::binary_search(holiday_days_, day);
}

// The first instant whose local time is at or after the day's midnight: an ambiguous midnight (the clock
// set back across it) begins at its first occurrence, a skipped one at the end of the gap.
Timestamp Calendar::begins(LocalDays day) const {
  if (zone_ == nullptr) return Timestamp(day);
  const auto start = zone_->to_sys(date::local_seconds(day.time_since_epoch()), date::choose::earliest);
  return std::chrono::time_point_cast<milliseconds>(start);
}

// The local date d whose day [begins(d), begins(d + 1)) holds the instant: the date the local clock
// shows, except where a change sets the clock back across midnight — the instants after such a change
// show the previous date again, although that day has ended.
Calendar::LocalDays Calendar::day_containing(Timestamp instant) const {
  LocalDays day;
  if (zone_ == nullptr) {
    day = std::chrono::floor<days>(instant);
  } else {
    day = LocalDays(std::chrono::floor<days>(zone_->to_local(instant).time_since_epoch()));
  }
  while (begins(day + days(1)) <= instant) day += days(1);
  while (begins(day) > instant) day -= days(1);
  return day;
}

milliseconds Calendar::business_time(Timestamp a, Timestamp b) const {
  milliseconds total{0};
  if (b <= a) return total;
  LocalDays day = day_containing(a);
  Timestamp day_start = begins(day);
  while (day_start < b) {
    const Timestamp next = begins(day + days(1));
    if (is_business(day)) total += std::min(next, b) - std::max(day_start, a);
    day += days(1);
    day_start = next;
  }
  return total;
}

Result<Timestamp> Calendar::after_business_time(Timestamp start, milliseconds budget) const {
  if (budget < milliseconds(0) || budget > kMaxBudget) {
    return fail(ErrorCode::invalid_input, "a business-time budget is from 0 to 366 days, not " +
                                              std::to_string(budget.count()) + " ms");
  }
  if (budget == milliseconds(0)) return start;
  // At least one business day a week, less the holidays: a year of budget ends within 7 × 367 days
  // plus one day per holiday. The bound only guards against a broken invariant.
  const std::int64_t limit = std::int64_t{7} * 367 + static_cast<std::int64_t>(holiday_days_.size()) + 7;
  LocalDays day = day_containing(start);
  Timestamp day_start = begins(day);
  milliseconds remaining = budget;
  for (std::int64_t steps = 0; steps < limit; ++steps) {
    const Timestamp next = begins(day + days(1));
    if (is_business(day)) {
      const Timestamp from = std::max(day_start, start);
      if (remaining <= next - from) return from + remaining;
      remaining -= next - from;
    }
    day += days(1);
    day_start = next;
  }
  return fail(ErrorCode::internal, "the calendar has no business day left to count a budget on");
}

}  // namespace ssad::disclosure
