#include "stats_command.hpp"

#include <chrono>
#include <cstdio>
#include <memory>
#include <string>

#include "disclosure/requests.hpp"
#include "disclosure/statistics.hpp"

namespace ssad::cli {
namespace {

struct Options {
  std::string from;
  std::string until;
  std::string month;
  bool json = false;
  bool csv = false;
};

// The period asked for: --month YYYY-MM, or --from (and --until, default now), or this month to now.
Result<disclosure::Period> period_of(const Options& options, Timestamp now) {
  using namespace std::chrono;  // NOLINT(google-build-using-namespace): calendar arithmetic
  if (!options.month.empty()) {
    SSAD_TRY(from, parse_date_bound(options.month + "-01", false));
    const year_month_day first{floor<days>(from)};
    const year_month next = first.year() / first.month() + months{1};
    return disclosure::Period{from, Timestamp(sys_days(next / 1))};
  }
  if (!options.from.empty()) {
    SSAD_TRY(from, parse_date_bound(options.from, false));
    Timestamp until = now;
    if (!options.until.empty()) {
      SSAD_TRY(end, parse_date_bound(options.until, true));
      until = end;
    }
    return disclosure::Period{from, until};
  }
  if (!options.until.empty()) return fail(ErrorCode::invalid_input, "--until needs --from");
  const year_month_day today{floor<days>(now)};
  return disclosure::Period{Timestamp(sys_days(today.year() / today.month() / 1)), now};
}

int stats(const config::Config& config, store::Store& store, const Options& options) {
  auto settings = load_policy(config);
  if (!settings) return report_error(settings.error());
  const SystemClock clock;
  const Timestamp now = clock.now();
  auto period = period_of(options, now);
  if (!period) return report_error(period.error());
  if (period->until <= period->from) {
    return report_error(Error{ErrorCode::invalid_input, "the period must end after it begins"});
  }
  auto report = disclosure::build_report(store.requests(), settings->policy(), *period, now);
  if (!report) return report_error(report.error());
  const std::string text = options.csv    ? disclosure::to_csv(*report)
                           : options.json ? disclosure::to_json(*report) + "\n"
                                          : disclosure::to_text(*report);
  std::fwrite(text.data(), 1, text.size(), stdout);
  return 0;
}

}  // namespace

void add_stats_command(CLI::App& app, Common& common, int& exit_code) {
  auto options = std::make_shared<Options>();
  auto* cmd = app.add_subcommand(
      "stats", "Transparency statistics of disclosure requests: a period beside the cumulative figures");
  add_common(cmd, common);
  cmd->add_option("--month", options->month, "The period: a calendar month, YYYY-MM (UTC)");
  cmd->add_option("--from", options->from, "Or its start: YYYY-MM-DD or an RFC 3339 instant");
  cmd->add_option("--until", options->until, "And its end (the day included; default now)");
  auto* json = cmd->add_flag("--json", options->json, "Write JSON (docs/statistics.md)");
  cmd->add_flag("--csv", options->csv, "Write CSV (RFC 4180)")->excludes(json);
  cmd->callback([options, &common, &exit_code] {
    exit_code = with_store(
        common,
        [&](const config::Config& config, store::Store& store) { return stats(config, store, *options); },
        false);
  });
}

}  // namespace ssad::cli
