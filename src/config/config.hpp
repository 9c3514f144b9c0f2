#pragma once
// ssad.toml: every key has a default and a line in docs/config.md. A plain struct (STYLE.md, after
// DuckDB's config): the composition root reads it once and hands the parts to the services.

#include <cstdint>
#include <string>
#include <vector>

#include "core/error.hpp"

namespace ssad::config {

struct StoreConfig {
  std::string path = "ssad.db";  // the SQLite database file, or a postgresql:// URL
  std::string replica_url;       // PostgreSQL: a read replica that serves lookups; "" = the primary
};

struct ServerConfig {
  std::string http = "127.0.0.1:8080";  // HOST:PORT of the HTTP listener (RDAP, API, health); "" = none
  std::string https;                    // HOST:PORT of the HTTPS listener; "" = none
  std::string tls_certificate;          // PEM certificate chain for https
  std::string tls_private_key;          // PEM private key for https
  unsigned threads = 2;                 // threads accepting, reading and writing connections
  unsigned workers = 4;                 // threads answering what needs the store; 0 = the threads above
  unsigned read_timeout_seconds = 10;   // to receive a whole request once it has begun
  unsigned idle_timeout_seconds = 30;   // a keep-alive connection may wait this long for its next request
  unsigned header_limit_bytes = 8192;   // request line and headers; larger requests get 431
  unsigned body_limit_bytes = 65536;    // request body; larger requests get 413
  unsigned max_connections = 10000;     // open at once over HTTP, HTTPS and WHOIS together; 0 = no limit
  unsigned max_connections_per_address = 64;  // of those, from one client (IPv4 address, IPv6 /64)
  std::vector<std::string> trusted_proxies;   // CIDRs whose X-Forwarded-For / Forwarded is believed
  std::string forwarded_header;  // the one the trusted proxies write: "x-forwarded-for" or "forwarded"
};

struct RdapConfig {
  std::string mode = "registry";  // "registry" or "registrar" (ICANN 2024 gTLD profile)
  std::string base_url;           // public URL of /rdap/ ("https://rdap.nic.example/rdap/"); "" = from Host
  std::string terms_of_service_url = "https://www.example/rdap-terms";
  std::string port43;               // WHOIS host name shown as port43; "" = none
  std::string cursor_secret;        // key of paging cursors; "" = random per process
  unsigned page_size = 50;          // search results per page
  unsigned search_min_prefix = 2;   // characters a wildcard search needs before its '*'
  unsigned query_budget_ms = 2000;  // a query's store reads end with 503 after this long; 0 = no limit
  unsigned cache_megabytes = 256;   // rendered lookups kept in memory; 0 = no cache
  unsigned registration_cache_megabytes = 256;  // registrations kept for requestors' lookups; 0 = none
  unsigned rate_limit_per_second = 10;          // anonymous queries per client address; 0 = unlimited
  unsigned rate_limit_burst = 100;              // queries a quiet client may make at once
  unsigned search_cost = 10;                    // queries an anonymous search (each page) counts as
};

struct WhoisConfig {
  std::string listen;                // HOST:PORT of the WHOIS listener ("0.0.0.0:43"); "" = none
  unsigned query_limit_bytes = 255;  // a longer query line is refused
  unsigned timeout_seconds = 10;     // to receive the query line, and to send the answer
};

struct AuditConfig {
  std::string signing_key;  // Ed25519 key file (`ssad audit keygen`) signing checkpoints; "" = none
  unsigned checkpoint_interval_seconds = 60;  // serve signs a checkpoint this often when the log grew
};

struct PolicyConfig {
  std::string file;  // the disclosure policy (docs/policy.md); "" = the built-in default
};

// [requests.deadlines]: how long a disclosure request may wait for its decision (docs/requests.md,
// "Deadlines").
struct DeadlinesConfig {
  unsigned p1_business_days = 1;      // P1 (urgent): business days of the calendar
  unsigned p2_business_days = 2;      // P2 (ICANN administrative proceedings)
  unsigned p3_business_days = 5;      // P3 (everything else)
  unsigned p1_max_calendar_days = 3;  // and calendar days at most, per priority
  unsigned p2_max_calendar_days = 30;
  unsigned p3_max_calendar_days = 30;
  unsigned max_calendar_days = 30;  // every request, whatever its priority
  bool nis2 = false;                // NIS2 Art. 28(5): every request answered within nis2_hours
  unsigned nis2_hours = 72;
  double warning_fraction = 0.25;  // near its deadline with less than this share of its time left
};

struct RequestsConfig {
  std::string calendar;  // the business-day calendar file (docs/requests.md); "" = UTC, Mon–Fri, no holidays
  DeadlinesConfig deadlines;
  std::string terms_version = "1";  // the terms of use every request must accept, by version
  bool accept_unaccredited = true;  // users of organisations without an accreditation may file (reviewed)
  unsigned default_retention_days = 30;   // a field disclosed without a retention of its policy rule
  unsigned max_retention_days = 365;      // the longest retention a request may ask for
  unsigned attachment_max_bytes = 32768;  // one evidence attachment, decoded
  std::vector<std::string> attachment_types{"text/plain", "application/pdf",  "image/png",
                                            "image/jpeg", "application/json", "message/rfc822"};
  unsigned max_evidence = 10;   // evidence items per request
  unsigned watch_seconds = 60;  // how often each node looks for deadlines near or passed
  std::string public_url;       // this API's public URL for links in notifications ("https://…/")
};

// One trusted OpenID Connect issuer ([[oidc.issuer]]): bearer tokens it signs are verified with its keys.
struct OidcIssuerConfig {
  std::string issuer;     // the tokens' iss, exactly ("https://idp.example")
  std::string name;       // for people: /help's openidcProviders
  std::string audience;   // the aud its tokens must carry: this server's client_id there
  std::string jwks_file;  // its JWK Set in a file; or
  std::string jwks_url;   // fetched from this https:// URL (http:// only to a loopback host)
};

struct OidcConfig {
  unsigned clock_skew_seconds = 60;        // allowed difference between an issuer's clock and ours
  unsigned jwks_refresh_seconds = 3600;    // a fetched JWK Set is fetched again after this long
  unsigned jwks_refetch_min_seconds = 30;  // an unknown kid fetches again, at most this often
  unsigned verified_token_cache = 10000;   // verified tokens kept until they expire; 0 = none
  std::vector<OidcIssuerConfig> issuers;   // none: no bearer token is accepted
};

// Email to requestors and reviewers (docs/notifications.md). An empty url turns email off.
struct SmtpConfig {
  std::string url;                    // "smtp://mail.example:587" or "smtps://mail.example:465"; "" = none
  std::string from;                   // the sender's address; required with url
  std::string username;               // "" = no authentication
  std::string password;               // with username
  std::string starttls = "required";  // "off", "opportunistic" or "required" (smtp:// only)
  std::string ca_file;                // PEM certificates the server's must chain to; "" = the system's
  unsigned timeout_seconds = 30;      // for the whole conversation with the server
};

// The operator's webhook: every request event, for the reviewers' tools. An empty url turns it off.
struct WebhookConfig {
  std::string url;                // https:// (http:// only to a loopback host); "" = none
  std::string secret;             // signs each call (Standard Webhooks); at least 32 bytes with url
  unsigned timeout_seconds = 10;  // for each call
};

// How notifications are delivered and retried.
struct NotifyConfig {
  unsigned poll_seconds = 10;         // the outbox is looked at this often
  unsigned max_attempts = 12;         // attempts in all before a notification is given up
  unsigned retry_base_seconds = 30;   // the wait after the first failure, doubled after each further one
  unsigned retry_max_seconds = 3600;  // the longest wait between attempts
};

// [abuse]: what protects the service from abuse beyond the anonymous limits of [rdap] (docs/abuse.md).
// Abuse monitoring of accredited use (docs/abuse.md): every threshold of abuse::MonitorSettings, and what
// each detector does: "flag", "throttle", "suspend_credential" or "suspend_accreditation".
struct AbuseConfig {
  unsigned credential_failures_per_minute = 10;  // failed credential checks per client; 0 = unlimited
  unsigned credential_failures_burst = 20;       // failed checks a client may make at once
  bool monitoring = true;                        // false: no usage is counted and no detector runs
  std::string node;                              // this node's name in shared usage rows; "" = random
  unsigned sync_seconds = 10;                    // usage exchanged with the other nodes this often
  std::string country_database;                  // a MaxMind DB (.mmdb) of countries; "" = none
  std::string webhook_url;     // cases opened and lifted are announced here (Standard Webhooks); "" = none
  std::string webhook_secret;  // signs each call; at least 32 bytes with webhook_url

