#include "audit_commands.hpp"

#include <cstdio>
#include <fstream>
#include <memory>

#include <fcntl.h>
#include <unistd.h>

#include "audit/checkpoints.hpp"
#include "audit/export.hpp"
#include "audit/keys.hpp"
#include "audit/verify.hpp"

namespace ssad::cli {
namespace {

struct Options {
  std::string key_out, key_name;
  std::vector<std::string> held;
  std::uint64_t from_entry = 0;
  std::string verifier;
  std::string from, to, format = "jsonl", actor, action, object, out;
};

int keygen(const Options& o) {
  auto key =
      audit::write_new_signing_key(o.key_out, o.key_name.empty() ? audit::default_key_name() : o.key_name);
  if (!key) return report_error(key.error());
  std::fprintf(stderr, "wrote the signing key %s (mode 0600); its verifier key, to publish:\n",
               o.key_out.c_str());
  std::printf("%s\n", tlog::format_verifier_key(tlog::verifier_of(*key)).c_str());
  return 0;
}

// The verifier key: --key, else the configured signing key's.
Result<std::optional<tlog::VerifierKey>> verifier_for(const config::Config& config, const Options& o) {
  if (!o.verifier.empty()) {
    SSAD_TRY(key, audit::read_verifier_key(o.verifier));
    return std::optional<tlog::VerifierKey>(key);
  }
  if (config.audit.signing_key.empty()) return std::optional<tlog::VerifierKey>();
  SSAD_TRY(key, audit::read_signing_key(config.audit.signing_key));
  return std::optional<tlog::VerifierKey>(tlog::verifier_of(key));
}

int verify(const config::Config& config, store::Store& store, const Options& o) {
  audit::VerifyOptions options;
  auto key = verifier_for(config, o);
  if (!key) return report_error(key.error());
  options.key = *key;
  options.from = o.from_entry;
  for (const std::string& path : o.held) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return report_error(Error{ErrorCode::unavailable, "cannot read the checkpoint '" + path + "'"});
    options.held_checkpoints.emplace_back(std::istreambuf_iterator<char>(in),
                                          std::istreambuf_iterator<char>());
  }
  auto report = audit::verify(store.audit_log(), options);
  if (!report) return report_error(report.error());
  if (const std::optional<std::string>& problem = report->problem; problem.has_value()) {
    std::fprintf(stderr, "ssad: the audit log does not verify: %s\n", problem->c_str());
    return 5;
  }
  std::printf(
      "the audit log verifies: %llu entries, root %s, %llu stored checkpoints, %llu held checkpoints\n",
      static_cast<unsigned long long>(report->entries), tlog::base64(report->root).c_str(),
      static_cast<unsigned long long>(report->checkpoints), static_cast<unsigned long long>(report->held));
  return 0;
}

int export_log(store::Store& store, const Options& o) {
  store::AuditFilter filter;
  if (!o.from.empty()) {
    auto from = parse_date_bound(o.from, false);
    if (!from) return report_error(with_context(from.error(), "--from: "));
    filter.from = *from;
  }
  if (!o.to.empty()) {
    auto to = parse_date_bound(o.to, true);
    if (!to) return report_error(with_context(to.error(), "--to: "));
    filter.to = *to;
  }
  if (!o.actor.empty()) {
    if (auto ok = audit::parse_reference(o.actor, filter.actor_kind, filter.actor_id); !ok) {
      return report_error(with_context(ok.error(), "--actor: "));
    }
  }
  if (!o.object.empty()) {
    if (auto ok = audit::parse_reference(o.object, filter.object_kind, filter.object_id); !ok) {
      return report_error(with_context(ok.error(), "--object: "));
    }
  }
  if (!o.action.empty()) filter.action = o.action;
  auto format = audit::parse_export_format(o.format);
  if (!format) return report_error(format.error());
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> file(nullptr, &std::fclose);
  std::FILE* out = stdout;
  if (!o.out.empty()) {
    // Never over an existing file; and the entries are confidential (who looked up what, and why): the
    // file is its owner's alone whatever the umask, as the store's is.
    const int fd = ::open(o.out.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd >= 0) {
      file.reset(::fdopen(fd, "w"));
      if (!file) ::close(fd);
    }
    if (!file)
      return report_error(Error{ErrorCode::unavailable, "cannot create '" + o.out + "' (does it exist?)"});
    out = file.get();
  }
  auto count = audit::export_entries(store.audit_log(), filter, *format, [out](std::string_view line) {
    std::fwrite(line.data(), 1, line.size(), out);
  });
  if (!count) return report_error(count.error());
  if (std::fflush(out) != 0) return report_error(Error{ErrorCode::unavailable, "cannot write the export"});
  std::fprintf(stderr, "exported %llu entries\n", static_cast<unsigned long long>(*count));
  return 0;
}

int checkpoint(const config::Config& config, store::Store& store) {
  if (config.audit.signing_key.empty()) {
    return report_error(Error{ErrorCode::invalid_input, "audit.signing_key is not set (ssad audit keygen)"});
  }
  auto key = audit::read_signing_key(config.audit.signing_key);
  if (!key) return report_error(key.error());
  const SystemClock clock;
  audit::Checkpointer signer(store, *key, clock,
                             std::chrono::seconds(config.audit.checkpoint_interval_seconds));
  auto made = signer.sign_now();
  if (!made) return report_error(made.error());
  std::fputs(made->note.c_str(), stdout);
  return 0;
}

}  // namespace

