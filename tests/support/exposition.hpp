#pragma once
// A strict reader of the Prometheus text exposition format 0.0.4, for tests: every line must be what a
// Prometheus server accepts, and a little more that the format leaves open but our registry promises —
// each family's `# HELP` then `# TYPE` before its samples and all its lines together, no blank lines, no
// timestamps, no duplicate series, histogram buckets in increasing `le` order with cumulative counts whose
// +Inf bucket equals `_count`.

#include <charconv>
#include <cmath>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ssad::testing {

namespace exposition_detail {

inline bool name_start(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
inline bool name_char(char c) { return name_start(c) || (c >= '0' && c <= '9'); }

// Reads a metric name (labels: a label name) at `pos`; "" when there is none.
inline std::string read_name(std::string_view line, std::size_t& pos, bool metric) {
  const std::size_t start = pos;
  while (pos < line.size() && (name_char(line[pos]) || (metric && line[pos] == ':'))) ++pos;
  const std::string name(line.substr(start, pos - start));
  if (name.empty() || (name[0] >= '0' && name[0] <= '9')) return {};
  return name;
}

// A float as Go's ParseFloat reads it (as Prometheus does), or nullopt.
inline std::optional<double> read_value(std::string_view text) {
  if (text == "+Inf") return INFINITY;
  if (text == "-Inf") return -INFINITY;
  if (text == "NaN") return NAN;
  double value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

}  // namespace exposition_detail

/// "" when `text` is a well-formed exposition; else what is wrong, with its line number.
inline std::string check_exposition(std::string_view text) {
  using namespace exposition_detail;
  if (text.empty()) return {};
  if (text.back() != '\n') return "the text does not end with a line feed";
  struct Family {
    std::string type;
    bool has_samples = false;
  };
  std::map<std::string, Family> families;
  std::string current;  // the family whose lines these are
  std::set<std::string> series;
  // Histogram series (name + labels without le) → buckets (le, count), sum, count.
  struct Buckets {
    std::vector<std::pair<double, double>> buckets;
    std::optional<double> sum, count;
  };
  std::map<std::string, Buckets> histograms;

  std::size_t number = 0;
  std::size_t start = 0;
  while (start < text.size()) {
    const std::size_t end = text.find('\n', start);
    const std::string_view line = text.substr(start, end - start);
    start = end + 1;
    ++number;
    const std::string where = "line " + std::to_string(number) + " '" + std::string(line) + "': ";
    if (line.empty()) return where + "blank line";
    if (line.starts_with("# HELP ")) {
      std::size_t pos = 7;
      const std::string name = read_name(line, pos, true);
      if (name.empty() || pos >= line.size() || line[pos] != ' ') return where + "malformed HELP";
      for (std::size_t i = pos + 1; i < line.size(); ++i) {
        if (line[i] == '\\') {
          if (i + 1 >= line.size() || (line[i + 1] != '\\' && line[i + 1] != 'n'))
            return where + "bad escape";
          ++i;
        }
      }
      if (families.contains(name)) return where + "family " + name + " seen before";
      families[name] = {};
      current = name;
      continue;
    }
    if (line.starts_with("# TYPE ")) {
      std::size_t pos = 7;
      const std::string name = read_name(line, pos, true);
      if (name.empty() || name != current || pos >= line.size() || line[pos] != ' ') {
        return where + "TYPE not right after its HELP";
      }
      const std::string type(line.substr(pos + 1));
      if (type != "counter" && type != "gauge" && type != "histogram" && type != "summary" &&
          type != "untyped") {
        return where + "unknown type";
      }
      if (!families[name].type.empty() || families[name].has_samples) return where + "TYPE twice or late";
      families[name].type = type;
      continue;
    }
    if (line.starts_with("#")) return where + "unexpected comment";

    // A sample: name{labels} value
    std::size_t pos = 0;
    const std::string name = read_name(line, pos, true);
    if (name.empty()) return where + "no metric name";
    std::vector<std::pair<std::string, std::string>> labels;
    if (pos < line.size() && line[pos] == '{') {
      ++pos;
      while (pos < line.size() && line[pos] != '}') {
        const std::string label = read_name(line, pos, false);
        if (label.empty() || pos + 1 >= line.size() || line[pos] != '=' || line[pos + 1] != '"') {
          return where + "malformed label";
        }
        pos += 2;
        std::string value;
        bool closed = false;
        while (pos < line.size()) {
          const char c = line[pos++];
          if (c == '"') {
            closed = true;
            break;
          }
          if (c == '\\') {
            if (pos >= line.size()) return where + "bad escape";
            const char e = line[pos++];
            if (e == 'n') {
              value += '\n';
            } else if (e == '\\' || e == '"') {
              value += e;
            } else {
              return where + "bad escape";
            }
          } else {
            value += c;
          }
        }
        if (!closed) return where + "unterminated label value";
        for (const auto& [seen, unused] : labels) {
          if (seen == label) return where + "label " + label + " twice";
        }
        labels.emplace_back(label, value);
        if (pos < line.size() && line[pos] == ',') ++pos;
      }
      if (pos >= line.size()) return where + "unterminated labels";
      ++pos;
    }
    if (pos >= line.size() || line[pos] != ' ') return where + "no space before the value";
    const std::string_view value_text = line.substr(pos + 1);
    if (value_text.find(' ') != std::string_view::npos) return where + "a timestamp or trailing text";
    const std::optional<double> value = read_value(value_text);
    if (!value) return where + "the value is not a float";

    const Family* family = families.contains(current) ? &families[current] : nullptr;
    if (family == nullptr || family->type.empty()) return where + "a sample before its HELP and TYPE";
    families[current].has_samples = true;
    std::string le;
    std::vector<std::pair<std::string, std::string>> without_le;
    for (const auto& label : labels) {
      if (label.first == "le") {
        le = label.second;
      } else {
        without_le.push_back(label);
      }
    }
    std::string key = name + "{";
    for (const auto& [k, v] : labels) key += k + "=" + v + ",";
    if (!series.insert(key).second) return where + "duplicate series";
    std::string base_key;
    for (const auto& [k, v] : without_le) base_key += k + "=" + v + ",";

    if (family->type == "histogram") {
      Buckets& h = histograms[current + "{" + base_key];
      if (name == current + "_bucket") {
        const std::optional<double> bound = read_value(le);
        if (le.empty() || !bound) return where + "a bucket without a valid le";
        if (!h.buckets.empty() && (*bound <= h.buckets.back().first || *value < h.buckets.back().second)) {
          return where + "buckets not in increasing le order or not cumulative";
        }
        h.buckets.emplace_back(*bound, *value);
      } else if (name == current + "_sum") {
        h.sum = *value;
      } else if (name == current + "_count") {
        h.count = *value;
        if (h.buckets.empty() || !std::isinf(h.buckets.back().first) || h.buckets.back().second != *value) {
          return where + "the +Inf bucket is missing or differs from _count";
        }
        if (!h.sum) return where + "_count before _sum";
      } else {
        return where + "a sample of another family than " + current;
      }
      if (!le.empty() && name != current + "_bucket") return where + "le on a sample that is not a bucket";
    } else if (name != current) {
      return where + "a sample of another family than " + current;
    } else if (family->type == "counter" && *value < 0) {
      return where + "a negative counter";
    }
  }
  for (const auto& [key, h] : histograms) {
    if (!h.count || !h.sum) return "histogram " + key + " lacks _sum or _count";
  }
  return {};
}

}  // namespace ssad::testing
