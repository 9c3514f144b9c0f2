#pragma once
// What abuse monitoring does (issue 14 item 3; docs/abuse.md): opens a case and carries out its graduated
// action — a flag for the administrators, a throttle of one credential, the suspension of a credential, the
// suspension of an accreditation — and what an administrator does to reverse it. Each case is opened in
// one unit of work with its audit entry (`abuse.flag`, `abuse.throttle`, `abuse.suspend_credential`,
// `abuse.suspend_accreditation`, with the evidence), the change to the requestor directory it makes, and
// its alert to the abuse webhook (through the notification outbox); a log line says the same. Lifting a
// case (`abuse.lift`) or a throttle's running out (`abuse.expire`) is audited likewise.
//
// Neither the evidence, the alert, the log line nor the audit entry holds a personal value: ids, counts,
// thresholds and windows only.

#include <optional>
#include <string>

#include "audit/entry.hpp"
#include "config/config.hpp"
#include "core/error.hpp"
#include "core/time.hpp"
#include "store/abuse_store.hpp"
#include "store/store.hpp"

namespace ssad::abuse {

struct EnforcementSettings {
  // The signed webhook (Standard Webhooks) every opened or lifted case is announced to; "" = none. The
  // dispatcher signs with the secret configured beside it.
  std::string webhook_url;
  // Credentials of one organisation suspended within this many days that suspend its accreditation
  // (MonitorSettings::Escalation); 0 suspensions: never.
  unsigned escalate_after = 2;
  unsigned escalation_days = 30;
};

class Enforcement {
 public:
  /// References must outlive it. Thread-safe.
  Enforcement(store::Store& store, const Clock& clock, EnforcementSettings settings);

  /// Opens `abuse_case` (its id, opened time and state are set here) and carries out its action, unless
  /// a case with its dedupe key is open already: then nothing changes and the result is nullopt. A
  /// suspension of a credential with none named, or of an accreditation with none named, is opened as a
  /// flag. When the case suspends a credential and `escalate_after` of the organisation's credentials are
  /// suspended by cases opened within `escalation_days` and not lifted, the accreditation it names is
  /// suspended too (a second case). Errors: unavailable when the store cannot commit.
  [[nodiscard]] Result<std::optional<store::AbuseCase>> open(store::AbuseCase abuse_case);

  /// An administrator lifts an open case: a throttle ends, a suspended credential or accreditation works
  /// again (unless another open case still suspends it), a flag is dismissed. Errors: not_found;
  /// conflict when the case is not open; invalid_input without a reason, or with one over 500 bytes or
  /// holding a character check_text_value() refuses.
  [[nodiscard]] Result<store::AbuseCase> lift(const audit::Actor& by, const std::string& id,
                                              const std::string& reason);

  /// Closes the throttles whose time has run out at `now` (every node may call it; each is closed once).
  /// Returns how many this call closed.
  [[nodiscard]] Result<std::size_t> expire_throttles();

 private:
  [[nodiscard]] Result<std::optional<store::AbuseCase>> open_one(store::AbuseCase abuse_case);

  store::Store& store_;
  const Clock& clock_;
  EnforcementSettings settings_;
};

/// What [abuse] of ssad.toml sets for carrying out cases: the alerts' webhook and the escalation.
[[nodiscard]] EnforcementSettings enforcement_settings(const config::AbuseConfig& config);

/// The audit actor of the monitor's own acts.
[[nodiscard]] audit::Actor monitor_actor();

}  // namespace ssad::abuse
