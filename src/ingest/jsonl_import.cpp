#include "ingest/jsonl_import.hpp"

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <optional>
#include <sstream>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include <rapidjson/document.h>
#include <rapidjson/error/en.h>

#include "core/domain_name.hpp"
#include "core/text_check.hpp"
#include "ingest/checksum.hpp"
#include "model/registration.hpp"
#include "tlog/hash.hpp"

namespace ssad::ingest {
namespace {

using Json = rapidjson::Value;

// Messages name where in the line the problem is, as a path of member names and array indexes
// ("domain.contacts.admin.postal[0].countryCode"), so that a person can find it in a long line.
std::unexpected<Error> bad(const std::string& path, std::string_view problem) {
  return std::unexpected<Error>(Error{
      ErrorCode::invalid_input, path.empty() ? std::string(problem) : path + ": " + std::string(problem)});
}

std::string element(const std::string& path, std::size_t index) {
  return path + "[" + std::to_string(index) + "]";
}

std::string_view text(const Json& value) { return {value.GetString(), value.GetStringLength()}; }

std::string_view type_name(const Json& value) {
  switch (value.GetType()) {
    case rapidjson::kNullType:
      return "null";
    case rapidjson::kFalseType:
    case rapidjson::kTrueType:
      return "a boolean";
    case rapidjson::kObjectType:
      return "an object";
    case rapidjson::kArrayType:
      return "an array";
    case rapidjson::kStringType:
      return "a string";
    case rapidjson::kNumberType:
      return "a number";
  }
  return "a value";
}

std::unexpected<Error> wrong_type(const std::string& path, std::string_view expected, const Json& found) {
  return bad(path, "expected " + std::string(expected) + ", found " + std::string(type_name(found)));
}

enum class Need { optional, required };

// One JSON object of the format. Its member names are checked when it is opened, so that a misspelt
// member is an error rather than data silently dropped. A member whose value is null counts as absent.
class Object {
 public:
  static Result<Object> open(const Json& value, std::string path,
                             std::initializer_list<std::string_view> known) {
    if (!value.IsObject()) return wrong_type(path, "an object", value);
    std::vector<std::string_view> seen;
    for (auto m = value.MemberBegin(); m != value.MemberEnd(); ++m) {
      const std::string_view name = text(m->name);
      if (std::find(known.begin(), known.end(), name) == known.end()) {
        return bad(path, "unknown member '" + std::string(name) + "'");
      }
      if (std::find(seen.begin(), seen.end(), name) != seen.end()) {
        return bad(path, "member '" + std::string(name) + "' appears twice");
      }
      seen.push_back(name);
    }
    return Object(value, std::move(path));
  }

  [[nodiscard]] std::string path_of(std::string_view name) const {
    return path_.empty() ? std::string(name) : path_ + "." + std::string(name);
  }

  // The member's value; nullptr when it is absent (an error when it is required).
  [[nodiscard]] Result<const Json*> member(std::string_view name, Need need = Need::optional) const {
    for (auto m = value_->MemberBegin(); m != value_->MemberEnd(); ++m) {
      if (text(m->name) == name && !m->value.IsNull()) return &m->value;
    }
    if (need == Need::required) return bad(path_, "member '" + std::string(name) + "' is required");
    return nullptr;
  }

  [[nodiscard]] Result<void> read(std::string_view name, std::string& out, Need need = Need::optional) const {
    SSAD_TRY(value, member(name, need));
    if (value == nullptr) return {};
    if (!value->IsString()) return wrong_type(path_of(name), "a string", *value);
    if (need == Need::required && value->GetStringLength() == 0) {
      return bad(path_of(name), "must not be empty");
    }
    out = text(*value);
    return {};
  }

  [[nodiscard]] Result<void> read(std::string_view name, std::optional<Timestamp>& out) const {
    SSAD_TRY(value, member(name));
    if (value == nullptr) return {};
    if (!value->IsString()) return wrong_type(path_of(name), "an RFC 3339 date-time string", *value);
    auto instant = parse_rfc3339(text(*value));
    if (!instant) return bad(path_of(name), instant.error().message);
    out = *instant;
    return {};
  }

