#pragma once
// What an RDAP use case returns: the response body, what it served of whom, and what it disclosed beyond
// the public's view — which the service records in the audit log before the answer goes anywhere.

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "catalog/field_set.hpp"

namespace ssad::rdap {

/// The catalogue fields whose values a response carried, per registration object.
struct Served {
  std::string object;  // the domain's A-label name, or the contact's handle for an entity lookup
  catalog::FieldSet fields;
};

/// Fields of one object served to a requestor beyond what the public sees, and their values (only a
/// salted commitment to them reaches the audit log).
struct Disclosure {
  std::string object_kind;                                  // "domain" or "contact"
  std::string object;                                       // its name or handle
  std::vector<std::string> fields;                          // catalogue keys
  std::vector<std::pair<std::string, std::string>> values;  // key, value served
  std::vector<std::string> rules;                           // the rules that disclosed them
  std::string lawful_basis;                                 // the basis decided under ("6(1)(f)")
                             // Whose data was served: "salt=SALT" then "ROLE=HASH" (policy::salted_subject()
                             // of SALT and the role's
  // policy::subject_fingerprint()) for each contact role a field was served of, space-separated, so that
  // the data subject sees its own disclosures (issue 15).
  std::string subjects;
};

struct Answer {
  std::string body;                     // the RDAP JSON (RFC 9083), top-level members included
  std::vector<Served> served;           // one entry per domain or contact rendered from a decision
  std::vector<std::string_view> rules;  // the ids of the policy rules that decided, each once
  std::vector<Disclosure> disclosures;  // what went beyond the public's view; empty for the public
};

}  // namespace ssad::rdap
