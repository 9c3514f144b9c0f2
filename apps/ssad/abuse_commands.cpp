#include "abuse_commands.hpp"

#include <cstdio>
#include <memory>
#include <string>

#include "abuse/cases.hpp"
#include "abuse/enforcement.hpp"
#include "audit/log.hpp"
#include "json/json_writer.hpp"

namespace ssad::cli {
namespace {

struct Options {
  std::string state = "open";
  std::string action;
  std::string detector;
  std::string organisation;
  std::string user;
  std::string id;
  std::string reason;
  std::size_t limit = 100;
  bool json = false;
};

void print_case_line(const store::AbuseCase& c) {
  std::printf("%s  %-7s  %-21s  %-17s  %s  %s\n  %s\n", c.id.c_str(), std::string(to_string(c.state)).c_str(),
              std::string(to_string(c.action)).c_str(), c.detector.c_str(), format_rfc3339(c.opened).c_str(),
              c.user_id.empty() ? c.accreditation_id.c_str() : c.user_id.c_str(), c.summary.c_str());
}

void print_case(const store::AbuseCase& c, bool json) {
  if (json) {
    json::JsonWriter out(2048);
    abuse::write_json(out, c);
    std::printf("%.*s\n", static_cast<int>(out.view().size()), out.view().data());
    return;
  }
  print_case_line(c);
  std::printf("  evidence: %s\n", c.evidence.c_str());
  if (!c.org_id.empty()) std::printf("  organisation: %s\n", c.org_id.c_str());
  if (!c.credential_id.empty()) std::printf("  credential: %s\n", c.credential_id.c_str());
  if (!c.accreditation_id.empty()) std::printf("  accreditation: %s\n", c.accreditation_id.c_str());
  if (c.until) std::printf("  until: %s\n", format_rfc3339(*c.until).c_str());
  if (c.closed) {
    std::printf("  closed: %s by %s: %s\n", format_rfc3339(*c.closed).c_str(),
                c.closed_by.empty() ? "(expiry)" : c.closed_by.c_str(), c.close_reason.c_str());
  }
}

int list_cases(store::Store& store, const Options& options) {
  auto filter =
      abuse::case_filter(options.state, options.action, options.detector, options.organisation, options.user);
  if (!filter) return report_error(filter.error());
  store::Page page;
  page.limit = options.limit;
  auto cases = store.abuse().cases(*filter, page);
  if (!cases) return report_error(cases.error());
  if (options.json) {
    json::JsonWriter out;
    out.begin_object();
    out.key("items");
    out.begin_array();
    for (const store::AbuseCase& c : *cases) abuse::write_json(out, c);
    out.end_array();
    out.end_object();
    std::printf("%.*s\n", static_cast<int>(out.view().size()), out.view().data());
    return 0;
  }
  if (cases->empty()) std::printf("No cases.\n");
  for (const store::AbuseCase& c : *cases) print_case_line(c);
  return 0;
}

}  // namespace

void add_abuse_commands(CLI::App& app, Common& common, int& exit_code) {
  auto* abuse = app.add_subcommand("abuse", "Abuse monitoring's cases: flags, throttles and suspensions");
  abuse->require_subcommand(1);
  auto options = std::make_shared<Options>();

  auto* cases = abuse->add_subcommand("cases", "List cases, newest first");
  add_common(cases, common);
  cases->add_option("--state", options->state,
                    "open, lifted, expired; comma-separated (default open; \"\": all)");
  cases->add_option("--action", options->action, "flag, throttle, suspend_credential, suspend_accreditation");
  cases->add_option("--detector", options->detector, "volume, enumeration, malformed, duplicates, …");
  cases->add_option("--organisation", options->organisation, "Of this organisation (its id)");
  cases->add_option("--user", options->user, "Of this user (its id)");
  cases->add_option("--limit", options->limit, "At most this many (default 100)")->check(CLI::Range(1, 1000));
  cases->add_flag("--json", options->json, "Write JSON (as GET /v1/abuse/cases)");
  cases->callback([options, &common, &exit_code] {
    exit_code = with_store(
        common, [&](const config::Config&, store::Store& store) { return list_cases(store, *options); },
        false);
  });

  auto* show = abuse->add_subcommand("show", "One case with its evidence");
  add_common(show, common);
  show->add_option("id", options->id, "The case's id (case_…)")->required();
  show->add_flag("--json", options->json, "Write JSON (as GET /v1/abuse/cases/{id})");
  show->callback([options, &common, &exit_code] {
    exit_code = with_store(
        common,
        [&](const config::Config&, store::Store& store) {
          auto found = store.abuse().abuse_case(options->id);
          if (!found) return report_error(found.error());
          print_case(*found, options->json);
          return 0;
        },
        false);
  });

  auto* lift = abuse->add_subcommand(
      "lift", "Lift a case: a throttle ends, a suspended credential or accreditation works again");
  add_common(lift, common);
  lift->add_option("id", options->id, "The case's id (case_…)")->required();
  lift->add_option("--reason", options->reason, "Why (kept in the case and the audit log)")->required();
  lift->add_flag("--json", options->json, "Write the lifted case as JSON");
  lift->callback([options, &common, &exit_code] {
    exit_code = with_store(common, [&](const config::Config& config, store::Store& store) {
      const SystemClock clock;
      abuse::Enforcement enforcement(store, clock, abuse::enforcement_settings(config.abuse));
      abuse::Cases abuse_cases(store, enforcement, nullptr);
      auto lifted = abuse_cases.lift_as(audit::console_operator(), options->id, options->reason);
      if (!lifted) return report_error(lifted.error());
      print_case(*lifted, options->json);
      return 0;
    });
  });
}

}  // namespace ssad::cli