  [[nodiscard]] Result<void> read(std::string_view name, std::optional<std::int64_t>& out, std::int64_t min,
                                  std::int64_t max) const {
    SSAD_TRY(value, member(name));
    if (value == nullptr) return {};
    if (!value->IsNumber()) return wrong_type(path_of(name), "an integer", *value);
    if (!value->IsInt64() || value->GetInt64() < min || value->GetInt64() > max) {
      return bad(path_of(name),
                 "must be an integer from " + std::to_string(min) + " to " + std::to_string(max));
    }
    out = value->GetInt64();
    return {};
  }

  // An unsigned field of a DNS record; `out` keeps its value when the member is absent and optional.
  [[nodiscard]] Result<void> read(std::string_view name, std::uint32_t& out, std::uint32_t max,
                                  Need need) const {
    if (need == Need::required) {
      SSAD_CHECK(member(name, need));
    }
    std::optional<std::int64_t> value;
    SSAD_CHECK(read(name, value, 0, max));
    if (value) out = static_cast<std::uint32_t>(*value);
    return {};
  }

  // An array member; nullptr when absent.
  [[nodiscard]] Result<const Json*> array(std::string_view name) const {
    SSAD_TRY(value, member(name));
    if (value != nullptr && !value->IsArray()) return wrong_type(path_of(name), "an array", *value);
    return value;
  }

  [[nodiscard]] Result<void> read(std::string_view name, std::vector<std::string>& out) const {
    SSAD_TRY(list, array(name));
    if (list == nullptr) return {};
    for (rapidjson::SizeType i = 0; i < list->Size(); ++i) {
      const Json& item = (*list)[i];
      if (!item.IsString()) return wrong_type(element(path_of(name), i), "a string", item);
      out.emplace_back(text(item));
    }
    return {};
  }

 private:
  Object(const Json& value, std::string path) : value_(&value), path_(std::move(path)) {}

