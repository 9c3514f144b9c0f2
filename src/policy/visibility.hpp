#pragma once
// What the anonymous public may see of a registration (DESIGN.md §4 invariant 1, spec rdap.md §6.1): the
// field catalogue's default visibility, applied to the registration's contacts (person type, consent).
// The result is a FieldSet, the one currency of "what may be shown" that the RDAP and WHOIS renderers
// take; the decision engine of a later issue produces the same type for authorised requestors.

#include <bitset>
#include <cstddef>
#include <string_view>

#include "catalog/catalog.hpp"
#include "model/registration.hpp"

namespace ssad::policy {

/// A set of catalogue fields: one bit per entry of catalog::all_fields().
class FieldSet {
 public:
  static constexpr std::size_t kCapacity = 128;

  /// The set of every catalogue field.
  [[nodiscard]] static FieldSet all();

  [[nodiscard]] bool contains(const catalog::Field& field) const { return bits_.test(index_of(field)); }
  /// False for a key the catalogue does not have.
  [[nodiscard]] bool contains(std::string_view key) const;
  void insert(const catalog::Field& field) { bits_.set(index_of(field)); }
  void erase(const catalog::Field& field) { bits_.reset(index_of(field)); }
  [[nodiscard]] std::size_t size() const { return bits_.count(); }

  friend bool operator==(const FieldSet&, const FieldSet&) = default;

 private:
  static std::size_t index_of(const catalog::Field& field);
  std::bitset<kCapacity> bits_;
};

/// The catalogue role of a contact role (the same four contacts).
[[nodiscard]] catalog::Role catalog_role(model::ContactRole role);

/// True when the contact's value for this field is not personal data to withhold from the public: the
/// contact is a legal person, or consented to publishing this element (EPP disclose). An unknown person
/// type counts as a natural person: when in doubt, withhold. Handles have no consent element.
[[nodiscard]] bool publishable(const catalog::Field& field, const model::Contact& contact);

/// A contact's value of a contact field (located through the catalogue's RDAP location): the handle, the
/// preferred postal info's name, organisation, city, state/province, postal code or country code, the first
/// non-empty street line, the phone or fax number or extension, the email. Empty when the contact has none.
[[nodiscard]] std::string_view contact_value(const catalog::Field& field, const model::Contact& contact);

/// The fields the anonymous public sees of `registration`:
/// - public_always fields, always;
/// - public_unless_personal and redacted_by_default contact fields, when publishable() for every
///   contact holding that role (a role with several contacts shows a field only if all may show it).
/// A role without a contact contributes no fields.
[[nodiscard]] FieldSet public_fields(const model::Registration& registration);

}  // namespace ssad::policy
