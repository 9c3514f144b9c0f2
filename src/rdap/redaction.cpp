#include "rdap/redaction.hpp"

namespace ssad::rdap {
namespace {

using catalog::JcardProperty;
using catalog::RdapLocation;
using catalog::RedactionMethod;
using catalog::TelType;

constexpr int kAdrStreet = 2;  // the street component of the jCard adr value (RFC 6350 §6.3.1)

std::string_view property_name(JcardProperty property) {
  switch (property) {
    case JcardProperty::fn:
      return "fn";
    case JcardProperty::org:
      return "org";
    case JcardProperty::adr:
      return "adr";
    case JcardProperty::tel:
      return "tel";
    case JcardProperty::email:
      return "email";
    case JcardProperty::none:
      break;
  }
  return "";
}

std::string_view tel_type_name(TelType type) {
  switch (type) {
    case TelType::voice:
      return "voice";
    case TelType::fax:
      return "fax";
    case TelType::none:
      break;
  }
  return "";
}

// `[?(@.<key>=='<value>')]`: the element of an array of objects whose member equals a string.
void append_member_filter(std::string& path, std::string_view key, std::string_view value) {
  path += "[?(@.";
  path += key;
  path += "=='";
  path += value;
  path += "')]";
}

// The path of the entity holding a field at `at` (the object itself for a domain or registrar member).
// Entities are selected by their first role, as the profile's real-world example and RFC 9537 §5.2 do.
std::string holder_path(const RdapLocation& at, std::string_view object_path, bool contact_at_path) {
  std::string path(object_path);
  for (const std::string_view role :
       {contact_at_path ? std::string_view() : at.entity_role, at.sub_entity_role}) {
    if (role.empty()) continue;
    path += ".entities";
    append_member_filter(path, "roles[0]", role);
  }
  return path;
}

}  // namespace

PathKind path_kind(RedactionMethod method) {
  return method == RedactionMethod::removal ? PathKind::pre_path : PathKind::post_path;
}

std::string redaction_path(const catalog::Field& field, RedactionMethod method, std::string_view object_path,
                           bool contact_at_path) {
  const RdapLocation& at = field.rdap;
  std::string path = holder_path(at, object_path, contact_at_path);
  if (at.property == JcardProperty::none) {
    path += '.';
    path += at.member;
    if (!at.select_key.empty()) append_member_filter(path, at.select_key, at.select_value);
    return path;
  }

  path += ".vcardArray[1]";
  if (at.property == JcardProperty::tel) {
    path += "[?(@[1].type=='";
    path += tel_type_name(at.tel_type);
    path += "')]";
  } else {
    path += "[?(@[0]=='";
    path += property_name(at.property);
    path += "')]";
  }
  if (!at.parameter.empty()) {
    path += "[1].";
    path += at.parameter;
    return path;
  }
  // Removal names the whole property; an extension has no property of its own, so it names the tel.
  if (path_kind(method) == PathKind::pre_path) return path;

  path += "[3]";
  if (at.adr_position == kAdrStreet) {
    // The street together with the post-office box and extended address before it, as RFC 9537 Figure 12
    // and the 2024 profile's example do: they are all street-level components.
    path += "[:3]";
  } else if (at.adr_position > 0) {
    path += '[';
    path += std::to_string(at.adr_position);
    path += ']';
  }
  return path;
}

std::string redaction_path(const catalog::Field& field, std::string_view object_path) {
  return redaction_path(field, field.redaction_method, object_path);
}

std::string contact_uri_path(const catalog::Field& email, std::string_view object_path,
                             bool contact_at_path) {
  std::string path = holder_path(email.rdap, object_path, contact_at_path);
  path += ".vcardArray[1][?(@[0]=='contact-uri')]";
  return path;
}

void Redactions::write(json::JsonWriter& out) const {
  out.key("redacted");
  out.begin_array();
  for (const Entry& entry : entries_) {
    out.begin_object();
    out.key("name");
    out.begin_object();
    if (entry.field == nullptr) {
      out.member("description", catalog::contact_description(entry.role));
    } else {
      out.member(entry.field->registered_name ? "type" : "description", entry.field->redacted_name);
    }
    out.end_object();
    const RedactionMethod method = entry.field == nullptr ? RedactionMethod::removal
                                   : entry.contact_uri    ? RedactionMethod::replacement_value
                                                          : entry.field->redaction_method;
    if (entry.with_path && !object_path_.empty()) {
      if (entry.contact_uri) {
        // The email property is gone (prePath, as for its removal); the web form stands in its place.
        out.member("prePath",
                   redaction_path(*entry.field, RedactionMethod::removal, object_path_, contact_at_path_));
        out.member("replacementPath", contact_uri_path(*entry.field, object_path_, contact_at_path_));
      } else if (entry.field == nullptr) {
        std::string path(object_path_);
        path += ".entities[?(@.roles[0]=='";
        path += catalog::rdap_role(entry.role);
        path += "')]";
        out.member("prePath", path);
      } else {
        const bool pre = path_kind(method) == PathKind::pre_path;
        out.member(pre ? "prePath" : "postPath",
                   redaction_path(*entry.field, method, object_path_, contact_at_path_));
      }
      out.member("pathLang", "jsonpath");
    }
    out.member("method", catalog::to_string(method));
    out.key("reason");
    out.begin_object();
    out.member("description", policy::describe(entry.reason));
    out.end_object();
    out.end_object();
  }
  out.end_array();
}

}  // namespace ssad::rdap
