#pragma once
// The values of catalogue fields in registration data, located by their element: what renderers write
// and what "withheld and present" (RFC 9537 redaction entries, WHOIS "REDACTED FOR PRIVACY") is judged
// by.

#include <string>
#include <string_view>
#include <vector>

#include "catalog/catalog.hpp"
#include "model/registration.hpp"

namespace ssad::policy {

/// A contact's value of a contact element: the handle; the preferred postal info's name, organisation,
/// city, state/province, postal code or country code; the first non-empty street line (any line makes the
/// street a value to protect); the phone or fax number or extension; the email. Empty when the contact
/// has none, and for elements that are not a contact's.
[[nodiscard]] std::string_view contact_value(catalog::Element element, const model::Contact& contact);

/// Every value of a contact field that a renderer writes for `registration`: one per contact in the
/// field's role (contact_value()), and for the street every non-empty line. What the audit log commits to
/// when the field is served.
[[nodiscard]] std::vector<std::string> served_values(const catalog::Field& field,
                                                     const model::Registration& registration);

/// Whose data the contact fields of `role` are in `registration`: a fingerprint (SHA-256, hex) of the
/// handles of the contacts holding that role, sorted; empty when none does. The same person in two roles
/// (one handle) has one fingerprint. A disclosure records it, so that a new registrant (another data
/// subject) is neither served a disclosure made about the last one nor shown it (issue 15).
[[nodiscard]] std::string subject_fingerprint(catalog::Role role, const model::Registration& registration);

}  // namespace ssad::policy
