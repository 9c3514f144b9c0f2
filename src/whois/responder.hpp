#pragma once
// The answer to a WHOIS query (RFC 3912) in the gTLD key/value format (spec rdap.md §8): the same
// registration data and the same decision engine as RDAP, driven by the field catalogue's WHOIS keys.
// A withheld value that exists reads "REDACTED FOR PRIVACY", the gTLD WHOIS convention (RFC 9537's ban
// on placeholders is about RDAP JSON, where redaction has its own member), or the registrar pointer when
// the decision says so (a registry's contact emails). WHOIS serves the anonymous public only.
//
// The Responder is WHOIS's front door above the transport (whois/server.hpp): it reads the query line,
// applies the per-client rate limit, answers from its cache while the data has not changed, and renders
// the rest with render_answer().

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "abuse/rate_limiter.hpp"
#include "cache/data_version.hpp"
#include "cache/response_cache.hpp"
#include "catalog/field_set.hpp"
#include "core/domain_name.hpp"
#include "model/operator.hpp"
#include "model/registration.hpp"
#include "policy/decision.hpp"
#include "store/registration_store.hpp"

namespace ssad::whois {

/// The whole answer for one registration as `decision` allows it, lines ending in CR LF; `updated` is
/// the last data change for the footer. Adds to `served` the catalogue fields whose values it wrote.
[[nodiscard]] std::string render_answer(const model::Registration& registration,
                                        const policy::Decision& decision, model::Operator mode,
                                        const std::optional<Timestamp>& updated, catalog::FieldSet& served);

struct ResponderOptions {
  model::Operator mode = model::Operator::registry;
  std::size_t cache_bytes = 0;                 // answers kept until the data changes; 0: none
  std::shared_ptr<const policy::Rules> rules;  // the policy in force; nullptr: the built-in default
};

class Responder {
 public:
  /// Every reference must outlive the responder; `limiter` counts WHOIS queries per client.
  Responder(store::RegistrationReader& store, cache::DataVersion& data_version, abuse::RateLimiter& limiter,
            ResponderOptions options = {});

  /// The whole answer to one query line from `remote`: a domain name (A-label or U-label, any case),
  /// optionally after the keyword "domain". Never fails: bad input, a client over its rate limit and
  /// store failures get a short "%"-comment answer that does not echo the query. Thread-safe.
  /// `admitted`: quick() has counted this query against the rate limit already.
  [[nodiscard]] std::string answer(std::string_view query, std::string_view remote = {},
                                   bool admitted = false);
  /// answer()'s text when it needs no store read — a refusal, a bad query, a cached answer — for the
  /// server's reading thread; nullopt when answer(query, remote, true) must read the store (on a worker).
  /// Counts the query against the rate limit either way. Thread-safe.
  [[nodiscard]] std::optional<std::string> quick(std::string_view query, std::string_view remote);

 private:
  [[nodiscard]] std::optional<std::string> respond(std::string_view query, std::string_view remote,
                                                   bool admitted, bool quick);
  [[nodiscard]] std::string lookup(const DomainName& name, const cache::Version& version);

  store::RegistrationReader& store_;
  cache::DataVersion& data_version_;
  abuse::RateLimiter& limiter_;
  ResponderOptions options_;
  policy::Settings policy_;
  cache::ResponseCache cache_;
};

}  // namespace ssad::whois
