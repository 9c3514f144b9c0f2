#include "rdap/render.hpp"

#include <array>
#include <utility>

#include "catalog/catalog.hpp"
#include "policy/values.hpp"
#include "rdap/redaction.hpp"

namespace ssad::rdap {
namespace {

using catalog::Element;
using catalog::Field;
using catalog::Role;
using json::JsonWriter;

constexpr std::string_view kRdapJson = "application/rdap+json";

// A contact's fields by what they hold, found once per role from the catalogue.
struct ContactFields {
  const Field* handle = nullptr;
  const Field* name = nullptr;
  const Field* organization = nullptr;
  const Field* street = nullptr;
  const Field* city = nullptr;
  const Field* state_province = nullptr;
  const Field* postal_code = nullptr;
  const Field* country_code = nullptr;
  const Field* phone = nullptr;
  const Field* phone_ext = nullptr;
  const Field* fax = nullptr;
  const Field* fax_ext = nullptr;
  const Field* email = nullptr;
};

ContactFields contact_fields_of(Role role) {
  ContactFields f;
  for (const Field& field : catalog::fields_of_role(role)) {
    switch (field.element) {
      case Element::handle:
        f.handle = &field;
        break;
      case Element::name:
        f.name = &field;
        break;
      case Element::organization:
        f.organization = &field;
        break;
      case Element::street:
        f.street = &field;
        break;
      case Element::city:
        f.city = &field;
        break;
      case Element::state_province:
        f.state_province = &field;
        break;
      case Element::postal_code:
        f.postal_code = &field;
        break;
      case Element::country_code:
        f.country_code = &field;
        break;
      case Element::phone:
        f.phone = &field;
        break;
      case Element::phone_ext:
        f.phone_ext = &field;
        break;
      case Element::fax:
        f.fax = &field;
        break;
      case Element::fax_ext:
        f.fax_ext = &field;
        break;
      case Element::email:
        f.email = &field;
        break;
      default:
        break;
    }
  }
  return f;
}

const ContactFields& contact_fields(Role role) {
  static const std::array<ContactFields, 6> by_role = {ContactFields{},
                                                       contact_fields_of(Role::registrant),
                                                       contact_fields_of(Role::admin),
                                                       contact_fields_of(Role::tech),
                                                       contact_fields_of(Role::billing),
                                                       contact_fields_of(Role::agent)};
  return by_role.at(static_cast<std::size_t>(role));
}

// "<base><kind><name>": the URL of an object ("https://rdap.example/rdap/" "domain/" "example.com").
std::string object_url(std::string_view base, std::string_view kind, std::string_view name) {
  std::string url;
  url.reserve(base.size() + kind.size() + name.size());
  url.append(base).append(kind).append(name);
  return url;
}

// Asks the decision about one domain or registrar field while a domain is written: show() says whether
// to write it; a withheld field that has a value gets its redaction entry, a written one counts as
// served. Without a decision (a registrar looked up on its own, which holds no personal data) every field
// is shown.
class DomainFields {
 public:
  DomainFields() = default;
  DomainFields(const policy::Decision& decision, Redactions& redactions, catalog::FieldSet& served)
      : decision_(&decision), redactions_(&redactions), served_(&served) {}

  bool show(Element element, bool has_value = true) const {
    const Field* field = catalog::find_field(Role::none, element);
    if (field == nullptr || decision_ == nullptr) return true;
    if (decision_->discloses(*field)) {
      if (has_value) served_->insert(*field);
      return true;
    }
    if (has_value) redactions_->add(*field, (*decision_)[*field].reason);
    return false;
  }