  const Json* value_;
  std::string path_;
};

Result<void> read_country_code(const Object& o, std::string& out) {
  std::string code;
  SSAD_CHECK(o.read("countryCode", code));
  auto canonical = model::canonical_country_code(code);
  if (!canonical)
    return bad(o.path_of("countryCode"), "must be an ISO 3166-1 alpha-2 code, not '" + code + "'");
  out = std::move(*canonical);
  return {};
}

// The address members, shared by a registrar's "address" object and a contact's "postal" entries.
Result<void> read_address(const Object& o, model::PostalAddress& out) {
  std::vector<std::string> street;
  SSAD_CHECK(o.read("street", street));
  if (street.size() > 3) return bad(o.path_of("street"), "holds at most 3 lines");
  for (std::size_t i = 0; i < street.size(); ++i) out.street[i] = std::move(street[i]);
  SSAD_CHECK(o.read("city", out.city));
  SSAD_CHECK(o.read("stateProvince", out.state_province));
  SSAD_CHECK(o.read("postalCode", out.postal_code));
  return read_country_code(o, out.country_code);
}

Result<std::vector<model::Status>> read_statuses(const Object& o) {
  std::vector<model::Status> out;
  SSAD_TRY(list, o.array("status"));
  if (list == nullptr) return out;
  for (rapidjson::SizeType i = 0; i < list->Size(); ++i) {
    const Json& item = (*list)[i];
    const std::string path = element(o.path_of("status"), i);
    model::Status status;
    if (item.IsString()) {
      status.value = text(item);
    } else if (item.IsObject()) {
      SSAD_TRY(s, Object::open(item, path, {"value", "description"}));
      SSAD_CHECK(s.read("value", status.value, Need::required));
      SSAD_CHECK(s.read("description", status.description));
    } else {
      return wrong_type(path, "a status string or an object", item);
    }
    if (!model::is_known_epp_status(status.value)) {
      return bad(path, "unknown EPP status '" + status.value + "'");
    }
    const auto same = [&](const model::Status& s) { return s.value == status.value; };
    if (std::find_if(out.begin(), out.end(), same) != out.end()) {
      return bad(path, "status '" + status.value + "' appears twice");
    }
    out.push_back(std::move(status));
  }
  return out;
}

Result<model::Registrar> parse_registrar(const Json& value) {
  SSAD_TRY(o, Object::open(value, "registrar",
                           {"handle", "name", "ianaId", "status", "address", "voice", "voiceExt", "fax",
                            "faxExt", "email", "url", "whoisServer", "rdapBaseUrl", "abuseEmail",
                            "abusePhone", "created", "updated"}));
  model::Registrar r;
  SSAD_CHECK(o.read("handle", r.handle, Need::required));
  SSAD_CHECK(o.read("name", r.name, Need::required));
  SSAD_CHECK(o.read("ianaId", r.iana_id, 1, 2147483647));
  SSAD_CHECK(o.read("status", r.status));
  if (!r.status.empty() && r.status != "ok" && r.status != "readonly" && r.status != "terminated") {
    return bad(o.path_of("status"), "must be ok, readonly or terminated, not '" + r.status + "'");
  }
  SSAD_TRY(address, o.member("address"));
  if (address != nullptr) {
    SSAD_TRY(a, Object::open(*address, o.path_of("address"),
                             {"street", "city", "stateProvince", "postalCode", "countryCode"}));
    SSAD_CHECK(read_address(a, r.address));
  }
  SSAD_CHECK(o.read("voice", r.voice));
  SSAD_CHECK(o.read("voiceExt", r.voice_ext));
  SSAD_CHECK(o.read("fax", r.fax));
  SSAD_CHECK(o.read("faxExt", r.fax_ext));
  SSAD_CHECK(o.read("email", r.email));
  SSAD_CHECK(o.read("url", r.url));
  SSAD_CHECK(o.read("whoisServer", r.whois_server));
  SSAD_CHECK(o.read("rdapBaseUrl", r.rdap_base_url));
  SSAD_CHECK(o.read("abuseEmail", r.abuse_email));
  SSAD_CHECK(o.read("abusePhone", r.abuse_phone));
  SSAD_CHECK(o.read("created", r.created));
  SSAD_CHECK(o.read("updated", r.updated));
  return r;
}

Result<unsigned> read_consent(const Object& o) {
  static constexpr std::pair<std::string_view, unsigned> kElements[] = {
      {"name", model::kConsentName},       {"organization", model::kConsentOrganization},
      {"address", model::kConsentAddress}, {"voice", model::kConsentVoice},
      {"fax", model::kConsentFax},         {"email", model::kConsentEmail},
  };
  std::vector<std::string> names;
  SSAD_CHECK(o.read("consent", names));
  unsigned consent = 0;
  for (std::size_t i = 0; i < names.size(); ++i) {
    const auto* found = std::find_if(std::begin(kElements), std::end(kElements),
                                     [&](const auto& e) { return e.first == names[i]; });
    if (found == std::end(kElements)) {
      return bad(element(o.path_of("consent"), i),
                 "unknown element '" + names[i] + "' (name, organization, address, voice, fax or email)");
    }
    consent |= found->second;
  }
  return consent;
}

Result<model::Contact> parse_contact(const Json& value, const std::string& path) {
  SSAD_TRY(o,
           Object::open(value, path,
                        {"handle", "roid", "personType", "privacyService", "consent", "postal", "voice",
                         "voiceExt", "fax", "faxExt", "email", "registrar", "status", "created", "updated"}));
  model::Contact c;
  SSAD_CHECK(o.read("handle", c.handle, Need::required));
  SSAD_CHECK(o.read("roid", c.roid, Need::required));
  std::string person;
  SSAD_CHECK(o.read("personType", person));
  auto person_type = model::parse_person_type(person);
  if (!person_type) return bad(o.path_of("personType"), person_type.error().message);
  c.person_type = *person_type;
  SSAD_CHECK(o.read("privacyService", c.privacy_service));
  SSAD_TRY(consent, read_consent(o));
  c.consent = consent;
  SSAD_TRY(postal, o.array("postal"));
  if (postal != nullptr) {
    for (rapidjson::SizeType i = 0; i < postal->Size(); ++i) {
      SSAD_TRY(p, Object::open((*postal)[i], element(o.path_of("postal"), i),
                               {"type", "name", "organization", "street", "city", "stateProvince",
                                "postalCode", "countryCode"}));
      model::PostalInfo info;
      SSAD_CHECK(p.read("type", info.type));
      if (info.type != "int" && info.type != "loc") {
        return bad(p.path_of("type"), "must be int or loc, not '" + info.type + "'");
      }
      const auto same = [&](const model::PostalInfo& other) { return other.type == info.type; };
      if (std::find_if(c.postal.begin(), c.postal.end(), same) != c.postal.end()) {
        return bad(p.path_of("type"), "a second '" + info.type + "' postal info");
      }
      SSAD_CHECK(p.read("name", info.name));
      SSAD_CHECK(p.read("organization", info.organization));
      SSAD_CHECK(read_address(p, info.address));
      c.postal.push_back(std::move(info));
    }
  }
  SSAD_CHECK(o.read("voice", c.voice));
  SSAD_CHECK(o.read("voiceExt", c.voice_ext));
  SSAD_CHECK(o.read("fax", c.fax));
  SSAD_CHECK(o.read("faxExt", c.fax_ext));
  SSAD_CHECK(o.read("email", c.email));
  SSAD_CHECK(o.read("registrar", c.registrar));
  SSAD_TRY(statuses, read_statuses(o));
  c.statuses = std::move(statuses);
  SSAD_CHECK(o.read("created", c.created));
  SSAD_CHECK(o.read("updated", c.updated));
  return c;
}

Result<DomainName> parse_name(const Json& value, const std::string& path) {
  if (!value.IsString()) return wrong_type(path, "a string", value);
  auto name = normalize_domain_name(text(value));
  if (!name) return bad(path, name.error().message);
  return name;
}

Result<void> read_addresses(const Object& o, std::string_view member, int version,
                            std::vector<std::string>& out) {
  std::vector<std::string> given;
  SSAD_CHECK(o.read(member, given));
  for (std::size_t i = 0; i < given.size(); ++i) {
    const std::string path = element(o.path_of(member), i);
    auto ip = model::canonical_ip_address(given[i]);
    if (!ip) return bad(path, ip.error().message);
    if (ip->second != version) {
      return bad(path, "'" + given[i] + "' is not an IPv" + std::to_string(version) + " address");
    }
    if (std::find(out.begin(), out.end(), ip->first) != out.end()) {
      return bad(path, "address " + ip->first + " appears twice");
    }
    out.push_back(std::move(ip->first));
  }
  return {};
}

Result<model::Host> parse_host(const Json& value, const std::string& path) {
  SSAD_TRY(o, Object::open(value, path,
                           {"name", "roid", "ipv4", "ipv6", "registrar", "status", "created", "updated",
                            "transferred"}));
  model::Host h;
  SSAD_TRY(name, o.member("name", Need::required));
  SSAD_TRY(normalized, parse_name(*name, o.path_of("name")));
  h.name = std::move(normalized);
  SSAD_CHECK(o.read("roid", h.roid, Need::required));
  SSAD_CHECK(read_addresses(o, "ipv4", 4, h.ipv4));
  SSAD_CHECK(read_addresses(o, "ipv6", 6, h.ipv6));
  SSAD_CHECK(o.read("registrar", h.registrar));
  SSAD_TRY(statuses, read_statuses(o));
  h.statuses = std::move(statuses);
  SSAD_CHECK(o.read("created", h.created));
  SSAD_CHECK(o.read("updated", h.updated));
  SSAD_CHECK(o.read("transferred", h.transferred));
  return h;
}

bool is_base64(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '+' || c == '/' || c == '=';
  });
}

