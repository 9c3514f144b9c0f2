#include "config/config.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <fstream>
#include <set>
#include <sstream>

#include <arpa/inet.h>
// clang-format off
#include <utility>  // before Boost: see http/asio.hpp
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/network_v4.hpp>
#include <boost/asio/ip/network_v6.hpp>
// clang-format on
#include <toml++/toml.h>

namespace ssad::config {
namespace {

struct Reader {
  const toml::table& root;
  std::string_view source;
  std::optional<Error> error;

  void bad(const std::string& key, const std::string& why) {
    if (!error) error = Error{ErrorCode::invalid_input, std::string(source) + ": " + key + ": " + why};
  }

  // The same for a key of one of several tables of one name ([[oidc.issuer]]), which the key's name
  // alone does not identify: the line says which.
  void bad_at(const toml::node& where, const std::string& key, const std::string& why) {
    if (!error) {
      error = Error{ErrorCode::invalid_input, std::string(source) + " line " +
                                                  std::to_string(where.source().begin.line) + ": " + key +
                                                  ": " + why};
    }
  }

  // Fails on keys the config does not know, so that a typo is not silently ignored.
  void only(const toml::table& table, std::string_view prefix, const std::set<std::string_view>& known) {
    for (const auto& [key, value] : table) {
      if (!known.contains(key.str())) bad(std::string(prefix) + std::string(key.str()), "unknown key");
    }
  }

  void text(const toml::table& t, const char* section, const char* key, std::string& out) {
    if (const auto* node = t.get(key)) {
      if (auto v = node->value<std::string>())
        out = *v;
      else
        bad(std::string(section) + "." + key, "must be a string");
    }
  }

  void number(const toml::table& t, const char* section, const char* key, unsigned& out, unsigned min,
              unsigned max) {
    if (const auto* node = t.get(key)) {
      // An integer node only: toml++'s value<int64_t>() also converts floats, overflowing (undefined
      // behaviour) on one beyond int64's range.
      const auto* integer = node->as_integer();
      const std::optional<std::int64_t> v =
          integer != nullptr ? std::optional<std::int64_t>(integer->get()) : std::nullopt;
      if (!v || *v < min || *v > max) {
        bad(std::string(section) + "." + key,
            "must be a whole number from " + std::to_string(min) + " to " + std::to_string(max));
      } else {
        out = static_cast<unsigned>(*v);
      }
    }
  }

  void real(const toml::table& t, const char* section, const char* key, double& out, double min, double max) {
    if (const auto* node = t.get(key)) {
      const std::optional<double> v = node->value<double>();
      if (!v || !(*v >= min && *v <= max)) {
        bad(std::string(section) + "." + key,
            "must be a number from " + std::to_string(min) + " to " + std::to_string(max));
      } else {
        out = *v;
      }
    }
  }

  // A subtable of a section ([abuse.volume]); nullptr when absent or not a table (then reported).
  const toml::table* subtable(const toml::table& t, const char* section, const char* key) {
    const auto* node = t.get(key);
    if (node == nullptr) return nullptr;
    if (!node->is_table()) {
      bad(std::string(section) + "." + key, "must be a table ([" + std::string(section) + "." + key + "])");
      return nullptr;
    }
    return node->as_table();
  }

  void action(const toml::table& t, const char* section, const char* key, std::string& out) {
    text(t, section, key, out);
    if (out != "flag" && out != "throttle" && out != "suspend_credential" && out != "suspend_accreditation") {
      bad(std::string(section) + "." + key,
          "must be flag, throttle, suspend_credential or suspend_accreditation");
    }
  }

  void fraction(const toml::table& t, const char* section, const char* key, double& out) {
    if (const auto* node = t.get(key)) {
      const std::optional<double> v = node->value<double>();
      if (!v || !(*v >= 0.0 && *v <= 1.0)) {
        bad(std::string(section) + "." + key, "must be a number from 0 to 1");
      } else {
        out = *v;
      }
    }
  }

  void texts(const toml::table& t, const char* section, const char* key, std::vector<std::string>& out) {
    if (const auto* node = t.get(key)) {
      const auto* array = node->as_array();
      if (array == nullptr) {
        bad(std::string(section) + "." + key, "must be an array of strings");
        return;
      }
      out.clear();
      for (const auto& element : *array) {
        if (auto v = element.value<std::string>()) {
          out.push_back(*v);
        } else {
          bad(std::string(section) + "." + key, "must be an array of strings");
        }
      }
    }
  }

  void boolean(const toml::table& t, const char* section, const char* key, bool& out) {
    if (const auto* node = t.get(key)) {
      if (auto v = node->value<bool>())
        out = *v;
      else
        bad(std::string(section) + "." + key, "must be true or false");
    }
  }

