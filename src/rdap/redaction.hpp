#pragma once
// RFC 9537 redaction in RDAP responses: the JSONPath of a withheld catalogue field (built from its RDAP
// location in the catalogue), and the `redacted` member of one object, with each entry's name, method,
// path and the decision's reason.

#include <string>
#include <string_view>
#include <vector>

#include "catalog/catalog.hpp"
#include "json/json_writer.hpp"
#include "policy/decision.hpp"

namespace ssad::rdap {

/// Which RFC 9537 path member a redaction uses: prePath (into the un-redacted response; removal) or
/// postPath (into the redacted response; emptyValue, partialValue, replacementValue in place).
enum class PathKind : std::uint8_t { pre_path, post_path };

/// pre_path for removal, post_path for the other methods.
[[nodiscard]] PathKind path_kind(catalog::RedactionMethod method);

/// The RFC 9537 JSONPath of a field redacted by `method`: for removal the removed thing (the member, or
/// the whole jCard property), for the other methods the value in place (`[3]`, `[3][3]`, `[3][:3]` for the
/// street with the post-office box and extended address). `object_path` is the path of the domain object:
/// "$" in a lookup, "$.domainSearchResults[0]" for the first object of a search result (RFC 9537 §5.2).
/// `contact_at_path`: object_path is the contact's own entity (a contact looked up by handle), not a domain
/// holding it.
[[nodiscard]] std::string redaction_path(const catalog::Field& field, catalog::RedactionMethod method,
                                         std::string_view object_path = "$", bool contact_at_path = false);

/// The path for the field's own redaction method (Field::redaction_method).
[[nodiscard]] std::string redaction_path(const catalog::Field& field, std::string_view object_path = "$");

/// The path of the jCard `contact-uri` property (RFC 8605) of the entity holding `email` (a contact's
/// email field): the replacementPath of an email replaced by a web form. `object_path` and
/// `contact_at_path` as for redaction_path().
[[nodiscard]] std::string contact_uri_path(const catalog::Field& email, std::string_view object_path = "$",
                                           bool contact_at_path = false);

/// The redaction entries of one object, collected while its renderer withholds fields.
class Redactions {
 public:
  /// `object_path` empty: entries name the field without a path. `contact_at_path`: the object is a contact
  /// looked up on its own (its fields' paths start at the entity, not at a domain holding it).
  explicit Redactions(std::string_view object_path, bool contact_at_path = false)
      : object_path_(object_path), contact_at_path_(contact_at_path) {}

  /// A withheld field. `with_path` false leaves the path out (a phone shown without its extension: the
  /// entry's removal path would still match the shown tel property; see catalog.hpp).
  void add(const catalog::Field& field, policy::Reason reason, bool with_path = true) {
    entries_.push_back({&field, catalog::Role::none, reason, with_path, false});
  }
  /// A withheld email replaced by a `contact-uri` web form in the same entity (2024 profile; RFC 9537
  /// §3.4): method replacementValue, prePath the email property (it no longer exists), replacementPath
  /// the contact-uri property.
  void add_replaced_by_contact_uri(const catalog::Field& email, policy::Reason reason) {
    entries_.push_back({&email, catalog::Role::none, reason, true, true});
  }
  /// A whole contact left out, as in the profile's real-world example ("Administrative Contact").
  void add_contact(catalog::Role role, policy::Reason reason) {
    entries_.push_back({nullptr, role, reason, true, false});
  }
  [[nodiscard]] bool empty() const { return entries_.empty(); }

  /// Writes the `redacted` member (key and array).
  void write(json::JsonWriter& out) const;

 private:
  struct Entry {
    const catalog::Field* field;
    catalog::Role role;
    policy::Reason reason;
    bool with_path;
    bool contact_uri;  // replaced by a contact-uri (add_replaced_by_contact_uri)
  };
  std::string_view object_path_;
  bool contact_at_path_;
  std::vector<Entry> entries_;
};

}  // namespace ssad::rdap
