#include "config/config.hpp"

#include <algorithm>
#include <charconv>
#include <fstream>
#include <functional>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <type_traits>
#include <vector>

#include <gtest/gtest.h>

#include "abuse/enforcement.hpp"
#include "abuse/settings.hpp"

namespace ssad::config {
namespace {

TEST(ConfigTest, AnEmptyFileGivesTheDocumentedDefaults) {
  auto c = parse_config("");
  ASSERT_TRUE(c.has_value()) << c.error().message;
  EXPECT_EQ(c->store.path, "ssad.db");
  EXPECT_EQ(c->server.http, "127.0.0.1:8080");
  EXPECT_EQ(c->server.threads, 2U);
  EXPECT_TRUE(c->log.access_log);
}

TEST(ConfigTest, ReadsEveryKey) {
  auto c = parse_config(R"(
[store]
path = "/var/lib/ssad/ssad.db"
[server]
http = "[::1]:9090"
threads = 4
read_timeout_seconds = 5
idle_timeout_seconds = 60
header_limit_bytes = 16384
body_limit_bytes = 1024
[log]
level = "debug"
access_log = false
)");
  ASSERT_TRUE(c.has_value()) << c.error().message;
  EXPECT_EQ(c->store.path, "/var/lib/ssad/ssad.db");
  EXPECT_EQ(c->server.threads, 4U);
  EXPECT_EQ(c->server.header_limit_bytes, 16384U);
  EXPECT_EQ(c->log.level, "debug");
  EXPECT_FALSE(c->log.access_log);
}

TEST(ConfigTest, ReadsTheRdapWhoisAndTlsKeys) {
  auto c = parse_config(R"(
[server]
http = ""
https = "0.0.0.0:443"
tls_certificate = "/etc/ssad/cert.pem"
tls_private_key = "/etc/ssad/key.pem"
[rdap]
mode = "registrar"
base_url = "https://rdap.registrar.example/rdap/"
terms_of_service_url = "https://registrar.example/terms"
port43 = "whois.registrar.example"
cursor_secret = "s3cret-s3cret-s3cret-s3cret-s3cret"
page_size = 20
search_min_prefix = 3
query_budget_ms = 500
cache_megabytes = 0
rate_limit_per_second = 5
rate_limit_burst = 10
[whois]
listen = "0.0.0.0:43"
query_limit_bytes = 128
timeout_seconds = 3
)");
  ASSERT_TRUE(c.has_value()) << c.error().message;
  EXPECT_EQ(c->server.http, "");
  EXPECT_EQ(c->server.tls_private_key, "/etc/ssad/key.pem");
  EXPECT_EQ(c->rdap.mode, "registrar");
  EXPECT_EQ(c->rdap.cursor_secret, "s3cret-s3cret-s3cret-s3cret-s3cret");
  EXPECT_EQ(c->rdap.page_size, 20U);
  EXPECT_EQ(c->rdap.search_min_prefix, 3U);
  EXPECT_EQ(c->rdap.query_budget_ms, 500U);
  EXPECT_EQ(c->rdap.cache_megabytes, 0U);
  EXPECT_EQ(c->whois.listen, "0.0.0.0:43");
  EXPECT_EQ(c->whois.query_limit_bytes, 128U);
}

TEST(ConfigTest, RefusesInconsistentRdapWhoisAndTlsSettings) {
  const std::pair<const char*, const char*> cases[] = {
      {"[rdap]\nmode = \"registrant\"\n", "rdap.mode"},
      {"[rdap]\nbase_url = \"ftp://x/\"\n", "rdap.base_url"},
      {"[rdap]\npage_size = 0\n", "rdap.page_size"},
      {"[rdap]\nsearch_min_prefix = 0\n", "rdap.search_min_prefix"},
      {"[rdap]\nquery_budget_ms = -1\n", "rdap.query_budget_ms"},
      {"[rdap]\ncursor_secret = \"0123456789abcdef0123456789abcde\"\n",
       "rdap.cursor_secret: must be at least 32"},
      {"[server]\nhttps = \"0.0.0.0:443\"\n", "server.https: needs server.tls_certificate"},
      {"[whois]\nlisten = \"nowhere\"\n", "whois.listen"},
      {"[whois]\nquery_limit_bytes = 1\n", "whois.query_limit_bytes"},
  };
  for (const auto& [text, key] : cases) {
    auto c = parse_config(text);
    ASSERT_FALSE(c.has_value()) << text;
    EXPECT_NE(c.error().message.find(key), std::string::npos) << c.error().message;
  }
}

TEST(ConfigTest, NamesTheKeyThatIsWrong) {
  EXPECT_EQ(parse_config("[store]\npaht = 'x'\n").error().message, "ssad.toml: store.paht: unknown key");
  EXPECT_EQ(parse_config("[sever]\n").error().message, "ssad.toml: sever: unknown key");
  EXPECT_EQ(parse_config("[server]\nthreads = 0\n").error().message,
            "ssad.toml: server.threads: must be a whole number from 1 to 256");
  EXPECT_EQ(parse_config("[server]\nthreads = 'many'\n").error().message,
            "ssad.toml: server.threads: must be a whole number from 1 to 256");
  EXPECT_EQ(parse_config("[log]\nlevel = 'loud'\n").error().message,
            "ssad.toml: log.level: must be trace, debug, info, warn or error");
  EXPECT_EQ(parse_config("[server]\nhttp = 'localhost'\n").error().message,
            "ssad.toml: server.http: expected HOST:PORT, not 'localhost'");
}

TEST(ConfigTest, AFloatIsNotAWholeNumberHoweverLarge) {
  EXPECT_EQ(parse_config("[whois]\nquery_limit_bytes = 300.0\n").error().message,
            "ssad.toml: whois.query_limit_bytes: must be a whole number from 16 to 4096");
  EXPECT_EQ(parse_config("[whois]\nquery_limit_bytes = 1.5e81\n").error().message,
            "ssad.toml: whois.query_limit_bytes: must be a whole number from 16 to 4096");
}

TEST(ConfigTest, ReportsTomlSyntaxErrorsWithTheLine) {
  auto c = parse_config("[store]\npath = \n");
  ASSERT_FALSE(c.has_value());
  EXPECT_EQ(c.error().code, ErrorCode::invalid_input);
  EXPECT_TRUE(c.error().message.starts_with("ssad.toml line 2: ")) << c.error().message;
}

TEST(ConfigTest, AMissingFileIsUnavailable) {
  EXPECT_EQ(load_config("/nonexistent/ssad.toml").error().code, ErrorCode::unavailable);
}

TEST(HostPortTest, SplitsIpv4Ipv6AndNames) {
  EXPECT_EQ(parse_host_port("127.0.0.1:8080").value().port, 8080);
  EXPECT_EQ(parse_host_port("[::1]:43").value().host, "::1");
  EXPECT_EQ(parse_host_port("rdap.example:0").value().port, 0);
  EXPECT_FALSE(parse_host_port("host:99999").has_value());
  EXPECT_FALSE(parse_host_port("[::1]8080").has_value());
  EXPECT_FALSE(parse_host_port(":80").has_value());
}

TEST(ConfigTest, ReadsTheRequestDeadlines) {
  const auto defaults = parse_config("");
  ASSERT_TRUE(defaults.has_value());
  EXPECT_EQ(defaults->requests.calendar, "");
  EXPECT_EQ(defaults->requests.deadlines.p1_business_days, 1U);
  EXPECT_EQ(defaults->requests.deadlines.p1_max_calendar_days, 3U);
  EXPECT_EQ(defaults->requests.deadlines.p3_business_days, 5U);
  EXPECT_EQ(defaults->requests.deadlines.max_calendar_days, 30U);
  EXPECT_FALSE(defaults->requests.deadlines.nis2);
  EXPECT_EQ(defaults->requests.deadlines.nis2_hours, 72U);
  EXPECT_DOUBLE_EQ(defaults->requests.deadlines.warning_fraction, 0.25);
  auto c = parse_config(R"(
[requests]
calendar = "calendars/be.toml"
[requests.deadlines]
p3_business_days = 10
p3_max_calendar_days = 60
max_calendar_days = 90
nis2 = true
warning_fraction = 1
)");
  ASSERT_TRUE(c.has_value()) << c.error().message;
  EXPECT_EQ(c->requests.calendar, "calendars/be.toml");
  EXPECT_EQ(c->requests.deadlines.p3_business_days, 10U);
  EXPECT_EQ(c->requests.deadlines.p3_max_calendar_days, 60U);
  EXPECT_EQ(c->requests.deadlines.max_calendar_days, 90U);
  EXPECT_TRUE(c->requests.deadlines.nis2);
  EXPECT_DOUBLE_EQ(c->requests.deadlines.warning_fraction, 1.0);
}

TEST(ConfigTest, RefusesDeadlinesBeyondTheHardMaximumOrOutOfRange) {
  const std::pair<const char*, const char*> cases[] = {
      {"[requests.deadlines]\np2_max_calendar_days = 31\n",
       "ssad.toml: requests.deadlines.p2_max_calendar_days: must not exceed "
       "requests.deadlines.max_calendar_days "
       "(30)"},
      {"[requests.deadlines]\nmax_calendar_days = 2\n",
       "ssad.toml: requests.deadlines.p1_max_calendar_days: must not exceed "
       "requests.deadlines.max_calendar_days "
       "(2)"},
      {"[requests.deadlines]\nwarning_fraction = 1.5\n",
       "ssad.toml: requests.deadlines.warning_fraction: must be a number from 0 to 1"},
      {"[requests.deadlines]\nwarning_fraction = -0.1\n",
       "ssad.toml: requests.deadlines.warning_fraction: must be a number from 0 to 1"},
      {"[requests.deadlines]\nwarning_fraction = nan\n",
       "ssad.toml: requests.deadlines.warning_fraction: must be a number from 0 to 1"},
      {"[requests.deadlines]\nwarning_fraction = \"a quarter\"\n",
       "ssad.toml: requests.deadlines.warning_fraction: must be a number from 0 to 1"},
      {"[requests.deadlines]\np1_business_days = 31\n",
       "ssad.toml: requests.deadlines.p1_business_days: must be a whole number from 1 to 30"},
      {"[requests.deadlines]\nnis2 = \"yes\"\n", "ssad.toml: requests.deadlines.nis2: must be true or false"},
      {"[requests.deadlines]\np4_business_days = 3\n",
       "ssad.toml: requests.deadlines.p4_business_days: unknown key"},
      {"[requests]\ndeadlines = 3\n",
       "ssad.toml: requests.deadlines: must be a table ([requests.deadlines])"},
      {"[requests]\ncalender = \"x\"\n", "ssad.toml: requests.calender: unknown key"},
  };
  for (const auto& [text, message] : cases) {
    auto c = parse_config(text);
    ASSERT_FALSE(c.has_value()) << text;
    EXPECT_EQ(c.error().code, ErrorCode::invalid_input);
    EXPECT_EQ(c.error().message, message);
  }
}

}  // namespace
}  // namespace ssad::config