Result<void> read_secure_dns(const Json& value, const std::string& path, model::Domain& d) {
  SSAD_TRY(o, Object::open(value, path, {"maxSigLife", "dsData", "keyData"}));
  SSAD_CHECK(o.read("maxSigLife", d.max_sig_life, 1, 2147483647));
  SSAD_TRY(ds_list, o.array("dsData"));
  for (rapidjson::SizeType i = 0; ds_list != nullptr && i < ds_list->Size(); ++i) {
    SSAD_TRY(r, Object::open((*ds_list)[i], element(o.path_of("dsData"), i),
                             {"keyTag", "algorithm", "digestType", "digest"}));
    model::DsData ds;
    SSAD_CHECK(r.read("keyTag", ds.key_tag, 65535, Need::required));
    SSAD_CHECK(r.read("algorithm", ds.algorithm, 255, Need::required));
    SSAD_CHECK(r.read("digestType", ds.digest_type, 255, Need::required));
    SSAD_CHECK(r.read("digest", ds.digest, Need::required));
    auto digest = model::canonical_hex(ds.digest);
    if (!digest) return bad(r.path_of("digest"), "is not hexadecimal");
    ds.digest = std::move(*digest);
    d.ds.push_back(std::move(ds));
  }
  SSAD_TRY(key_list, o.array("keyData"));
  for (rapidjson::SizeType i = 0; key_list != nullptr && i < key_list->Size(); ++i) {
    SSAD_TRY(r, Object::open((*key_list)[i], element(o.path_of("keyData"), i),
                             {"flags", "protocol", "algorithm", "publicKey"}));
    model::KeyData key;
    SSAD_CHECK(r.read("flags", key.flags, 65535, Need::required));
    SSAD_CHECK(r.read("protocol", key.protocol, 255, Need::optional));
    SSAD_CHECK(r.read("algorithm", key.algorithm, 255, Need::required));
    SSAD_CHECK(r.read("publicKey", key.public_key, Need::required));
    if (!is_base64(key.public_key)) return bad(r.path_of("publicKey"), "is not base64");
    d.keys.push_back(std::move(key));
  }
  return {};
}

