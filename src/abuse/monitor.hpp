#pragma once
// Abuse monitoring of accredited use (issue 14 item 2; docs/abuse.md). Accredited requestors are not
// rate-limited by a fixed number: each node keeps usage windows per requestor in memory and runs the
// detectors on every use, comparing with the thresholds of MonitorSettings; what a detector finds
// becomes a case (abuse/enforcement.hpp). A throttled credential is the only one ever refused here.
//
// Across nodes: every `sync_interval` each node writes its counts of the current and the last hour to the
// store (one row per requestor, node and hour, abuse_store.hpp) and reads back the rows the other nodes
// changed since its last look; the detectors add those to their own counts (hourly and daily totals,
// distinct domains and addresses as mergeable sketches). A requestor spreading its traffic over N nodes is
// thus seen whole within one interval. What each node judges from its own stream alone — the sequence of
// names and the not-found ratio of the latest lookups — needs no merging: a sweep split over several nodes
// is still a sweep on each. Throttles opened by another node apply here from the next sync; suspensions
// are in the requestor directory, read on every request, so they apply on every node at once.

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "abuse/countries.hpp"
#include "abuse/enforcement.hpp"
#include "abuse/settings.hpp"
#include "core/error.hpp"
#include "core/time.hpp"
#include "store/abuse_store.hpp"

namespace ssad::abuse {

/// One use of the system by an authenticated requestor, as the transport saw it once answered.
struct Use {
  enum class Kind : std::uint8_t { lookup, search, filing, read };
  enum class Outcome : std::uint8_t {
    ok,
    not_found,        // a lookup of a name not registered here
    malformed,        // refused as malformed (400)
    purpose_refused,  // a purpose or lawful basis outside the accreditation
  };
  Kind kind = Kind::lookup;
  Outcome outcome = Outcome::ok;
  std::string_view user_id;
  std::string_view org_id;
  std::string_view credential_id;     // the API key's id, or "iss#sub" of a token
  std::string_view accreditation_id;  // "" when none
  std::string_view group;             // the accreditation's user group; "" when none
  std::string_view domain;            // looked up or asked about, normalised (A-labels); "" for none
  std::string_view address;           // the client's address as text
  std::string_view country;           // ISO 3166 alpha-2 of the address, "" when unknown
  // A filing's domain, purpose, basis and fields (stable_hash of them); 0 when not a filing.
  std::uint64_t fingerprint = 0;
};

/// A throttled credential's refusal.
struct Throttled {
  std::chrono::seconds retry_after{1};
  std::string case_id;
  Timestamp until;
};

/// A detector's finding, before it becomes a case.
struct Finding {
  std::string detector;  // "volume", "enumeration", …
  store::AbuseAction action = store::AbuseAction::flag;
  std::string user_id;
  std::string org_id;
  std::string credential_id;
  std::string accreditation_id;
  std::string summary;   // one line; ids and numbers only
  std::string evidence;  // JSON object
};

class Monitor {
 public:
  /// `enforcement` carries findings out (nullptr: findings are only logged, for tests of the detectors);
  /// `countries` tells the country of an address a Use does not name one for (nullptr: none). References
  /// must outlive the monitor. Thread-safe.
  Monitor(store::Store& store, const Clock& clock, MonitorSettings settings, Enforcement* enforcement,
          const CountryLookup* countries = nullptr);
  ~Monitor();
  Monitor(const Monitor&) = delete;
  Monitor& operator=(const Monitor&) = delete;

  [[nodiscard]] bool enabled() const { return settings_.enabled; }
  [[nodiscard]] const MonitorSettings& settings() const { return settings_; }
  [[nodiscard]] const std::string& node() const { return node_; }

  /// Before serving: nullopt to go ahead; a throttled credential (or user) over its ceiling gets when
  /// to come back. Cheap when nothing is throttled.
  [[nodiscard]] std::optional<Throttled> admit(std::string_view user_id, std::string_view credential_id);

  /// After serving: counts `use` and runs the detectors; a finding is carried out before this returns,
  /// so that a suspension stops the very next request.
  void record(const Use& use);

  /// A reviewer found that a P1 request of `user_id` did not meet the urgent criteria; `in_window` is how
  /// many of its P1 requests were so found within false_urgent.days, this one included.
  void note_false_urgent(std::string_view user_id, std::string_view org_id, std::string_view accreditation_id,
                         std::uint64_t in_window);

  /// The retention detector: `overdue` counts, per accreditation id, disclosures whose retention ended
  /// without a confirmed destruction; `org_of` names each accreditation's organisation.
  void note_overdue(const std::map<std::string, std::size_t>& overdue,
                    const std::function<std::string(const std::string&)>& org_of);

  /// Exchanges usage with the other nodes through the store, refreshes the baselines (hourly) and the
  /// throttles, expires throttles whose time ran out, and runs the detectors over the merged counts.
  /// Called every sync_interval by the composition root, and by tests.
  [[nodiscard]] Result<void> sync();

  /// Forget what the detectors remember of a requestor's recent use, after an administrator lifted a case
  /// on it (so that the same evidence does not open it again at once).
  void forget(std::string_view user_id);
  /// An administrator lifted `abuse_case` (through this node): its throttle ends here at once, and the
  /// requestor's recent use is forgotten.
  void lifted(const store::AbuseCase& abuse_case);

  /// Requestors with usage windows in memory, and an estimate of the bytes they hold (bench, metrics).
  struct Footprint {
    std::size_t requestors = 0;
    std::size_t bytes = 0;
  };
  [[nodiscard]] Footprint footprint() const;

  /// The usage state of one requestor; defined in monitor.cpp.
  struct Usage;

 private:
  struct Shard {
    mutable std::mutex mutex;
    std::unordered_map<std::string, std::unique_ptr<Usage>> users;
  };
  struct ThrottleState {
    std::string case_id;
    Timestamp until;
    double tokens = 0;
    Clock::Monotonic updated;
  };

  [[nodiscard]] Shard& shard_of(std::string_view user_id);
  void carry_out(std::vector<Finding> findings);
  [[nodiscard]] Result<void> write_usage(Timestamp now);
  [[nodiscard]] Result<void> read_usage(Timestamp now);
  [[nodiscard]] Result<void> refresh_baselines(Timestamp now);
  [[nodiscard]] Result<void> refresh_throttles(Timestamp now);
  void sweep_all(Timestamp now);

  store::Store& store_;
  const Clock& clock_;
  MonitorSettings settings_;
  Enforcement* enforcement_;
  const CountryLookup* countries_;
  std::string node_;
  std::string distinct_salt_;  // keys this node's exact count of distinct names (random per process)
  std::vector<std::unique_ptr<Shard>> shards_;

  std::mutex sync_mutex_;  // one sync at a time
  Timestamp last_read_{};  // other nodes' rows updated since this were read
  Timestamp baselines_at_{};
  Timestamp overdue_scanned_{};

  mutable std::shared_mutex baseline_mutex_;
  std::unordered_map<std::string, double> own_mean_;      // user -> mean hourly volume (hours with use)
  std::unordered_map<std::string, double> group_median_;  // group -> median of its users' means

  mutable std::shared_mutex throttle_mutex_;
  bool any_throttle_ = false;
  std::unordered_map<std::string, ThrottleState> throttles_;  // credential id (or user id) -> state
};

}  // namespace ssad::abuse