namespace ssad::config {
namespace {

TEST(ConfigTest, ReadsTheTrustedOidcIssuers) {
  const auto defaults = parse_config("");
  ASSERT_TRUE(defaults.has_value());
  EXPECT_TRUE(defaults->oidc.issuers.empty());
  auto c = parse_config(R"(
[oidc]
clock_skew_seconds = 30

[[oidc.issuer]]
issuer = "https://idp.example"
name = "Example IdP"
audience = "rdap.nic.example"
jwks_file = "/etc/ssad/idp-jwks.json"

[[oidc.issuer]]
issuer = "https://login.other.example/realms/rdap"
name = "Other"
audience = "rdap"
jwks_url = "https://login.other.example/realms/rdap/certs"

[[oidc.issuer]]
issuer = "http://127.0.0.1:9000"
name = "Test"
audience = "rdap"
jwks_url = "http://[::1]:9000/jwks"
)");
  ASSERT_TRUE(c.has_value()) << c.error().message;
  EXPECT_EQ(c->oidc.clock_skew_seconds, 30U);
  ASSERT_EQ(c->oidc.issuers.size(), 3U);
  EXPECT_EQ(c->oidc.issuers[0].issuer, "https://idp.example");
  EXPECT_EQ(c->oidc.issuers[0].name, "Example IdP");
  EXPECT_EQ(c->oidc.issuers[0].audience, "rdap.nic.example");
  EXPECT_EQ(c->oidc.issuers[0].jwks_file, "/etc/ssad/idp-jwks.json");
  EXPECT_EQ(c->oidc.issuers[0].jwks_url, "");
  EXPECT_EQ(c->oidc.issuers[1].jwks_url, "https://login.other.example/realms/rdap/certs");
  EXPECT_EQ(c->oidc.issuers[2].jwks_url, "http://[::1]:9000/jwks");
}

// An issuer's mistakes name the line of its [[oidc.issuer]] table (or of the key), since the key's name
// does not say which issuer it is.
TEST(ConfigTest, RefusesAnIncompleteOrAmbiguousOidcIssuerWithItsLine) {
  const std::string complete = "issuer = \"https://idp.example\"\nname = \"IdP\"\naudience = \"rdap\"\n";
  const std::pair<std::string, std::string> cases[] = {
      {"[[oidc.issuer]]\nname = \"IdP\"\naudience = \"rdap\"\njwks_file = \"k.json\"\n",
       "ssad.toml line 1: oidc.issuer.issuer: is required and must not be empty"},
      {"[[oidc.issuer]]\nissuer = \"https://idp.example\"\naudience = \"rdap\"\njwks_file = \"k.json\"\n",
       "ssad.toml line 1: oidc.issuer.name: is required and must not be empty"},
      {"[[oidc.issuer]]\nissuer = \"https://idp.example\"\nname = \"IdP\"\naudience = \"\"\njwks_file = "
       "\"k.json\"\n",
       "ssad.toml line 1: oidc.issuer.audience: is required and must not be empty"},
      {"[[oidc.issuer]]\n" + complete,
       "ssad.toml line 1: oidc.issuer: needs exactly one of jwks_file and jwks_url"},
      {"[[oidc.issuer]]\n" + complete + "jwks_file = \"k.json\"\njwks_url = \"https://idp.example/k\"\n",
       "ssad.toml line 1: oidc.issuer: needs exactly one of jwks_file and jwks_url"},
      {"[[oidc.issuer]]\n" + complete + "jwks_url = \"http://idp.example/k\"\n",
       "ssad.toml line 5: oidc.issuer.jwks_url: must be an https:// URL (http:// only to localhost, "
       "127.0.0.0/8 or "
       "::1)"},
      {"[[oidc.issuer]]\n" + complete + "jwks_url = \"http://127.0.0.1.example/k\"\n",
       "ssad.toml line 5: oidc.issuer.jwks_url: must be an https:// URL (http:// only to localhost, "
       "127.0.0.0/8 or "
       "::1)"},
      {"[[oidc.issuer]]\n" + complete + "jwks_file = 7\n",
       "ssad.toml line 5: oidc.issuer.jwks_file: must be a string"},
      {"[[oidc.issuer]]\n" + complete + "jwks_file = \"k.json\"\nclient_id = \"x\"\n",
       "ssad.toml line 6: oidc.issuer.client_id: unknown key"},
      {"[[oidc.issuer]]\n" + complete + "jwks_file = \"k.json\"\n\n[[oidc.issuer]]\n" + complete +
           "jwks_file = \"other.json\"\n",
       "ssad.toml line 7: oidc.issuer.issuer: 'https://idp.example' is configured twice"},
      {"[oidc.issuer]\n" + complete + "jwks_file = \"k.json\"\n",
       "ssad.toml: oidc.issuer: must be [[oidc.issuer]] tables, one per issuer"},
      {"[oidc]\nissuer = \"https://idp.example\"\n",
       "ssad.toml: oidc.issuer: must be [[oidc.issuer]] tables, one per issuer"},
      {"[oidc]\nissuers = []\n", "ssad.toml: oidc.issuers: unknown key"},
  };
  for (const auto& [toml, message] : cases) {
    const auto c = parse_config(toml);
    ASSERT_FALSE(c.has_value()) << toml;
    EXPECT_EQ(c.error().code, ErrorCode::invalid_input);
    EXPECT_EQ(c.error().message, message) << toml;
  }
}

TEST(ConfigTest, AListenerOffLoopbackNeedsTheBaseUrl) {
  Config config;
  for (const char* local : {"127.0.0.1:8080", "127.1.2.3:80", "localhost:8080", "[::1]:8080"}) {
    EXPECT_TRUE(check_http_listener(config, local).has_value()) << local;
  }
  for (const char* open : {"0.0.0.0:8080", "[::]:80", "192.0.2.1:80", "rdap.example:443", "127.example:80"}) {
    const auto refused = check_http_listener(config, open);
    ASSERT_FALSE(refused.has_value()) << open;
    EXPECT_EQ(refused.error().code, ErrorCode::invalid_input);
    EXPECT_NE(refused.error().message.find("rdap.base_url must be set"), std::string::npos);
  }
  config.rdap.base_url = "https://rdap.example/rdap/";
  EXPECT_TRUE(check_http_listener(config, "0.0.0.0:8080").has_value());
}

TEST(ConfigTest, TheExampleFileParsesAndHoldsTheDefaults) {
  auto c = load_config(std::string(SSAD_TEST_DATA_DIR) + "/../../ssad.example.toml");
  ASSERT_TRUE(c.has_value()) << c.error().message;
  auto defaults = parse_config("");
  EXPECT_EQ(c->rdap.page_size, defaults->rdap.page_size);
  EXPECT_EQ(c->rdap.rate_limit_per_second, defaults->rdap.rate_limit_per_second);
  EXPECT_EQ(c->whois.query_limit_bytes, defaults->whois.query_limit_bytes);
  EXPECT_EQ(c->server.https, defaults->server.https);
  EXPECT_EQ(c->server.max_connections, defaults->server.max_connections);
  EXPECT_EQ(c->server.max_connections_per_address, defaults->server.max_connections_per_address);
  EXPECT_EQ(c->server.trusted_proxies, defaults->server.trusted_proxies);
}

// Issue 14: the anonymous limits' search cost and the [abuse] table, with their defaults; a key [abuse]
// does not know is refused as anywhere else.
TEST(ConfigTest, ReadsTheSearchCostAndTheCredentialFailureLimits) {
  const Config defaults = parse_config("").value();
  EXPECT_EQ(defaults.rdap.search_cost, 10U);
  EXPECT_EQ(defaults.abuse.credential_failures_per_minute, 10U);
  EXPECT_EQ(defaults.abuse.credential_failures_burst, 20U);
  auto c = parse_config(R"(
[rdap]
search_cost = 25
[abuse]
credential_failures_per_minute = 3
credential_failures_burst = 6
)");
  ASSERT_TRUE(c.has_value()) << c.error().message;
  EXPECT_EQ(c->rdap.search_cost, 25U);
  EXPECT_EQ(c->abuse.credential_failures_per_minute, 3U);
  EXPECT_EQ(c->abuse.credential_failures_burst, 6U);
  EXPECT_EQ(parse_config("[abuse]\nfailures = 3\n").error().message,
            "ssad.toml: abuse.failures: unknown key");
  EXPECT_EQ(parse_config("[abuse]\ncredential_failures_burst = 0\n").error().message,
            "ssad.toml: abuse.credential_failures_burst: must be a whole number from 1 to 1000000");
  EXPECT_EQ(parse_config("[rdap]\nsearch_cost = 0\n").error().message,
            "ssad.toml: rdap.search_cost: must be a whole number from 1 to 1000000");
  EXPECT_EQ(parse_config("[rdap]\nsearch_cost = 2.5\n").error().message,
            "ssad.toml: rdap.search_cost: must be a whole number from 1 to 1000000");
  EXPECT_EQ(parse_config("abuse = 1\n").error().message, "ssad.toml: abuse: must be a table ([abuse])");
}

// Issue 14: [abuse]'s monitoring keys default to what abuse::MonitorSettings and EnforcementSettings hold
// (apps/ssad/cli.cpp copies one into the other), so that an [abuse] table setting nothing changes nothing.
TEST(ConfigTest, AbuseMonitoringDefaultsAreTheMonitorsOwn) {
  const AbuseConfig a = parse_config("").value().abuse;
  const abuse::MonitorSettings m;
  const abuse::EnforcementSettings e;
  EXPECT_EQ(a.monitoring, m.enabled);
  EXPECT_EQ(a.node, m.node);
  EXPECT_EQ(a.sync_seconds, m.sync_interval.count());
  EXPECT_EQ(a.country_database, "");
  EXPECT_EQ(a.webhook_url, e.webhook_url);
  EXPECT_EQ(a.webhook_secret, "");
  EXPECT_EQ(a.volume.factor, m.volume.factor);
  EXPECT_EQ(a.volume.floor_per_hour, m.volume.floor_per_hour);
  EXPECT_EQ(a.volume.baseline_days, m.volume.baseline_days);
  EXPECT_EQ(a.volume.action, "flag");
  EXPECT_EQ(m.volume.action, store::AbuseAction::flag);
  EXPECT_EQ(a.enumeration.sequence_run, m.enumeration.sequence_run);
  EXPECT_EQ(a.enumeration.sample, m.enumeration.sample);
  EXPECT_EQ(a.enumeration.not_found_ratio, m.enumeration.not_found_ratio);
  EXPECT_EQ(a.enumeration.distinct_per_day, m.enumeration.distinct_per_day);
  EXPECT_EQ(a.enumeration.one_signal, "flag");
  EXPECT_EQ(m.enumeration.one_signal, store::AbuseAction::flag);
  EXPECT_EQ(a.enumeration.two_signals, "suspend_credential");
  EXPECT_EQ(m.enumeration.two_signals, store::AbuseAction::suspend_credential);
  EXPECT_EQ(a.malformed.per_hour, m.malformed.per_hour);
  EXPECT_EQ(a.malformed.action, "throttle");
  EXPECT_EQ(m.malformed.action, store::AbuseAction::throttle);
  EXPECT_EQ(a.duplicates.per_day, m.duplicates.per_day);
  EXPECT_EQ(a.duplicates.action, "throttle");
  EXPECT_EQ(m.duplicates.action, store::AbuseAction::throttle);
  EXPECT_EQ(a.false_urgent.count, m.false_urgent.count);
  EXPECT_EQ(a.false_urgent.days, m.false_urgent.days);
  EXPECT_EQ(a.false_urgent.action, "flag");
  EXPECT_EQ(m.false_urgent.action, store::AbuseAction::flag);
  EXPECT_EQ(a.purposes.per_day, m.purposes.per_day);
  EXPECT_EQ(a.purposes.action, "flag");
  EXPECT_EQ(m.purposes.action, store::AbuseAction::flag);
  EXPECT_EQ(a.retention.overdue, m.retention.overdue);
  EXPECT_EQ(a.retention.scan_seconds, m.retention.scan_interval.count());
  EXPECT_EQ(a.retention.action, "flag");
  EXPECT_EQ(m.retention.action, store::AbuseAction::flag);
  EXPECT_EQ(a.shared_credential.addresses, m.shared_credential.addresses);
  EXPECT_EQ(a.shared_credential.countries, m.shared_credential.countries);
  EXPECT_EQ(a.shared_credential.minutes, m.shared_credential.window.count());
  EXPECT_EQ(a.shared_credential.action, "flag");
  EXPECT_EQ(m.shared_credential.action, store::AbuseAction::flag);
  EXPECT_EQ(a.throttle.per_minute, m.throttle.per_minute);
  EXPECT_EQ(a.throttle.hours, m.throttle.duration.count());
  EXPECT_EQ(a.escalation.suspensions, e.escalate_after);
  EXPECT_EQ(a.escalation.days, e.escalation_days);
}

// The subtables of [abuse]: each of the four actions under every action key, and nothing else; a key no
// subtable knows, a subtable that is not a table, and a subtable's key written in [abuse] itself are
// refused naming the key.
TEST(ConfigTest, ReadsTheAbuseActionsAndRefusesWhatNoSubtableKnows) {
  const std::vector<std::pair<std::string, std::string>> action_keys = {
      {"volume", "action"},    {"enumeration", "one_signal"}, {"enumeration", "two_signals"},
      {"malformed", "action"}, {"duplicates", "action"},      {"false_urgent", "action"},
      {"purposes", "action"},  {"retention", "action"},       {"shared_credential", "action"},
  };
  const auto action_of = [](const AbuseConfig& a, const std::string& table, const std::string& key) {
    if (table == "volume") return a.volume.action;
    if (table == "enumeration")
      return key == "one_signal" ? a.enumeration.one_signal : a.enumeration.two_signals;
    if (table == "malformed") return a.malformed.action;
    if (table == "duplicates") return a.duplicates.action;
    if (table == "false_urgent") return a.false_urgent.action;
    if (table == "purposes") return a.purposes.action;
    if (table == "retention") return a.retention.action;
    return a.shared_credential.action;
  };
  for (const auto& [table, key] : action_keys) {
    const std::string name = "abuse." + table + "." + key;
    for (const char* action : {"flag", "throttle", "suspend_credential", "suspend_accreditation"}) {
      const auto c = parse_config("[abuse." + table + "]\n" + key + " = \"" + action + "\"\n");
      ASSERT_TRUE(c.has_value()) << name << " = " << action << ": " << c.error().message;
      EXPECT_EQ(action_of(c->abuse, table, key), action) << name;
    }
    for (const char* wrong : {"\"Flag\"", "\"ban\"", "\"suspend\"", "\"\"", "\"flag \""}) {
      const auto c = parse_config("[abuse." + table + "]\n" + key + " = " + wrong + "\n");
      ASSERT_FALSE(c.has_value()) << name << " = " << wrong;
      EXPECT_EQ(
          c.error().message,
          "ssad.toml: " + name + ": must be flag, throttle, suspend_credential or suspend_accreditation");
    }
    EXPECT_EQ(parse_config("[abuse." + table + "]\n" + key + " = 1\n").error().message,
              "ssad.toml: " + name + ": must be a string");
  }
  for (const char* table : {"volume", "enumeration", "malformed", "duplicates", "false_urgent", "purposes",
                            "retention", "shared_credential", "throttle", "escalation"}) {
    const std::string name = std::string("abuse.") + table;
    EXPECT_EQ(parse_config("[" + name + "]\nthreshold = 1\n").error().message,
              "ssad.toml: " + name + ".threshold: unknown key");
    EXPECT_EQ(parse_config("[abuse]\n" + std::string(table) + " = 1\n").error().message,
              "ssad.toml: " + name + ": must be a table ([" + name + "])");
    EXPECT_EQ(parse_config("[abuse]\n" + std::string(table) + " = [1]\n").error().message,
              "ssad.toml: " + name + ": must be a table ([" + name + "])");
  }
  // A subtable's key in [abuse] itself, and one subtable's key in another.
  EXPECT_EQ(parse_config("[abuse]\nper_hour = 5\n").error().message,
            "ssad.toml: abuse.per_hour: unknown key");
  EXPECT_EQ(parse_config("[abuse.duplicates]\nper_hour = 5\n").error().message,
            "ssad.toml: abuse.duplicates.per_hour: unknown key");
  EXPECT_EQ(parse_config("[abuse.throttle]\naction = \"flag\"\n").error().message,
            "ssad.toml: abuse.throttle.action: unknown key");
  // Dotted keys are the same tables.
  const auto dotted =
      parse_config("[abuse]\nmalformed.per_hour = 7\nthrottle = { per_minute = 3, hours = 2 }\n");
  ASSERT_TRUE(dotted.has_value()) << dotted.error().message;
  EXPECT_EQ(dotted->abuse.malformed.per_hour, 7U);
  EXPECT_EQ(dotted->abuse.throttle.per_minute, 3U);
  EXPECT_EQ(dotted->abuse.throttle.hours, 2U);
}

// The ranges docs/config.md states in words rather than as "A–B"
// (NumbersAreCheckedAgainstTheirDocumentedRange covers those): the volume factor and the not-found ratio are
// numbers, fractions allowed; whole-number keys refuse fractions; the node's name has a length.
TEST(ConfigTest, RefusesAbuseNumbersOutOfTheirRange) {
  const auto factor = parse_config("[abuse.volume]\nfactor = 2.5\n");
  ASSERT_TRUE(factor.has_value()) << factor.error().message;
  EXPECT_EQ(factor->abuse.volume.factor, 2.5);
  EXPECT_EQ(parse_config("[abuse.volume]\nfactor = 1000\n").value().abuse.volume.factor, 1000.0);
  EXPECT_EQ(parse_config("[abuse.volume]\nfactor = 1\n").value().abuse.volume.factor, 1.0);
  for (const char* bad : {"0.5", "0", "1000.5", "-3", "\"ten\"", "nan", "inf"}) {
    const auto c = parse_config(std::string("[abuse.volume]\nfactor = ") + bad + "\n");
    ASSERT_FALSE(c.has_value()) << bad;
    EXPECT_NE(c.error().message.find("abuse.volume.factor: must be a number from 1"), std::string::npos)
        << c.error().message;
  }
  for (const char* ratio : {"0", "1", "0.25", "1.0"}) {
    EXPECT_TRUE(
        parse_config(std::string("[abuse.enumeration]\nnot_found_ratio = ") + ratio + "\n").has_value())
        << ratio;
  }
  for (const char* bad : {"1.5", "-0.1", "\"most\""}) {
    EXPECT_EQ(
        parse_config(std::string("[abuse.enumeration]\nnot_found_ratio = ") + bad + "\n").error().message,
        "ssad.toml: abuse.enumeration.not_found_ratio: must be a number from 0 to 1")
        << bad;
  }
  EXPECT_EQ(parse_config("[abuse.malformed]\nper_hour = 2.5\n").error().message,
            "ssad.toml: abuse.malformed.per_hour: must be a whole number from 0 to 100000000");
  EXPECT_EQ(parse_config("[abuse.throttle]\nper_minute = 0\n").error().message,
            "ssad.toml: abuse.throttle.per_minute: must be a whole number from 1 to 100000");
  EXPECT_EQ(parse_config("[abuse]\nmonitoring = \"no\"\n").error().message,
            "ssad.toml: abuse.monitoring: must be true or false");
  EXPECT_TRUE(parse_config("[abuse]\nnode = \"" + std::string(64, 'n') + "\"\n").has_value());
  EXPECT_EQ(parse_config("[abuse]\nnode = \"" + std::string(65, 'n') + "\"\n").error().message,
            "ssad.toml: abuse.node: must be at most 64 bytes");
}

// abuse.webhook_url and abuse.webhook_secret follow [webhook]'s rules, naming their own keys, and the
// secret never reaches a message or the configuration's fingerprint.
TEST(ConfigTest, TheAbuseWebhookFollowsTheWebhooksRules) {
  const std::string secret = "webhook_secret = \"0123456789abcdef0123456789abcdef\"\n";
  const std::vector<std::pair<std::string, std::string>> refused = {
      {"webhook_url = \"http://hooks.example/abuse\"\n" + secret, "abuse.webhook_url"},
      {"webhook_url = \"ftp://hooks.example/abuse\"\n" + secret, "abuse.webhook_url"},
      {"webhook_url = \"http://127.0.0.1.example/abuse\"\n" + secret, "abuse.webhook_url"},
      {"webhook_url = \"https://hooks.example/abuse\"\nwebhook_secret = \"hunter2\"\n",
       "abuse.webhook_secret"},
      {"webhook_url = \"https://hooks.example/abuse\"\n", "abuse.webhook_secret"},
      {"webhook_url = 443\n", "abuse.webhook_url"},
  };
  for (const auto& [toml, key] : refused) {
    const auto c = parse_config("[abuse]\n" + toml);
    ASSERT_FALSE(c.has_value()) << toml;
    EXPECT_EQ(c.error().code, ErrorCode::invalid_input);
    EXPECT_EQ(c.error().message.rfind("ssad.toml: " + key + ": ", 0), 0U) << c.error().message;
    EXPECT_EQ(c.error().message.find("hunter2"), std::string::npos) << c.error().message;
  }
  for (const std::string& accepted :
       {"webhook_url = \"https://hooks.example/abuse\"\n" + secret,
        "webhook_url = \"http://127.0.0.1:9000/abuse\"\n" + secret,
        "webhook_url = \"http://[::1]:9000/abuse\"\n" + secret,
        "webhook_url = \"http://localhost/abuse\"\n" + secret, secret, std::string("webhook_url = \"\"\n")}) {
    const auto c = parse_config("[abuse]\n" + accepted);
    EXPECT_TRUE(c.has_value()) << accepted << ": " << c.error().message;
  }
  // Each webhook has its own secret: [webhook]'s does not stand in for [abuse]'s.
  EXPECT_FALSE(parse_config("[webhook]\nurl = \"https://hooks.example/ssad\"\n"
                            "secret = \"0123456789abcdef0123456789abcdef\"\n"
                            "[abuse]\nwebhook_url = \"https://hooks.example/abuse\"\n")
                   .has_value());
  const std::string text =
      without_secrets("[abuse]\nwebhook_secret = \"0123456789abcdef0123456789abcdef\"\n");
  EXPECT_EQ(text.find("0123456789abcdef"), std::string::npos) << text;
}

TEST(ConfigTest, ReadsTheConnectionLimitsAndTrustedProxies) {
  const auto defaults = parse_config("");
  ASSERT_TRUE(defaults.has_value());
  EXPECT_EQ(defaults->server.max_connections, 10000U);
  EXPECT_EQ(defaults->server.max_connections_per_address, 64U);
  EXPECT_TRUE(defaults->server.trusted_proxies.empty());
  auto c = parse_config(R"(
[server]
max_connections = 500
max_connections_per_address = 0
trusted_proxies = ["10.0.0.0/8", "2001:db8::/32", "192.0.2.7"]
forwarded_header = "X-Forwarded-For"
)");
  ASSERT_TRUE(c.has_value()) << c.error().message;
  EXPECT_EQ(c->server.max_connections, 500U);
  EXPECT_EQ(c->server.max_connections_per_address, 0U);
  EXPECT_EQ(c->server.trusted_proxies,
            (std::vector<std::string>{"10.0.0.0/8", "2001:db8::/32", "192.0.2.7"}));
  EXPECT_EQ(c->server.forwarded_header, "x-forwarded-for");
  // Trusted proxies need the header they write named: guessing wrong lets clients choose their address.
  auto unnamed = parse_config("[server]\ntrusted_proxies = [\"10.0.0.0/8\"]\n");
  ASSERT_FALSE(unnamed.has_value());
  EXPECT_NE(unnamed.error().message.find("server.forwarded_header"), std::string::npos)
      << unnamed.error().message;
  EXPECT_FALSE(parse_config("[server]\nforwarded_header = \"x-real-ip\"\n").has_value());
}

TEST(ConfigTest, RefusesABadTrustedProxyByName) {
  for (const char* bad :
       {R"(["10.0.0.0/33"])", R"(["10.1.0.0/8"])", R"(["proxy.example"])", R"("10.0.0.0/8")", R"([10])"}) {
    auto c = parse_config(std::string("[server]\nforwarded_header = \"forwarded\"\ntrusted_proxies = ") +
                          bad + "\n");
    ASSERT_FALSE(c.has_value()) << bad;
    EXPECT_EQ(c.error().code, ErrorCode::invalid_input);
    EXPECT_NE(c.error().message.find("server.trusted_proxies"), std::string::npos) << c.error().message;
  }
  auto c = parse_config("[server]\nforwarded_header = \"forwarded\"\ntrusted_proxies = [\"10.1.0.0/8\"]\n");
  EXPECT_NE(c.error().message.find("'10.1.0.0/8' is not an IP address or CIDR"), std::string::npos)
      << c.error().message;
}

TEST(ConfigTest, RefusesNotificationSettingsThatWouldLeakASecretOrNeverWork) {
  const std::string from = "from = \"ssad@operator.example\"\n";
  const std::string secret = "secret = \"0123456789abcdef0123456789abcdef\"\n";
  const std::vector<std::pair<std::string, std::string>> refused = {
      {"[smtp]\nurl = \"http://mail.example\"\n" + from, "smtp.url"},
      {"[smtp]\nurl = \"smtp://ssad:hunter2@mail.example:587\"\n" + from, "smtp.url"},
      {"[smtp]\nurl = \"smtp://mail.example:587\"\n", "smtp.from"},
      {"[smtp]\nurl = \"smtp://mail.example:587\"\nfrom = \"SSAD <ssad@operator.example>\"\n", "smtp.from"},
      {"[smtp]\nurl = \"smtp://mail.example:587\"\nfrom = \"a@b\\r\\nBcc: c@d\"\n", "smtp.from"},
      {"[smtp]\nstarttls = \"maybe\"\n", "smtp.starttls"},
      {"[smtp]\npassword = \"hunter2\"\n", "smtp.password"},
      {"[smtp]\nurl = \"smtp://mail.example:587\"\nstarttls = \"opportunistic\"\nusername = \"ssad\"\n" +
           from,
       "smtp.username"},
      {"[webhook]\nurl = \"http://hooks.example/ssad\"\n" + secret, "webhook.url"},
      {"[webhook]\nurl = \"https://hooks.example/ssad\"\nsecret = \"short\"\n", "webhook.secret"},
      {"[webhook]\nurl = \"https://hooks.example/ssad\"\n", "webhook.secret"},
      {"[notify]\nretry_base_seconds = 600\nretry_max_seconds = 60\n", "notify.retry_max_seconds"},
  };
  for (const auto& [toml, key] : refused) {
    const auto c = parse_config(toml);
    ASSERT_FALSE(c.has_value()) << toml;
    EXPECT_EQ(c.error().code, ErrorCode::invalid_input);
    EXPECT_NE(c.error().message.find(key), std::string::npos) << c.error().message;
    EXPECT_EQ(c.error().message.find("hunter2"), std::string::npos) << c.error().message;
  }
  // A password may go in plain text to a relay on the same machine, and anywhere over TLS.
  for (const std::string& accepted :
       {"[smtp]\nurl = \"smtp://127.0.0.1:25\"\nstarttls = \"off\"\nusername = \"u\"\npassword = \"p\"\n" +
            from,
        "[smtp]\nurl = \"smtps://mail.example:465\"\nstarttls = \"off\"\nusername = \"u\"\n" + from,
        "[smtp]\nurl = \"smtp://mail.example:587\"\nusername = \"u\"\n" + from,
        "[webhook]\nurl = \"http://[::1]:9000/hook\"\n" + secret}) {
    const auto c = parse_config(accepted);
    EXPECT_TRUE(c.has_value()) << accepted << ": " << c.error().message;
  }
}

}  // namespace
}  // namespace ssad::config