// A contact of the domain: a handle, or a contact object defining it.
Result<void> read_contact_use(const Json& value, const std::string& path, model::ContactRole role,
                              JsonlDomain& line) {
  std::string handle;
  if (value.IsString()) {
    handle = text(value);
    if (handle.empty()) return bad(path, "must not be empty");
  } else if (value.IsObject()) {
    SSAD_TRY(contact, parse_contact(value, path));
    handle = contact.handle;
    line.contacts.emplace_back(path, std::move(contact));
  } else {
    return wrong_type(path, "a contact handle or a contact object", value);
  }
  line.domain.contacts.push_back({role, std::move(handle)});
  return {};
}

Result<void> read_contacts(const Json& value, const std::string& path, JsonlDomain& line) {
  if (!value.IsObject()) return wrong_type(path, "an object", value);
  std::vector<model::ContactRole> seen;
  for (auto m = value.MemberBegin(); m != value.MemberEnd(); ++m) {
    const std::string_view name = text(m->name);
    auto role = model::parse_contact_role(name);
    if (!role) return bad(path, role.error().message);
    if (std::find(seen.begin(), seen.end(), *role) != seen.end()) {
      return bad(path, "member '" + std::string(name) + "' appears twice");
    }
    seen.push_back(*role);
    const std::string role_path = path + "." + std::string(name);
    if (m->value.IsArray() && *role != model::ContactRole::registrant) {
      for (rapidjson::SizeType i = 0; i < m->value.Size(); ++i) {
        SSAD_CHECK(read_contact_use(m->value[i], element(role_path, i), *role, line));
      }
    } else if (!m->value.IsNull()) {
      SSAD_CHECK(read_contact_use(m->value, role_path, *role, line));
    }
  }
  return {};
}

