#pragma once
// RDAP JSON for registration data (RFC 9083), shaped by the ICANN 2024 gTLD RDAP profile (spec rdap.md
// §6.1) and redacted per RFC 9537 by a policy::Decision: a field the decision discloses is written, a
// withheld one that holds a value is named in the object's `redacted` member with the decision's reason
// (name, method and path from the catalogue), and a contact the decision leaves out is left out whole.
// Withheld values are left out or emptied, never replaced by placeholder text; a withheld registrant
// email may give way to the contact relay's web form (Settings::contact_url). Each renderer adds to
// `served` the catalogue fields whose values it wrote (what the audit log will record).
//
// Renderers write one JSON object; rdap/response.hpp adds the top-level members around it.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "catalog/field_set.hpp"
#include "core/time.hpp"
#include "json/json_writer.hpp"
#include "model/operator.hpp"
#include "model/registration.hpp"
#include "policy/decision.hpp"

namespace ssad::rdap {

/// How the operator's RDAP service describes itself; from the [rdap] section of the configuration.
struct Settings {
  // A registry refers to the registrar's RDAP server with a `related` link; a registrar adds the
  // "registrar expiration" event.
  model::Operator mode = model::Operator::registry;
  std::string terms_of_service_url = "https://www.example/rdap-terms";
  std::string port43;  // host name of the WHOIS service; empty: no port43 member
  // The OpenID Connect providers whose tokens are accepted (RFC 9560), as /help lists them.
  struct OidcProvider {
    std::string issuer;
    std::string name;
  };
  std::vector<OidcProvider> oidc_providers;
  // The anonymous limits /help states (rdap.rate_limit_per_second, rdap.rate_limit_burst,
  // rdap.search_cost): a client's queries per second, how many at once, and what a search counts as.
  struct QueryLimits {
    unsigned per_second = 0;  // 0: no limit
    unsigned burst = 0;
    unsigned search_cost = 1;
  };
  QueryLimits query_limits;
  // The contact relay's web form (subject.contact_url): a domain's registrant entity carries it as a
  // jCard `contact-uri` in place of an email withheld from the caller, every "{domain}" replaced by the
  // domain's A-label name. Empty: none, the email is removed.
  std::string contact_url;
};

/// RFC 8982 field sets for search results: id (names only), brief (public summary), full (everything the
/// caller may see).
enum class Detail : std::uint8_t { id, brief, full };

/// What the renderers need to know about the request. The URLs point into the query's rdap::Location,
/// which outlives every rendering of it.
struct Context {
  const Settings* settings = nullptr;
  std::string_view base_url;   // the public URL of /rdap/, ending in '/'
  std::string_view query_url;  // the URL the client asked for: the `value` of every link (2024 profile)
  std::optional<Timestamp> database_updated;
};

/// The RFC 8056 RDAP status for an EPP status ("clientHold" -> "client hold", "ok" -> "active").
[[nodiscard]] std::string rdap_status(std::string_view epp_status);

/// A domain object. `object_path` is its JSONPath in the response ("$", "$.domainSearchResults[3]"); its
/// `redacted` member (when anything is withheld) is written inside the object. Returns whether it is.
bool write_domain(json::JsonWriter& out, const model::Registration& registration,
                  const policy::Decision& decision, const Context& context, Detail detail,
                  std::string_view object_path, catalog::FieldSet& served);

/// A search result in the RFC 8982 "id" field set: objectClassName, the names and the self link. All of it
/// is public and known from the name, so the object is not loaded. `object_class` is "domain" or
/// "nameserver".
void write_id_result(json::JsonWriter& out, std::string_view object_class, const DomainName& name,
                     const Context& context);

/// A nameserver object.
void write_nameserver(json::JsonWriter& out, const model::Host& host, const Context& context, Detail detail,
                      bool lookup);

/// A registrar entity (lookup by IANA ID, and inside domains).
void write_registrar(json::JsonWriter& out, const model::Registrar& registrar, const Context& context,
                     bool lookup);

/// A contact entity on its own (an entity lookup), in the registrant's fields: only those `decision`
/// discloses (entity_lookup.cpp decides them in every role). Returns whether anything is redacted.
bool write_contact_entity(json::JsonWriter& out, const model::Contact& contact,
                          const policy::Decision& decision, const Context& context,
                          catalog::FieldSet& served);

}  // namespace ssad::rdap
