#include "cli.hpp"

#include <cstdio>
#include <fstream>
#include <sstream>

#include <spdlog/spdlog.h>

#include "store/open/open_store.hpp"

namespace ssad::cli {

void add_common(CLI::App* command, Common& common) {
  command->add_option("--config", common.config_path, "Configuration file (ssad.toml; docs/config.md)");
  command->add_option("--db", common.db_path,
                      "SQLite database file or postgresql:// URL (overrides store.path)");
}

Result<config::Config> load(const Common& common) {
  config::Config config;
  if (!common.config_path.empty()) {
    auto loaded = config::load_config(common.config_path);
    if (!loaded) return std::unexpected(loaded.error());
    config = *loaded;
  }
  if (!common.db_path.empty()) config.store.path = common.db_path;
  spdlog::set_level(spdlog::level::from_str(config.log.level));
  return config;
}

model::Operator operator_of(const config::Config& config) {
  return config.rdap.mode == "registrar" ? model::Operator::registrar : model::Operator::registry;
}

disclosure::RequestSettings request_settings(const config::Config& config, disclosure::Deadlines deadlines) {
  disclosure::RequestSettings settings;
  const config::RequestsConfig& q = config.requests;
  settings.submission.terms_version = q.terms_version;
  settings.submission.attachment_max_bytes = q.attachment_max_bytes;
  settings.submission.attachment_types = q.attachment_types;
  settings.submission.max_evidence = q.max_evidence;
  settings.submission.max_retention_days = q.max_retention_days;
  settings.accept_unaccredited = q.accept_unaccredited;
  settings.default_retention_days = q.default_retention_days;
  settings.deadlines = std::move(deadlines);
  settings.notifications.email = !config.smtp.url.empty();
  settings.notifications.webhook_url = config.webhook.url;
  settings.notifications.public_url = q.public_url;
  return settings;
}

Result<Timestamp> parse_date_bound(const std::string& text, bool end) {
  if (text.size() == 10) {
    SSAD_TRY(day, parse_rfc3339(text + "T00:00:00Z"));
    return end ? day + std::chrono::days(1) : day;
  }
  return parse_rfc3339(text);
}

Result<std::string> read_text_file(const std::string& path) {
  const std::ifstream in(path, std::ios::binary);
  if (!in) return fail(ErrorCode::unavailable, "cannot read " + path);
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) return fail(ErrorCode::unavailable, "cannot read " + path);
  return text.str();
}

Result<policy::Settings> load_policy(const config::Config& config) {
  policy::Settings settings;
  settings.role = operator_of(config);
  if (config.policy.file.empty()) return settings;
  auto text = read_text_file(config.policy.file);
  if (!text) return std::unexpected(with_context(text.error(), "policy.file: "));
  auto rules = policy::Rules::parse(*text, config.policy.file);
  if (!rules) return std::unexpected(rules.error());
  settings.rules = std::make_shared<const policy::Rules>(std::move(*rules));
  return settings;
}

int report_error(const Error& error) {
  std::fprintf(stderr, "ssad: %s\n", error.message.c_str());
  switch (error.code) {
    case ErrorCode::invalid_input:
      return 2;
    case ErrorCode::not_found:
      return 3;
    case ErrorCode::conflict:
      return 4;
    default:
      return 1;
  }
}

// Reader connections for a configuration: one per thread that may read at once (the workers of the HTTP,
// HTTPS and WHOIS listeners, the reading threads), so that none is opened and closed per query.
std::size_t readers_for(const config::Config& config) {
  return std::size_t{3} * (config.server.workers + config.server.threads) + 2;
}

// Opens the store. `create` false (serve, show) refuses a database file that does not exist and one
// whose schema is not the current one, instead of creating or migrating it: a mistyped path must not
// become an empty registry.
// Only `serve` reads from store.replica_url (the other commands read what they, or an import just now,
// wrote, on the primary) and only serve's reads have a time budget (an import's report counts every
// domain, which takes longer than a query may on a large store).
Result<std::unique_ptr<store::Store>> open_store(const config::Config& config, bool create, bool serving) {
  return store::open_store(config.store.path,
                           {.create = create,
                            .migrate = create,
                            .max_readers = readers_for(config),
                            .read_budget = serving ? std::chrono::milliseconds(config.rdap.query_budget_ms)
                                                   : std::chrono::milliseconds(0),
                            .replica_url = serving ? config.store.replica_url : std::string()});
}

}  // namespace ssad::cli