 private:
  const policy::Decision* decision_ = nullptr;
  Redactions* redactions_ = nullptr;
  catalog::FieldSet* served_ = nullptr;
};

void write_link(JsonWriter& out, std::string_view value, std::string_view rel, std::string_view href,
                std::string_view type) {
  out.begin_object();
  out.member("value", value);
  out.member("rel", rel);
  out.member("href", href);
  if (!type.empty()) out.member("type", type);
  out.end_object();
}

void write_event(JsonWriter& out, std::string_view action, const std::optional<Timestamp>& when) {
  if (!when) return;
  out.begin_object();
  out.member("eventAction", action);
  out.member("eventDate", format_rfc3339(*when));
  out.end_object();
}

void write_statuses(JsonWriter& out, const std::vector<model::Status>& statuses) {
  out.key("status");
  out.begin_array();
  if (statuses.empty()) out.string("active");
  for (const auto& status : statuses) out.string(rdap_status(status.value));
  out.end_array();
}

// The contact form of one domain: every "{domain}" in the operator's template replaced by the domain's
// A-label name. Nothing else is encoded: the template is the operator's URL as configured, and an LDH
// name is safe in any part of a URL.
std::string contact_form_url(std::string_view url_template, std::string_view domain) {
  constexpr std::string_view kPlaceholder = "{domain}";
  std::string url;
  url.reserve(url_template.size() + domain.size());
  std::size_t from = 0;
  for (std::size_t at = url_template.find(kPlaceholder); at != std::string_view::npos;
       at = url_template.find(kPlaceholder, from)) {
    url.append(url_template.substr(from, at - from)).append(domain);
    from = at + kPlaceholder.size();
  }
  url.append(url_template.substr(from));
  return url;
}

// A jCard property with empty parameters and a text value.
void write_text_property(JsonWriter& out, std::string_view name, std::string_view value) {
  out.begin_array();
  out.string(name);
  out.empty_object();
  out.string("text");
  out.string(value);
  out.end_array();
}

// `"vcardArray": ["vcard", [["version", {}, "text", "4.0"], ...`: the properties follow, then two
// end_array() close it.
void begin_vcard(JsonWriter& out) {
  out.key("vcardArray");
  out.begin_array();
  out.string("vcard");
  out.begin_array();
  write_text_property(out, "version", "4.0");
}

void write_tel(JsonWriter& out, std::string_view type, std::string_view number, std::string_view extension) {
  out.begin_array();
  out.string("tel");
  out.begin_object();
  out.member("type", type);
  out.end_object();
  out.string("uri");
  std::string uri = "tel:";
  uri += number;
  if (!extension.empty()) {
    uri += ";ext=";
    uri += extension;
  }
  out.string(uri);
  out.end_array();
}

// The adr property (RFC 6350 §6.3.1 components: pobox, ext, street, locality, region, code, country). The
// country name is always "" with the code in the cc parameter (2024 profile §1.4).
void write_adr(JsonWriter& out, const model::PostalAddress& address, bool street, bool city, bool region,
               bool postal_code, bool country_code) {
  out.begin_array();
  out.string("adr");
  out.begin_object();
  if (country_code && !address.country_code.empty()) out.member("cc", address.country_code);
  out.end_object();
  out.string("text");
  out.begin_array();
  out.string("");
  out.string("");
  // One street line is a string, several an array (RFC 6350 components may be lists).
  std::vector<std::string_view> lines;
  for (const auto& line : address.street) {
    if (!line.empty()) lines.push_back(line);
  }
  if (!street || lines.size() <= 1) {
    out.string(street && !lines.empty() ? lines.front() : std::string_view());
  } else {
    out.begin_array();
    for (const auto& line : address.street) {
      if (!line.empty()) out.string(line);
    }
    out.end_array();
  }
  out.string(city ? address.city : std::string());
  out.string(region ? address.state_province : std::string());
  out.string(postal_code ? address.postal_code : std::string());
  out.string("");
  out.end_array();
  out.end_array();
}

// One contact entity with role `role`: only the fields the decision discloses, and a redaction entry
// (with the decision's reason) for every withheld field that holds a value.
// `contact_uri` set: a withheld email is replaced by this web form, a jCard `contact-uri` (RFC 8605).
// `lookup` set: the contact is the response (an entity lookup), with its own links, status and events and
// without a role, and its redactions are written inside it.
void write_contact(JsonWriter& out, Role role, const model::Contact& contact,
                   const policy::Decision& decision, Redactions& redactions, catalog::FieldSet& served,
                   std::string_view contact_uri, const Context* lookup = nullptr) {
  const ContactFields& f = contact_fields(role);
  // Disclosed: the value is written (and counted as served when there is one).
  auto is_shown = [&](const Field* field) {
    if (field == nullptr || !decision.discloses(*field)) return false;
    if (!policy::contact_value(field->element, contact).empty()) served.insert(*field);
    return true;
  };
  // Withheld and present: redacted (a value that does not exist is not signalled).
  auto withheld = [&](const Field* field) {
    if (field == nullptr || decision.discloses(*field)) return false;
    if (policy::contact_value(field->element, contact).empty()) return false;
    redactions.add(*field, decision[*field].reason);
    return true;
  };
  const model::PostalInfo* postal = contact.preferred_postal();
  const model::PostalInfo none;
  const model::PostalInfo& p = postal != nullptr ? *postal : none;

  out.begin_object();
  out.member("objectClassName", "entity");
  if (!withheld(f.handle) && is_shown(f.handle)) out.member("handle", contact.handle);
  if (lookup == nullptr) {
    out.key("roles");
    out.begin_array();
    out.string(catalog::rdap_role(role));
    out.end_array();
  }

  begin_vcard(out);
  // fn is required (RFC 9083 §3); redacted by emptyValue.
  write_text_property(out, "fn", !withheld(f.name) && is_shown(f.name) ? std::string_view(p.name) : "");
  if (!withheld(f.organization) && is_shown(f.organization) && !p.organization.empty()) {
    write_text_property(out, "org", p.organization);
  }
  // An address with nothing in it (an agent's: issue 15) is no adr at all — an empty one would lack the
  // country the profile requires.
  const bool any_address = postal != nullptr && (p.address != model::PostalAddress{});
  if (any_address) {
    const bool street = !withheld(f.street) && is_shown(f.street);
    const bool city = !withheld(f.city) && is_shown(f.city);
    const bool region = !withheld(f.state_province) && is_shown(f.state_province);
    const bool code = !withheld(f.postal_code) && is_shown(f.postal_code);
    const bool cc = !withheld(f.country_code) && is_shown(f.country_code);
    write_adr(out, p.address, street, city, region, code, cc);
  }
  if (!contact.voice.empty()) {
    if (is_shown(f.phone)) {
      const bool ext = is_shown(f.phone_ext);
      // The number is shown but not its extension: the entry has no path (see catalog.hpp).
      if (!ext && !contact.voice_ext.empty())
        redactions.add(*f.phone_ext, decision[*f.phone_ext].reason, false);
      write_tel(out, "voice", contact.voice, ext ? std::string_view(contact.voice_ext) : "");
    } else {
      withheld(f.phone);
      withheld(f.phone_ext);
    }
  }
  if (!contact.fax.empty()) {
    if (is_shown(f.fax)) {
      const bool ext = is_shown(f.fax_ext);
      if (!ext && !contact.fax_ext.empty()) redactions.add(*f.fax_ext, decision[*f.fax_ext].reason, false);
      write_tel(out, "fax", contact.fax, ext ? std::string_view(contact.fax_ext) : "");
    } else {
      withheld(f.fax);
      withheld(f.fax_ext);
    }
  }
  const bool email_withheld = f.email != nullptr && !decision.discloses(*f.email) && !contact.email.empty();
  if (email_withheld && !contact_uri.empty()) {
    // The 2024 profile's other way to redact an email: a web form that reaches the contact.
    redactions.add_replaced_by_contact_uri(*f.email, decision[*f.email].reason);
    out.begin_array();
    out.string("contact-uri");
    out.empty_object();
    out.string("uri");
    out.string(contact_uri);
    out.end_array();
  } else if (!withheld(f.email) && is_shown(f.email) && !contact.email.empty()) {
    write_text_property(out, "email", contact.email);
  }
  out.end_array();
  out.end_array();
  if (lookup != nullptr) {
    out.key("links");
    out.begin_array();
    write_link(out, lookup->query_url, "self", object_url(lookup->base_url, "entity/", contact.handle),
               kRdapJson);
    out.end_array();
    write_statuses(out, contact.statuses);
    out.key("events");
    out.begin_array();
    write_event(out, "registration", contact.created);
    write_event(out, "last changed", contact.updated);
    write_event(out, "last update of RDAP database", lookup->database_updated);
    out.end_array();
    if (!redactions.empty()) redactions.write(out);
  }
  out.end_object();
}

// The abuse entity of a registrar; `name` is the registrar's name as shown ("" when withheld).
void write_abuse_entity(JsonWriter& out, const model::Registrar& registrar, std::string_view name,
                        const DomainFields& fields) {
  out.begin_object();
  out.member("objectClassName", "entity");
  out.key("roles");
  out.begin_array();
  out.string("abuse");
  out.end_array();
  begin_vcard(out);
  write_text_property(out, "fn", name);
  if (!registrar.abuse_phone.empty() && fields.show(Element::registrar_abuse_phone)) {
    write_tel(out, "voice", registrar.abuse_phone, "");
  }
  if (!registrar.abuse_email.empty() && fields.show(Element::registrar_abuse_email)) {
    write_text_property(out, "email", registrar.abuse_email);
  }
  out.end_array();
  out.end_array();
  out.end_object();
}

std::string iana_id_text(const model::Registrar& registrar) {
  return registrar.iana_id ? std::to_string(*registrar.iana_id) : registrar.handle;
}

std::string with_trailing_slash(std::string url) {
  if (!url.empty() && url.back() != '/') url += '/';
  return url;
}

void write_registrar_entity(JsonWriter& out, const model::Registrar& registrar, const Context& context,
                            bool lookup, const DomainFields& fields) {
  // The handle is the IANA ID (2024 profile); when that is withheld, the registry's own handle.
  const bool iana_id = registrar.iana_id.has_value() && fields.show(Element::registrar_iana_id);
  const std::string id = iana_id ? iana_id_text(registrar) : registrar.handle;
  out.begin_object();
  out.member("objectClassName", "entity");
  out.member("handle", id);
  out.key("roles");
  out.begin_array();
  out.string("registrar");
  out.end_array();
  if (iana_id) {
    out.key("publicIds");
    out.begin_array();
    out.begin_object();
    out.member("type", "IANA Registrar ID");
    out.member("identifier", id);
    out.end_object();
    out.end_array();
  }
  begin_vcard(out);
  // fn is required (RFC 9083 §3): a withheld name is emptied, here and in the abuse entity.
  const std::string_view name =
      fields.show(Element::registrar_name, !registrar.name.empty()) ? std::string_view(registrar.name) : "";
  write_text_property(out, "fn", name);
  if (lookup) {
    const model::PostalAddress& a = registrar.address;
    if (!a.country_code.empty()) write_adr(out, a, true, true, true, true, true);
    if (!registrar.voice.empty()) write_tel(out, "voice", registrar.voice, registrar.voice_ext);
    if (!registrar.fax.empty()) write_tel(out, "fax", registrar.fax, registrar.fax_ext);
    if (!registrar.email.empty()) write_text_property(out, "email", registrar.email);
  }
  out.end_array();
  out.end_array();
  out.key("links");
  out.begin_array();
  if (lookup)
    write_link(out, context.query_url, "self", object_url(context.base_url, "entity/", id), kRdapJson);
  // 2024 profile §2.4.6: the about link leads to the registrar's web site (href); its value is the
  // registrar's RDAP base URL (registrar directory, store/registrar_directory.hpp). Without one, the value
  // is this response's own URL, the context RFC 9083 §4.2 gives a link's value: nothing is invented.
  if (!registrar.url.empty() && fields.show(Element::registrar_url)) {
    write_link(out, registrar.rdap_base_url.empty() ? context.query_url : registrar.rdap_base_url, "about",
               registrar.url, "text/html");
  }
  out.end_array();
  if (lookup) {
    write_statuses(out, {});
    out.key("events");
    out.begin_array();
    write_event(out, "registration", registrar.created);
    write_event(out, "last changed", registrar.updated);
    write_event(out, "last update of RDAP database", context.database_updated);
    out.end_array();
  }
  out.key("entities");
  out.begin_array();
  write_abuse_entity(out, registrar, name, fields);
  out.end_array();
  out.end_object();
}

void write_reseller(JsonWriter& out, std::string_view reseller) {
  out.begin_object();
  out.member("objectClassName", "entity");
  out.key("roles");
  out.begin_array();
  out.string("reseller");
  out.end_array();
  begin_vcard(out);
  write_text_property(out, "fn", reseller);
  out.end_array();
  out.end_array();
  out.end_object();
}

void write_secure_dns(JsonWriter& out, const model::Domain& domain) {
  out.key("secureDNS");
  out.begin_object();
  out.key("delegationSigned");
  out.boolean(!domain.ds.empty() || !domain.keys.empty());
  if (domain.max_sig_life && (!domain.ds.empty() || !domain.keys.empty())) {
    out.key("maxSigLife");
    out.integer(*domain.max_sig_life);
  }
  if (!domain.ds.empty()) {
    out.key("dsData");
    out.begin_array();
    for (const auto& ds : domain.ds) {
      out.begin_object();
      out.key("keyTag");
      out.integer(ds.key_tag);
      out.key("algorithm");
      out.integer(ds.algorithm);
      out.member("digest", ds.digest);
      out.key("digestType");
      out.integer(ds.digest_type);
      out.end_object();
    }
    out.end_array();
  }
  if (!domain.keys.empty()) {
    out.key("keyData");
    out.begin_array();
    for (const auto& key : domain.keys) {
      out.begin_object();
      out.key("flags");
      out.integer(key.flags);
      out.key("protocol");
      out.integer(key.protocol);
      out.member("publicKey", key.public_key);
      out.key("algorithm");
      out.integer(key.algorithm);
      out.end_object();
    }
    out.end_array();
  }
  out.end_object();
}

void write_names(JsonWriter& out, const DomainName& name) {
  out.member("ldhName", name.ldh);
  if (name.is_idn()) out.member("unicodeName", name.unicode);
}

}  // namespace

std::string rdap_status(std::string_view epp) {
  // RFC 8056 §2: the EPP statuses that are not simply split at their capitals.
  if (epp == "ok") return "active";
  if (epp == "linked") return "associated";
  std::string out;
  out.reserve(epp.size() + 4);
  for (const char c : epp) {
    if (c >= 'A' && c <= 'Z') {
      out += ' ';
      out += static_cast<char>(c - 'A' + 'a');
    } else {
      out += c;
    }
  }
  return out;
}

bool write_domain(JsonWriter& out, const model::Registration& registration, const policy::Decision& decision,
                  const Context& context, Detail detail, std::string_view object_path,
                  catalog::FieldSet& served) {
  const model::Domain& domain = registration.domain;
  const Settings& settings = *context.settings;
  Redactions redactions(object_path);

  if (detail == Detail::id) {
    write_id_result(out, "domain", domain.name, context);
    served.insert(*catalog::find_field(Role::none, Element::domain_name));
    return false;
  }
  const DomainFields fields(decision, redactions, served);
  out.begin_object();
  out.member("objectClassName", "domain");
  if (fields.show(Element::domain_handle, !domain.roid.empty())) {
    out.member("handle", domain.roid);
  }
  // The name is what the object is: RDAP has no domain without it.
  write_names(out, domain.name);
  served.insert(*catalog::find_field(Role::none, Element::domain_name));
  out.key("links");
  out.begin_array();
  write_link(out, context.query_url, "self", object_url(context.base_url, "domain/", domain.name.ldh),
             kRdapJson);
  if (detail == Detail::full && settings.mode == model::Operator::registry &&
      !registration.registrar.rdap_base_url.empty()) {
    write_link(out, context.query_url, "related",
               with_trailing_slash(registration.registrar.rdap_base_url) + "domain/" + domain.name.ldh,
               kRdapJson);
  }
  out.end_array();
  if (fields.show(Element::domain_status)) write_statuses(out, domain.statuses);
  const bool expires = fields.show(Element::domain_expires, domain.expires.has_value());
  out.key("events");
  out.begin_array();
  if (fields.show(Element::domain_created, domain.created.has_value())) {
    write_event(out, "registration", domain.created);
  }
  if (expires) write_event(out, "expiration", domain.expires);
  if (expires && settings.mode == model::Operator::registrar) {
    write_event(out, "registrar expiration", domain.expires);
  }
  if (fields.show(Element::domain_updated, domain.updated.has_value())) {
    write_event(out, "last changed", domain.updated);
  }
  write_event(out, "transfer", domain.transferred);
  if (detail == Detail::full) write_event(out, "last update of RDAP database", context.database_updated);
  out.end_array();
  if (detail == Detail::brief) {
    const bool redacted = !redactions.empty();  // a withheld handle, status or date
    if (redacted) redactions.write(out);
    out.end_object();
    return redacted;
  }

  if (fields.show(Element::domain_dnssec)) write_secure_dns(out, domain);
  if (!settings.port43.empty() && fields.show(Element::registrar_whois_server)) {
    out.member("port43", settings.port43);
  }
  if (fields.show(Element::domain_nameservers, !registration.nameservers.empty())) {
    out.key("nameservers");
    out.begin_array();
    for (const auto& host : registration.nameservers)
      write_nameserver(out, host, context, Detail::brief, false);
    out.end_array();
  }

  out.key("entities");
  out.begin_array();
  write_registrar_entity(out, registration.registrar, context, false, fields);
  // The relay reaches the registrant (or its agent), so only the registrant's email gives way to the form.
  const std::string registrant_form =
      settings.contact_url.empty() ? std::string() : contact_form_url(settings.contact_url, domain.name.ldh);
  for (const Role role : {Role::registrant, Role::admin, Role::tech, Role::billing, Role::agent}) {
    const bool omit = decision.omits_contact(role);
    bool omitted = false;
    for (const auto& [contact_role, contact] : registration.contacts) {
      if (policy::catalog_role(contact_role) != role) continue;
      if (omit) {
        // An agent withheld whole leaves no trace: whether one was designated is the registrant's business.
        if (!omitted && role != Role::agent)
          redactions.add_contact(role, decision[*contact_fields(role).name].reason);
        omitted = true;
        continue;
      }
      write_contact(out, role, contact, decision, redactions, served,
                    role == Role::registrant ? std::string_view(registrant_form) : std::string_view());
    }
  }
  // A withheld reseller keeps its entity with an empty fn: the catalogue redacts it by emptyValue.
  if (!domain.reseller.empty()) {
    write_reseller(out, fields.show(Element::domain_reseller) ? std::string_view(domain.reseller) : "");
  }
  out.end_array();

  const bool redacted = !redactions.empty();
  if (redacted) redactions.write(out);
  out.end_object();
  return redacted;
}

void write_id_result(JsonWriter& out, std::string_view object_class, const DomainName& name,
                     const Context& context) {
  out.begin_object();
  out.member("objectClassName", object_class);
  write_names(out, name);
  out.key("links");
  out.begin_array();
  write_link(out, context.query_url, "self",
             object_url(context.base_url, object_class == "domain" ? "domain/" : "nameserver/", name.ldh),
             kRdapJson);
  out.end_array();
  out.end_object();
}

void write_nameserver(JsonWriter& out, const model::Host& host, const Context& context, Detail detail,
                      bool lookup) {
  if (detail == Detail::id) {
    write_id_result(out, "nameserver", host.name, context);
    return;
  }
  out.begin_object();
  out.member("objectClassName", "nameserver");
  if (lookup) out.member("handle", host.roid);
  write_names(out, host.name);
  if (!host.ipv4.empty() || !host.ipv6.empty()) {
    out.key("ipAddresses");
    out.begin_object();
    if (!host.ipv4.empty()) {
      out.key("v4");
      out.begin_array();
      for (const auto& ip : host.ipv4) out.string(ip);
      out.end_array();
    }
    if (!host.ipv6.empty()) {
      out.key("v6");
      out.begin_array();
      for (const auto& ip : host.ipv6) out.string(ip);
      out.end_array();
    }
    out.end_object();
  }
  out.key("links");
  out.begin_array();
  write_link(out, context.query_url, "self", object_url(context.base_url, "nameserver/", host.name.ldh),
             kRdapJson);
  out.end_array();
  if (lookup) {
    write_statuses(out, host.statuses);
    out.key("events");
    out.begin_array();
    write_event(out, "registration", host.created);
    write_event(out, "last changed", host.updated);
    write_event(out, "transfer", host.transferred);
    if (detail == Detail::full) write_event(out, "last update of RDAP database", context.database_updated);
    out.end_array();
    if (!context.settings->port43.empty()) out.member("port43", context.settings->port43);
  }
  out.end_object();
}

bool write_contact_entity(JsonWriter& out, const model::Contact& contact, const policy::Decision& decision,
                          const Context& context, catalog::FieldSet& served) {
  Redactions redactions("$", true);
  // No contact-uri here: the relay's form names one domain, and a contact looked up on its own may hold
  // several or none. Its withheld email is removed.
  write_contact(out, Role::registrant, contact, decision, redactions, served, {}, &context);
  return !redactions.empty();
}

void write_registrar(JsonWriter& out, const model::Registrar& registrar, const Context& context,
                     bool lookup) {
  write_registrar_entity(out, registrar, context, lookup, DomainFields());
}

}  // namespace ssad::rdap
