#pragma once
// The RDAP use cases (DESIGN.md C2): a parsed query, who is asking and the time in; an answer (the RDAP
// JSON body and what it served) or an error value out. Lookups, searches with paging, /help, per RFC
// 7480/9082/9083, the ICANN 2024 gTLD profile and RFC 9537 redaction from the one decision engine. No
// HTTP here: http/rdap_endpoint.hpp turns requests into queries and answers and errors into responses.
// One use case per file: domain_lookup.cpp, nameserver_lookup.cpp, entity_lookup.cpp, domain_search.cpp,
// nameserver_search.cpp, help.cpp.

#include <chrono>
#include <cstddef>
#include <memory>
#include <string>

#include "audit/log.hpp"
#include "cache/data_version.hpp"
#include "core/error.hpp"
#include "core/time.hpp"
#include "identity/caller.hpp"
#include "policy/decision.hpp"
#include "rdap/answer.hpp"
#include "rdap/query.hpp"
#include "rdap/render.hpp"
#include "store/registration_store.hpp"

namespace ssad::rdap {

struct ServiceOptions {
  std::size_t page_size = 50;  // search results per page
  // Key for paging cursors; empty: a random one per process (cursors then end on restart, and servers
  // behind one load balancer need the same key).
  std::string cursor_key;
  std::chrono::seconds cursor_lifetime{3600};  // a cursor older than this is refused
  // Characters a wildcard search needs before its '*' ("ab*"): shorter prefixes match too much.
  std::size_t min_search_prefix = 2;
  // A search page that has not finished after this long answers timed_out (503) instead of holding a
  // thread; 0 = no limit. The store bounds each single read the same way (store::sqlite::SqliteOptions).
  std::chrono::milliseconds query_budget{0};
  const Clock* clock = nullptr;  // measures query_budget; nullptr = the system clock
  // Records what is disclosed to requestors, before the answer is returned; nullptr: an answer that would
  // disclose anything beyond the public's view fails (unavailable) instead.
  audit::Appender* audit = nullptr;
  // Registrations kept for requestors' domain lookups, whose answers the response cache cannot hold
  // (cache/registration_cache.hpp); 0: none.
  std::size_t registration_cache_bytes = 0;
  // The agents registrants designated (issue 15; docs/subject.md): a requestor's domain lookup reads the
  // domain's designation and, while one is in force, decides and renders the agent as a contact; nullptr:
  // no agent is ever shown.
  store::SubjectReader* subjects = nullptr;
};

class Service {
 public:
  /// `data_version` gives the "last update of RDAP database" event; it must outlive the service.
  Service(store::RegistrationReader& store, cache::DataVersion& data_version, Settings settings,
          policy::Settings policy, const ServiceOptions& options = {});
  ~Service();
  Service(const Service&) = delete;
  Service& operator=(const Service&) = delete;

  /// Answers one query for `caller` asking `ask` at `now`. What it discloses to a requestor beyond the
  /// public's view is in the audit log, durably, before it returns. Thread-safe. Errors (messages are for
  /// the client and never repeat a stored value): not_found (no such object, or a contact whose handle is
  /// not published), invalid_input (a bad or expired cursor), unsupported (a wildcard prefix shorter than
  /// min_search_prefix), timed_out (over the query budget), unavailable (the store failed, logged by code
  /// only; or the disclosures could not be logged).
  [[nodiscard]] Result<Answer> answer(const Query& query, const identity::Caller& caller, Timestamp now,
                                      const policy::Ask& ask = {}) const;

  /// The policy the service decides by.
  [[nodiscard]] const policy::Settings& policy() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace ssad::rdap
