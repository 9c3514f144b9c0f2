#pragma once
// /healthz (the process answers) and /readyz (the store can be read), for load balancers and operators.

#include <cstdint>
#include <mutex>
#include <string>

#include "cache/data_version.hpp"
#include "http/message.hpp"
#include "store/registration_store.hpp"

namespace ssad::http {

/// Both answer GET and HEAD without a body only: 405 (with Allow) for other methods, 400 for a body.

/// 200 {"status":"ok"} whenever the process can answer at all.
[[nodiscard]] Response healthz(const Request& request);

/// /readyz: 200 {"status":"ready","domains":N} while the store answers; 503 (RFC 9457) when it does not.
/// A load balancer polls it often, so it costs no store query of its own: whether the store answers is
/// what the data-change tracker last saw (it reads the store at most once per interval), and the counts
/// are read once per data change. Thread-safe.
class Readiness {
 public:
  /// Both must outlive the check.
  Readiness(store::RegistrationReader& store, cache::DataVersion& data_version);

  [[nodiscard]] Response handle(const Request& request);

 private:
  store::RegistrationReader& store_;
  cache::DataVersion& data_version_;
  std::mutex mutex_;              // guards the two below
  std::uint64_t generation_ = 0;  // of the data body_ describes; 0: none yet
  std::string body_;
};

}  // namespace ssad::http