Result<JsonlDomain> parse_domain(const Json& value) {
  SSAD_TRY(o, Object::open(value, "domain",
                           {"name", "roid", "registrar", "reseller", "idnTable", "status", "created",
                            "updated", "expires", "transferred", "contacts", "nameservers", "secureDNS"}));
  JsonlDomain line;
  model::Domain& d = line.domain;
  SSAD_TRY(name, o.member("name", Need::required));
  SSAD_TRY(normalized, parse_name(*name, o.path_of("name")));
  d.name = std::move(normalized);
  SSAD_CHECK(o.read("roid", d.roid, Need::required));
  SSAD_CHECK(o.read("registrar", d.registrar, Need::required));
  SSAD_CHECK(o.read("reseller", d.reseller));
  SSAD_CHECK(o.read("idnTable", d.idn_table));
  SSAD_TRY(statuses, read_statuses(o));
  d.statuses = std::move(statuses);
  SSAD_CHECK(o.read("created", d.created));
  SSAD_CHECK(o.read("updated", d.updated));
  SSAD_CHECK(o.read("expires", d.expires));
  SSAD_CHECK(o.read("transferred", d.transferred));
  SSAD_TRY(contacts, o.member("contacts"));
  if (contacts != nullptr) {
    SSAD_CHECK(read_contacts(*contacts, o.path_of("contacts"), line));
  }
  SSAD_TRY(nameservers, o.array("nameservers"));
  for (rapidjson::SizeType i = 0; nameservers != nullptr && i < nameservers->Size(); ++i) {
    const Json& item = (*nameservers)[i];
    const std::string path = element(o.path_of("nameservers"), i);
    if (item.IsObject()) {
      SSAD_TRY(host, parse_host(item, path));
      d.nameservers.push_back(host.name.ldh);
      line.hosts.emplace_back(path, std::move(host));
    } else {
      SSAD_TRY(host_name, parse_name(item, path));
      d.nameservers.push_back(std::move(host_name.ldh));
    }
  }
  SSAD_TRY(secure_dns, o.member("secureDNS"));
  if (secure_dns != nullptr) {
    SSAD_CHECK(read_secure_dns(*secure_dns, o.path_of("secureDNS"), d));
  }
  return line;
}

// Every string of a line, member names included, is checked as registration text (core/text_check.hpp)
// before the line is read, so that no value is stored, nor repeated in a later message, that could start
// a line of its own in a WHOIS answer or a log. The walk keeps its own stack: a line may nest deeper
// than the call stack would allow.
Result<void> check_strings(const Json& root) {
  struct Frame {
    const Json* container;
    rapidjson::SizeType next = 0;  // the child to visit next
  };
  std::vector<Frame> stack;
  // The path through the children last visited in the first `depth` frames ("domain.contacts.admin[0]").
  const auto path = [&](std::size_t depth) {
    std::string out;
    for (std::size_t i = 0; i < depth; ++i) {
      const Frame& frame = stack[i];
      if (frame.container->IsObject()) {
        if (!out.empty()) out += '.';
        out += text((frame.container->MemberBegin() + (frame.next - 1))->name);
      } else {
        out = element(out, frame.next - 1);
      }
    }
    return out;
  };
  if (root.IsObject() || root.IsArray()) stack.push_back({&root});
  while (!stack.empty()) {
    Frame& top = stack.back();
    const Json& container = *top.container;
    if (top.next == (container.IsObject() ? container.MemberCount() : container.Size())) {
      stack.pop_back();
      continue;
    }
    const rapidjson::SizeType index = top.next++;
    const Json* child = nullptr;
    if (container.IsObject()) {
      const auto& member = *(container.MemberBegin() + index);
      if (auto ok = check_text_value(text(member.name)); !ok) {
        return bad(path(stack.size() - 1), "a member name " + ok.error().message);
      }
      child = &member.value;
    } else {
      child = &container[index];
    }
    if (child->IsString()) {
      if (auto ok = check_text_value(text(*child)); !ok) return bad(path(stack.size()), ok.error().message);
    } else if (child->IsObject() || child->IsArray()) {
      stack.push_back({child});
    }
  }
  return {};
}

}  // namespace

