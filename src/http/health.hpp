#pragma once
// /healthz (the process answers) and /readyz (the store can be read), for load balancers and operators.

#include <cstdint>
#include <mutex>
#include <optional>
#include <string>

#include "cache/abuse_contact_gaps.hpp"
#include "cache/data_version.hpp"
#include "http/message.hpp"
#include "store/registration_store.hpp"

namespace ssad::http {

/// Both answer GET and HEAD without a body only: 405 (with Allow) for other methods, 400 for a body.

/// 200 {"status":"ok"} whenever the process can answer at all.
[[nodiscard]] Response healthz(const Request& request);

/// /readyz: 200 {"status":"ready","domains":N} while the store answers; 503 (RFC 9457) when it does not.
/// With `gaps`, the answer also counts the registrars lacking an abuse contact and lists the first 20, as
/// "registrars_without_abuse_contact_count":N,
/// "registrars_without_abuse_contact":[{"iana_id":N|null,"handle":"…","name":"…","missing":["email","phone"]}]
/// (0 and empty when none): the store is ready, but RDAP answers for their domains fail the ICANN profile.
/// A load balancer polls it often, so it costs no store query of its own: whether the store answers is
/// what the data-change tracker last saw (it reads the store at most once per interval), and the counts
/// and the list are read once per data change. Thread-safe.
class Readiness {
 public:
  /// All must outlive the check; `gaps` may be null (no detail).
  Readiness(store::RegistrationReader& store, cache::DataVersion& data_version,
            cache::AbuseContactGaps* gaps = nullptr);

  [[nodiscard]] Response handle(const Request& request);
  /// handle()'s answer when it reads nothing from the store (the data version is known and the counts
  /// are those of its generation), for the server's reading thread, so that a load balancer's probe does
  /// not wait behind store work; nullopt otherwise.
  [[nodiscard]] std::optional<Response> quick(const Request& request);

 private:
  store::RegistrationReader& store_;
  cache::DataVersion& data_version_;
  cache::AbuseContactGaps* gaps_;
  std::mutex mutex_;              // guards the two below
  std::uint64_t generation_ = 0;  // of the data body_ describes; 0: none yet
  std::string body_;
};

}  // namespace ssad::http
