#pragma once
// The cases abuse monitoring opened, for people (issue 14 item 3): administrators and auditors list and
// read them with their evidence; administrators lift them (abuse/enforcement.hpp says what lifting
// undoes). Behind /v1/abuse/cases and `ssad abuse`.

#include <string>
#include <vector>

#include "abuse/monitor.hpp"
#include "core/error.hpp"
#include "identity/authenticator.hpp"
#include "json/json_writer.hpp"
#include "store/abuse_store.hpp"
#include "store/store.hpp"

namespace ssad::abuse {

/// One page of cases and the cursor of the next ("" at the end).
struct CasePage {
  std::vector<store::AbuseCase> items;
  std::string next;
};

class Cases {
 public:
  /// `monitor`: this node's, told of a lift so that it forgets the evidence and the throttle at once
  /// (nullptr in the CLI: the nodes learn at their next sync). References must outlive it.
  Cases(store::Store& store, Enforcement& enforcement, Monitor* monitor);

  /// A page of the cases `filter` selects, newest first. Errors: forbidden but for administrators and
  /// auditors.
  [[nodiscard]] Result<CasePage> list(const identity::Authenticated& who, const store::CaseFilter& filter,
                                      const store::Page& page) const;
  /// One case. Errors: forbidden as list(); not_found.
  [[nodiscard]] Result<store::AbuseCase> get(const identity::Authenticated& who, const std::string& id) const;
  /// Lifts an open case. Errors: forbidden but for administrators; Enforcement::lift's.
  [[nodiscard]] Result<store::AbuseCase> lift(const identity::Authenticated& who, const std::string& id,
                                              const std::string& reason);
  /// Lifts as `actor` (the console operator of the CLI). Errors: Enforcement::lift's.
  [[nodiscard]] Result<store::AbuseCase> lift_as(const audit::Actor& actor, const std::string& id,
                                                 const std::string& reason);

 private:
  store::Store& store_;
  Enforcement& enforcement_;
  Monitor* monitor_;
};

/// A case as JSON (the /v1 representation; docs/abuse.md): its evidence as an object.
void write_json(json::JsonWriter& out, const store::AbuseCase& abuse_case);

/// `filter`'s conditions from text (the CLI's options and /v1's query parameters): states and actions
/// comma-separated. Errors: invalid_input naming the bad value.
[[nodiscard]] Result<store::CaseFilter> case_filter(const std::string& states, const std::string& actions,
                                                    const std::string& detector, const std::string& org_id,
                                                    const std::string& user_id);

}  // namespace ssad::abuse
