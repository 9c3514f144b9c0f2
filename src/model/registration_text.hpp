#pragma once
// The operator's full view of a registration (`ssad show domain`): every stored value, unredacted.
// Only for the operator's own tools, never for a network response.

#include <string>

#include "model/registration.hpp"

namespace ssad::model {

/// Renders a registration as aligned "Key: value" lines, contacts and nameservers in sections.
[[nodiscard]] std::string describe(const Registration& registration);

}  // namespace ssad::model
