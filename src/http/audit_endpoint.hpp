#pragma once
// The audit log over HTTP (docs/audit.md), at the paths generic transparency-log verifiers expect:
//   GET /v1/audit/checkpoint                          the newest signed checkpoint, text/plain, as signed
//   GET /v1/audit/key                                 the verifier key (note vkey format), text/plain
//   GET /v1/audit/leaves?start=N&end=M                leaf hashes N..M (inclusive), JSON
//   GET /v1/audit/proof/inclusion?index=N&tree_size=M the audit path of entry N, JSON
//   GET /v1/audit/proof/consistency?first=M&second=N  the consistency proof, JSON
//   GET /v1/audit/entries?start=N&end=M               entries: confidential (401 until accounts exist)
// The first five are public: they reveal hashes only. Errors are RFC 9457 problem details.

#include <optional>

#include "http/message.hpp"
#include "store/audit_log.hpp"
#include "tlog/note.hpp"

namespace ssad::http {

class AuditEndpoint {
 public:
  /// `key`: the verifier key of the configured signing key; nullopt when none is configured.
  AuditEndpoint(store::AuditLogReader& log, std::optional<tlog::VerifierKey> key)
      : log_(log), key_(std::move(key)) {}

  /// Answers a request for a path under /v1/audit.
  [[nodiscard]] Response handle(const Request& request) const;

 private:
  store::AuditLogReader& log_;
  std::optional<tlog::VerifierKey> key_;
};

}  // namespace ssad::http
