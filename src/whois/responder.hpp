#pragma once
// The answer to a WHOIS query (RFC 3912) in the gTLD key/value format (spec rdap.md §8): the same
// registration data and the same anonymous redaction as RDAP, driven by the field catalogue's WHOIS keys
// and the policy's FieldSet. Withheld values read "REDACTED FOR PRIVACY", the gTLD WHOIS convention
// (RFC 9537's ban on placeholders is about RDAP JSON, where redaction has its own member).

#include <string>
#include <string_view>

#include "core/domain_name.hpp"
#include "rdap/data_version.hpp"
#include "rdap/rate_limiter.hpp"
#include "rdap/render.hpp"
#include "rdap/response_cache.hpp"
#include "store/registration_store.hpp"

namespace ssad::whois {

struct ResponderOptions {
  std::size_t cache_bytes = 0;       // answers kept until the data changes; 0: none
  double rate_limit_per_second = 0;  // per client address (IPv6: per /64); 0: unlimited
  double rate_limit_burst = 100;
};

class Responder {
 public:
  Responder(store::RegistrationReader& store, rdap::Mode mode, ResponderOptions options = {});

  /// The whole answer to one query line from `remote`: a domain name (A-label or U-label, any case),
  /// optionally after the keyword "domain". Lines end in CR LF. Never fails: bad input, a client over its
  /// rate limit and store failures get a short "%"-comment answer that does not echo the query.
  [[nodiscard]] std::string answer(std::string_view query, std::string_view remote = {});

 private:
  std::string render(const DomainName& name);

  store::RegistrationReader& store_;
  rdap::Mode mode_;
  rdap::ResponseCache cache_;
  rdap::DataVersion data_version_;
  rdap::RateLimiter limiter_;
};

}  // namespace ssad::whois
