#pragma once
// Inside rdap/: what every use case gets, and the use cases the Service dispatches to.

#include <chrono>
#include <cstddef>

#include "audit/log.hpp"
#include "cache/data_version.hpp"
#include "cache/registration_cache.hpp"
#include "core/time.hpp"
#include "identity/caller.hpp"
#include "policy/decision.hpp"
#include "rdap/answer.hpp"
#include "rdap/cursor.hpp"
#include "rdap/query.hpp"
#include "rdap/render.hpp"
#include "store/registration_store.hpp"
#include "store/subject_store.hpp"

namespace ssad::rdap {

/// The service's parts, shared by every use case.
struct Environment {
  store::RegistrationReader& store;
  cache::DataVersion& data_version;
  const Settings& settings;
  const policy::Settings& policy;
  const CursorCodec& cursors;
  std::size_t page_size;
  std::size_t min_search_prefix;            // characters before a wildcard's '*'
  std::chrono::milliseconds query_budget;   // of a search page; 0 = none
  const Clock& clock;                       // measures query_budget
  audit::Appender* audit;                   // records disclosures; nullptr: nothing beyond public is served
  cache::RegistrationCache& registrations;  // requestors' domain lookups read through it
  store::SubjectReader* subjects;           // registrants' agents, added to requestors' lookups; or none

  /// The renderers' context for a query.
  [[nodiscard]] Context context(const Location& location) const;
};

/// Adds to `answer` what `decision` disclosed to a requestor beyond the public's view among the fields
/// `served` of `registration` (the object `kind` `name`): nothing for the public.
void note_disclosure(Answer& answer, const identity::Caller& caller, const policy::Decision& decision,
                     const model::Registration& registration, const catalog::FieldSet& served,
                     std::string_view kind, std::string_view name);

/// Records `answer`'s disclosures in the audit log, durably, one entry per object (requestor, organisation,
/// accreditation, purpose, lawful basis, field keys, a commitment to the values, the rules, the policy).
/// Errors: unavailable when they cannot be logged — the answer must then not be sent.
[[nodiscard]] Result<void> record_disclosures(const Environment& env, const identity::Caller& caller,
                                              const Answer& answer, Timestamp now);

/// A store failure as the client sees it, with a message that names nothing stored: timed_out (a read over
/// its budget), else unavailable; the code is logged (never the store's message, which may name a
/// contact: DESIGN.md §4 invariant 1).
[[nodiscard]] Error store_failure(const Error& failure);
/// The answer to a search over its query budget.
[[nodiscard]] Error query_timed_out();

[[nodiscard]] Result<Answer> lookup_domain(const Environment& env, const DomainLookup& query,
                                           const Location& location, const identity::Caller& caller,
                                           const policy::Ask& ask);
[[nodiscard]] Result<Answer> lookup_nameserver(const Environment& env, const NameserverLookup& query,
                                               const Location& location);
[[nodiscard]] Result<Answer> lookup_entity(const Environment& env, const EntityLookup& query,
                                           const Location& location, const identity::Caller& caller,
                                           const policy::Ask& ask);
[[nodiscard]] Result<Answer> search_domains(const Environment& env, const DomainSearch& query,
                                            const Location& location, const identity::Caller& caller,
                                            const policy::Ask& ask, Timestamp now);
[[nodiscard]] Result<Answer> search_nameservers(const Environment& env, const NameserverSearch& query,
                                                const Location& location, Timestamp now);
[[nodiscard]] Result<Answer> help(const Environment& env, const Location& location);

}  // namespace ssad::rdap
