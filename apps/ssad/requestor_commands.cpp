#include "requestor_commands.hpp"

#include <cstdint>
#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "audit/log.hpp"
#include "identity/directory.hpp"
#include "identity/directory_json.hpp"
#include "json/json_writer.hpp"

namespace ssad::cli {
namespace {

struct Options {
  bool json = false;
  std::string reason;
  // org add
  std::string name, kind = "requestor", country;
  // org add, org registrar
  std::optional<std::int64_t> registrar_iana_id;
  bool no_registrar = false;
  // user add
  std::string org, email, oidc_issuer, oidc_subject;
  std::vector<std::string> roles;
  // accreditation add
  std::string group, authority, from, until, code_of_conduct;
  std::vector<std::string> purposes, bases;
  // accreditation suspend|reinstate|revoke, key revoke
  std::string id;
  // key create
  std::string user, expires;
};

template <typename T>
void print_json(const T& value) {
  json::JsonWriter out;
  identity::write_json(out, value);
  std::printf("%.*s\n", static_cast<int>(out.view().size()), out.view().data());
}

// Runs one directory change with the config's policy and the store; prints the result.
template <typename Change>
int change(const Common& common, Change&& run) {
  return with_store(common, [&](const config::Config& config, store::Store& store) {
    auto settings = load_policy(config);
    if (!settings) return report_error(settings.error());
    const SystemClock clock;
    identity::Directory directory(store, settings->policy(), clock);
    return run(directory);
  });
}

int org_add(const Common& common, const Options& o) {
  return change(common, [&](identity::Directory& directory) {
    auto kind = model::parse_organisation_kind(o.kind);
    if (!kind) return report_error(with_context(kind.error(), "--kind: "));
    auto made = directory.add_organisation(audit::console_operator(),
                                           {o.name, *kind, o.country, o.registrar_iana_id}, o.reason);
    if (!made) return report_error(made.error());
    if (o.json) {
      print_json(*made);
    } else {
      std::printf("added organisation %s (%s)\n", made->id.c_str(), made->name.c_str());
    }
    return 0;
  });
}

int org_registrar(const Common& common, const Options& o) {
  if (!o.no_registrar && !o.registrar_iana_id)
    return report_error(Error{ErrorCode::invalid_input, "give --registrar-iana-id N, or --none"});
  return change(common, [&](identity::Directory& directory) {
    auto changed = directory.set_registrar(audit::console_operator(), o.id,
                                           o.no_registrar ? std::nullopt : o.registrar_iana_id, o.reason);
    if (!changed) return report_error(changed.error());
    if (o.json) {
      print_json(*changed);
    } else if (changed->registrar_iana_id) {
      std::printf("organisation %s is registrar %lld\n", changed->id.c_str(),
                  static_cast<long long>(*changed->registrar_iana_id));
    } else {
      std::printf("organisation %s is no registrar\n", changed->id.c_str());
    }
    return 0;
  });
}

int user_add(const Common& common, const Options& o) {
  return change(common, [&](identity::Directory& directory) {
    unsigned roles = 0;
    for (const std::string& text : o.roles) {
      auto role = model::parse_user_role(text);
      if (!role) return report_error(with_context(role.error(), "--role: "));
      roles |= *role;
    }
    auto made = directory.add_user(audit::console_operator(),
                                   {o.org, o.email, o.oidc_issuer, o.oidc_subject, roles}, o.reason);
    if (!made) return report_error(made.error());
    if (o.json) {
      print_json(*made);
    } else {
      std::printf("added user %s to %s\n", made->id.c_str(), made->org_id.c_str());
    }
    return 0;
  });
}

int user_disable(const Common& common, const Options& o, bool disabled) {
  return change(common, [&](identity::Directory& directory) {
    auto changed = directory.set_user_disabled(audit::console_operator(), o.id, disabled, o.reason);
    if (!changed) return report_error(changed.error());
    if (o.json) {
      print_json(*changed);
    } else {
      std::printf("user %s is %s\n", changed->id.c_str(), disabled ? "disabled" : "enabled");
    }
    return 0;
  });
}

int accreditation_add(const Common& common, const Options& o) {
  return change(common, [&](identity::Directory& directory) {
    identity::NewAccreditation in;
    in.org_id = o.org;
    in.group = o.group;
    in.authority = o.authority;
    auto until = parse_date_bound(o.until, true);
    if (!until) return report_error(with_context(until.error(), "--until: "));
    in.valid_until = *until;
    if (!o.from.empty()) {
      auto from = parse_date_bound(o.from, false);
      if (!from) return report_error(with_context(from.error(), "--from: "));
      in.valid_from = *from;
    }
    in.code_of_conduct_version = o.code_of_conduct;
    in.purposes = o.purposes;
    in.lawful_bases = o.bases;
    auto made = directory.add_accreditation(audit::console_operator(), in, o.reason);
    if (!made) return report_error(made.error());
    if (o.json) {
      print_json(*made);
    } else {
      std::printf("added accreditation %s: %s as %s until %s\n", made->id.c_str(), made->org_id.c_str(),
                  made->group.c_str(), format_rfc3339(made->valid_until).c_str());
    }
    return 0;
  });
}

int accreditation_change(const Common& common, const Options& o, identity::AccreditationChange what) {
  return change(common, [&](identity::Directory& directory) {
    auto changed = directory.change_accreditation(audit::console_operator(), o.id, what, o.reason);
    if (!changed) return report_error(changed.error());
    if (o.json) {
      print_json(*changed);
    } else {
      std::printf("accreditation %s is %s\n", changed->id.c_str(),
                  std::string(model::to_string(changed->status)).c_str());
    }
    return 0;
  });
}

int key_create(const Common& common, const Options& o) {
  return change(common, [&](identity::Directory& directory) {
    std::optional<Timestamp> expires;
    if (!o.expires.empty()) {
      auto parsed = parse_date_bound(o.expires, true);
      if (!parsed) return report_error(with_context(parsed.error(), "--expires: "));
      expires = *parsed;
    }
    auto made = directory.create_key(audit::console_operator(), o.user, expires, o.reason);
    if (!made) return report_error(made.error());
    if (o.json) {
      print_json(*made);
    } else {
      std::printf("created key %s for %s; it is shown this once:\n%s\n", made->record.id.c_str(),
                  made->record.user_id.c_str(), made->key.c_str());
    }
    return 0;
  });
}

int key_revoke(const Common& common, const Options& o) {
  return change(common, [&](identity::Directory& directory) {
    auto revoked = directory.revoke_key(audit::console_operator(), o.id, o.reason);
    if (!revoked) return report_error(revoked.error());
    if (o.json) {
      print_json(*revoked);
    } else {
      std::printf("key %s is revoked\n", revoked->id.c_str());
    }
    return 0;
  });
}

int list(const Common& common, const Options& o) {
  return change(common, [&](identity::Directory& directory) {
    auto views = directory.list(o.org);
    if (!views) return report_error(views.error());
    if (o.json) {
      json::JsonWriter out;
      out.begin_array();
      for (const identity::OrganisationView& view : *views) identity::write_json(out, view);
      out.end_array();
      std::printf("%.*s\n", static_cast<int>(out.view().size()), out.view().data());
      return 0;
    }
    for (const identity::OrganisationView& view : *views) {
      const std::string registrar =
          view.organisation.registrar_iana_id
              ? ", registrar " + std::to_string(*view.organisation.registrar_iana_id)
              : std::string();
      std::printf("%s  %s (%s%s)\n", view.organisation.id.c_str(), view.organisation.name.c_str(),
                  std::string(model::to_string(view.organisation.kind)).c_str(), registrar.c_str());
      for (const model::Accreditation& a : view.accreditations) {
        std::printf("  accreditation %s  %s by %s until %s: %s\n", a.id.c_str(), a.group.c_str(),
                    a.authority.c_str(), format_rfc3339(a.valid_until).c_str(),
                    std::string(model::to_string(a.status)).c_str());
      }
      for (const model::User& u : view.users) {
        std::printf("  user %s  %s%s\n", u.id.c_str(), u.email.c_str(), u.disabled ? " (disabled)" : "");
      }
      for (const model::ApiKey& k : view.keys) {
        std::printf("  key %s  of %s%s\n", k.id.c_str(), k.user_id.c_str(), k.revoked ? " (revoked)" : "");
      }
    }
    return 0;
  });
}

}  // namespace

void add_requestor_commands(CLI::App& app, Common& common, int& exit_code) {
  auto o = std::make_shared<Options>();
  auto* requestor =
      app.add_subcommand("requestor", "Requestor organisations, users, accreditations and API keys");
  requestor->require_subcommand(1);
  const auto common_options = [&](CLI::App* command, bool reason_required = false) {
    add_common(command, common);
    command->add_flag("--json", o->json, "Write the result as JSON");
    auto* reason = command->add_option("--reason", o->reason, "Why (recorded in the audit log)");
    if (reason_required) reason->required();
  };

  auto* org = requestor->add_subcommand("org", "Organisations");
  org->require_subcommand(1);
  auto* org_add_cmd = org->add_subcommand("add", "Add an organisation");
  common_options(org_add_cmd);
  org_add_cmd->add_option("--name", o->name, "Its name")->required();
  org_add_cmd->add_option("--kind", o->kind, "requestor (default) or operator (the operator's own staff)");
  org_add_cmd->add_option("--country", o->country, "ISO 3166-1 alpha-2 code");
  org_add_cmd->add_option("--registrar-iana-id", o->registrar_iana_id,
                          "The IANA Registrar ID of the registrar it is (its users may issue registrant "
                          "sessions for the domains it sponsors)");
  org_add_cmd->callback([o, &common, &exit_code] { exit_code = org_add(common, *o); });
  auto* org_registrar_cmd =
      org->add_subcommand("registrar", "Make an organisation a registrar (by IANA ID), or no registrar");
  common_options(org_registrar_cmd, true);
  org_registrar_cmd->add_option("ID", o->id, "The organisation's id")->required();
  auto* set_registrar = org_registrar_cmd->add_option("--registrar-iana-id", o->registrar_iana_id,
                                                      "The IANA Registrar ID of the registrar it is");
  auto* clear_registrar = org_registrar_cmd->add_flag("--none", o->no_registrar, "It is no registrar");
  set_registrar->excludes(clear_registrar);
  org_registrar_cmd->callback([o, &common, &exit_code] { exit_code = org_registrar(common, *o); });

  auto* user = requestor->add_subcommand("user", "Users of an organisation");
  user->require_subcommand(1);
  auto* user_add_cmd = user->add_subcommand("add", "Add a user");
  common_options(user_add_cmd);
  user_add_cmd->add_option("--org", o->org, "Its organisation's id")->required();
  user_add_cmd->add_option("--email", o->email, "Its email address")->required();
  user_add_cmd->add_option("--oidc-issuer", o->oidc_issuer, "The OpenID Connect issuer it signs in with");
  user_add_cmd->add_option("--oidc-subject", o->oidc_subject, "Its subject (sub) at that issuer");
  user_add_cmd->add_option("--role", o->roles,
                           "reviewer, administrator or auditor (the operator's staff; repeatable)");
  user_add_cmd->callback([o, &common, &exit_code] { exit_code = user_add(common, *o); });
  for (const bool disabled : {true, false}) {
    auto* cmd = user->add_subcommand(disabled ? "disable" : "enable",
                                     disabled ? "Disable a user: its keys and tokens fail from their next use"
                                              : "Enable a disabled user again");
    common_options(cmd, true);
    cmd->add_option("ID", o->id, "The user's id")->required();
    cmd->callback([o, &common, &exit_code, disabled] { exit_code = user_disable(common, *o, disabled); });
  }

  auto* accreditation = requestor->add_subcommand("accreditation", "Accreditations of organisations");
  accreditation->require_subcommand(1);
  auto* acc_add_cmd =
      accreditation->add_subcommand("add", "Accredit an organisation as a member of a user group");
  common_options(acc_add_cmd);
  acc_add_cmd->add_option("--org", o->org, "The organisation's id")->required();
  acc_add_cmd->add_option("--group", o->group, "The user group (policy groups: network_operator, cert, ...)")
      ->required();
  acc_add_cmd->add_option("--authority", o->authority, "The accrediting authority")->required();
  acc_add_cmd->add_option("--until", o->until, "Last day in force (YYYY-MM-DD) or an instant")->required();
  acc_add_cmd->add_option("--from", o->from, "First day in force (default: now)");
  acc_add_cmd->add_option("--code-of-conduct", o->code_of_conduct,
                          "The code of conduct version it accepts now");
  acc_add_cmd->add_option("--purpose", o->purposes,
                          "A purpose it may invoke (default: its group's; repeatable)");
  acc_add_cmd->add_option("--basis", o->bases,
                          "A lawful basis it may invoke (default: its group's; repeatable)");
  acc_add_cmd->callback([o, &common, &exit_code] { exit_code = accreditation_add(common, *o); });
  for (const auto what : {identity::AccreditationChange::suspend, identity::AccreditationChange::reinstate,
                          identity::AccreditationChange::revoke}) {
    auto* cmd = accreditation->add_subcommand(std::string(identity::to_string(what)),
                                              std::string(identity::to_string(what)) + " an accreditation");
    common_options(cmd, true);
    cmd->add_option("ID", o->id, "The accreditation's id")->required();
    cmd->callback([o, &common, &exit_code, what] { exit_code = accreditation_change(common, *o, what); });
  }

  auto* key = requestor->add_subcommand("key", "API keys");
  key->require_subcommand(1);
  auto* key_create_cmd = key->add_subcommand("create", "Create an API key for a user; it is shown once");
  common_options(key_create_cmd);
  key_create_cmd->add_option("--user", o->user, "The user's id")->required();
  key_create_cmd->add_option("--expires", o->expires, "Last day it works (YYYY-MM-DD) or an instant");
  key_create_cmd->callback([o, &common, &exit_code] { exit_code = key_create(common, *o); });
  auto* key_revoke_cmd = key->add_subcommand("revoke", "Revoke an API key");
  common_options(key_revoke_cmd);
  key_revoke_cmd->add_option("ID", o->id, "The key's id")->required();
  key_revoke_cmd->callback([o, &common, &exit_code] { exit_code = key_revoke(common, *o); });

  auto* list_cmd =
      requestor->add_subcommand("list", "List organisations with their users, accreditations and keys");
  add_common(list_cmd, common);
  list_cmd->add_flag("--json", o->json, "Write JSON");
  list_cmd->add_option("--org", o->org, "Only this organisation");
  list_cmd->callback([o, &common, &exit_code] { exit_code = list(common, *o); });
}

}  // namespace ssad::cli
