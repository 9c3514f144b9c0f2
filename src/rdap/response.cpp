#include "rdap/response.hpp"

namespace ssad::rdap {
namespace {

void write_notice(json::JsonWriter& out, std::string_view title, std::string_view description,
                  std::string_view value, std::string_view rel, std::string_view href,
                  std::string_view type) {
  out.begin_object();
  out.member("title", title);
  out.key("description");
  out.begin_array();
  out.string(description);
  out.end_array();
  out.key("links");
  out.begin_array();
  out.begin_object();
  out.member("value", value);
  out.member("rel", rel);
  out.member("href", href);
  out.member("type", type);
  out.end_object();
  out.end_array();
  out.end_object();
}

}  // namespace

void write_profile_notices(json::JsonWriter& out, const Context& context, bool domain) {
  write_notice(out, "Terms of Service",
               "Access to this registration data is subject to the terms of service at the linked page.",
               context.query_url, "terms-of-service", context.settings->terms_of_service_url, "text/html");
  if (domain) {
    write_notice(out, "Status Codes",
                 "For more information on domain status codes, please visit https://icann.org/epp",
                 context.query_url, "glossary", "https://icann.org/epp", "text/html");
    write_notice(out, "RDDS Inaccuracy Complaint Form",
                 "URL of the ICANN RDDS Inaccuracy Complaint Form: https://icann.org/wicf", context.query_url,
                 "help", "https://icann.org/wicf", "text/html");
  }
}

std::string top_level(std::string_view object, std::initializer_list<std::string_view> conformance,
                      bool redacted, const Context& context, bool domain_notices) {
  json::JsonWriter out(1024);
  out.begin_object();
  out.key("rdapConformance");
  out.begin_array();
  out.string(kLevel0);
  for (const auto token : conformance) out.string(token);
  if (redacted) out.string("redacted");
  out.end_array();
  out.key("notices");
  out.begin_array();
  write_profile_notices(out, context, domain_notices);
  out.end_array();
  out.end_object();
  const std::string_view head = out.view();
  std::string body;
  body.reserve(head.size() + object.size());
  body.append(head.substr(0, head.size() - 1));  // without its '}'
  if (object.size() > 2) {
    body += ',';
    body.append(object.substr(1));
  } else {
    body += '}';
  }
  return body;
}

}  // namespace ssad::rdap
