#pragma once
// The thresholds of abuse monitoring (issue 14; docs/abuse.md; config keys `abuse.*`). Accredited use has
// no fixed ceiling: each detector compares a requestor's own usage with what the operator set here, and
// what it then does is one of the graduated actions. High volume alone is never more than a flag
// (SSAD Rec 13: "high volume alone is not abuse").

#include <chrono>
#include <cstdint>
#include <string>

#include "config/config.hpp"
#include "store/abuse_store.hpp"

namespace ssad::abuse {

struct MonitorSettings {
  bool enabled = true;  // false: nothing is counted, no detector runs (anonymous limits still apply)
  std::string node;     // this node's name in the usage rows; "" = a random one per process
  std::chrono::seconds sync_interval{10};  // usage written and other nodes' read back, throttles refreshed

  // Volume far above the requestor's own baseline and its group's: flagged when the requestor's volume in
  // the current hour (every node) exceeds `factor` times the larger of its own mean hourly volume and its
  // group's median one over the last `baseline_days` (hours with use only), and `floor_per_hour`.
  struct Volume {
    double factor = 10;
    std::uint64_t floor_per_hour = 500;
    unsigned baseline_days = 14;
    store::AbuseAction action = store::AbuseAction::flag;
  } volume;

  // Enumeration. Three signals: a run of `sequence_run` lookups each sorting after the one before (a
  // lexicographic or generated sweep); a not-found ratio of at least `not_found_ratio` over the last
  // `sample` lookups (once that many are seen); at least `distinct_per_day` distinct domains in 24 hours.
  // One signal: `one_signal`; two or more: `two_signals`.
  struct Enumeration {
    unsigned sequence_run = 50;
    unsigned sample = 200;
    double not_found_ratio = 0.8;
    std::uint64_t distinct_per_day = 5000;
    store::AbuseAction one_signal = store::AbuseAction::flag;
    store::AbuseAction two_signals = store::AbuseAction::suspend_credential;
  } enumeration;

  // Malformed requests (answered 400) in the current hour.
  struct Malformed {
    std::uint64_t per_hour = 100;
    store::AbuseAction action = store::AbuseAction::throttle;
  } malformed;

  // Disclosure requests repeating one filed in the last 24 hours (same domain, purpose and fields).
  struct Duplicates {
    std::uint64_t per_day = 20;
    store::AbuseAction action = store::AbuseAction::throttle;
  } duplicates;

  // P1 requests a reviewer found did not meet the urgent criteria, over the last `days`.
  struct FalseUrgent {
    std::uint64_t count = 3;
    unsigned days = 30;
    store::AbuseAction action = store::AbuseAction::flag;
  } false_urgent;

  // Requests for a purpose or lawful basis outside the accreditation, in 24 hours.
  struct Purposes {
    std::uint64_t per_day = 10;
    store::AbuseAction action = store::AbuseAction::flag;
  } purposes;

  // Disclosures of one accreditation whose retention ended without a confirmed destruction.
  struct Retention {
    std::uint64_t overdue = 5;
    std::chrono::seconds scan_interval{3600};
    store::AbuseAction action = store::AbuseAction::flag;
  } retention;

  // One credential from many addresses (an IPv4 address or an IPv6 /64) or countries within `window`.
  struct SharedCredential {
    std::uint64_t addresses = 20;
    std::uint64_t countries = 3;
    std::chrono::minutes window{60};
    store::AbuseAction action = store::AbuseAction::flag;
  } shared_credential;

  // A throttled credential: at most `per_minute` requests a minute (bursts of as many), for `duration`.
  struct Throttle {
    double per_minute = 6;
    std::chrono::hours duration{24};
  } throttle;
  // The escalation to an accreditation's suspension is EnforcementSettings' (abuse/enforcement.hpp).
};

/// The thresholds and actions [abuse] of ssad.toml sets (the config has checked every action's spelling).
[[nodiscard]] MonitorSettings monitor_settings(const config::AbuseConfig& config);

}  // namespace ssad::abuse
