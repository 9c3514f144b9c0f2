// The composition root (DESIGN.md §3): reads the command line and the config, opens the store, builds
// the services and runs the command. The only code the tests do not link; it holds no business rules.

#include <condition_variable>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <limits>
#include <mutex>
#include <optional>
#include <thread>

#include <CLI/CLI.hpp>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>
#include <sys/resource.h>
#include <unistd.h>

#include "abuse/cases.hpp"
#include "abuse/countries.hpp"
#include "abuse/enforcement.hpp"
#include "abuse/monitor.hpp"
#include "abuse/rate_limiter.hpp"
#include "abuse_commands.hpp"
#include "audit/checkpoints.hpp"
#include "audit/keys.hpp"
#include "audit/log.hpp"
#include "audit_commands.hpp"
#include "cache/abuse_contact_gaps.hpp"
#include "cache/data_version.hpp"
#include "cli.hpp"
#include "config/config.hpp"
#include "demo/demo_registry.hpp"
#include "http/audit_endpoint.hpp"
#include "http/client_address.hpp"
#include "http/connection_limit.hpp"
#include "http/health.hpp"
#include "http/rdap_endpoint.hpp"
#include "http/requests_endpoint.hpp"
#include "http/route_metrics.hpp"
#include "http/routes.hpp"
#include "http/server.hpp"
#include "identity/authenticator.hpp"
#include "identity/oidc_issuers.hpp"
#include "ingest/escrow_import.hpp"
#include "ingest/jsonl_import.hpp"
#include "ingest/registrar_directory.hpp"
#include "json/json_writer.hpp"
#include "model/registration_text.hpp"
#include "notify/settings.hpp"
#include "policy/decision.hpp"
#include "policy_commands.hpp"
#include "rdap/service.hpp"
#include "requestor_commands.hpp"
#include "stats_command.hpp"
#include "store/open/open_store.hpp"
#include "subject/agents.hpp"
#include "subject/mailer.hpp"
#include "subject/proofs.hpp"
#include "subject/registrant_view.hpp"
#include "subject/relay.hpp"
#include "whois/responder.hpp"
#include "whois/server.hpp"

