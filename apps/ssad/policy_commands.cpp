#include "policy_commands.hpp"

#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "core/domain_name.hpp"
#include "identity/authenticator.hpp"
#include "json/json_writer.hpp"
#include "policy/explanation_json.hpp"
#include "policy/rules.hpp"

namespace ssad::cli {
namespace {

struct Options {
  std::string file;
  // explain
  std::string domain;
  std::string purpose;
  std::string user;
  std::string group;
  std::string authority = "(any)";
  std::string status = "active";
  std::string basis;
  std::string priority;
  std::string abuse_type;
  std::vector<std::string> fields;
  bool json = false;
  bool trace = false;
};

int check(const Options& options) {
  auto text = read_text_file(options.file);
  if (!text) return report_error(text.error());
  auto rules = policy::Rules::parse(*text, options.file);
  if (!rules) return report_error(rules.error());
  std::printf("%s: valid: %zu groups, %zu purposes of its own, %zu rules; sha256 %s\n", options.file.c_str(),
              rules->groups().size(), rules->own_purposes().size(), rules->rules().size(),
              rules->fingerprint().c_str());
  return 0;
}

// The request to explain, from the options. Errors: invalid_input naming the option; for --user, the
// directory's (not_found) and caller_for()'s (a purpose the accreditation does not permit, ...).
Result<std::pair<identity::Caller, policy::Ask>> request_of(const Options& options,
                                                            const policy::Rules& rules,
                                                            const identity::Authenticator& directory) {
  policy::Ask ask;
  if (!options.basis.empty()) {
    ask.lawful_basis = policy::parse_lawful_basis(options.basis);
    if (!ask.lawful_basis)
      return fail(ErrorCode::invalid_input, "--basis must be one of 6(1)(a) ... 6(1)(f)");
  }
  if (!options.priority.empty()) {
    auto priority = policy::parse_priority(options.priority);
    if (!priority) return fail(ErrorCode::invalid_input, "--priority must be P1, P2 or P3");
    ask.priority = *priority;
  }
  if (!options.abuse_type.empty() && !policy::is_abuse_type(options.abuse_type)) {
    return fail(ErrorCode::invalid_input, "--abuse-type is not one the policy knows (docs/policy.md)");
  }
  ask.abuse_type = options.abuse_type;
  if (!options.fields.empty()) {
    catalog::FieldSet requested;
    for (const std::string& key : options.fields) {
      auto field = catalog::field(key);
      if (!field) return std::unexpected(with_context(field.error(), "--fields: "));
      requested.insert(**field);
    }
    ask.requested = requested;
  }
  if (!options.user.empty()) {
    if (!options.group.empty()) return fail(ErrorCode::invalid_input, "give --user or --group, not both");
    SSAD_TRY(who, directory.user(options.user));
    SSAD_TRY(caller, identity::caller_for(who, options.purpose, rules));
    return std::pair{std::move(caller), ask};
  }
  if (options.group.empty()) {
    if (!options.purpose.empty()) {
      return fail(ErrorCode::invalid_input, "--purpose needs a requestor: --user USER or --group GROUP");
    }
    return std::pair{identity::Caller::anonymous(), ask};
  }
  if (rules.group(options.group) == nullptr) {
    return fail(ErrorCode::invalid_input, "--group '" + options.group + "' is not a group of the policy");
  }
  if (!options.purpose.empty() && !rules.knows_purpose(options.purpose)) {
    return fail(ErrorCode::invalid_input,
                "--purpose '" + options.purpose + "' is not a purpose the policy knows");
  }
  auto status = model::parse_accreditation_status(options.status);
  if (!status) return std::unexpected(with_context(status.error(), "--status: "));
  identity::Requestor requestor;
  model::Accreditation accreditation;
  accreditation.group = options.group;
  accreditation.authority = options.authority;
  accreditation.status = *status;
  requestor.accreditation = accreditation;
  return std::pair{identity::Caller::requestor(std::move(requestor), options.purpose), ask};
}

void print_text(const policy::Explanation& explanation, const identity::Caller& caller,
                const std::string& domain, bool trace) {
  const identity::Requestor* requestor = caller.requestor();
  if (requestor == nullptr || !requestor->accreditation) {
    std::printf("domain %s, asked by %s\n", domain.c_str(),
                requestor == nullptr ? "the public" : "a requestor without an accreditation");
  } else {
    const model::Accreditation& accreditation = *requestor->accreditation;
    std::printf(
        "domain %s, asked by group %s (accreditation %s, authority %s), purpose %s, lawful basis %s\n",
        domain.c_str(), accreditation.group.c_str(),
        std::string(policy::to_string(explanation.accreditation)).c_str(), accreditation.authority.c_str(),
        caller.purpose().empty() ? "(none)" : caller.purpose().c_str(),
        std::string(policy::to_string(explanation.lawful_basis)).c_str());
  }
  std::printf("%-28s %-9s %-24s %s\n", "field", "outcome", "reason", "rule");
  for (const catalog::Field& field : catalog::all_fields()) {
    const policy::FieldDecision& d = explanation.decision[field];
    const std::string reason =
        d.disposition == policy::Disposition::disclose ? "" : std::string(policy::to_string(d.reason));
    std::printf("%-28s %-9s %-24s %s\n", std::string(field.key).c_str(),
                std::string(policy::to_string(d.disposition)).c_str(), reason.c_str(),
                d.rule.empty() ? "-" : std::string(d.rule).c_str());
    if (!trace) continue;
    for (const policy::RuleTrace& step : explanation.traces[catalog::index_of(field)]) {
      std::printf("    %s: %s\n", step.rule.empty() ? "-" : step.rule.c_str(), step.note.c_str());
    }
  }
}

int explain(const config::Config& config, store::Store& store, const Options& options) {
  auto settings = load_policy(config);
  if (!settings) return report_error(settings.error());
  auto name = normalize_domain_name(options.domain);
  if (!name) return report_error(with_context(name.error(), "--domain: "));
  const SystemClock clock;
  const identity::Authenticator directory(store.requestors(), clock);
  auto request = request_of(options, settings->policy(), directory);
  if (!request) return report_error(request.error());
  auto registration = store.registrations().find_registration(name->ldh);
  if (!registration) return report_error(registration.error());
  const auto& [caller, ask] = *request;
  const policy::Explanation explanation = policy::explain(caller, *registration, *settings, ask);
  if (options.json) {
    json::JsonWriter out;
    policy::write_json(out, explanation, caller, ask, name->ldh);
    std::printf("%.*s\n", static_cast<int>(out.view().size()), out.view().data());
  } else {
    print_text(explanation, caller, name->ldh, options.trace);
  }
  return 0;
}

}  // namespace

void add_policy_commands(CLI::App& app, Common& common, int& exit_code) {
  auto options = std::make_shared<Options>();
  auto* policy_cmd = app.add_subcommand("policy", "The disclosure policy (docs/policy.md)");
  policy_cmd->require_subcommand(1);

  auto* check_cmd =
      policy_cmd->add_subcommand("check", "Check a policy file; print every problem with its line");
  check_cmd->add_option("FILE", options->file, "The policy file (TOML)")->required();
  check_cmd->callback([options, &exit_code] { exit_code = check(*options); });

  auto* default_cmd =
      policy_cmd->add_subcommand("default", "Print the built-in default policy, to start a file from");
  default_cmd->callback([&exit_code] {
    const std::string_view text = policy::Rules::builtin_text();
    std::fwrite(text.data(), 1, text.size(), stdout);
    exit_code = 0;
  });

  auto* explain_cmd = policy_cmd->add_subcommand(
      "explain", "Show every field's outcome for a request about a domain, and the rules that decided it");
  add_common(explain_cmd, common);
  explain_cmd->add_option("--domain", options->domain, "The domain asked about")->required();
  explain_cmd->add_option("--purpose", options->purpose, "The purpose stated (RFC 9560 or the policy's own)");
  explain_cmd->add_option("--user", options->user, "A requestor user of the directory (its accreditations)");
  explain_cmd->add_option("--group", options->group,
                          "Or a user group, to explain without a user (none: the public)");
  explain_cmd->add_option("--authority", options->authority, "Its accrediting authority");
  explain_cmd->add_option("--status", options->status, "Its accreditation's status (default active)");
  explain_cmd->add_option("--basis", options->basis,
                          "The lawful basis (default: the policy's rdap_lawful_basis)");
  explain_cmd->add_option("--priority", options->priority, "P1, P2 or P3");
  explain_cmd->add_option("--abuse-type", options->abuse_type, "phishing, malware, botnet, ...");
  explain_cmd->add_option("--fields", options->fields, "The fields asked for (default: all)")->delimiter(',');
  explain_cmd->add_flag("--json", options->json, "Write JSON (docs/policy.md)");
  explain_cmd->add_flag("--trace", options->trace, "Also list the rules read for each field");
  explain_cmd->callback([options, &common, &exit_code] {
    exit_code = with_store(
        common,
        [&](const config::Config& config, store::Store& store) { return explain(config, store, *options); },
        false);
  });
}

}  // namespace ssad::cli
