#pragma once
// The audit log over HTTP (docs/audit.md), at the paths generic transparency-log verifiers expect:
//   GET /v1/audit/checkpoint                          the newest signed checkpoint, text/plain, as signed
//   GET /v1/audit/key                                 the verifier key (note vkey format), text/plain
//   GET /v1/audit/leaves?start=N&end=M                leaf hashes N..M (inclusive), JSON
//   GET /v1/audit/proof/inclusion?index=N&tree_size=M the audit path of entry N, JSON
//   GET /v1/audit/proof/consistency?first=M&second=N  the consistency proof, JSON
//   GET /v1/audit/entries?start=N&end=M               entries N..M (inclusive, at most 1000), JSON
// The first five are public: they reveal hashes only. Entries are confidential (who looked up which
// domain, for which investigation): the operator's auditors and administrators read them all, a requestor
// its own (those it is the actor of), nobody else; each read is itself an entry (audit.read). Errors are
// RFC 9457 problem details.

#include <optional>

#include "audit/log.hpp"
#include "http/message.hpp"
#include "identity/authenticator.hpp"
#include "rdap/request.hpp"
#include "store/audit_log.hpp"
#include "tlog/note.hpp"

namespace ssad::http {

class AuditEndpoint {
 public:
  /// `key`: the verifier key of the configured signing key; nullopt when none is configured.
  /// `authenticator`, `appender` and `clock` (all or none; they must outlive the endpoint) let entries be
  /// read, and record each read; without them entries answer 401 to everyone (operators read them with
  /// `ssad audit export`).
  AuditEndpoint(store::AuditLogReader& log, std::optional<tlog::VerifierKey> key,
                const identity::Authenticator* authenticator = nullptr, audit::Appender* appender = nullptr,
                const Clock* clock = nullptr)
      : log_(log), key_(std::move(key)), authenticator_(authenticator), appender_(appender), clock_(clock) {}

  /// Answers a request for a path under /v1/audit.
  [[nodiscard]] Response handle(const Request& request) const;

 private:
  [[nodiscard]] Result<Response> entries(const Request& request,
                                         const rdap::QueryParameters& parameters) const;

  store::AuditLogReader& log_;
  std::optional<tlog::VerifierKey> key_;
  const identity::Authenticator* authenticator_;
  audit::Appender* appender_;
  const Clock* clock_;
};

}  // namespace ssad::http
