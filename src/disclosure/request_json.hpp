#pragma once
// A disclosure request as JSON: the one form /v1/requests and `ssad requests … --json` write (docs/
// requests.md; the OpenAPI document's schema). Requestors are shown what they need to understand each
// decision — every field's state, reason and explanation, the balancing tests, the history — but not the
// ids of the operator's staff, which are written for staff only.

#include "json/json_writer.hpp"
#include "model/disclosure_request.hpp"

namespace ssad::disclosure {

/// The request, whole, as of `now` (whether a confidentiality hold is still in force). `for_staff`: with
/// reviewer ids.
void write_json(json::JsonWriter& out, const model::DisclosureRequest& request, bool for_staff,
                Timestamp now);

/// A request in a list: without messages, history and balancing tests.
void write_summary_json(json::JsonWriter& out, const model::DisclosureRequest& request, bool for_staff,
                        Timestamp now);

}  // namespace ssad::disclosure
