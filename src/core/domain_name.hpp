#pragma once
// Domain and host names as the store keys them: the A-label form, lower-case, without a trailing dot.

#include <string>
#include <string_view>

#include "core/error.hpp"

namespace ssad {

struct DomainName {
  std::string ldh;      // A-labels, lower-case: "xn--bcher-kva.example"
  std::string unicode;  // U-labels when any label is an IDN ("bücher.example"), otherwise empty

  [[nodiscard]] bool is_idn() const { return !unicode.empty(); }
  friend bool operator==(const DomainName&, const DomainName&) = default;
};

enum class MixedLabels {
  allow,   // "xn--bcher-kva.bücher.example" is converted label by label
  reject,  // RFC 9082 §3.1.3: a query mixing A-labels and U-labels is refused
};

/// Normalises a domain or host name given as A-labels or U-labels (UTF-8), in any case, with or without
/// a trailing dot, using UTS 46 non-transitional processing (libidn2). Requires at least two labels.
/// Errors: invalid_input saying what is wrong with the name (empty label, too long, not LDH, bad IDN).
[[nodiscard]] Result<DomainName> normalize_domain_name(std::string_view input,
                                                       MixedLabels mixed = MixedLabels::allow);

/// The last label of a normalised name ("example" for "a.b.example").
[[nodiscard]] std::string_view top_level_label(std::string_view ldh_name);

}  // namespace ssad
