#pragma once
// The top-level members every RDAP response shares (RFC 9083 §4.1, the 2024 profile's notices), and
// the ICANN profile's conformance tokens.

#include <initializer_list>
#include <string>
#include <string_view>

#include "json/json_writer.hpp"
#include "rdap/render.hpp"

namespace ssad::rdap {

inline constexpr std::string_view kLevel0 = "rdap_level_0";
inline constexpr std::string_view kProfile = "icann_rdap_response_profile_1";
inline constexpr std::string_view kGuide = "icann_rdap_technical_implementation_guide_1";

/// The 2024 profile's notices (spec rdap.md §6.1) as array items: Terms of Service, and for domain
/// responses Status Codes and RDDS Inaccuracy; each link's value is the queried URL.
void write_profile_notices(json::JsonWriter& out, const Context& context, bool domain);

/// The topmost object: rdapConformance (level 0, `conformance`, and "redacted" when `redacted`) and
/// notices, then the members of `object` (a rendered "{...}").
[[nodiscard]] std::string top_level(std::string_view object,
                                    std::initializer_list<std::string_view> conformance, bool redacted,
                                    const Context& context, bool domain_notices);

}  // namespace ssad::rdap