namespace {

using namespace ssad;
using namespace ssad::cli;  // NOLINT(google-build-using-namespace): the commands' shared pieces

void print_report(const ingest::ImportReport& report) {
  if (report.already_imported) {
    std::printf("deposit %s was already imported; nothing changed\n", report.deposit_id.c_str());
  } else {
    std::printf("imported %s deposit %s:", report.type.c_str(), report.deposit_id.c_str());
    for (const auto& [name, rows] : report.rows)
      std::printf(" %s=%lld", name.c_str(), static_cast<long long>(rows));
    std::printf("\n");
    if (report.deleted > 0) std::printf("removed %lld objects\n", static_cast<long long>(report.deleted));
    for (const auto& note : report.notes) std::printf("note: %s\n", note.c_str());
  }
  std::printf("store holds %lld domains, %lld contacts, %lld hosts, %lld registrars\n",
              static_cast<long long>(report.counts.domains), static_cast<long long>(report.counts.contacts),
              static_cast<long long>(report.counts.hosts), static_cast<long long>(report.counts.registrars));
}

// Prints an import's outcome, or its error; returns the exit code.
int finish_import(const Result<ingest::ImportReport>& report) {
  if (!report) return report_error(report.error());
  print_report(*report);
  return 0;
}

// The access log: bare JSON lines on standard output (one object per request or query), apart from the
// operational log on standard error.
std::function<void(std::string_view)> access_log_sink(const config::Config& config) {
  static auto access = [] {
    auto logger = spdlog::stdout_logger_mt("access");
    logger->set_pattern("%v");
    return logger;
  }();
  return [enabled = config.log.access_log](std::string_view line) {
    if (enabled) access->info("{}", line);
  };
}

// "email and phone", "email" or "phone": what a registrar's abuse contact lacks.
std::string missing_text(const store::RegistrarWithoutAbuseContact& registrar) {
  if (registrar.email_missing && registrar.phone_missing) return "email and phone";
  return registrar.email_missing ? "email" : "phone";
}

std::string registrar_label(const store::RegistrarWithoutAbuseContact& registrar) {
  return (registrar.iana_id ? "IANA " + std::to_string(*registrar.iana_id) + " "
                            : std::string("no IANA ID, ")) +
         "'" + registrar.handle + "' (" + registrar.name + ")";
}

// Names, on standard error, the registrars whose domains' RDAP answers lack an abuse contact: nothing is
// invented in their place, so the operator must supply it (`ssad registrar set`).
void report_abuse_contact_gaps(cache::AbuseContactGaps& gaps) {
  auto list = gaps.current();
  if (!list) {
    spdlog::warn("cannot list the registrars without an abuse contact: {}", list.error().message);
    return;
  }
  constexpr std::size_t kShown = 20;
  std::size_t shown = 0;
  for (const auto& registrar : **list) {
    if (shown++ == kShown) break;
    spdlog::warn(
        "registrar {} has no abuse {}: RDAP answers for its domains fail the ICANN profile (-47500); "
        "set it with `ssad registrar set`",
        registrar_label(registrar), missing_text(registrar));
  }
  if ((*list)->size() > kShown) {
    spdlog::warn(
        "... and {} more registrars without an abuse contact (listed by /readyz and `ssad registrar list`)",
        (*list)->size() - kShown);
  }
}

rdap::Settings rdap_settings(const config::Config& config) {
  rdap::Settings settings;
  settings.mode = operator_of(config);
  settings.terms_of_service_url = config.rdap.terms_of_service_url;
  settings.port43 = config.rdap.port43;
  for (const auto& issuer : config.oidc.issuers)
    settings.oidc_providers.push_back({issuer.issuer, issuer.name});
  settings.query_limits = {.per_second = config.rdap.rate_limit_per_second,
                           .burst = config.rdap.rate_limit_burst,
                           .search_cost = config.rdap.search_cost};
  settings.contact_url = config.subject.contact_url;
  return settings;
}

// Serves HTTP, HTTPS and WHOIS, as configured, until SIGINT or SIGTERM. The first listener runs on this
// thread and handles the signals; the others run in the background and are stopped after it.

// Raises the soft limit of open files to the hard one and returns how many connections fit under it,
// keeping a reserve for the store's reader connections (a few files each), the listeners and logs: a
// connection limit above the file limit would let accept() fail (EMFILE) before any limit of ours
// refuses, and the store could not open a reader. 0 (no limit) is given a limit too.
unsigned connections_that_fit(unsigned max_connections, std::size_t readers) {
  const rlim_t reserve = 64 + 3 * static_cast<rlim_t>(readers);
  rlimit files{};
  if (getrlimit(RLIMIT_NOFILE, &files) != 0) return max_connections;
  if (files.rlim_cur < files.rlim_max) {
    files.rlim_cur = files.rlim_max;
    if (setrlimit(RLIMIT_NOFILE, &files) != 0) (void)getrlimit(RLIMIT_NOFILE, &files);
  }
  if (files.rlim_cur == RLIM_INFINITY) return max_connections;
  const rlim_t fit =
      std::max<rlim_t>(1, files.rlim_cur > 2 * reserve ? files.rlim_cur - reserve : files.rlim_cur / 2);
  if (max_connections != 0 && max_connections <= fit) return max_connections;
  spdlog::warn(
      "server.max_connections {} does not fit the open-file limit {} (less {} for the store and "
      "listeners): serving at most {} connections",
      max_connections == 0 ? std::string("0 (no limit)") : std::to_string(max_connections),
      static_cast<unsigned long long>(files.rlim_cur), static_cast<unsigned long long>(reserve),
      static_cast<unsigned long long>(fit));
  return static_cast<unsigned>(std::min<rlim_t>(fit, std::numeric_limits<unsigned>::max()));
}

// The SHA-256 of the config file with its secrets' values left out ("defaults" when there is none): a
// fingerprint of the configuration that cannot be used to test a guessed secret.
std::string config_fingerprint(const std::string& path) {
  if (path.empty()) return "defaults";
  std::ifstream in(path, std::ios::binary);
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  return tlog::hex(tlog::sha256(config::without_secrets(text)));
}

std::string host_name() {
  char host[256] = {};
  if (::gethostname(host, sizeof host - 1) != 0 || host[0] == '\0') return "localhost";
  return host;
}

// Signs a checkpoint at start (covering the start's own entry), then looks every quarter of the interval
// (so that one is made within 1.25 intervals of the log growing; with several nodes, the first node to
// look signs it).
// Runs `work` on a thread of its own every `period`, until destroyed (which ends the wait at once and
// joins the thread).
class Every {
 public:
  Every(std::chrono::milliseconds period, std::function<void()> work)
      : period_(period), work_(std::move(work)), thread_([this] { run(); }) {}
  ~Every() {
    {
      const std::lock_guard lock(mutex_);
      stop_ = true;
    }
    wake_.notify_all();
    thread_.join();
  }
  Every(const Every&) = delete;
  Every& operator=(const Every&) = delete;

 private:
  void run() {
    std::unique_lock lock(mutex_);
    while (!wake_.wait_for(lock, period_, [this] { return stop_; })) {
      lock.unlock();
      work_();
      lock.lock();
    }
  }

  std::chrono::milliseconds period_;
  std::function<void()> work_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stop_ = false;
  std::thread thread_;  // last: starts once the rest is ready
};

class CheckpointSchedule {
 public:
  CheckpointSchedule(audit::Checkpointer& signer, std::chrono::seconds interval) : signer_(signer) {
    if (auto made = signer_.sign_now(); !made) {
      spdlog::error("cannot sign an audit checkpoint: {}", made.error().message);
    } else {
      spdlog::info("the audit checkpoint is of size {}", made->size);
    }
    every_.emplace(std::max<std::chrono::milliseconds>(std::chrono::seconds(1), interval / 4),
                   [this] { sign(); });
  }

 private:
  void sign() {
    auto made = signer_.sign_if_due();
    if (!made) {
      spdlog::error("cannot sign an audit checkpoint: {}", made.error().message);
    } else if (const std::optional<store::AuditCheckpoint>& checkpoint = *made; checkpoint.has_value()) {
      spdlog::info("signed the audit checkpoint of size {}", checkpoint->size);
    }
  }