Result<JsonlRecord> parse_jsonl_record(std::string_view line) {
  rapidjson::Document doc;
  doc.Parse<rapidjson::kParseValidateEncodingFlag | rapidjson::kParseIterativeFlag>(line.data(), line.size());
  if (doc.HasParseError()) {
    return bad("", "invalid JSON at offset " + std::to_string(doc.GetErrorOffset()) + ": " +
                       rapidjson::GetParseError_En(doc.GetParseError()));
  }
  SSAD_CHECK(check_strings(doc));
  if (!doc.IsObject()) return wrong_type("", "an object", doc);
  if (doc.MemberCount() != 1) {
    return bad("", "a line holds one member, \"registrar\" or \"domain\"; this one holds " +
                       std::to_string(doc.MemberCount()));
  }
  const auto& member = *doc.MemberBegin();
  const std::string_view kind = text(member.name);
  if (kind == "registrar") {
    SSAD_TRY(registrar, parse_registrar(member.value));
    return std::move(registrar);
  }
  if (kind == "domain") {
    SSAD_TRY(domain, parse_domain(member.value));
    return std::move(domain);
  }
  return bad("", "unknown member '" + std::string(kind) + "' (a line holds \"registrar\" or \"domain\")");
}

namespace {

// Applies lines to one unit of work. Contacts and hosts come embedded in every domain that uses
// them, so each is put once, and every later copy must be the same data.
class Importer {
 public:
  Importer(store::RegistrationWriter& writer, ImportReport& report) : writer_(writer), report_(report) {}

  // Applies one record line; the error says what is wrong with it, without the file and line.
  Result<void> apply(std::string_view line, std::size_t number) {
    SSAD_TRY(record, parse_jsonl_record(line));
    if (auto* registrar = std::get_if<model::Registrar>(&record)) return apply_registrar(*registrar, number);
    return apply_domain(std::get<JsonlDomain>(record), number);
  }

 private:
  template <class T>
  struct Defined {
    T value;
    std::size_t line;
  };

  Result<void> apply_registrar(const model::Registrar& registrar, std::size_t number) {
    if (auto [it, added] = registrar_lines_.try_emplace(registrar.handle, number); !added) {
      return bad("", "duplicate registrar '" + registrar.handle + "' (first on line " +
                         std::to_string(it->second) + ")");
    }
    SSAD_CHECK(writer_.put_registrar(registrar));
    ++report_.rows["registrar"];
    return {};
  }

  Result<void> apply_domain(JsonlDomain& line, std::size_t number) {
    const std::string& name = line.domain.name.ldh;
    if (auto [it, added] = domain_lines_.try_emplace(name, number); !added) {
      return bad("", "duplicate domain '" + name + "' (first on line " + std::to_string(it->second) + ")");
    }
    for (auto& [path, contact] : line.contacts) {
      if (auto it = contacts_.find(contact.handle); it != contacts_.end()) {
        if (it->second.value != contact) {
          return bad(path, "contact '" + contact.handle + "' differs from its definition on line " +
                               std::to_string(it->second.line));
        }
        continue;
      }
      if (auto ok = writer_.put_contact(contact); !ok) return std::unexpected(with_context(ok.error(), path));
      std::string handle = contact.handle;
      contacts_.emplace(std::move(handle), Defined<model::Contact>{std::move(contact), number});
    }
    for (auto& [path, host] : line.hosts) {
      if (auto it = hosts_.find(host.name.ldh); it != hosts_.end()) {
        if (it->second.value != host) {
          return bad(path, "host '" + host.name.ldh + "' differs from its definition on line " +
                               std::to_string(it->second.line));
        }
        continue;
      }
      if (auto ok = writer_.put_host(host); !ok) return std::unexpected(with_context(ok.error(), path));
      std::string ldh = host.name.ldh;
      hosts_.emplace(std::move(ldh), Defined<model::Host>{std::move(host), number});
    }
    SSAD_CHECK(writer_.put_domain(line.domain));
    ++report_.rows["domain"];
    return {};
  }