void add_audit_commands(CLI::App& app, Common& common, int& exit_code) {
  auto options = std::make_shared<Options>();
  auto* audit = app.add_subcommand("audit", "The tamper-evident audit log (docs/audit.md)");
  audit->require_subcommand(1);

  auto* keygen_cmd =
      audit->add_subcommand("keygen", "Write a new checkpoint signing key; print its verifier key");
  keygen_cmd->add_option("--out", options->key_out, "The key file to create (mode 0600; never overwritten)")
      ->required();
  keygen_cmd->add_option("--name", options->key_name,
                         "The key's name, which is the checkpoints' origin (default: HOST/ssad-audit)");
  keygen_cmd->callback([options, &exit_code] { exit_code = keygen(*options); });

  auto* verify_cmd = audit->add_subcommand(
      "verify", "Recompute the tree over the whole log and check every entry, node and checkpoint");
  add_common(verify_cmd, common);
  verify_cmd->add_option("--checkpoint", options->held,
                         "A checkpoint held outside the log (a signed note file); may be repeated");
  verify_cmd->add_option(
      "--from", options->from_entry,
      "Recompute from this entry on, taking the tree before it from the stored nodes (default 0)");
  verify_cmd->add_option("--key", options->verifier,
                         "The verifier key, or a file holding it (default: the configured signing key's)");
  verify_cmd->callback([options, &common, &exit_code] {
    exit_code = with_store(
        common,
        [&](const config::Config& config, store::Store& store) { return verify(config, store, *options); },
        false);
  });

  auto* export_cmd = audit->add_subcommand("export", "Write entries as JSON Lines or CSV");
  add_common(export_cmd, common);
  export_cmd->add_option("--from", options->from, "First day (YYYY-MM-DD) or instant (RFC 3339)");
  export_cmd->add_option("--to", options->to,
                         "Last day, included (YYYY-MM-DD), or instant, excluded (RFC 3339)");
  export_cmd->add_option("--format", options->format, "jsonl (default) or csv");
  export_cmd->add_option("--actor", options->actor, "KIND or KIND:ID (operator:alice, system)");
  export_cmd->add_option("--action", options->action, "An action (import.escrow, registrar.set, ...)");
  export_cmd->add_option("--object", options->object, "KIND or KIND:ID (registrar:1234, domain:example.com)");
  export_cmd->add_option("--out", options->out, "A file to create instead of standard output");
  export_cmd->callback([options, &common, &exit_code] {
    exit_code = with_store(
        common, [&](const config::Config&, store::Store& store) { return export_log(store, *options); },
        false);
  });

  auto* checkpoint_cmd =
      audit->add_subcommand("checkpoint", "Sign a checkpoint now (when the log grew); print it");
  add_common(checkpoint_cmd, common);
  checkpoint_cmd->callback([&common, &exit_code] {
    exit_code = with_store(
        common, [](const config::Config& config, store::Store& store) { return checkpoint(config, store); },
        false);
  });
}

}  // namespace ssad::cli
