#pragma once
// The A-label names of a store search's results, for comparing with a list of names.

#include <string>
#include <vector>

#include "core/domain_name.hpp"

namespace ssad::testing {

inline std::vector<std::string> ldh_names(const std::vector<DomainName>& names) {
  std::vector<std::string> out;
  out.reserve(names.size());
  for (const auto& name : names) out.push_back(name.ldh);
  return out;
}

}  // namespace ssad::testing
