#include "rdap/request.hpp"

#include <algorithm>
#include <cstdint>

#include "core/domain_name.hpp"
#include "core/utf8.hpp"

namespace ssad::rdap {
namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool is_ascii(std::string_view text) {
  return std::all_of(text.begin(), text.end(), [](char c) { return static_cast<unsigned char>(c) < 0x80; });
}

char ascii_lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

bool is_ldh_or_dot(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.';
}

bool has_a_label(std::string_view text) {
  std::string lower(text);
  std::transform(lower.begin(), lower.end(), lower.begin(), ascii_lower);
  return lower.starts_with("xn--") || lower.find(".xn--") != std::string::npos;
}

}  // namespace

// Written by hand: uriparser's unescaping passes a malformed escape through unchanged, and RFC 9082 §6.1
// wants it refused; checking UTF-8 is needed either way.
std::optional<std::string> percent_decode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '%') {
      out += text[i];
      continue;
    }
    if (i + 2 >= text.size()) return std::nullopt;
    const int high = hex_value(text[i + 1]);
    const int low = hex_value(text[i + 2]);
    if (high < 0 || low < 0) return std::nullopt;
    const char decoded = static_cast<char>(high * 16 + low);
    if (decoded == '\0') return std::nullopt;
    out += decoded;
    i += 2;
  }
  if (!is_utf8(out)) return std::nullopt;
  return out;
}

std::optional<QueryParameters> parse_query(std::string_view query) {
  QueryParameters parameters;
  while (!query.empty()) {
    const std::size_t amp = query.find('&');
    const std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    if (pair.empty()) continue;
    const std::size_t eq = pair.find('=');
    auto name = percent_decode(pair.substr(0, eq));
    auto value = percent_decode(eq == std::string_view::npos ? std::string_view() : pair.substr(eq + 1));
    if (!name || !value) return std::nullopt;
    parameters.emplace_back(std::move(*name), std::move(*value));
  }
  return parameters;
}

const std::string* find_parameter(const QueryParameters& parameters, std::string_view name) {
  for (const auto& [key, value] : parameters) {
    if (key == name) return &value;
  }
  return nullptr;
}

std::expected<NamePattern, PatternError> parse_name_pattern(std::string_view text, bool allow_wildcard) {
  const auto refuse = [](unsigned status, std::string reason) {
    return std::unexpected(PatternError{status, std::move(reason)});
  };
  if (text.empty()) return refuse(400, "the search pattern is empty");
  const std::size_t star = text.find('*');
  NamePattern pattern;
  if (star == std::string_view::npos) {
    auto name = normalize_domain_name(text, MixedLabels::reject);
    if (!name) return refuse(400, "the name is not a valid domain name");
    pattern.name = std::move(name->ldh);
    return pattern;
  }
  if (text.find('*', star + 1) != std::string_view::npos) {
    return refuse(400, "a search pattern may contain one '*' only (RFC 9082 §4.1)");
  }
  if (!allow_wildcard) return refuse(422, "partial matching is not supported for this search");
  std::string_view prefix = text.substr(0, star);
  std::string_view suffix = text.substr(star + 1);
  if (prefix.empty()) return refuse(422, "a search pattern needs at least one character before the '*'");
  if (!suffix.empty() && suffix.front() != '.') {
    return refuse(422, "a '*' must end a label: only prefix searches with a label suffix are supported");
  }
  if (!suffix.empty()) suffix.remove_prefix(1);
  if (!suffix.empty() && suffix.back() == '.') suffix.remove_suffix(1);
  // "example.*": the prefix ends with a whole label; map the labels, then put the dot back.
  const bool dot_ended = prefix.back() == '.';
  if (dot_ended) prefix.remove_suffix(1);
  if (prefix.empty()) return refuse(400, "the pattern is not a valid domain name prefix");

  pattern.wildcard = true;
  pattern.unicode = !is_ascii(prefix) || !is_ascii(suffix);
  if (pattern.unicode && (has_a_label(prefix) || has_a_label(suffix))) {
    return refuse(400, "the pattern mixes A-labels and U-labels (RFC 9082 §3.1.3)");
  }
  std::string head;
  if (pattern.unicode) {
    // UTS 46 maps the prefix the way the stored U-label names were mapped; a prefix is itself a valid
    // name (a label cut short is still a label), padded with a dummy top-level label to pass the check.
    auto mapped = normalize_domain_name(std::string(prefix) + ".invalid", MixedLabels::reject);
    if (!mapped) return refuse(400, "the pattern is not a valid domain name prefix");
    head = mapped->is_idn() ? mapped->unicode : mapped->ldh;
    head.resize(head.size() - std::string_view(".invalid").size());
  } else {
    head.assign(prefix);
    std::transform(head.begin(), head.end(), head.begin(), ascii_lower);
    if (!std::all_of(head.begin(), head.end(), is_ldh_or_dot)) {
      return refuse(400, "the pattern is not a valid domain name prefix");
    }
  }
  pattern.prefix = std::move(head);
  if (dot_ended) pattern.prefix += '.';
  if (!suffix.empty()) {
    // A one-label suffix ("com") is not a name on its own: check it with the same dummy label.
    auto name = normalize_domain_name(std::string(suffix) + ".invalid", MixedLabels::reject);
    if (!name) return refuse(400, "the pattern's suffix is not a valid domain name");
    std::string tail = pattern.unicode && name->is_idn() ? name->unicode : name->ldh;
    tail.resize(tail.size() - std::string_view(".invalid").size());
    pattern.suffix = "." + tail;
  }
  return pattern;
}

}  // namespace ssad::rdap