  store::RegistrationWriter& writer_;
  ImportReport& report_;
  std::unordered_map<std::string, std::size_t> registrar_lines_, domain_lines_;
  std::unordered_map<std::string, Defined<model::Contact>> contacts_;
  std::unordered_map<std::string, Defined<model::Host>> hosts_;
};

bool is_record(std::string_view line) {
  const auto first = line.find_first_not_of(" \t");
  return first != std::string_view::npos && line[first] != '#';
}

}  // namespace

Result<ImportReport> import_jsonl(store::Store& store, const std::string& path, const Clock& clock,
                                  const audit::Actor& actor) {
  const std::filesystem::path file(path);
  std::error_code ec;
  if (!std::filesystem::is_regular_file(file, ec)) {
    if (std::filesystem::exists(file, ec)) {
      return fail(ErrorCode::invalid_input, "'" + path + "' is not a file");
    }
    return fail(ErrorCode::invalid_input, "missing file '" + path + "'");
  }
  const std::ifstream in(file, std::ios::binary);
  if (!in) return fail(ErrorCode::unavailable, "cannot read '" + path + "'");
  std::stringstream buffer;
  buffer << in.rdbuf();
  if (in.bad()) return fail(ErrorCode::unavailable, "cannot read '" + path + "'");
  const std::string content = buffer.str();
  const std::string file_name = file.filename().string();

  ImportReport report;
  report.type = "JSONL";
  report.rows["registrar"] = 0;
  report.rows["domain"] = 0;
  // A file is recorded by its SHA-256, so that importing the same file again changes nothing at all.
  const std::string digest = sha256_hex(content);
  report.files.emplace_back(file_name, tlog::hex(tlog::sha256(content)));
  report.deposit_id = "jsonl-" + digest.substr(0, 16);
  store::RegistrationReader& registrations = store.registrations();
  // Checked through the unit of work: under its write lock, on the database it writes to.
  auto work = store.begin();
  if (!work) return std::unexpected(work.error());
  auto previous = (*work)->registrations().find_deposit(report.deposit_id);
  if (!previous) return std::unexpected(previous.error());
  if (*previous) {
    report.already_imported = true;
    work->reset();  // nothing to write: the lock goes before the counts are read
    auto counts = registrations.counts();
    if (!counts) return std::unexpected(counts.error());
    report.counts = *counts;
    return report;
  }
  Importer importer((*work)->registrations(), report);
  std::istringstream lines(content);
  std::string line;
  std::size_t number = 0;
  bool any = false;
  while (std::getline(lines, line)) {
    ++number;
    std::string_view view = line;
    if (view.ends_with('\r')) view.remove_suffix(1);
    if (number == 1 && view.starts_with("\xEF\xBB\xBF")) view.remove_prefix(3);  // a UTF-8 byte order mark
    if (!is_record(view)) continue;
    any = true;
    if (auto ok = importer.apply(view, number); !ok) {
      Error error = ok.error();
      // Whatever the store refuses in a line (an unknown reference, a duplicate) is the file's fault.
      if (error.code != ErrorCode::unavailable && error.code != ErrorCode::internal) {
        error.code = ErrorCode::invalid_input;
      }
      return std::unexpected(with_context(std::move(error), file_name + " line " + std::to_string(number)));
    }
  }
  if (any) {
    const Timestamp now = clock.now();
    SSAD_CHECK(
        (*work)->registrations().record_deposit({report.deposit_id, "JSONL", "", "", now, digest, now}));
    SSAD_CHECK(record_import(**work, report, "import.jsonl", actor, now));
    SSAD_CHECK((*work)->commit(now));
    report.audit_entry = (*work)->audit_log().first_appended();
  }
  work->reset();  // ends the unit of work (rolls back when nothing was read)
  auto counts = registrations.counts();
  if (!counts) return std::unexpected(counts.error());
  report.counts = *counts;
  return report;
}

}  // namespace ssad::ingest
