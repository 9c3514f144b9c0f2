// Use case: /help (RFC 9082 §3.1.6, RFC 9083 §7): every extension the server supports, and how to query.

#include "rdap/response.hpp"
#include "rdap/use_cases.hpp"

namespace ssad::rdap {

Result<Answer> help(const Environment& env, const Location& location) {
  Context context;  // no data read: no "last update" needed
  context.settings = &env.settings;
  context.base_url = location.base_url;
  context.query_url = location.query_url;
  json::JsonWriter out;
  out.begin_object();
  out.key("rdapConformance");
  out.begin_array();
  for (const auto token :
       {kLevel0, kProfile, kGuide, std::string_view("redacted"), std::string_view("paging"),
        std::string_view("sorting"), std::string_view("subsetting")}) {
    out.string(token);
  }
  out.end_array();
  out.key("notices");
  out.begin_array();
  write_profile_notices(out, context, false);
  out.begin_object();
  out.member("title", "About this service");
  out.key("description");
  out.begin_array();
  out.string("Lookups: domain/<name>, nameserver/<name>, entity/<IANA registrar ID>.");
  out.string(
      "Searches: domains?name=<pattern>, domains?nsLdhName=<name>, domains?nsIp=<address>, "
      "nameservers?name=<pattern>, nameservers?ip=<address>. A pattern may end a label's prefix "
      "with '*' (exam*.example). Paging with cursor and count (RFC 8977), field sets id, brief and "
      "full (RFC 8982).");
  out.string("Personal data is redacted (RFC 9537). Entity searches are not offered to anonymous clients.");
  out.end_array();
  out.end_object();
  out.end_array();
  out.end_object();
  Answer answer;
  answer.body = std::string(out.view());
  return answer;
}

}  // namespace ssad::rdap
