#pragma once
// RDAP JSON for registration data (RFC 9083), shaped by the ICANN 2024 gTLD RDAP profile (spec rdap.md
// §6.1) and redacted per RFC 9537 (§2): every catalogue field not in the FieldSet is withheld, and each
// withheld value that exists is named in a `redacted` entry whose name, method and path come from the
// field catalogue. Withheld values are left out or emptied, never replaced by placeholder text.
//
// Renderers write one JSON object; the service (service.cpp) adds the top-level members
// (rdapConformance, notices) around it.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/time.hpp"
#include "model/registration.hpp"
#include "policy/visibility.hpp"
#include "rdap/json_writer.hpp"

namespace ssad::rdap {

/// Who serves the data: a registry (refers to the registrar's RDAP server with a `related` link) or a
/// registrar (the final word; adds the "registrar expiration" event).
enum class Mode : std::uint8_t { registry, registrar };

/// How the operator's RDAP service describes itself; from the [rdap] section of the configuration.
struct Settings {
  Mode mode = Mode::registry;
  // The public URL of /rdap/, ending in '/': "https://rdap.nic.example/rdap/". Empty: built from the
  // request's Host header (for local use).
  std::string base_url;
  std::string terms_of_service_url = "https://www.example/rdap-terms";
  std::string port43;  // host name of the WHOIS service; empty: no port43 member
};

/// RFC 8982 field sets for search results: id (names only), brief (public summary), full (everything the
/// caller may see).
enum class Detail : std::uint8_t { id, brief, full };

/// What the renderers need to know about the request.
struct Context {
  const Settings* settings = nullptr;
  std::string base_url;   // resolved base URL, ending in '/'
  std::string query_url;  // the URL the client asked for: the `value` of every link (2024 profile)
  std::optional<Timestamp> database_updated;
};

/// The RFC 8056 RDAP status for an EPP status ("clientHold" -> "client hold", "ok" -> "active").
[[nodiscard]] std::string rdap_status(std::string_view epp_status);

/// A domain object. `object_path` is its JSONPath in the response ("$", "$.domainSearchResults[3]"); its
/// `redacted` member (when anything is withheld) is written inside the object. Returns whether it is.
bool write_domain(JsonWriter& out, const model::Registration& registration, const policy::FieldSet& shown,
                  const Context& context, Detail detail, std::string_view object_path);

/// A nameserver object.
void write_nameserver(JsonWriter& out, const model::Host& host, const Context& context, Detail detail,
                      bool lookup);

/// A registrar entity (lookup by IANA ID, and inside domains).
void write_registrar(JsonWriter& out, const model::Registrar& registrar, const Context& context, bool lookup);

/// A contact entity on its own (an entity lookup): only what `shown` allows, which for anonymous callers
/// is what public_fields() allows for a domain naming this contact as registrant.
bool write_contact_entity(JsonWriter& out, const model::Contact& contact, const policy::FieldSet& shown,
                          const Context& context);

}  // namespace ssad::rdap
