#pragma once
// Who runs this system over its registration data: a registry (refers to the registrar of record for
// what it does not publish) or a registrar (the final word on its own registrations).

#include <cstdint>

namespace ssad::model {

enum class Operator : std::uint8_t { registry, registrar };

}  // namespace ssad::model
