#pragma once
// What an RDAP use case returns: the response body, and what it served of whom (the audit log of a
// later issue records it).

#include <string>
#include <string_view>
#include <vector>

#include "catalog/field_set.hpp"

namespace ssad::rdap {

/// The catalogue fields whose values a response carried, per registration object.
struct Served {
  std::string object;  // the domain's A-label name, or the contact's handle for an entity lookup
  catalog::FieldSet fields;
};

struct Answer {
  std::string body;                     // the RDAP JSON (RFC 9083), top-level members included
  std::vector<Served> served;           // one entry per domain or contact rendered from a decision
  std::vector<std::string_view> rules;  // the ids of the policy rules that decided, each once
};

}  // namespace ssad::rdap
