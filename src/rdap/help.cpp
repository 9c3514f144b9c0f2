// Use case: /help (RFC 9082 §3.1.6, RFC 9083 §7): every extension the server supports, and how to query.

#include <algorithm>
#include <string>

#include "rdap/response.hpp"
#include "rdap/use_cases.hpp"

namespace ssad::rdap {
namespace {

// The notice that states the limits a client is held to, in the numbers it is configured with.
void write_query_limits(json::JsonWriter& out, const Settings::QueryLimits& limits) {
  out.begin_object();
  out.member("title", "Query limits");
  out.key("description");
  out.begin_array();
  if (limits.per_second == 0) {
    out.string("Anonymous queries are not limited to a fixed number per client.");
  } else {
    // A search costing more than the burst is charged as the burst (abuse::RateLimiter): say what it costs.
    const unsigned burst = std::max(1U, limits.burst);
    const unsigned search = std::min(std::max(1U, limits.search_cost), burst);
    out.string(
        "Anonymous queries: " + std::to_string(limits.per_second) +
        " per second per client (an IPv4 address, or an IPv6 /64), and up to " + std::to_string(burst) +
        " at once after a quiet spell. A search (domains, nameservers or entities; every page) counts as " +
        std::to_string(search) + (search == 1 ? " query." : " queries."));
    out.string(
        "Beyond that the answer is 429 (Too Many Requests) with Retry-After: the whole seconds until the "
        "query would be answered.");
  }
  out.string(
      "Accredited requestors (Authorization: Bearer) are not limited to a fixed number of queries; their "
      "use is monitored for abuse, such as unjustified high-volume automated queries, and access may be "
      "limited or revoked.");
  out.end_array();
  out.end_object();
}

}  // namespace

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
  const bool tokens = !env.settings.oidc_providers.empty();
  if (tokens) out.string("farv1");
  out.end_array();
  if (tokens) {
    // RFC 9560 §4.1, truthfully: bearer tokens from the configured providers, no sessions (§5), no "do not
    // track" (every disclosure is logged), no discovery by user id (farv1_id), issuer named by farv1_iss.
    out.key("farv1_openidcConfiguration");
    out.begin_object();
    out.key("sessionClientSupported").boolean(false);
    out.key("tokenClientSupported").boolean(true);
    out.key("dntSupported").boolean(false);
    out.key("providerDiscoverySupported").boolean(false);
    out.key("issuerIdentifierSupported").boolean(true);
    out.key("implicitTokenRefreshSupported").boolean(false);
    out.key("openidcProviders");
    out.begin_array();
    for (const Settings::OidcProvider& provider : env.settings.oidc_providers) {
      out.begin_object();
      out.member("iss", provider.issuer);
      out.member("name", provider.name);
      out.end_object();
    }
    out.end_array();
    out.end_object();
  }
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
  out.string(
      "Accredited requestors: send Authorization: Bearer with an API key or a token of a listed provider, "
      "and the purpose as farv1_qp (RFC 9560); the fields the disclosure policy gives that requestor and "
      "purpose are then answered with the public ones, and every disclosure is logged.");
  out.end_array();
  out.end_object();
  write_query_limits(out, env.settings.query_limits);
  out.end_array();
  out.end_object();
  Answer answer;
  answer.body = std::string(out.view());
  return answer;
}

}  // namespace ssad::rdap