namespace ssad::config {
namespace {

// Every key of docs/config.md, with a value other than its default and how to read it back from Config.
struct Key {
  std::string_view name;   // "server.read_timeout_seconds"
  std::string_view value;  // TOML, not the default
  std::function<std::string(const Config&)> read;
  std::string_view needs = "";  // other keys the value needs, as TOML lines of the same table
};

template <typename T>
std::string text_of(const T& value) {
  if constexpr (std::is_same_v<T, bool>) {
    return value ? "true" : "false";
  } else if constexpr (std::is_same_v<T, std::string>) {
    return '"' + value + '"';
  } else if constexpr (std::is_same_v<T, double>) {
    char text[32];
    const auto end = std::to_chars(std::begin(text), std::end(text), value).ptr;
    return std::string(text, end);
  } else if constexpr (std::is_same_v<T, std::vector<std::string>>) {
    std::string out = "[";
    for (const auto& item : value) out += (out.size() > 1 ? ", \"" : "\"") + item + '"';
    return out + "]";
  } else {
    return std::to_string(value);
  }
}

#define SSAD_KEY(section, member, value)                                                   \
  Key {                                                                                    \
    #section "." #member, value, [](const Config& c) { return text_of(c.section.member); } \
  }

Key needing(Key key, std::string_view needs) {
  key.needs = needs;
  return key;
}

const std::vector<Key>& every_key() {
  static const std::vector<Key> keys = {
      SSAD_KEY(store, path, R"("/var/lib/ssad/other.db")"),
      SSAD_KEY(store, replica_url, R"("postgresql://ssad@replica.internal/ssad")"),
      SSAD_KEY(server, http, R"("[::1]:9090")"),
      needing(SSAD_KEY(server, https, R"("0.0.0.0:8443")"),
              "tls_certificate = \"c.pem\"\ntls_private_key = \"k.pem\""),
      SSAD_KEY(server, tls_certificate, R"("/etc/ssad/cert.pem")"),
      SSAD_KEY(server, tls_private_key, R"("/etc/ssad/key.pem")"),
      SSAD_KEY(server, threads, "7"),
      SSAD_KEY(server, read_timeout_seconds, "11"),
      SSAD_KEY(server, idle_timeout_seconds, "31"),
      SSAD_KEY(server, header_limit_bytes, "16384"),
      SSAD_KEY(server, body_limit_bytes, "1024"),
      SSAD_KEY(server, workers, "3"),
      SSAD_KEY(server, max_connections, "500"),
      SSAD_KEY(server, max_connections_per_address, "8"),
      needing(SSAD_KEY(server, trusted_proxies, R"(["10.0.0.0/8", "2001:db8::/32"])"),
              "forwarded_header = \"x-forwarded-for\""),
      SSAD_KEY(server, forwarded_header, R"("forwarded")"),
      SSAD_KEY(rdap, mode, R"("registrar")"),
      SSAD_KEY(rdap, base_url, R"("https://rdap.registrar.example/rdap/")"),
      SSAD_KEY(rdap, terms_of_service_url, R"("https://registrar.example/terms")"),
      SSAD_KEY(rdap, port43, R"("whois.registrar.example")"),
      SSAD_KEY(rdap, cursor_secret, R"("s3cret-s3cret-s3cret-s3cret-s3cret")"),
      SSAD_KEY(rdap, page_size, "20"),
      SSAD_KEY(rdap, search_min_prefix, "3"),
      SSAD_KEY(rdap, query_budget_ms, "500"),
      SSAD_KEY(rdap, cache_megabytes, "3"),
      SSAD_KEY(rdap, registration_cache_megabytes, "5"),
      SSAD_KEY(rdap, rate_limit_per_second, "5"),
      SSAD_KEY(rdap, rate_limit_burst, "9"),
      SSAD_KEY(rdap, search_cost, "3"),
      SSAD_KEY(whois, listen, R"("0.0.0.0:43")"),
      SSAD_KEY(whois, query_limit_bytes, "128"),
      SSAD_KEY(whois, timeout_seconds, "3"),
      SSAD_KEY(audit, signing_key, R"("/etc/ssad/audit.key")"),
      SSAD_KEY(audit, checkpoint_interval_seconds, "300"),
      SSAD_KEY(policy, file, R"("/etc/ssad/policy.toml")"),
      SSAD_KEY(requests, calendar, R"("/etc/ssad/calendar.toml")"),
      SSAD_KEY(requests, terms_version, R"("2026-12")"),
      SSAD_KEY(requests, accept_unaccredited, "false"),
      SSAD_KEY(requests, default_retention_days, "14"),
      SSAD_KEY(requests, max_retention_days, "90"),
      SSAD_KEY(requests, attachment_max_bytes, "4096"),
      SSAD_KEY(requests, attachment_types, R"(["text/plain"])"),
      SSAD_KEY(requests, max_evidence, "3"),
      SSAD_KEY(requests, watch_seconds, "30"),
      SSAD_KEY(requests, public_url, R"("https://ssad.example/")"),
      SSAD_KEY(requests, deadlines.p1_business_days, "2"),
      SSAD_KEY(requests, deadlines.p2_business_days, "3"),
      SSAD_KEY(requests, deadlines.p3_business_days, "10"),
      needing(SSAD_KEY(requests, deadlines.p1_max_calendar_days, "5"), "deadlines.max_calendar_days = 366"),
      needing(SSAD_KEY(requests, deadlines.p2_max_calendar_days, "20"), "deadlines.max_calendar_days = 366"),
      needing(SSAD_KEY(requests, deadlines.p3_max_calendar_days, "25"), "deadlines.max_calendar_days = 366"),
      needing(SSAD_KEY(requests, deadlines.max_calendar_days, "45"),
              "deadlines.p1_max_calendar_days = 1\ndeadlines.p2_max_calendar_days = 1\n"
              "deadlines.p3_max_calendar_days = 1"),
      SSAD_KEY(requests, deadlines.nis2, "true"),
      SSAD_KEY(requests, deadlines.nis2_hours, "24"),
      SSAD_KEY(requests, deadlines.warning_fraction, "0.5"),
      SSAD_KEY(oidc, clock_skew_seconds, "30"),
      SSAD_KEY(oidc, jwks_refresh_seconds, "600"),
      SSAD_KEY(oidc, jwks_refetch_min_seconds, "10"),
      SSAD_KEY(oidc, verified_token_cache, "500"),
      needing(SSAD_KEY(smtp, url, R"("smtp://mail.operator.example:587")"),
              "from = \"ssad@operator.example\""),
      SSAD_KEY(smtp, from, R"("ssad@operator.example")"),
      SSAD_KEY(smtp, username, R"("ssad")"),
      needing(SSAD_KEY(smtp, password, R"("hunter2-hunter2")"), "username = \"ssad\""),
      SSAD_KEY(smtp, starttls, R"("opportunistic")"),
      SSAD_KEY(smtp, ca_file, R"("/etc/ssad/mail-ca.pem")"),
      SSAD_KEY(smtp, timeout_seconds, "5"),
      needing(SSAD_KEY(webhook, url, R"("https://hooks.operator.example/ssad")"),
              "secret = \"0123456789abcdef0123456789abcdef\""),
      SSAD_KEY(webhook, secret, R"("0123456789abcdef0123456789abcdef")"),
      SSAD_KEY(webhook, timeout_seconds, "20"),
      SSAD_KEY(notify, poll_seconds, "2"),
      SSAD_KEY(notify, max_attempts, "3"),
      needing(SSAD_KEY(notify, retry_base_seconds, "60"), "retry_max_seconds = 604800"),
      needing(SSAD_KEY(notify, retry_max_seconds, "7200"), "retry_base_seconds = 1"),
      SSAD_KEY(abuse, credential_failures_per_minute, "0"),
      SSAD_KEY(abuse, credential_failures_burst, "5"),
      SSAD_KEY(abuse, monitoring, "false"),
      SSAD_KEY(abuse, node, R"("node-1")"),
      SSAD_KEY(abuse, sync_seconds, "30"),
      SSAD_KEY(abuse, country_database, R"("/var/lib/GeoIP/GeoLite2-Country.mmdb")"),
      needing(SSAD_KEY(abuse, webhook_url, R"("https://hooks.operator.example/abuse")"),
              "webhook_secret = \"0123456789abcdef0123456789abcdef\""),
      SSAD_KEY(abuse, webhook_secret, R"("0123456789abcdef0123456789abcdef")"),
      SSAD_KEY(abuse, volume.factor, "20"),
      SSAD_KEY(abuse, volume.floor_per_hour, "1000"),
      SSAD_KEY(abuse, volume.baseline_days, "7"),
      SSAD_KEY(abuse, volume.action, R"("throttle")"),
      SSAD_KEY(abuse, enumeration.sequence_run, "100"),
      SSAD_KEY(abuse, enumeration.sample, "500"),
      SSAD_KEY(abuse, enumeration.not_found_ratio, "0.7"),
      SSAD_KEY(abuse, enumeration.distinct_per_day, "10000"),
      SSAD_KEY(abuse, enumeration.one_signal, R"("throttle")"),
      SSAD_KEY(abuse, enumeration.two_signals, R"("suspend_accreditation")"),
      SSAD_KEY(abuse, malformed.per_hour, "50"),
      SSAD_KEY(abuse, malformed.action, R"("flag")"),
      SSAD_KEY(abuse, duplicates.per_day, "40"),
      SSAD_KEY(abuse, duplicates.action, R"("suspend_credential")"),
      SSAD_KEY(abuse, false_urgent.count, "5"),
      SSAD_KEY(abuse, false_urgent.days, "90"),
      SSAD_KEY(abuse, false_urgent.action, R"("suspend_credential")"),
      SSAD_KEY(abuse, purposes.per_day, "20"),
      SSAD_KEY(abuse, purposes.action, R"("throttle")"),
      SSAD_KEY(abuse, retention.overdue, "10"),
      SSAD_KEY(abuse, retention.scan_seconds, "600"),
      SSAD_KEY(abuse, retention.action, R"("suspend_accreditation")"),
      SSAD_KEY(abuse, shared_credential.addresses, "50"),
      SSAD_KEY(abuse, shared_credential.countries, "5"),
      SSAD_KEY(abuse, shared_credential.minutes, "30"),
      SSAD_KEY(abuse, shared_credential.action, R"("throttle")"),
      SSAD_KEY(abuse, throttle.per_minute, "12"),
      SSAD_KEY(abuse, throttle.hours, "48"),
      SSAD_KEY(abuse, escalation.suspensions, "3"),
      SSAD_KEY(abuse, escalation.days, "60"),
      SSAD_KEY(subject, code_minutes, "10"),
      SSAD_KEY(subject, code_attempts, "3"),
      SSAD_KEY(subject, challenges_per_hour, "4"),
      SSAD_KEY(subject, per_address_per_hour, "50"),
      SSAD_KEY(subject, session_minutes, "20"),
      SSAD_KEY(subject, relay_max_bytes, "4096"),
      SSAD_KEY(subject, relays_per_domain_per_day, "5"),
      SSAD_KEY(subject, relays_per_sender_per_day, "15"),
      SSAD_KEY(subject, agent_answer_days, "7"),
      SSAD_KEY(subject, relay_record_days, "30"),
      SSAD_KEY(subject, lookup_delay_days, "7"),
      SSAD_KEY(subject, failed_proofs_per_hour, "500"),
      SSAD_KEY(subject, contact_url, R"("https://portal.registry.example/contact/{domain}")"),
      SSAD_KEY(subject, operator_name, R"("Example Registry")"),
      SSAD_KEY(log, level, R"("debug")"),
      SSAD_KEY(log, access_log, "false"),
  };
  return keys;
}
#undef SSAD_KEY

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

const std::string kRepo = std::string(SSAD_TEST_DATA_DIR) + "/../..";

// The rows of docs/config.md's table: key -> its meaning.
std::map<std::string, std::string> documented_keys() {
  std::map<std::string, std::string> keys;
  std::istringstream doc(read_file(kRepo + "/docs/config.md"));
  const std::regex row(R"(^\| `([a-z_]+(?:\.[a-z_0-9]+)+)` \| [^|]* \| (.*) \|$)");
  std::smatch m;
  for (std::string line; std::getline(doc, line);) {
    if (std::regex_match(line, m, row)) keys[m[1]] = m[2];
  }
  return keys;
}

// "section.key" for every key = value line of ssad.example.toml.
std::set<std::string> example_keys() {
  std::set<std::string> keys;
  std::istringstream example(read_file(kRepo + "/ssad.example.toml"));
  const std::regex table(R"(^\[([a-z_.]+)\]$)");
  const std::regex assignment(R"(^([a-z_0-9]+) = .*$)");
  std::string section;
  std::smatch m;
  for (std::string line; std::getline(example, line);) {
    if (std::regex_match(line, m, table)) section = m[1];
    if (std::regex_match(line, m, assignment)) keys.insert(section + "." + std::string(m[1]));
  }
  return keys;
}

std::string toml_for(const Key& key, std::string_view value) {
  const auto dot = key.name.find('.');
  return "[" + std::string(key.name.substr(0, dot)) + "]\n" + std::string(key.name.substr(dot + 1)) + " = " +
         std::string(value) + "\n" + std::string(key.needs) + "\n";
}

TEST(ConfigKeysTest, TheDocumentationTheExampleAndThisTestNameTheSameKeys) {
  std::set<std::string> tested;
  for (const Key& key : every_key()) tested.insert(std::string(key.name));
  std::set<std::string> documented;
  for (const auto& [name, meaning] : documented_keys()) documented.insert(name);
  EXPECT_EQ(documented, tested) << "docs/config.md and every_key() differ";
  EXPECT_EQ(example_keys(), tested) << "ssad.example.toml and every_key() differ";
}

// Each key is read into its own member and only there: set alone to a value other than its default, it
// changes exactly one member of Config.
TEST(ConfigKeysTest, EveryKeyIsReadIntoItsOwnSetting) {
  const Config defaults = parse_config("").value();
  for (const Key& key : every_key()) {
    const auto c = parse_config(toml_for(key, key.value));
    ASSERT_TRUE(c.has_value()) << key.name << ": " << c.error().message;
    EXPECT_EQ(key.read(*c), std::string(key.value)) << key.name;
    EXPECT_NE(key.read(defaults), std::string(key.value)) << key.name << ": the test value is the default";
    for (const Key& other : every_key()) {
      if (other.name == key.name ||
          key.needs.find(other.name.substr(other.name.find('.') + 1)) != std::string_view::npos) {
        continue;
      }
      EXPECT_EQ(other.read(*c), other.read(defaults)) << "setting " << key.name << " changed " << other.name;
    }
  }
}

// ssad.example.toml holds every key at the default that docs/config.md gives and Config has.
TEST(ConfigKeysTest, TheExampleHoldsTheDocumentedDefaults) {
  const auto example = load_config(kRepo + "/ssad.example.toml");
  ASSERT_TRUE(example.has_value()) << example.error().message;
  const Config defaults = parse_config("").value();
  std::istringstream doc(read_file(kRepo + "/docs/config.md"));
  const std::regex row(R"(^\| `([a-z_]+(?:\.[a-z_0-9]+)+)` \| `([^`]*)` \|.*$)");
  std::map<std::string, std::string> documented;
  std::smatch m;
  for (std::string line; std::getline(doc, line);) {
    if (std::regex_match(line, m, row)) documented[m[1]] = m[2];
  }
  for (const Key& key : every_key()) {
    EXPECT_EQ(key.read(*example), key.read(defaults)) << key.name;
    EXPECT_EQ(documented[std::string(key.name)], key.read(defaults)) << key.name << " in docs/config.md";
  }
}

// A documented range "(A–B)" (or "(…; A–B)") is the range the parser accepts: both ends are read, one past
// either end is refused naming the key.
TEST(ConfigKeysTest, NumbersAreCheckedAgainstTheirDocumentedRange) {
  const std::regex range("(\\d+)\xE2\x80\x93(\\d+)\\)");  // "A–B)", an en dash
  int ranges = 0;
  for (const auto& [name, meaning] : documented_keys()) {
    std::smatch m;
    if (!std::regex_search(meaning, m, range)) continue;
    ++ranges;
    const auto key = std::ranges::find(every_key(), name, &Key::name);
    ASSERT_NE(key, every_key().end()) << name;
    const long long low = std::stoll(m[1]);
    const long long high = std::stoll(m[2]);
    for (const long long accepted : {low, high}) {
      const auto c = parse_config(toml_for(*key, std::to_string(accepted)));
      ASSERT_TRUE(c.has_value()) << name << " = " << accepted << ": " << c.error().message;
      EXPECT_EQ(key->read(*c), std::to_string(accepted)) << name;
    }
    for (const long long refused : {low - 1, high + 1}) {
      const auto c = parse_config(toml_for(*key, std::to_string(refused)));
      ASSERT_FALSE(c.has_value()) << name << " = " << refused;
      EXPECT_NE(c.error().message.find(name), std::string::npos) << c.error().message;
    }
  }
  EXPECT_EQ(ranges, 76);  // every whole-number key has one
}

TEST(ConfigFingerprintTest, LeavesOutTheValuesOfSecretsAndKeepsEverythingElse) {
  const std::string toml =
      "[rdap]\ncursor_secret = \"s3cret-s3cret-s3cret-s3cret-s3cret\"\nbase_url = "
      "\"https://r.example/rdap/\"\n"
      "[smtp]\nPassword=\"hunter2\"\n# a comment = kept\n";
  const std::string text = without_secrets(toml);
  EXPECT_EQ(text.find("s3cret"), std::string::npos);
  EXPECT_EQ(text.find("hunter2"), std::string::npos);
  EXPECT_NE(text.find("cursor_secret = \"(secret)\""), std::string::npos) << text;
  EXPECT_NE(text.find("base_url = \"https://r.example/rdap/\""), std::string::npos);
  EXPECT_NE(text.find("# a comment = kept"), std::string::npos);
  // Another secret value, the same fingerprint text; another setting, another text.
  std::string other = toml;
  other.replace(other.find("s3cret"), 6, "0ther!");
  EXPECT_EQ(without_secrets(other), text);
  EXPECT_NE(without_secrets(toml + "[log]\nlevel = \"debug\"\n"), text);
}

}  // namespace
}  // namespace ssad::config
