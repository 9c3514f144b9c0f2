#include "core/domain_name.hpp"

#include <cstdlib>
#include <memory>

#include <idn2.h>

namespace ssad {
namespace {

constexpr std::size_t kMaxNameLength = 253;
constexpr std::size_t kMaxLabelLength = 63;

struct FreeDeleter {
  void operator()(char* p) const { idn2_free(p); }
};
using Idn2String = std::unique_ptr<char, FreeDeleter>;

bool is_ldh_char(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'; }

bool is_ascii(std::string_view text) {
  for (const char c : text) {
    if (static_cast<unsigned char>(c) >= 0x80) return false;
  }
  return true;
}

std::string lower_ascii(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

Error invalid(std::string_view input, std::string_view why) {
  return Error{ErrorCode::invalid_input,
               "invalid domain name '" + std::string(input) + "': " + std::string(why)};
}

// Checks the shape of an all-ASCII, lower-cased name and says whether any label is an A-label.
Result<bool> check_ldh(std::string_view input, std::string_view name) {
  if (name.empty()) return std::unexpected(invalid(input, "empty"));
  if (name.size() > kMaxNameLength) return std::unexpected(invalid(input, "longer than 253 characters"));
  bool has_a_label = false;
  std::size_t labels = 0;
  std::size_t start = 0;
  while (start <= name.size()) {
    std::size_t end = name.find('.', start);
    if (end == std::string_view::npos) end = name.size();
    const std::string_view label = name.substr(start, end - start);
    ++labels;
    if (label.empty()) return std::unexpected(invalid(input, "empty label"));
    if (label.size() > kMaxLabelLength)
      return std::unexpected(invalid(input, "label longer than 63 characters"));
    for (const char c : label) {
      if (!is_ldh_char(c))
        return std::unexpected(invalid(input, "label '" + std::string(label) + "' is not LDH"));
    }
    if (label.front() == '-' || label.back() == '-') {
      return std::unexpected(
          invalid(input, "label '" + std::string(label) + "' starts or ends with a hyphen"));
    }
    if (label.size() >= 4 && label[2] == '-' && label[3] == '-') {
      if (label.substr(0, 2) != "xn") {
        return std::unexpected(invalid(input, "label '" + std::string(label) + "' is a reserved LDH label"));
      }
      has_a_label = true;
    }
    start = end + 1;
  }
  if (labels < 2) return std::unexpected(invalid(input, "a single label is not a domain name"));
  return has_a_label;
}

}  // namespace

Result<DomainName> normalize_domain_name(std::string_view input, MixedLabels mixed) {
  std::string_view name = input;
  if (!name.empty() && name.back() == '.') name.remove_suffix(1);
  if (name.empty()) return std::unexpected(invalid(input, "empty"));
  // libidn2 reads C strings: a NUL would cut the name short, and the rest would go unchecked.
  if (name.find('\0') != std::string_view::npos) return std::unexpected(invalid(input, "holds a NUL byte"));

  if (is_ascii(name)) {
    // Fast path for the common case: plain LDH names need no IDNA processing.
    DomainName result{lower_ascii(name), {}};
    auto has_a_label = check_ldh(input, result.ldh);
    if (!has_a_label) return std::unexpected(has_a_label.error());
    if (!*has_a_label) return result;
    // An A-label must decode to a valid U-label that encodes back to the same A-label.
    char* unicode_raw = nullptr;
    if (idn2_to_unicode_8z8z(result.ldh.c_str(), &unicode_raw, 0) != IDN2_OK) {
      return std::unexpected(invalid(input, "bad A-label"));
    }
    const Idn2String unicode(unicode_raw);
    char* ascii_raw = nullptr;
    const int rc = idn2_to_ascii_8z(unicode.get(), &ascii_raw, IDN2_NONTRANSITIONAL);
    const Idn2String ascii(ascii_raw);
    if (rc != IDN2_OK) {
      return std::unexpected(invalid(input, std::string("bad A-label: ") + idn2_strerror(rc)));
    }
    if (result.ldh != ascii.get()) return std::unexpected(invalid(input, "A-label is not in canonical form"));
    result.unicode = unicode.get();
    return result;
  }

  if (mixed == MixedLabels::reject) {
    std::size_t start = 0;
    while (start <= name.size()) {
      std::size_t end = name.find('.', start);
      if (end == std::string_view::npos) end = name.size();
      const std::string label = lower_ascii(name.substr(start, end - start));
      if (label.starts_with("xn--")) return std::unexpected(invalid(input, "mixes A-labels and U-labels"));
      start = end + 1;
    }
  }
  char* ascii_raw = nullptr;
  const int rc =
      idn2_to_ascii_8z(std::string(name).c_str(), &ascii_raw, IDN2_NONTRANSITIONAL | IDN2_NFC_INPUT);
  const Idn2String ascii(ascii_raw);
  if (rc != IDN2_OK) return std::unexpected(invalid(input, idn2_strerror(rc)));
  DomainName result{lower_ascii(ascii.get()), {}};
  auto has_a_label = check_ldh(input, result.ldh);
  if (!has_a_label) return std::unexpected(has_a_label.error());
  char* unicode_raw = nullptr;
  if (idn2_to_unicode_8z8z(result.ldh.c_str(), &unicode_raw, 0) != IDN2_OK) {
    return std::unexpected(invalid(input, "bad U-label"));
  }
  const Idn2String unicode(unicode_raw);
  if (*has_a_label) result.unicode = unicode.get();
  return result;
}

std::string_view top_level_label(std::string_view ldh_name) {
  const auto dot = ldh_name.rfind('.');
  return dot == std::string_view::npos ? ldh_name : ldh_name.substr(dot + 1);
}

}  // namespace ssad
