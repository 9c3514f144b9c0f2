#include "abuse/settings.hpp"

#include "abuse/enforcement.hpp"

namespace ssad::abuse {

MonitorSettings monitor_settings(const config::AbuseConfig& in) {
  // Checked when the config was read: only the four spellings get here.
  const auto action = [](const std::string& text) {
    return store::parse_abuse_action(text).value_or(store::AbuseAction::flag);
  };
  MonitorSettings out;
  out.enabled = in.monitoring;
  out.node = in.node;
  out.sync_interval = std::chrono::seconds(in.sync_seconds);
  out.volume = {in.volume.factor, in.volume.floor_per_hour, in.volume.baseline_days,
                action(in.volume.action)};
  out.enumeration = {in.enumeration.sequence_run,       in.enumeration.sample,
                     in.enumeration.not_found_ratio,    in.enumeration.distinct_per_day,
                     action(in.enumeration.one_signal), action(in.enumeration.two_signals)};
  out.malformed = {in.malformed.per_hour, action(in.malformed.action)};
  out.duplicates = {in.duplicates.per_day, action(in.duplicates.action)};
  out.false_urgent = {in.false_urgent.count, in.false_urgent.days, action(in.false_urgent.action)};
  out.purposes = {in.purposes.per_day, action(in.purposes.action)};
  out.retention = {in.retention.overdue, std::chrono::seconds(in.retention.scan_seconds),
                   action(in.retention.action)};
  out.shared_credential = {in.shared_credential.addresses, in.shared_credential.countries,
                           std::chrono::minutes(in.shared_credential.minutes),
                           action(in.shared_credential.action)};
  out.throttle = {static_cast<double>(in.throttle.per_minute), std::chrono::hours(in.throttle.hours)};
  return out;
}

EnforcementSettings enforcement_settings(const config::AbuseConfig& in) {
  return {.webhook_url = in.webhook_url,
          .escalate_after = in.escalation.suspensions,
          .escalation_days = in.escalation.days};
}

}  // namespace ssad::abuse
