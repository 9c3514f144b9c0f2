#pragma once
// An Explanation as JSON, the one form `ssad policy explain --json` and /v1/policy/explain write
// (docs/policy.md): the request as the engine saw it, then every catalogue field with its outcome, its
// reason, the rule that decided it and the rules read for it. Names catalogue keys and rule ids only —
// never a value of the registration.

#include "identity/caller.hpp"
#include "json/json_writer.hpp"
#include "policy/decision.hpp"

namespace ssad::policy {

/// Writes one JSON object for `explanation`, made for `caller` asking `ask` about `domain`.
void write_json(json::JsonWriter& out, const Explanation& explanation, const identity::Caller& caller,
                const Ask& ask, std::string_view domain);

}  // namespace ssad::policy