  audit::Checkpointer& signer_;
  std::optional<Every> every_;  // last: runs once the rest is ready
};

int serve(const config::Config& config, store::Store& store, const std::string& http_override,
          const std::string& whois_override, const std::string& config_path) {
  if (store::is_postgres_url(config.store.path) && config.rdap.cursor_secret.empty()) {
    // Several nodes share a PostgreSQL store: a paging cursor one made must work on the others.
    return report_error(
        Error{ErrorCode::invalid_input,
              "rdap.cursor_secret is required with a PostgreSQL store, the same on every node "
              "(for example: openssl rand -base64 32)"});
  }
  // SIGHUP reloads the HTTPS certificate where there is one (the HTTP listener's handler); elsewhere, a
  // log rotation's SIGHUP must not end the process.
  std::signal(SIGHUP, SIG_IGN);
  // The disclosure policy, checked before anything is served.
  auto policy_settings = load_policy(config);
  if (!policy_settings) return report_error(policy_settings.error());
  store::RegistrationReader& registrations = store.registrations();
  const SystemClock clock;
  // One data-change tracker for RDAP and WHOIS: both caches follow it.
  cache::DataVersion data_version(registrations, clock, std::chrono::seconds(1));
  // A PostgreSQL store announces every commit (any node's, any import's) at once; SQLite's are seen
  // within the interval above.
  store.watch_changes([&data_version] { data_version.invalidate(); });
  struct StopWatching {
    store::Store& store;
    ~StopWatching() { store.watch_changes({}); }  // before data_version goes
  } const stop_watching{store};
  // The audit log: the start, with the config and the rules in force, before anything is served; then
  // checkpoints, when there is a key to sign them.
  std::optional<tlog::SigningKey> signing_key;
  if (!config.audit.signing_key.empty()) {
    auto key = audit::read_signing_key(config.audit.signing_key);
    if (!key) return report_error(with_context(key.error(), "audit.signing_key: "));
    signing_key = *key;
  } else {
    spdlog::warn(
        "audit.signing_key is not set: the audit log records everything, but no checkpoint is signed "
        "(ssad audit keygen --out FILE; docs/audit.md)");
  }
  // One appender for the process: disclosures of every worker thread share its group commits.
  audit::Appender appender(store);
  {
    audit::Entry start;
    start.time = clock.now();
    start.actor = {"system", host_name()};
    start.action = "server.start";
    start.object = {"server", host_name()};
    start.detail = {{"version", SSAD_VERSION},
                    {"config_sha256", config_fingerprint(config_path)},
                    {"policy_sha256", policy::fingerprint(*policy_settings)},
                    {"pid", std::to_string(::getpid())}};
    if (signing_key)
      start.detail.emplace_back("signing_key", tlog::format_verifier_key(tlog::verifier_of(*signing_key)));
    if (auto logged = appender.append(std::move(start)); !logged) {
      return report_error(with_context(logged.error(), "cannot write the start to the audit log: "));
    }
  }
  std::optional<audit::Checkpointer> checkpointer;
  std::optional<CheckpointSchedule> checkpoint_schedule;
  if (signing_key) {
    checkpointer.emplace(store, *signing_key, clock,
                         std::chrono::seconds(config.audit.checkpoint_interval_seconds));
    checkpoint_schedule.emplace(*checkpointer,
                                std::chrono::seconds(config.audit.checkpoint_interval_seconds));
  }

  rdap::ServiceOptions rdap_options;
  rdap_options.page_size = config.rdap.page_size;
  rdap_options.cursor_key = config.rdap.cursor_secret;
  rdap_options.min_search_prefix = config.rdap.search_min_prefix;
  rdap_options.query_budget = std::chrono::milliseconds(config.rdap.query_budget_ms);
  rdap_options.clock = &clock;
  rdap_options.audit = &appender;
  rdap_options.registration_cache_bytes = std::size_t{config.rdap.registration_cache_megabytes} << 20U;
  rdap_options.subjects = &store.subjects();
  // The trusted token issuers, their keys loaded (a URL fetched) before anything is served.
  std::unique_ptr<identity::TrustedIssuers> trusted_issuers;
  if (!config.oidc.issuers.empty()) {
    std::vector<identity::IssuerSettings> issuers;
    issuers.reserve(config.oidc.issuers.size());
    for (const auto& issuer : config.oidc.issuers) {
      issuers.push_back({issuer.issuer, issuer.name, issuer.audience, issuer.jwks_file, issuer.jwks_url});
    }
    auto created = identity::TrustedIssuers::create(
        std::move(issuers),
        {.skew = std::chrono::seconds(config.oidc.clock_skew_seconds),
         .jwks_refresh = std::chrono::seconds(config.oidc.jwks_refresh_seconds),
         .jwks_refetch_min = std::chrono::seconds(config.oidc.jwks_refetch_min_seconds),
         .verified_cache = config.oidc.verified_token_cache},
        clock);
    if (!created) return report_error(with_context(created.error(), "oidc.issuer: "));
    trusted_issuers = std::move(*created);
  }
  const rdap::Service rdap_service(registrations, data_version, rdap_settings(config), *policy_settings,
                                   rdap_options);
  const std::size_t cache_bytes = std::size_t{config.rdap.cache_megabytes} << 20U;
  // Anonymous requests on every HTTP path are rate limited per client; the health checks in buckets of
  // their own. Requests with credentials are not, but failed credential checks are (docs/abuse.md).
  abuse::RateLimiter http_limiter(clock, config.rdap.rate_limit_per_second, config.rdap.rate_limit_burst);
  abuse::RateLimiter health_limiter(clock, config.rdap.rate_limit_per_second, config.rdap.rate_limit_burst);
  abuse::RateLimiter credential_failures(clock, config.abuse.credential_failures_per_minute / 60.0,
                                         config.abuse.credential_failures_burst);
  // Who is asking: API keys from the requestor directory (read afresh on every request), and bearer
  // tokens of the trusted OpenID Connect issuers mapped to its users.
  auto verify_token = identity::Authenticator::VerifyToken();
  std::vector<std::string> issuer_names;
  if (trusted_issuers) {
    verify_token = [&issuers = *trusted_issuers](std::string_view token) -> Result<identity::VerifiedToken> {
      SSAD_TRY(claims, issuers.verify(token));
      return identity::VerifiedToken{claims.issuer, claims.subject, claims.rdap_allowed_purposes,
                                     claims.rdap_dnt_allowed.value_or(false)};
    };
    for (const auto& issuer : trusted_issuers->issuers()) issuer_names.push_back(issuer.issuer);
  }
  const identity::Authenticator authenticator(store.requestors(), clock, verify_token);
  // Abuse monitoring of accredited use (docs/abuse.md): usage windows and detectors on this node, their
  // counts exchanged with the other nodes through the store every abuse.sync_seconds; the cases they open
  // over /v1/abuse.
  std::unique_ptr<abuse::CountryLookup> countries;
  if (!config.abuse.country_database.empty()) {
    auto opened = abuse::CountryLookup::open(config.abuse.country_database);
    if (!opened) return report_error(opened.error());
    countries = std::move(*opened);
  }
  abuse::Enforcement enforcement(store, clock, abuse::enforcement_settings(config.abuse));
  abuse::Monitor monitor(store, clock, abuse::monitor_settings(config.abuse), &enforcement, countries.get());
  abuse::Cases abuse_cases(store, enforcement, &monitor);
  const http::AbuseEndpoint abuse_endpoint(authenticator, abuse_cases);
  const http::AuditEndpoint audit_endpoint(
      store.audit_log(),
      signing_key ? std::optional<tlog::VerifierKey>(tlog::verifier_of(*signing_key)) : std::nullopt,
      &authenticator, &appender, &clock);
  http::RdapEndpoint rdap_endpoint(rdap_service, data_version, clock,
                                   {.base_url = config.rdap.base_url,
                                    .cache_bytes = cache_bytes,
                                    .authenticator = &authenticator,
                                    .issuers = issuer_names,
                                    .monitor = &monitor});
  // The requestor directory and policy explanations over /v1.
  identity::Directory directory(store, policy_settings->policy(), clock);
  identity::Administration administration(directory, store.requestors(), clock);
  const http::DirectoryEndpoint directory_endpoint(authenticator, administration);
  const http::PolicyEndpoint policy_endpoint(authenticator, registrations, *policy_settings);
  // Disclosure requests over /v1, their deadlines on the operator's calendar, and the notifications they
  // write to the outbox, delivered by this node's dispatcher (any node may deliver any of them).
  auto calendar = disclosure::calendar_from(config.requests);
  if (!calendar) return report_error(with_context(calendar.error(), "requests.calendar: "));
  disclosure::Requests requests(
      store, clock, *policy_settings,
      request_settings(config, disclosure::Deadlines(std::move(*calendar),
                                                     disclosure::settings_from(config.requests.deadlines))));
  const http::RequestsEndpoint requests_endpoint(authenticator, requests, rdap_settings(config),
                                                 config.rdap.base_url, &monitor);
  auto dispatcher = notify::make_dispatcher(config, store.outbox(), clock);
  if (!dispatcher) return report_error(dispatcher.error());
  (*dispatcher)->start();
  const Every deadline_watch(std::chrono::seconds(config.requests.watch_seconds), [&requests] {
    if (auto watched = requests.watch_deadlines(); !watched) {
      spdlog::error("cannot watch the deadlines of disclosure requests: {}", watched.error().message);
    } else if (*watched > 0) {
      spdlog::info("{} disclosure request(s) reached a deadline warning or breach", *watched);
    }
  });
  const Every abuse_sync(std::chrono::seconds(config.abuse.sync_seconds), [&monitor] {
    if (auto synced = monitor.sync(); !synced) {
      spdlog::error("abuse monitoring cannot exchange usage with the other nodes: {}",
                    synced.error().message);
    }
  });
  // What the registrant's side keeps only while it serves (docs/subject.md): expired codes and sessions (a
  // sender's address), ended designations' contact details, relay records past subject.relay_record_days.
  const Every subject_prune(std::chrono::hours(1), [&store, &clock, &config] {
    const Timestamp now = clock.now();
    auto work = store.begin_audit();
    if (!work) return;
    auto pruned = (*work)->subjects().prune(
        now - std::chrono::days(1), now - std::chrono::days(config.subject.relay_record_days),
        now - std::chrono::days(config.subject.agent_answer_days) - std::chrono::days(1));
    if (!pruned || !(*work)->commit(now)) {
      spdlog::error("cannot prune the registrant side's expired records");
    } else if (*pruned > 0) {
      spdlog::info("pruned {} expired record(s) of the registrant's side", *pruned);
    }
  });
  const Every retention_scan(std::chrono::seconds(config.abuse.retention.scan_seconds), [&] {
    auto overdue = requests.overdue_counts();
    if (!overdue) {
      spdlog::error("abuse monitoring cannot count overdue retention: {}", overdue.error().message);
      return;
    }
    monitor.note_overdue(*overdue, [&store](const std::string& accreditation) {
      auto found = store.requestors().accreditation(accreditation);
      return found ? found->org_id : std::string();
    });
  });
  // The registrant's side over /v1/subject (docs/subject.md): codes and relayed mail go straight to the
  // [smtp] server, never through the outbox (a code is a secret, a message someone's words).
  auto subject_smtp = notify::smtp_settings(config.smtp);
  if (!subject_smtp) return report_error(subject_smtp.error());
  subject::SmtpMailer subject_mailer(*subject_smtp, clock);
  subject::Proofs proofs(store, clock, subject_mailer, subject::proof_settings(config.subject));
  subject::RegistrantView registrant_view(store, clock, *policy_settings, config.subject.operator_name,
                                          std::chrono::days(config.subject.lookup_delay_days));
  abuse::RateLimiter subject_limiter(clock, config.subject.per_address_per_hour / 3600.0,
                                     static_cast<double>(config.subject.per_address_per_hour));
  subject::Agents agents(store, clock, subject_mailer, subject::agent_settings(config));
  subject::Relay relay(store, clock, subject_mailer, agents, subject::relay_settings(config.subject));
  abuse::RateLimiter failed_proofs(clock, config.subject.failed_proofs_per_hour / 3600.0,
                                   static_cast<double>(config.subject.failed_proofs_per_hour));
  const http::SubjectEndpoint subject_endpoint(
      {.authenticator = authenticator,
       .proofs = proofs,
       .view = registrant_view,
       .agents = agents,
       .relay = relay,
       .per_address = subject_limiter,
       .clock = clock,
       .agent_answer_within = std::chrono::days(config.subject.agent_answer_days),
       .monitor = &monitor,
       .failed_proofs = &failed_proofs});
  cache::AbuseContactGaps abuse_contact_gaps(store.registrar_directory(), data_version);
  report_abuse_contact_gaps(abuse_contact_gaps);
  http::Readiness readiness(registrations, data_version, &abuse_contact_gaps);
  // /metrics (Prometheus): latency histograms per route, recorded by the servers' observe hook below.
  http::MetricsRegistry metrics;
  const http::Router router = http::make_routes({.rdap = rdap_endpoint,
                                                 .readiness = readiness,
                                                 .limiter = http_limiter,
                                                 .health_limiter = health_limiter,
                                                 .credential_failures = credential_failures,
                                                 .search_cost = static_cast<double>(config.rdap.search_cost),
                                                 .audit = &audit_endpoint,
                                                 .directory = &directory_endpoint,
                                                 .policy = &policy_endpoint,
                                                 .requests = &requests_endpoint,
                                                 .abuse = &abuse_endpoint,
                                                 .subject = &subject_endpoint,
                                                 .metrics = &metrics});
  http::RouteMetrics route_metrics(router, metrics);
  // The disclosure requests' cumulative statistics (docs/statistics.md) as gauges, read from the store
  // (so every node shows the same figures): made at most once a minute, since each reads every request.
  struct RequestFigures {
    std::mutex mutex;
    std::optional<disclosure::Report> report;
    Timestamp made;
  } figures;
  metrics.add_collector(
      "requests", [&figures, &store, &clock, &policy_settings](http::Scrape& scrape) -> Result<void> {
        const std::lock_guard lock(figures.mutex);
        const Timestamp now = clock.now();
        if (!figures.report || now - figures.made >= std::chrono::minutes(1)) {
          SSAD_TRY(report, disclosure::build_report(store.requests(), policy_settings->policy(),
                                                    {Timestamp{}, now}, now));
          figures.report = std::move(report);
          figures.made = now;
        }
        for (const disclosure::Metric& metric : figures.report->metrics) {
          if (!metric.cumulative) continue;
          SSAD_CHECK(scrape.gauge("ssad_requests_" + metric.name,
                                  "Disclosure requests, all time: " + metric.name + " (docs/statistics.md)",
                                  metric.labels, *metric.cumulative));
        }
        return {};
      });
  auto handler = [&router](const http::Request& request) { return router.handle(request); };
  auto trusted_proxies = http::TrustedProxies::parse(
      config.server.trusted_proxies,
      config.server.forwarded_header.empty() ? "x-forwarded-for" : config.server.forwarded_header);
  if (!trusted_proxies)
    return report_error(with_context(trusted_proxies.error(), "server.trusted_proxies: "));
  // One set of connection limits for every listener: file descriptors are one pool.
  const auto connection_limits = std::make_shared<http::ConnectionLimits>(http::ConnectionLimitOptions{
      .max_connections = connections_that_fit(config.server.max_connections, readers_for(config)),
      .max_connections_per_address = config.server.max_connections_per_address});
  std::unique_ptr<http::Server> plain, secure;
  http::ServerHooks hooks;
  hooks.access_log = access_log_sink(config);
  hooks.log_access = config.log.access_log;
  // Refusals, cached lookups and /healthz on the reading threads; store work on the workers.
  hooks.quick = [&router](http::Request& request) { return router.quick(request); };
  hooks.observe = [&route_metrics](const http::Exchange& exchange) { route_metrics.record(exchange); };
  // SIGHUP reaches the listener that runs on this thread; it reloads the HTTPS listener's certificate.
  hooks.on_hangup = [&secure] {
    if (!secure) return;
    // Logged by the server; on an error the old certificate stays, which is all there is to do.
    if (const auto reloaded = secure->reload_tls(); !reloaded) return;
  };

  auto http_options = [&](const std::string& listen_text) -> Result<http::ServerOptions> {
    SSAD_CHECK(config::check_http_listener(config, listen_text));
    SSAD_TRY(listen, config::parse_host_port(listen_text));
    http::ServerOptions options;
    options.host = listen.host;
    options.port = listen.port;
    options.threads = config.server.threads;
    options.workers = config.server.workers;
    options.read_timeout = std::chrono::seconds(config.server.read_timeout_seconds);
    options.idle_timeout = std::chrono::seconds(config.server.idle_timeout_seconds);
    options.header_limit = config.server.header_limit_bytes;
    options.body_limit = config.server.body_limit_bytes;
    options.connection_limits = connection_limits;
    options.trusted_proxies = *trusted_proxies;
    return options;
  };

  std::unique_ptr<whois::Server> whois_server;
  const std::string http_listen = http_override.empty() ? config.server.http : http_override;
  if (!http_listen.empty()) {
    auto options = http_options(http_listen);
    if (!options) return report_error(options.error());
    auto server = http::Server::create(*options, handler, hooks);
    if (!server) return report_error(server.error());
    plain = std::move(*server);
  }
  if (!config.server.https.empty()) {
    auto options = http_options(config.server.https);
    if (!options) return report_error(options.error());
    options->tls = http::TlsOptions{config.server.tls_certificate, config.server.tls_private_key};
    auto server = http::Server::create(*options, handler, hooks);
    if (!server) return report_error(server.error());
    secure = std::move(*server);
  }
  abuse::RateLimiter whois_limiter(clock, config.rdap.rate_limit_per_second, config.rdap.rate_limit_burst);
  whois::Responder responder(registrations, data_version, whois_limiter,
                             {.mode = operator_of(config),
                              .cache_bytes = cache_bytes / 4,  // answers are plain text, a third the size
                              .rules = policy_settings->rules});
  const std::string whois_listen = whois_override.empty() ? config.whois.listen : whois_override;
  if (!whois_listen.empty()) {
    auto listen = config::parse_host_port(whois_listen);
    if (!listen) return report_error(listen.error());
    whois::ServerOptions options;
    options.host = listen->host;
    options.port = listen->port;
    options.threads = config.server.threads;
    options.workers = config.server.workers;
    options.read_timeout = std::chrono::seconds(config.whois.timeout_seconds);
    options.write_timeout = std::chrono::seconds(config.whois.timeout_seconds);
    options.query_limit = config.whois.query_limit_bytes;
    options.connection_limits = connection_limits;
    auto server = whois::Server::create(
        options,
        [&responder](const whois::Query& query) {
          return responder.answer(query.line, query.remote_address, query.admitted);
        },
        access_log_sink(config),
        // Refusals and cached answers on the reading thread; store reads on the workers.
        [&responder](whois::Query& query) {
          auto answer = responder.quick(query.line, query.remote_address);
          query.admitted = true;  // counted by quick(), whatever it answered
          return answer;
        });
    if (!server) return report_error(server.error());
    whois_server = std::move(*server);
  }
  if (!plain && !secure && !whois_server) {
    return report_error(
        Error{ErrorCode::invalid_input, "nothing to serve: set server.http, server.https or whois.listen"});
  }

  // The banner goes to standard error: standard output carries only the access log's JSON lines.
  std::fprintf(stderr, "ssad %s: serving %s on %s\n", SSAD_VERSION,
               store::printable_location(config.store.path).c_str(),
               plain ? ("http://" + plain->address()).c_str() : "(no plain HTTP)");
  const std::string http_base =
      plain ? "http://" + plain->address() : "https://" + (secure ? secure->address() : "");
  if (plain || secure) {
    std::fprintf(stderr, "  rdap:      %s/rdap/help\n  health:    %s/healthz\n  readiness: %s/readyz\n",
                 http_base.c_str(), http_base.c_str(), http_base.c_str());
  }
  if (secure) std::fprintf(stderr, "  https:     https://%s/rdap/help\n", secure->address().c_str());
  if (whois_server) std::fprintf(stderr, "  whois:     %s\n", whois_server->address().c_str());

  // The first listener runs here and catches the signals; the others stop after it.
  if (plain) {
    if (secure) secure->start_background();
    if (whois_server) whois_server->start_background();
    plain->run();
  } else if (secure) {
    if (whois_server) whois_server->start_background();
    secure->run();
  } else {
    whois_server->run();
  }
  if (secure) secure->stop();
  if (whois_server) whois_server->stop();
  std::fprintf(stderr, "ssad: stopped\n");
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  spdlog::set_default_logger(spdlog::stderr_color_mt("ssad"));
  CLI::App app{"OpenSSAD: standardized access to and disclosure of domain registration data", "ssad"};
  app.set_version_flag("--version", std::string("ssad ") + SSAD_VERSION);
  app.require_subcommand(1);

  Common common;
  int exit_code = 0;

  auto* serve_cmd = app.add_subcommand("serve", "Serve RDAP and the API over HTTP");
  add_common(serve_cmd, common);
  std::string http_listen;
  std::string whois_listen;
  serve_cmd->add_option("--http", http_listen, "HOST:PORT to listen on (default 127.0.0.1:8080)");
  serve_cmd->add_option("--whois", whois_listen, "HOST:PORT for WHOIS (RFC 3912); default: whois.listen");
  std::string base_url;
  serve_cmd->add_option("--base-url", base_url,
                        "Public URL of /rdap/ (default: rdap.base_url; required off loopback)");
  serve_cmd->callback([&] {
    exit_code = with_store(
        common,
        [&](const config::Config& loaded, store::Store& store) {
          config::Config config = loaded;
          if (!base_url.empty()) {
            if (!base_url.starts_with("https://") && !base_url.starts_with("http://")) {
              return report_error(
                  Error{ErrorCode::invalid_input, "--base-url must be an http:// or https:// URL"});
            }
            config.rdap.base_url = base_url;
          }
          return serve(config, store, http_listen, whois_listen, common.config_path);
        },
        /*create=*/false, /*serving=*/true);
  });

  auto* migrate_cmd = app.add_subcommand("migrate", "Create the database or bring its schema up to date");
  add_common(migrate_cmd, common);
  migrate_cmd->callback([&] {
    exit_code = with_store(common, [](const config::Config& config, store::Store&) {
      std::printf("database %s is at the current schema\n",
                  store::printable_location(config.store.path).c_str());
      return 0;
    });
  });

  auto* import_cmd = app.add_subcommand("import", "Load registration data");
  import_cmd->require_subcommand(1);
  auto* escrow_cmd = import_cmd->add_subcommand("escrow", "Apply an RFC 9022 CSV-model escrow deposit");
  add_common(escrow_cmd, common);
  std::string deposit_path;
  ingest::EscrowImportOptions escrow_options;
  escrow_cmd->add_option("DEPOSIT", deposit_path, "The deposit's XML file; its CSV files lie beside it")
      ->required()
      ->check(CLI::ExistingFile);
  escrow_cmd->add_flag("--ignore-sequence", escrow_options.ignore_sequence,
                       "Apply a DIFF/INCR deposit even if its prevId is not the last deposit applied");
  escrow_cmd->callback([&] {
    exit_code = with_store(common, [&](const config::Config&, store::Store& store) {
      const SystemClock clock;
      return finish_import(ingest::import_escrow(store, deposit_path, clock, escrow_options));
    });
  });

  auto* jsonl_cmd = import_cmd->add_subcommand(
      "jsonl", "Load registrations in OpenSSAD's JSON Lines format (docs/jsonl.md)");
  add_common(jsonl_cmd, common);
  std::string jsonl_path;
  jsonl_cmd->add_option("FILE", jsonl_path, "One registrar or domain per line")
      ->required()
      ->check(CLI::ExistingFile);
  jsonl_cmd->callback([&] {
    exit_code = with_store(common, [&](const config::Config&, store::Store& store) {
      const SystemClock clock;
      return finish_import(ingest::import_jsonl(store, jsonl_path, clock));
    });
  });

  auto* demo_cmd =
      app.add_subcommand("demo", "Write a synthetic demo registry as an escrow deposit and load it");
  add_common(demo_cmd, common);
  demo::DemoOptions demo_options;
  std::string demo_out;
  demo_cmd->add_option("--domains", demo_options.domains, "Number of domains (default 10000)");
  demo_cmd->add_option("--seed", demo_options.seed, "Seed of the generator (same seed, same registry)");
  demo_cmd->add_option("--out", demo_out, "Directory for the deposit (default: DB.deposit/)");
  bool deposit_only = false;
  demo_cmd->add_flag("--deposit-only", deposit_only, "Write the deposit but do not import it");
  demo_cmd->callback([&] {
    exit_code = with_store(common, [&](const config::Config& config, store::Store& store) {
      // Beside a SQLite file; in the working directory for a PostgreSQL store.
      const std::filesystem::path out = !demo_out.empty() ? demo_out
                                        : store::is_postgres_url(config.store.path)
                                            ? "ssad-demo.deposit"
                                            : config.store.path + ".deposit";
      auto xml = demo::write_demo_deposit(demo_options, out);
      if (!xml) return report_error(xml.error());
      std::printf("wrote demo deposit %s\n", xml->c_str());
      if (deposit_only) return 0;
      const SystemClock clock;
      return finish_import(ingest::import_escrow(store, xml->string(), clock));
    });
  });

  auto* registrar_cmd = app.add_subcommand(
      "registrar",
      "The registrar directory: abuse contacts and RDAP base URLs (docs/registrar-directory.md)");
  registrar_cmd->require_subcommand(1);
  auto* registrar_set = registrar_cmd->add_subcommand(
      "set", "Set what the directory says about a registrar (an empty value clears a field)");
  add_common(registrar_set, common);
  std::string set_iana_id;
  registrar_set->add_option("IANA_ID", set_iana_id, "The registrar's IANA Registrar ID")->required();
  std::string set_values[6];
  struct SetOption {
    const char* flag;
    const char* help;
    std::optional<std::string> store::RegistrarDirectoryChange::* field;
  };
  const SetOption set_options[] = {
      {"--abuse-email", "Abuse contact email", &store::RegistrarDirectoryChange::abuse_email},
      {"--abuse-phone", "Abuse contact phone, +CC.NUMBER (e.g. +1.7035555555)",
       &store::RegistrarDirectoryChange::abuse_phone},
      {"--rdap-base-url", "The registrar's RDAP base URL (https://rdap.registrar.example/)",
       &store::RegistrarDirectoryChange::rdap_base_url},
      {"--url", "The registrar's web site", &store::RegistrarDirectoryChange::url},
      {"--name", "The registrar's name as IANA lists it (informational)",
       &store::RegistrarDirectoryChange::name},
      {"--status", "IANA's status for it: Accredited, Terminated, Reserved (informational)",
       &store::RegistrarDirectoryChange::status},
  };
  std::vector<CLI::Option*> set_flags;
  set_flags.reserve(std::size(set_options));
  for (std::size_t i = 0; i < std::size(set_options); ++i) {
    set_flags.push_back(registrar_set->add_option(set_options[i].flag, set_values[i], set_options[i].help));
  }
  registrar_set->callback([&] {
    exit_code = with_store(common, [&](const config::Config&, store::Store& store) {
      auto id = ingest::parse_iana_id(set_iana_id);
      if (!id) return report_error(id.error());
      store::RegistrarDirectoryChange change;
      change.iana_id = *id;
      bool any = false;
      for (std::size_t i = 0; i < std::size(set_options); ++i) {
        if (set_flags[i]->count() == 0) continue;
        change.*(set_options[i].field) = set_values[i];
        any = true;
      }
      if (!any) {
        return report_error(
            Error{ErrorCode::invalid_input,
                  "nothing to set: give --abuse-email, --abuse-phone, --rdap-base-url, --url, "
                  "--name or --status"});
      }
      const SystemClock clock;
      if (auto ok = ingest::set_registrar_directory(store, change, clock); !ok)
        return report_error(ok.error());
      std::printf("registrar %lld updated\n", static_cast<long long>(*id));
      return 0;
    });
  });

  auto* registrar_import = registrar_cmd->add_subcommand(
      "import",
      "Load a directory CSV: IANA's registrar-ids file, or abuse contacts (docs/registrar-directory.md)");
  add_common(registrar_import, common);
  std::string directory_path;
  registrar_import->add_option("FILE", directory_path, "CSV with a header row (ID, Registrar Name, ...)")
      ->required()
      ->check(CLI::ExistingFile);
  registrar_import->callback([&] {
    exit_code = with_store(common, [&](const config::Config&, store::Store& store) {
      const SystemClock clock;
      auto report = ingest::import_registrar_directory(store, directory_path, clock);
      if (!report) return report_error(report.error());
      std::string columns;
      for (const auto& column : report->columns) columns += (columns.empty() ? "" : ", ") + column;
      std::printf("updated %lld registrars from %s (columns: %s)\n", static_cast<long long>(report->rows),
                  directory_path.c_str(), columns.c_str());
      return 0;
    });
  });

  auto* registrar_list = registrar_cmd->add_subcommand(
      "list", "Print the directory, and the registrars whose RDAP answers lack an abuse contact");
  add_common(registrar_list, common);
  bool list_json = false;
  registrar_list->add_flag("--json", list_json, "One JSON object instead of text");
  registrar_list->callback([&] {
    exit_code = with_store(
        common,
        [&](const config::Config&, store::Store& store) {
          auto entries = store.registrar_directory().entries();
          if (!entries) return report_error(entries.error());
          auto gaps = store.registrar_directory().registrars_without_abuse_contact();
          if (!gaps) return report_error(gaps.error());
          if (list_json) {
            json::JsonWriter out;
            out.begin_object();
            out.key("directory").begin_array();
            for (const auto& e : *entries) {
              out.begin_object();
              out.key("iana_id").integer(e.iana_id);
              out.member("name", e.name);
              out.member("status", e.status);
              out.member("abuse_email", e.abuse_email);
              out.member("abuse_phone", e.abuse_phone);
              out.member("rdap_base_url", e.rdap_base_url);
              out.member("url", e.url);
              out.member("updated", format_rfc3339(e.updated));
              out.end_object();
            }
            out.end_array();
            out.key("registrars_without_abuse_contact").begin_array();
            for (const auto& r : *gaps) {
              out.begin_object();
              out.key("iana_id");
              if (r.iana_id) {
                out.integer(*r.iana_id);
              } else {
                out.null();
              }
              out.member("handle", r.handle);
              out.member("name", r.name);
              out.key("missing").begin_array();
              if (r.email_missing) out.string("email");
              if (r.phone_missing) out.string("phone");
              out.end_array();
              out.end_object();
            }
            out.end_array();
            out.end_object();
            std::printf("%s\n", std::string(out.view()).c_str());
            return 0;
          }
          for (const auto& e : *entries) {
            std::printf("%lld\t%s\t%s\tabuse: %s %s\trdap: %s\turl: %s\n", static_cast<long long>(e.iana_id),
                        e.name.c_str(), e.status.c_str(), e.abuse_email.empty() ? "-" : e.abuse_email.c_str(),
                        e.abuse_phone.empty() ? "-" : e.abuse_phone.c_str(),
                        e.rdap_base_url.empty() ? "-" : e.rdap_base_url.c_str(),
                        e.url.empty() ? "-" : e.url.c_str());
          }
          std::printf("%zu directory entries\n", entries->size());
          for (const auto& r : *gaps) {
            std::printf("missing: registrar %s has no abuse %s\n", registrar_label(r).c_str(),
                        missing_text(r).c_str());
          }
          return 0;
        },
        false);
  });

  auto* show_cmd = app.add_subcommand("show", "Print stored data for the operator (unredacted)");
  show_cmd->require_subcommand(1);
  auto* show_domain = show_cmd->add_subcommand("domain", "Print a domain's full registration");
  add_common(show_domain, common);
  std::string domain_name;
  show_domain->add_option("NAME", domain_name, "Domain name (A-label or U-label)")->required();
  show_domain->callback([&] {
    exit_code = with_store(
        common,
        [&](const config::Config&, store::Store& store) {
          auto name = normalize_domain_name(domain_name);
          if (!name) return report_error(name.error());
          auto registration = store.registrations().find_registration(name->ldh);
          if (!registration) return report_error(registration.error());
          std::fputs(model::describe(*registration).c_str(), stdout);
          return 0;
        },
        false);
  });

  add_audit_commands(app, common, exit_code);
  add_policy_commands(app, common, exit_code);
  add_requestor_commands(app, common, exit_code);
  add_stats_command(app, common, exit_code);
  add_abuse_commands(app, common, exit_code);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "ssad: unexpected error: %s\n", e.what());
    return 1;
  }
  return exit_code;
}
