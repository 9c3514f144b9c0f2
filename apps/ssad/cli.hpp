#pragma once
// What the commands of the composition root share: the options of every store-opening command, loading
// the config, opening the store, and turning an error into a message and an exit code.

#include <string>

#include <CLI/CLI.hpp>

#include "config/config.hpp"
#include "core/error.hpp"
#include "disclosure/requests.hpp"
#include "model/operator.hpp"
#include "policy/decision.hpp"
#include "store/store.hpp"

namespace ssad::cli {

// Options every store-opening command shares.
struct Common {
  std::string config_path;
  std::string db_path;
};

void add_common(CLI::App* command, Common& common);

/// The config file (or the defaults) with --db applied; sets the log level.
[[nodiscard]] Result<config::Config> load(const Common& common);

/// The operator's role (rdap.mode).
[[nodiscard]] model::Operator operator_of(const config::Config& config);

/// The decision engine's settings: the operator's role and the policy file (policy.file; the built-in
/// default when empty). Errors: unavailable when the file cannot be read; invalid_input listing its
/// problems with their lines.
[[nodiscard]] Result<policy::Settings> load_policy(const config::Config& config);

/// The disclosure request workflow's settings from [requests], [smtp] and [webhook], with `deadlines`.
[[nodiscard]] disclosure::RequestSettings request_settings(const config::Config& config,
                                                           disclosure::Deadlines deadlines);

/// A date option: YYYY-MM-DD (the whole day, UTC: as an end, the next midnight, so that the day is
/// included) or an RFC 3339 instant. Errors: invalid_input.
[[nodiscard]] Result<Timestamp> parse_date_bound(const std::string& text, bool end);

/// A whole file. Errors: unavailable naming the path.
[[nodiscard]] Result<std::string> read_text_file(const std::string& path);

/// Prints `error` on standard error; returns the exit code for it.
int report_error(const Error& error);

/// Reader connections for a configuration (see cli.cpp).
[[nodiscard]] std::size_t readers_for(const config::Config& config);

/// Opens the store (see cli.cpp for `create` and `serving`).
[[nodiscard]] Result<std::unique_ptr<store::Store>> open_store(const config::Config& config, bool create,
                                                               bool serving);

// Loads the config, opens the store and runs `command` with both; returns the exit code. `create` false
// for the commands that only read (see open_store).
template <class Command>
int with_store(const Common& common, Command&& command, bool create = true, bool serving = false) {
  auto config = load(common);
  if (!config) return report_error(config.error());
  auto store = open_store(*config, create, serving);
  if (!store) return report_error(store.error());
  return command(*config, **store);
}

}  // namespace ssad::cli
