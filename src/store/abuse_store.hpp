#pragma once
// Abuse monitoring's records (issue 14; docs/abuse.md): the usage each node counted per requestor and hour,
// and the cases the detectors opened — a flag, a throttle, a suspension — with the evidence behind each.
//
// Usage rows are how the nodes see each other's traffic: every node keeps its own counts in memory
// (abuse/usage.hpp) and writes them here every few seconds, one row per (user, node, hour) that it replaces
// with its latest counts; every node reads back the rows other nodes changed since its last look. The rows
// of past hours are also the baselines the volume detector compares with.
//
// Cases are opened in the unit of work that writes their audit entry, so that an action and its record
// commit together; one open case per dedupe key across all nodes, so that two nodes that see the same
// evidence open one case.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"
#include "core/time.hpp"
#include "store/page.hpp"

namespace ssad::store {

/// What one node counted for one requestor (a user) over one UTC hour.
struct UsageRow {
  std::string user_id;
  std::string org_id;
  std::string group;            // the user group of the accreditation most of it was asked under; "" for none
  std::string node;             // the node that counted it (a random id per process, or the configured one)
  Timestamp hour;               // the start of the hour (UTC, whole hour)
  std::uint64_t lookups = 0;    // authorised RDAP lookups and searches
  std::uint64_t not_found = 0;  // of which answered 404
  std::uint64_t filings = 0;    // disclosure requests filed
  std::uint64_t malformed = 0;  // requests refused as malformed (400)
  std::uint64_t duplicates = 0;        // disclosure requests that repeated an open or recent one
  std::uint64_t purpose_refusals = 0;  // asked for a purpose or basis outside the accreditation
  // abuse/'s mergeable summary of the hour (distinct domains, addresses and countries seen), opaque here;
  // at most 4 KiB.
  std::string sketch;
  Timestamp updated;  // when the node last wrote the row (set by the store's caller)
  friend bool operator==(const UsageRow&, const UsageRow&) = default;
};

/// A requestor's volume over a span of hours (for baselines).
struct UsageVolume {
  std::string user_id;
  std::string group;         // of its latest row in the span
  std::uint64_t volume = 0;  // lookups and filings, summed over every node
  std::uint64_t hours = 0;   // distinct hours with any use
  friend bool operator==(const UsageVolume&, const UsageVolume&) = default;
};

/// What a case did.
enum class AbuseAction : std::uint8_t {
  flag,                   // told the administrators; nothing else changes
  throttle,               // the credential is served at a lower ceiling until `until` or lifted
  suspend_credential,     // the credential fails until lifted
  suspend_accreditation,  // the accreditation is suspended until lifted
};
[[nodiscard]] std::string_view to_string(AbuseAction action);  // "flag", "throttle", …
[[nodiscard]] Result<AbuseAction> parse_abuse_action(std::string_view text);

enum class CaseState : std::uint8_t {
  open,     // in force (a flag: not yet dealt with)
  lifted,   // an administrator lifted or dismissed it
  expired,  // a throttle whose time ran out
};
[[nodiscard]] std::string_view to_string(CaseState state);  // "open", "lifted", "expired"
[[nodiscard]] Result<CaseState> parse_case_state(std::string_view text);

struct AbuseCase {
  std::string id;          // "abc_…", random
  std::string dedupe_key;  // at most one open case per key
  Timestamp opened;
  std::string detector;  // "volume", "enumeration", "malformed", …, or "manual"
  AbuseAction action = AbuseAction::flag;
  std::string user_id;           // the requestor
  std::string org_id;            // its organisation
  std::string credential_id;     // the API key's id or the token's "iss#sub"; may be empty
  std::string accreditation_id;  // may be empty
  std::string summary;           // one line for people; never a personal value
  std::string evidence;          // a JSON object: what was measured, over which window, the thresholds
  CaseState state = CaseState::open;
  std::optional<Timestamp> until;   // a throttle's end
  std::optional<Timestamp> closed;  // when lifted or expired
  std::string closed_by;            // who lifted it ("operator:…"), empty for expiry
  std::string close_reason;
  friend bool operator==(const AbuseCase&, const AbuseCase&) = default;
};

/// Which cases a list holds. Every condition set must hold.
struct CaseFilter {
  std::string user_id;
  std::string org_id;
  std::string detector;
  std::vector<AbuseAction> actions;  // any of these
  std::vector<CaseState> states;     // any of these
  std::optional<Timestamp> opened_from;
};

class AbuseReader {
 public:
  virtual ~AbuseReader() = default;

  /// Usage rows written (updated) at or after `since` by any node but `except_node`, oldest update first
  /// (then by user id, node and hour), at most `limit` (the caller asks again from the last one's
  /// `updated`, or, when the page was full, continues with usage_updated_after()).
  [[nodiscard]] virtual Result<std::vector<UsageRow>> usage_updated_since(Timestamp since,
                                                                          const std::string& except_node,
                                                                          std::size_t limit) = 0;
  /// The rows after `last` (the last row of a full page of usage_updated_since() or of this) in the same
  /// order: the next page. A node writes every row of a flush with one `updated`, so a page may end within
  /// one instant, and asking again from the last row's `updated` would read the same page again.
  [[nodiscard]] virtual Result<std::vector<UsageRow>> usage_updated_after(const UsageRow& last,
                                                                          const std::string& except_node,
                                                                          std::size_t limit) = 0;
  /// Every requestor's volume over the hours in [from, until), every node summed, by user id.
  [[nodiscard]] virtual Result<std::vector<UsageVolume>> usage_volumes(Timestamp from, Timestamp until) = 0;

  /// The case with `id`. Errors: not_found.
  [[nodiscard]] virtual Result<AbuseCase> abuse_case(const std::string& id) = 0;
  /// A page of the cases `filter` selects, newest first (by `opened`, then by id, greatest first);
  /// `page.after` is the id of the last case of the previous page ("" for the first). Errors:
  /// invalid_input when `page.after` is no case's id.
  [[nodiscard]] virtual Result<std::vector<AbuseCase>> cases(const CaseFilter& filter, const Page& page) = 0;
};

/// Written within a unit of work (UnitOfWork::abuse()).
class AbuseWriter {
 public:
  virtual ~AbuseWriter() = default;

  /// Writes each row, replacing the one with the same (user_id, node, hour); of two such rows in `rows`,
  /// the later. Errors: invalid_input, and nothing is written, when a row has no user id or node, an
  /// hour that is not a whole UTC hour, or a sketch over 4 KiB.
  [[nodiscard]] virtual Result<void> put_usage(const std::vector<UsageRow>& rows) = 0;
  /// Removes usage rows of hours before `before`: how many.
  [[nodiscard]] virtual Result<std::size_t> prune_usage(Timestamp before) = 0;

  /// Adds `abuse_case` unless an open case with its dedupe key exists: true when added. Across stores on
  /// one database, of units of work opening cases with one key at once, one adds its case (on PostgreSQL
  /// the others wait for it to commit or roll back). Errors: conflict when the id exists; invalid_input
  /// when the case has no id or dedupe key, or is not open (state open, never closed).
  [[nodiscard]] virtual Result<bool> open_case(const AbuseCase& abuse_case) = 0;
  /// Closes an open case (lifted or expired) at `when`. Errors: not_found; conflict when it is not open;
  /// invalid_input when `state` is open.
  [[nodiscard]] virtual Result<void> close_case(const std::string& id, CaseState state, Timestamp when,
                                                const std::string& by, const std::string& reason) = 0;
};

}  // namespace ssad::store
