#include "model/registration.hpp"

#include <algorithm>
#include <array>
#include <cctype>

#include <arpa/inet.h>

namespace ssad::model {

std::string_view to_string(ContactRole role) {
  switch (role) {
    case ContactRole::registrant:
      return "registrant";
    case ContactRole::admin:
      return "admin";
    case ContactRole::tech:
      return "tech";
    case ContactRole::billing:
      return "billing";
    case ContactRole::agent:
      return "agent";
  }
  return "registrant";
}

Result<ContactRole> parse_contact_role(std::string_view text) {
  if (text == "registrant") return ContactRole::registrant;
  if (text == "admin") return ContactRole::admin;
  if (text == "tech") return ContactRole::tech;
  if (text == "billing") return ContactRole::billing;
  return fail(ErrorCode::invalid_input,
              "unknown contact type '" + std::string(text) + "' (registrant, admin, tech or billing)");
}

std::string_view to_string(PersonType type) {
  switch (type) {
    case PersonType::unknown:
      return "unknown";
    case PersonType::natural:
      return "natural";
    case PersonType::legal:
      return "legal";
  }
  return "unknown";
}

Result<PersonType> parse_person_type(std::string_view text) {
  if (text.empty() || text == "unknown") return PersonType::unknown;
  if (text == "natural") return PersonType::natural;
  if (text == "legal") return PersonType::legal;
  return fail(ErrorCode::invalid_input, "unknown person type '" + std::string(text) + "' (natural or legal)");
}

bool is_known_epp_status(std::string_view value) {
  // RFC 5731 §2.3 (domain), RFC 5732 §2.3 (host), RFC 5733 §2.2 (contact), RFC 3915 §3.2 (RGP).
  static constexpr std::array<std::string_view, 24> kStatuses = {
      "ok",
      "inactive",
      "linked",
      "clientDeleteProhibited",
      "clientHold",
      "clientRenewProhibited",
      "clientTransferProhibited",
      "clientUpdateProhibited",
      "serverDeleteProhibited",
      "serverHold",
      "serverRenewProhibited",
      "serverTransferProhibited",
      "serverUpdateProhibited",
      "pendingCreate",
      "pendingDelete",
      "pendingRenew",
      "pendingTransfer",
      "pendingUpdate",
      "pendingRestore",
      "addPeriod",
      "autoRenewPeriod",
      "renewPeriod",
      "transferPeriod",
      "redemptionPeriod",
  };
  return std::find(kStatuses.begin(), kStatuses.end(), value) != kStatuses.end();
}

const PostalInfo* Contact::preferred_postal() const {
  const PostalInfo* chosen = nullptr;
  for (const auto& p : postal) {
    if (p.type == "loc") return &p;
    chosen = &p;
  }
  return chosen;
}

std::optional<std::string> canonical_country_code(std::string_view text) {
  std::string code(text);
  for (char& c : code) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  if (code.empty()) return code;
  if (code.size() != 2 || code[0] < 'A' || code[0] > 'Z' || code[1] < 'A' || code[1] > 'Z')
    return std::nullopt;
  return code;
}

std::optional<std::string> canonical_hex(std::string_view text) {
  std::string hex(text);
  for (char& c : hex) {
    if (!std::isxdigit(static_cast<unsigned char>(c))) return std::nullopt;
    c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  return hex;
}

Result<std::pair<std::string, int>> canonical_ip_address(std::string_view text) {
  const std::string input(text);
  char out[INET6_ADDRSTRLEN];
  if (input.find(':') == std::string::npos) {
    in_addr v4{};
    if (inet_pton(AF_INET, input.c_str(), &v4) == 1 && inet_ntop(AF_INET, &v4, out, sizeof out) != nullptr) {
      return std::pair<std::string, int>{out, 4};
    }
  } else {
    in6_addr v6{};
    if (inet_pton(AF_INET6, input.c_str(), &v6) == 1 &&
        inet_ntop(AF_INET6, &v6, out, sizeof out) != nullptr) {
      return std::pair<std::string, int>{out, 6};
    }
  }
  return fail(ErrorCode::invalid_input, "invalid IP address '" + input + "'");
}

}  // namespace ssad::model
