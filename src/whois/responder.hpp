#pragma once
// The answer to a WHOIS query (RFC 3912) in the gTLD key/value format (spec rdap.md §8): the same
// registration data and the same anonymous redaction as RDAP, driven by the field catalogue's WHOIS keys
// and the policy's FieldSet. Withheld values read "REDACTED FOR PRIVACY", the gTLD WHOIS convention
// (RFC 9537's ban on placeholders is about RDAP JSON, where redaction has its own member).

#include <string>
#include <string_view>

#include "rdap/render.hpp"
#include "store/registration_store.hpp"

namespace ssad::whois {

class Responder {
 public:
  Responder(store::RegistrationReader& store, rdap::Mode mode);

  /// The whole answer to one query line: a domain name (A-label or U-label, any case), optionally after
  /// the keyword "domain". Lines end in CR LF. Never fails: bad input and store failures get a short
  /// "%"-comment answer that does not echo the query.
  [[nodiscard]] std::string answer(std::string_view query);

 private:
  store::RegistrationReader& store_;
  rdap::Mode mode_;
};

}  // namespace ssad::whois