  struct Volume {
    double factor = 10;             // × the larger of the own and the group's mean hourly volume
    unsigned floor_per_hour = 500;  // and at least this many in the hour
    unsigned baseline_days = 14;    // the baselines' span
    std::string action = "flag";
  } volume;
  struct Enumeration {
    unsigned sequence_run = 50;        // lookups in a row each sorting after the one before
    unsigned sample = 200;             // the latest lookups the not-found ratio is taken over
    double not_found_ratio = 0.8;      // of them not found
    unsigned distinct_per_day = 5000;  // distinct domains in 24 hours
    std::string one_signal = "flag";
    std::string two_signals = "suspend_credential";
  } enumeration;
  struct Malformed {
    unsigned per_hour = 100;
    std::string action = "throttle";
  } malformed;
  struct Duplicates {
    unsigned per_day = 20;
    std::string action = "throttle";
  } duplicates;
  struct FalseUrgent {
    unsigned count = 3;
    unsigned days = 30;
    std::string action = "flag";
  } false_urgent;
  struct Purposes {
    unsigned per_day = 10;
    std::string action = "flag";
  } purposes;
  struct Retention {
    unsigned overdue = 5;
    unsigned scan_seconds = 3600;
    std::string action = "flag";
  } retention;
  struct SharedCredential {
    unsigned addresses = 20;
    unsigned countries = 3;
    unsigned minutes = 60;
    std::string action = "flag";
  } shared_credential;
  struct Throttle {
    unsigned per_minute = 6;
    unsigned hours = 24;
  } throttle;
  struct Escalation {
    unsigned suspensions = 2;  // 0 = never
    unsigned days = 30;
  } escalation;
};

struct LogConfig {
  std::string level = "info";  // trace, debug, info, warn, error
  bool access_log = true;      // one JSON line per HTTP request
};

// The registrant's side (issue 15; docs/subject.md): proof of control by an emailed code, the sessions a
// proof grants, agents, and the contact relay. Mail goes through [smtp]; with no smtp.url, no code and no
// relayed message can be sent (registrars' sessions still work).
struct SubjectConfig {
  unsigned code_minutes = 15;               // how long an emailed code is valid
  unsigned code_attempts = 5;               // wrong codes after which a code is dead
  unsigned challenges_per_hour = 5;         // codes sent per domain (or sender address) per hour
  unsigned per_address_per_hour = 30;       // challenge, verify and relay calls per client address per hour
  unsigned session_minutes = 30;            // how long a proof's session lasts
  unsigned relay_max_bytes = 8192;          // one relayed message's text
  unsigned relays_per_domain_per_day = 10;  // messages relayed to one domain per day
  unsigned relays_per_sender_per_day = 20;  // messages one sender relays per day
  unsigned agent_answer_days = 14;          // a designated agent not answering by then lapses
  unsigned relay_record_days = 90;          // relay records (never the text) are kept this long
  unsigned lookup_delay_days = 30;          // an accredited RDAP lookup shows to the registrant after this
  unsigned failed_proofs_per_hour = 1000;   // wrong codes per hour on each node, all clients together
  std::string contact_url;  // the web form RDAP points to for a redacted email ("…{domain}…"); "" = none
  std::string operator_name = "the registration data operator";  // how emails and reports name us
};

struct Config {
  StoreConfig store;
  ServerConfig server;
  RdapConfig rdap;
  WhoisConfig whois;
  AuditConfig audit;
  PolicyConfig policy;
  RequestsConfig requests;
  OidcConfig oidc;
  SmtpConfig smtp;
  WebhookConfig webhook;
  NotifyConfig notify;
  AbuseConfig abuse;
  SubjectConfig subject;
  LogConfig log;
};

/// Reads a TOML file over the defaults. Errors: unavailable when the file cannot be read; invalid_input
/// for a syntax error, an unknown key or a value of the wrong type or range (naming the key).
[[nodiscard]] Result<Config> load_config(const std::string& path);
/// The same, from TOML text (for tests); `source` names it in messages.
[[nodiscard]] Result<Config> parse_config(std::string_view toml, std::string_view source = "ssad.toml");

/// The text of a config file with the value of every key whose name holds "secret" or "password"
/// replaced by "(secret)", line by line: what may be fingerprinted in the audit log without letting
/// anyone who reads the log test guesses of a secret.
[[nodiscard]] std::string without_secrets(std::string_view toml);

/// Splits "HOST:PORT" ("[::1]:8080" for IPv6). Errors: invalid_input.
struct HostPort {
  std::string host;
  std::uint16_t port = 0;
};
[[nodiscard]] Result<HostPort> parse_host_port(std::string_view text);

/// True for a plain email address of printable ASCII (what notify/smtp.cpp sends from, and a relay's
/// sender): one '@' between a local part and a domain, nothing a header would read as syntax.
[[nodiscard]] bool is_plain_address(std::string_view address);

/// True for the loopback hosts: "localhost", 127.0.0.0/8, "::1".
[[nodiscard]] bool is_loopback(std::string_view host);

/// Checks that an HTTP listener on `listen` (HOST:PORT) may run with `config`: one that is not on loopback
/// needs rdap.base_url, so that the links of responses never come from a client's Host header. Errors:
/// invalid_input naming the listener.
[[nodiscard]] Result<void> check_http_listener(const Config& config, std::string_view listen);

}  // namespace ssad::config