  const toml::table* section(const char* name) {
    const auto* node = root.get(name);
    if (node == nullptr) return nullptr;
    if (!node->is_table()) {
      bad(name, "must be a table ([" + std::string(name) + "])");
      return nullptr;
    }
    return node->as_table();
  }
};

// An IP address or a CIDR without host bits ("10.0.0.0/8", "2001:db8::/32"), as http::TrustedProxies
// reads it.
bool is_address_or_cidr(const std::string& text) {
  namespace ip = boost::asio::ip;
  boost::system::error_code ec;
  if (text.find('/') == std::string::npos) {
    (void)ip::make_address(text, ec);
    return !ec;
  }
  if (text.find(':') == std::string::npos) {
    const ip::network_v4 network = ip::make_network_v4(text, ec);
    return !ec && network.network() == network.address();
  }
  const ip::network_v6 network = ip::make_network_v6(text, ec);
  return !ec && network.network() == network.address();
}

// The host of an http:// or https:// URL ("[::1]" as "::1"), or "" when there is none.
std::string url_host(std::string_view url) {
  const auto start = url.find("://");
  if (start == std::string_view::npos) return "";
  std::string_view rest = url.substr(start + 3);
  rest = rest.substr(0, rest.find_first_of("/?#"));
  if (const auto at = rest.rfind('@'); at != std::string_view::npos) rest.remove_prefix(at + 1);
  if (rest.starts_with('[')) {
    const auto close = rest.find(']');
    return close == std::string_view::npos ? "" : std::string(rest.substr(1, close - 1));
  }
  return std::string(rest.substr(0, rest.find(':')));
}

// [[oidc.issuer]] tables: each complete, with exactly one source of keys, and no issuer twice.
void read_oidc_issuers(Reader& r, const toml::node& node, std::vector<OidcIssuerConfig>& out) {
  const auto* array = node.as_array();
  if (array == nullptr || !array->is_array_of_tables()) {
    r.bad("oidc.issuer", "must be [[oidc.issuer]] tables, one per issuer");
    return;
  }
  std::set<std::string> seen;
  for (const auto& element : *array) {
    const auto& table = *element.as_table();
    for (const auto& [key, value] : table) {
      if (!std::set<std::string_view>{"issuer", "name", "audience", "jwks_file", "jwks_url"}.contains(
              key.str())) {
        r.bad_at(value, "oidc.issuer." + std::string(key.str()), "unknown key");
      }
    }
    OidcIssuerConfig issuer;
    for (const auto& [key, member] : {std::pair{"issuer", &issuer.issuer},
                                      {"name", &issuer.name},
                                      {"audience", &issuer.audience},
                                      {"jwks_file", &issuer.jwks_file},
                                      {"jwks_url", &issuer.jwks_url}}) {
      if (const auto* value = table.get(key)) {
        if (auto text = value->value<std::string>()) {
          *member = *text;
        } else {
          r.bad_at(*value, "oidc.issuer." + std::string(key), "must be a string");
        }
      }
    }
    for (const auto& [key, member] :
         {std::pair{"issuer", &issuer.issuer}, {"name", &issuer.name}, {"audience", &issuer.audience}}) {
      if (member->empty())
        r.bad_at(table, "oidc.issuer." + std::string(key), "is required and must not be empty");
    }
    if (issuer.jwks_file.empty() == issuer.jwks_url.empty()) {
      r.bad_at(table, "oidc.issuer", "needs exactly one of jwks_file and jwks_url");
    }
    if (!issuer.jwks_url.empty() && !issuer.jwks_url.starts_with("https://") &&
        !(issuer.jwks_url.starts_with("http://") && is_loopback(url_host(issuer.jwks_url)))) {
      r.bad_at(*table.get("jwks_url"), "oidc.issuer.jwks_url",
               "must be an https:// URL (http:// only to localhost, 127.0.0.0/8 or ::1)");
    }
    if (!issuer.issuer.empty() && !seen.insert(issuer.issuer).second) {
      r.bad_at(table, "oidc.issuer.issuer", "'" + issuer.issuer + "' is configured twice");
    }
    out.push_back(std::move(issuer));
  }
}

// The authority of a URL ("user@host:port"), or "" when it has none.
std::string_view url_authority(std::string_view url) {
  const auto start = url.find("://");
  if (start == std::string_view::npos) return "";
  const std::string_view rest = url.substr(start + 3);
  return rest.substr(0, rest.find_first_of("/?#"));
}

void check_smtp(Reader& r, const SmtpConfig& smtp) {
  if (smtp.starttls != "off" && smtp.starttls != "opportunistic" && smtp.starttls != "required") {
    r.bad("smtp.starttls", "must be off, opportunistic or required");
  }
  if (!smtp.password.empty() && smtp.username.empty()) r.bad("smtp.password", "needs smtp.username");
  if (smtp.url.empty()) return;
  const bool smtps = smtp.url.starts_with("smtps://");
  if (!smtps && !smtp.url.starts_with("smtp://")) {
    r.bad("smtp.url", "must be an smtp:// or smtps:// URL");
    return;
  }
  const std::string_view authority = url_authority(smtp.url);
  if (authority.find('@') != std::string_view::npos) {
    r.bad("smtp.url", "must not hold credentials: set smtp.username and smtp.password");
  }
  if (smtp.from.empty()) {
    r.bad("smtp.from", "is required with smtp.url");
  } else if (!is_plain_address(smtp.from)) {
    r.bad("smtp.from", "must be a plain email address (ssad@operator.example), without a display name");
  }
  // A password sent where TLS is not certain could be read by anyone on the path.
  if (!smtp.username.empty() && !smtps && smtp.starttls != "required" && !is_loopback(url_host(smtp.url))) {
    r.bad("smtp.username", "would send the password unencrypted: use smtps:// or starttls = \"required\"");
  }
}

// A signed webhook's URL and secret, keys `url_key` and `secret_key` ("webhook.url", "abuse.webhook_url").
void check_webhook(Reader& r, const std::string& url, const std::string& secret, const std::string& url_key,
                   const std::string& secret_key) {
  if (url.empty()) return;
  if (!url.starts_with("https://") && !(url.starts_with("http://") && is_loopback(url_host(url)))) {
    r.bad(url_key, "must be an https:// URL (http:// only to localhost, 127.0.0.0/8 or ::1)");
  }
  // A short secret could be found from one signed call offline.
  if (secret.size() < 32) {
    r.bad(secret_key,
          "must be at least 32 bytes with " + url_key + " (for example: openssl rand -base64 32)");
  }
}

void read_abuse(Reader& r, const toml::table& t, AbuseConfig& a) {
  r.only(
      t, "abuse.",
      {"credential_failures_per_minute", "credential_failures_burst", "monitoring", "node", "sync_seconds",
       "country_database", "webhook_url", "webhook_secret", "volume", "enumeration", "malformed",
       "duplicates", "false_urgent", "purposes", "retention", "shared_credential", "throttle", "escalation"});
  r.number(t, "abuse", "credential_failures_per_minute", a.credential_failures_per_minute, 0, 1000000);
  r.number(t, "abuse", "credential_failures_burst", a.credential_failures_burst, 1, 1000000);
  r.boolean(t, "abuse", "monitoring", a.monitoring);
  r.text(t, "abuse", "node", a.node);
  r.number(t, "abuse", "sync_seconds", a.sync_seconds, 1, 3600);
  r.text(t, "abuse", "country_database", a.country_database);
  r.text(t, "abuse", "webhook_url", a.webhook_url);
  r.text(t, "abuse", "webhook_secret", a.webhook_secret);
  if (a.node.size() > 64) r.bad("abuse.node", "must be at most 64 bytes");
  if (const auto* s = r.subtable(t, "abuse", "volume")) {
    r.only(*s, "abuse.volume.", {"factor", "floor_per_hour", "baseline_days", "action"});
    r.real(*s, "abuse.volume", "factor", a.volume.factor, 1, 1000);
    r.number(*s, "abuse.volume", "floor_per_hour", a.volume.floor_per_hour, 0, 100000000);
    r.number(*s, "abuse.volume", "baseline_days", a.volume.baseline_days, 1, 90);
    r.action(*s, "abuse.volume", "action", a.volume.action);
  }
  if (const auto* s = r.subtable(t, "abuse", "enumeration")) {
    r.only(*s, "abuse.enumeration.",
           {"sequence_run", "sample", "not_found_ratio", "distinct_per_day", "one_signal", "two_signals"});
    r.number(*s, "abuse.enumeration", "sequence_run", a.enumeration.sequence_run, 0, 1000000);
    r.number(*s, "abuse.enumeration", "sample", a.enumeration.sample, 0, 100000);
    r.fraction(*s, "abuse.enumeration", "not_found_ratio", a.enumeration.not_found_ratio);
    r.number(*s, "abuse.enumeration", "distinct_per_day", a.enumeration.distinct_per_day, 0, 100000000);
    r.action(*s, "abuse.enumeration", "one_signal", a.enumeration.one_signal);
    r.action(*s, "abuse.enumeration", "two_signals", a.enumeration.two_signals);
  }
  const auto count_and_action = [&](const char* key, const char* count_key, unsigned& count, unsigned max,
                                    std::string& action) {
    if (const auto* s = r.subtable(t, "abuse", key)) {
      const std::string section = std::string("abuse.") + key;
      r.only(*s, section + ".", {count_key, "action"});
      r.number(*s, section.c_str(), count_key, count, 0, max);
      r.action(*s, section.c_str(), "action", action);
    }
  };
  count_and_action("malformed", "per_hour", a.malformed.per_hour, 100000000, a.malformed.action);
  count_and_action("duplicates", "per_day", a.duplicates.per_day, 100000000, a.duplicates.action);
  count_and_action("purposes", "per_day", a.purposes.per_day, 100000000, a.purposes.action);
  if (const auto* s = r.subtable(t, "abuse", "false_urgent")) {
    r.only(*s, "abuse.false_urgent.", {"count", "days", "action"});
    r.number(*s, "abuse.false_urgent", "count", a.false_urgent.count, 0, 100000);
    r.number(*s, "abuse.false_urgent", "days", a.false_urgent.days, 1, 366);
    r.action(*s, "abuse.false_urgent", "action", a.false_urgent.action);
  }
  if (const auto* s = r.subtable(t, "abuse", "retention")) {
    r.only(*s, "abuse.retention.", {"overdue", "scan_seconds", "action"});
    r.number(*s, "abuse.retention", "overdue", a.retention.overdue, 0, 100000000);
    r.number(*s, "abuse.retention", "scan_seconds", a.retention.scan_seconds, 60, 86400);
    r.action(*s, "abuse.retention", "action", a.retention.action);
  }
  if (const auto* s = r.subtable(t, "abuse", "shared_credential")) {
    r.only(*s, "abuse.shared_credential.", {"addresses", "countries", "minutes", "action"});
    r.number(*s, "abuse.shared_credential", "addresses", a.shared_credential.addresses, 0, 100000);
    r.number(*s, "abuse.shared_credential", "countries", a.shared_credential.countries, 0, 300);
    r.number(*s, "abuse.shared_credential", "minutes", a.shared_credential.minutes, 1, 1440);
    r.action(*s, "abuse.shared_credential", "action", a.shared_credential.action);
  }
  if (const auto* s = r.subtable(t, "abuse", "throttle")) {
    r.only(*s, "abuse.throttle.", {"per_minute", "hours"});
    r.number(*s, "abuse.throttle", "per_minute", a.throttle.per_minute, 1, 100000);
    r.number(*s, "abuse.throttle", "hours", a.throttle.hours, 1, 8760);
  }
  if (const auto* s = r.subtable(t, "abuse", "escalation")) {
    r.only(*s, "abuse.escalation.", {"suspensions", "days"});
    r.number(*s, "abuse.escalation", "suspensions", a.escalation.suspensions, 0, 1000);
    r.number(*s, "abuse.escalation", "days", a.escalation.days, 1, 366);
  }
  check_webhook(r, a.webhook_url, a.webhook_secret, "abuse.webhook_url", "abuse.webhook_secret");
}

}  // namespace

Result<Config> parse_config(std::string_view text, std::string_view source) {
  // Debian's toml++ is built with exceptions: a syntax error is thrown, and caught here once.
  toml::table parsed;
  try {
    parsed = toml::parse(text, source);
  } catch (const toml::parse_error& e) {
    return fail(ErrorCode::invalid_input, std::string(source) + " line " +
                                              std::to_string(e.source().begin.line) + ": " +
                                              std::string(e.description()));
  }
  Config config;
  Reader r{parsed, source, std::nullopt};
  r.only(parsed, "",
         {"store", "server", "rdap", "whois", "audit", "policy", "requests", "oidc", "smtp", "webhook",
          "notify", "abuse", "subject", "log"});
  if (const auto* t = r.section("store")) {
    r.only(*t, "store.", {"path", "replica_url"});
    r.text(*t, "store", "path", config.store.path);
    r.text(*t, "store", "replica_url", config.store.replica_url);
  }
  if (const auto* t = r.section("server")) {
    r.only(*t, "server.",
           {"http", "https", "tls_certificate", "tls_private_key", "threads", "read_timeout_seconds",
            "idle_timeout_seconds", "header_limit_bytes", "body_limit_bytes", "workers", "max_connections",
            "max_connections_per_address", "trusted_proxies", "forwarded_header"});
    r.text(*t, "server", "http", config.server.http);
    r.text(*t, "server", "https", config.server.https);
    r.text(*t, "server", "tls_certificate", config.server.tls_certificate);
    r.text(*t, "server", "tls_private_key", config.server.tls_private_key);
    r.number(*t, "server", "threads", config.server.threads, 1, 256);
    r.number(*t, "server", "read_timeout_seconds", config.server.read_timeout_seconds, 1, 3600);
    r.number(*t, "server", "idle_timeout_seconds", config.server.idle_timeout_seconds, 1, 3600);
    r.number(*t, "server", "header_limit_bytes", config.server.header_limit_bytes, 1024, 1 << 20);
    r.number(*t, "server", "body_limit_bytes", config.server.body_limit_bytes, 0, 64 << 20);
    r.number(*t, "server", "workers", config.server.workers, 0, 256);
    r.number(*t, "server", "max_connections", config.server.max_connections, 0, 1000000);
    r.number(*t, "server", "max_connections_per_address", config.server.max_connections_per_address, 0,
             1000000);
    r.texts(*t, "server", "trusted_proxies", config.server.trusted_proxies);
    r.text(*t, "server", "forwarded_header", config.server.forwarded_header);
    std::string& header = config.server.forwarded_header;
    std::transform(header.begin(), header.end(), header.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    // No default: a proxy that writes one header passes the other through as the client sent it, so the
    // wrong guess would let every client choose its own address.
    if (!header.empty() && header != "x-forwarded-for" && header != "forwarded") {
      r.bad("server.forwarded_header", "must be x-forwarded-for or forwarded");
    } else if (header.empty() && !config.server.trusted_proxies.empty()) {
      r.bad("server.forwarded_header",
            "must name the header the trusted proxies write: x-forwarded-for or forwarded");
    }
    for (const std::string& entry : config.server.trusted_proxies) {
      if (!is_address_or_cidr(entry)) {
        r.bad("server.trusted_proxies", "'" + entry +
                                            "' is not an IP address or CIDR (such as 10.0.0.0/8 or "
                                            "2001:db8::/32) without host bits");
      }
    }
    for (const auto& [key, value] :
         {std::pair{"server.http", &config.server.http}, {"server.https", &config.server.https}}) {
      if (r.error || value->empty()) continue;
      if (auto hp = parse_host_port(*value); !hp) r.bad(key, hp.error().message);
    }
    if (!r.error && !config.server.https.empty() &&
        (config.server.tls_certificate.empty() || config.server.tls_private_key.empty())) {
      r.bad("server.https", "needs server.tls_certificate and server.tls_private_key");
    }
  }
  if (const auto* t = r.section("rdap")) {
    r.only(*t, "rdap.",
           {"mode", "base_url", "terms_of_service_url", "port43", "cursor_secret", "page_size",
            "search_min_prefix", "query_budget_ms", "cache_megabytes", "registration_cache_megabytes",
            "rate_limit_per_second", "rate_limit_burst", "search_cost"});
    r.text(*t, "rdap", "mode", config.rdap.mode);
    r.text(*t, "rdap", "base_url", config.rdap.base_url);
    r.text(*t, "rdap", "terms_of_service_url", config.rdap.terms_of_service_url);
    r.text(*t, "rdap", "port43", config.rdap.port43);
    r.text(*t, "rdap", "cursor_secret", config.rdap.cursor_secret);
    r.number(*t, "rdap", "page_size", config.rdap.page_size, 1, 1000);
    r.number(*t, "rdap", "search_min_prefix", config.rdap.search_min_prefix, 1, 63);
    r.number(*t, "rdap", "query_budget_ms", config.rdap.query_budget_ms, 0, 600000);
    r.number(*t, "rdap", "cache_megabytes", config.rdap.cache_megabytes, 0, 1 << 20);
    r.number(*t, "rdap", "registration_cache_megabytes", config.rdap.registration_cache_megabytes, 0,
             1 << 20);
    r.number(*t, "rdap", "rate_limit_per_second", config.rdap.rate_limit_per_second, 0, 1000000);
    r.number(*t, "rdap", "rate_limit_burst", config.rdap.rate_limit_burst, 1, 1000000);
    r.number(*t, "rdap", "search_cost", config.rdap.search_cost, 1, 1000000);
    if (config.rdap.mode != "registry" && config.rdap.mode != "registrar") {
      r.bad("rdap.mode", "must be registry or registrar");
    }
    // Cursors are only as unforgeable as their key: a short one can be guessed from a cursor offline.
    if (!config.rdap.cursor_secret.empty() && config.rdap.cursor_secret.size() < 32) {
      r.bad("rdap.cursor_secret", "must be at least 32 bytes (for example: openssl rand -base64 32)");
    }
    for (const auto& [key, url] : {std::pair{"rdap.base_url", &config.rdap.base_url},
                                   {"rdap.terms_of_service_url", &config.rdap.terms_of_service_url}}) {
      if (!url->empty() && !url->starts_with("https://") && !url->starts_with("http://")) {
        r.bad(key, "must be an http:// or https:// URL");
      }
    }
  }
  if (const auto* t = r.section("whois")) {
    r.only(*t, "whois.", {"listen", "query_limit_bytes", "timeout_seconds"});
    r.text(*t, "whois", "listen", config.whois.listen);
    r.number(*t, "whois", "query_limit_bytes", config.whois.query_limit_bytes, 16, 4096);
    r.number(*t, "whois", "timeout_seconds", config.whois.timeout_seconds, 1, 3600);
    if (!r.error && !config.whois.listen.empty()) {
      if (auto hp = parse_host_port(config.whois.listen); !hp) r.bad("whois.listen", hp.error().message);
    }
  }
  if (const auto* t = r.section("audit")) {
    r.only(*t, "audit.", {"signing_key", "checkpoint_interval_seconds"});
    r.text(*t, "audit", "signing_key", config.audit.signing_key);
    r.number(*t, "audit", "checkpoint_interval_seconds", config.audit.checkpoint_interval_seconds, 1, 86400);
  }
  if (const auto* t = r.section("policy")) {
    r.only(*t, "policy.", {"file"});
    r.text(*t, "policy", "file", config.policy.file);
  }
  if (const auto* t = r.section("requests")) {
    r.only(*t, "requests.",
           {"calendar", "deadlines", "terms_version", "accept_unaccredited", "default_retention_days",
            "max_retention_days", "attachment_max_bytes", "attachment_types", "max_evidence", "watch_seconds",
            "public_url"});
    RequestsConfig& q = config.requests;
    r.text(*t, "requests", "calendar", q.calendar);
    r.text(*t, "requests", "terms_version", q.terms_version);
    if (q.terms_version.empty() || q.terms_version.size() > 64) {
      r.bad("requests.terms_version", "must be 1 to 64 characters");
    }
    r.boolean(*t, "requests", "accept_unaccredited", q.accept_unaccredited);
    r.number(*t, "requests", "default_retention_days", q.default_retention_days, 1, 3660);
    r.number(*t, "requests", "max_retention_days", q.max_retention_days, 1, 3660);
    // Attachments travel base64 in the JSON body: a third larger, within server.body_limit_bytes (a body
    // beyond it is refused whole, 413; docs/config.md says so).
    r.number(*t, "requests", "attachment_max_bytes", q.attachment_max_bytes, 0, 16U << 20U);
    r.texts(*t, "requests", "attachment_types", q.attachment_types);
    r.number(*t, "requests", "max_evidence", q.max_evidence, 0, 100);
    r.number(*t, "requests", "watch_seconds", q.watch_seconds, 1, 3600);
    r.text(*t, "requests", "public_url", q.public_url);
    if (!q.public_url.empty() &&
        !(q.public_url.starts_with("https://") || q.public_url.starts_with("http://"))) {
      r.bad("requests.public_url", "must be an http:// or https:// URL");
    }
    if (const auto* node = t->get("deadlines"); node != nullptr && !node->is_table()) {
      r.bad("requests.deadlines", "must be a table ([requests.deadlines])");
    } else if (node != nullptr) {
      const auto& d = *node->as_table();
      DeadlinesConfig& out = config.requests.deadlines;
      const char* section = "requests.deadlines";
      r.only(d, "requests.deadlines.",
             {"p1_business_days", "p2_business_days", "p3_business_days", "p1_max_calendar_days",
              "p2_max_calendar_days", "p3_max_calendar_days", "max_calendar_days", "nis2", "nis2_hours",
              "warning_fraction"});
      r.number(d, section, "p1_business_days", out.p1_business_days, 1, 30);
      r.number(d, section, "p2_business_days", out.p2_business_days, 1, 30);
      r.number(d, section, "p3_business_days", out.p3_business_days, 1, 30);
      r.number(d, section, "p1_max_calendar_days", out.p1_max_calendar_days, 1, 366);
      r.number(d, section, "p2_max_calendar_days", out.p2_max_calendar_days, 1, 366);
      r.number(d, section, "p3_max_calendar_days", out.p3_max_calendar_days, 1, 366);
      r.number(d, section, "max_calendar_days", out.max_calendar_days, 1, 366);
      r.boolean(d, section, "nis2", out.nis2);
      r.number(d, section, "nis2_hours", out.nis2_hours, 1, 720);
      r.fraction(d, section, "warning_fraction", out.warning_fraction);
      for (const auto& [key, cap] : {std::pair{"p1_max_calendar_days", out.p1_max_calendar_days},
                                     {"p2_max_calendar_days", out.p2_max_calendar_days},
                                     {"p3_max_calendar_days", out.p3_max_calendar_days}}) {
        if (cap > out.max_calendar_days) {
          r.bad(std::string(section) + "." + key, "must not exceed requests.deadlines.max_calendar_days (" +
                                                      std::to_string(out.max_calendar_days) + ")");
        }
      }
    }
  }
  if (const auto* t = r.section("subject")) {
    r.only(
        *t, "subject.",
        {"code_minutes", "code_attempts", "challenges_per_hour", "per_address_per_hour", "session_minutes",
         "relay_max_bytes", "relays_per_domain_per_day", "relays_per_sender_per_day", "agent_answer_days",
         "relay_record_days", "lookup_delay_days", "failed_proofs_per_hour", "contact_url", "operator_name"});
    SubjectConfig& s = config.subject;
    r.number(*t, "subject", "code_minutes", s.code_minutes, 1, 1440);
    r.number(*t, "subject", "code_attempts", s.code_attempts, 1, 100);
    r.number(*t, "subject", "challenges_per_hour", s.challenges_per_hour, 1, 1000);
    r.number(*t, "subject", "per_address_per_hour", s.per_address_per_hour, 1, 1000000);
    r.number(*t, "subject", "session_minutes", s.session_minutes, 1, 1440);
    r.number(*t, "subject", "relay_max_bytes", s.relay_max_bytes, 256, 65536);
    r.number(*t, "subject", "relays_per_domain_per_day", s.relays_per_domain_per_day, 0, 100000);
    r.number(*t, "subject", "relays_per_sender_per_day", s.relays_per_sender_per_day, 0, 100000);
    r.number(*t, "subject", "agent_answer_days", s.agent_answer_days, 1, 365);
    r.number(*t, "subject", "relay_record_days", s.relay_record_days, 1, 3660);
    r.number(*t, "subject", "lookup_delay_days", s.lookup_delay_days, 0, 3660);
    r.number(*t, "subject", "failed_proofs_per_hour", s.failed_proofs_per_hour, 1, 100000000);
    r.text(*t, "subject", "contact_url", s.contact_url);
    r.text(*t, "subject", "operator_name", s.operator_name);
    if (!s.contact_url.empty() &&
        !(s.contact_url.starts_with("https://") || s.contact_url.starts_with("http://"))) {
      r.bad("subject.contact_url", "must be an http:// or https:// URL");
    }
    if (s.operator_name.empty() || s.operator_name.size() > 200) {
      r.bad("subject.operator_name", "must be 1 to 200 characters");
    }
    // The message travels in a JSON body, escaped: a message the body limit refuses (413) cannot be relayed.
    if (config.server.body_limit_bytes != 0 && s.relay_max_bytes > config.server.body_limit_bytes) {
      r.bad("subject.relay_max_bytes", "must not exceed server.body_limit_bytes (" +
                                           std::to_string(config.server.body_limit_bytes) + ")");
    }
  }
  if (const auto* t = r.section("oidc")) {
    r.only(*t, "oidc.",
           {"clock_skew_seconds", "jwks_refresh_seconds", "jwks_refetch_min_seconds", "verified_token_cache",
            "issuer"});
    r.number(*t, "oidc", "clock_skew_seconds", config.oidc.clock_skew_seconds, 0, 600);
    r.number(*t, "oidc", "jwks_refresh_seconds", config.oidc.jwks_refresh_seconds, 60, 86400);
    r.number(*t, "oidc", "jwks_refetch_min_seconds", config.oidc.jwks_refetch_min_seconds, 1, 3600);
    r.number(*t, "oidc", "verified_token_cache", config.oidc.verified_token_cache, 0, 1000000);
    if (const auto* issuers = t->get("issuer")) read_oidc_issuers(r, *issuers, config.oidc.issuers);
  }
  if (const auto* t = r.section("smtp")) {
    r.only(*t, "smtp.", {"url", "from", "username", "password", "starttls", "ca_file", "timeout_seconds"});
    r.text(*t, "smtp", "url", config.smtp.url);
    r.text(*t, "smtp", "from", config.smtp.from);
    r.text(*t, "smtp", "username", config.smtp.username);
    r.text(*t, "smtp", "password", config.smtp.password);
    r.text(*t, "smtp", "starttls", config.smtp.starttls);
    r.text(*t, "smtp", "ca_file", config.smtp.ca_file);
    r.number(*t, "smtp", "timeout_seconds", config.smtp.timeout_seconds, 1, 300);
    if (!r.error) check_smtp(r, config.smtp);
  }
  if (const auto* t = r.section("webhook")) {
    r.only(*t, "webhook.", {"url", "secret", "timeout_seconds"});
    r.text(*t, "webhook", "url", config.webhook.url);
    r.text(*t, "webhook", "secret", config.webhook.secret);
    r.number(*t, "webhook", "timeout_seconds", config.webhook.timeout_seconds, 1, 300);
    if (!r.error)
      check_webhook(r, config.webhook.url, config.webhook.secret, "webhook.url", "webhook.secret");
  }
  if (const auto* t = r.section("notify")) {
    r.only(*t, "notify.", {"poll_seconds", "max_attempts", "retry_base_seconds", "retry_max_seconds"});
    r.number(*t, "notify", "poll_seconds", config.notify.poll_seconds, 1, 3600);
    r.number(*t, "notify", "max_attempts", config.notify.max_attempts, 1, 100);
    r.number(*t, "notify", "retry_base_seconds", config.notify.retry_base_seconds, 1, 86400);
    r.number(*t, "notify", "retry_max_seconds", config.notify.retry_max_seconds, 1, 604800);
    if (!r.error && config.notify.retry_max_seconds < config.notify.retry_base_seconds) {
      r.bad("notify.retry_max_seconds", "must not be below notify.retry_base_seconds");
    }
  }
  if (const auto* t = r.section("abuse")) read_abuse(r, *t, config.abuse);
  if (const auto* t = r.section("log")) {
    r.only(*t, "log.", {"level", "access_log"});
    r.text(*t, "log", "level", config.log.level);
    r.boolean(*t, "log", "access_log", config.log.access_log);
    const std::set<std::string_view> levels = {"trace", "debug", "info", "warn", "error"};
    if (!levels.contains(config.log.level)) r.bad("log.level", "must be trace, debug, info, warn or error");
  }
  if (r.error) return std::unexpected(*r.error);
  return config;
}

Result<Config> load_config(const std::string& path) {
  const std::ifstream in(path);
  if (!in) return fail(ErrorCode::unavailable, "cannot read config file '" + path + "'");
  std::stringstream text;
  text << in.rdbuf();
  return parse_config(text.str(), path);
}

std::string without_secrets(std::string_view toml) {
  std::string out;
  out.reserve(toml.size());
  while (!toml.empty()) {
    const auto end = toml.find('\n');
    const std::string_view line = toml.substr(0, end);
    toml.remove_prefix(end == std::string_view::npos ? toml.size() : end + 1);
    const auto equals = line.find('=');
    if (equals != std::string_view::npos) {
      std::string key(line.substr(0, equals));
      for (char& c : key) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      if (key.find("secret") != std::string::npos || key.find("password") != std::string::npos) {
        out.append(line.substr(0, equals + 1)).append(" \"(secret)\"\n");
        continue;
      }
    }
    out.append(line).append("\n");
  }
  return out;
}

bool is_loopback(std::string_view host) {
  if (host == "localhost" || host == "::1") return true;
  if (!host.starts_with("127.")) return false;
  in_addr address{};
  return inet_pton(AF_INET, std::string(host).c_str(), &address) == 1;
}

Result<void> check_http_listener(const Config& config, std::string_view listen) {
  SSAD_TRY(hp, parse_host_port(listen));
  if (config.rdap.base_url.empty() && !is_loopback(hp.host)) {
    return fail(ErrorCode::invalid_input,
                "rdap.base_url must be set to serve HTTP on " + std::string(listen) +
                    ": off loopback, the links of responses must not come from a client's Host header");
  }
  return {};
}

Result<HostPort> parse_host_port(std::string_view text) {
  HostPort hp;
  std::string_view port;
  if (text.starts_with('[')) {
    const auto close = text.find(']');
    if (close == std::string_view::npos || close + 1 >= text.size() || text[close + 1] != ':') {
      return fail(ErrorCode::invalid_input, "expected [IPv6]:PORT, not '" + std::string(text) + "'");
    }
    hp.host = text.substr(1, close - 1);
    port = text.substr(close + 2);
  } else {
    const auto colon = text.rfind(':');
    if (colon == std::string_view::npos || colon == 0) {
      return fail(ErrorCode::invalid_input, "expected HOST:PORT, not '" + std::string(text) + "'");
    }
    hp.host = text.substr(0, colon);
    port = text.substr(colon + 1);
  }
  unsigned value = 0;
  auto [ptr, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
  if (ec != std::errc{} || ptr != port.data() + port.size() || value > 65535) {
    return fail(ErrorCode::invalid_input, "bad port in '" + std::string(text) + "'");
  }
  hp.port = static_cast<std::uint16_t>(value);
  return hp;
}

bool is_plain_address(std::string_view address) {
  const auto at = address.find('@');
  if (at == std::string_view::npos || at == 0 || at + 1 == address.size() ||
      address.find('@', at + 1) != std::string_view::npos) {
    return false;
  }
  return std::all_of(address.begin(), address.end(), [](char c) {
    return c > 0x20 && c < 0x7f && std::string_view("<>()[],;:\\\"").find(c) == std::string_view::npos;
  });
}

}  // namespace ssad::config
