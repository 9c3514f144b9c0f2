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
/// contacts holding that role — each one's handle, name, organisation and email, the elements whose change
/// ICANN's Transfer Policy calls a Change of Registrant — sorted; empty when none does. The same person in
/// two roles (one contact) has one fingerprint; a contact object rewritten for a new holder under the same
/// handle has another. A disclosure records it, so that a new registrant (another data subject) is neither
/// served a disclosure made about the last one nor shown it, and a registrant's session ends when the
/// registrant changes (issue 15).
[[nodiscard]] std::string subject_fingerprint(catalog::Role role, const model::Registration& registration);

/// A fingerprint as an audit entry records it, salted (`salt`: random per entry): a requestor who reads its
/// own entries cannot test guesses of the withheld values against it; whoever knows the registration now
/// recomputes it from the entry's salt (issue 15).
[[nodiscard]] std::string salted_subject(std::string_view salt, std::string_view fingerprint);

/// What a disclosure request records of a field's holders: the fingerprint of their handles alone (the
/// same contact objects: what its delivery serves live, issue 13), a space, and subject_fingerprint() (the
/// same person: what the data subject is shown, issue 15). Requests filed before issue 15 recorded the
/// first alone. Empty when nobody holds `role`.
[[nodiscard]] std::string subject_record(catalog::Role role, const model::Registration& registration);
/// Whether the contact objects a subject_record() names still hold `role` (a new registrant — another
/// contact — is another data subject, and is not served a disclosure about the last).
[[nodiscard]] bool same_holders(std::string_view record, catalog::Role role,
                                const model::Registration& registration);
/// Whether the person a subject_record() names still holds `role`: the same contacts with the same name,
/// organisation and email (for a record from before issue 15, the same contacts).
[[nodiscard]] bool same_person(std::string_view record, catalog::Role role,
                               const model::Registration& registration);

}  // namespace ssad::policy
