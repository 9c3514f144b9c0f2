#pragma once
// Writing the audit log (docs/audit.md). record() is the one call every change makes: it appends an
// entry in the same unit of work as the change, so both commit or neither does. Appender is for acts that
// change nothing else (a disclosure read, a view): it groups the entries of concurrent callers into one
// commit — one fsync — and returns once theirs is durable.

#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "audit/entry.hpp"
#include "core/error.hpp"
#include "store/store.hpp"

namespace ssad::audit {

/// A value an act served: its catalogue key and the value itself. Only a salted commitment to the
/// values reaches the log (entry.hpp commit_values); the salt is kept apart from the entry.
using ServedValue = std::pair<std::string, std::string>;

/// The operator at this machine's console, as the CLI's actor: the account that ran the command (the
/// one behind sudo when there is one).
[[nodiscard]] Actor console_operator();

/// The stored record for `entry`: gives it a fresh nonce; when `served` is not empty, sets its fields
/// to the served keys and its commitment to the served values under a fresh salt (replacing any given).
/// Errors: invalid_input when the entry is not valid (entry.hpp validate()).
[[nodiscard]] Result<store::AuditRecord> make_record(Entry entry, std::span<const ServedValue> served = {});

/// Appends `entry` to the audit log within `work` (see make_record). It is numbered, hashed into the tree
/// and durable when `work` commits; if `work` does not commit, it was never logged.
[[nodiscard]] Result<void> record(store::UnitOfWork& work, Entry entry,
                                  std::span<const ServedValue> served = {});

/// Appends entries that go with no other change, durably, grouping concurrent callers into one commit.
/// Thread-safe; one per store and process.
class Appender {
 public:
  explicit Appender(store::Store& store) : store_(store) {}

  /// Appends `entry` (see make_record) and returns its sequence number once it is durable. Errors:
  /// invalid_input for an invalid entry; unavailable when the store cannot commit (the entry is then
  /// not in the log, unless the answer to a COMMIT that happened was lost). An exception from the store
  /// reaches the caller that was writing the batch; the others in it get internal.
  [[nodiscard]] Result<std::uint64_t> append(Entry entry, std::span<const ServedValue> served = {});

  /// An entry and the values it served.
  struct Served {
    Entry entry;
    std::vector<ServedValue> values;
  };
  /// Appends several entries, all durable on return (usually in one commit, in this order); the first's
  /// sequence number. Errors: append()'s; invalid_input for none. After a failure some may be durable.
  [[nodiscard]] Result<std::uint64_t> append_all(std::vector<Served> entries);

 private:
  // One caller waiting: woken alone when its entries are answered, or when it is next to write — not
  // with every other waiter (a notify_all per commit had every worker thread fight for the mutex: a
  // fifth of the server's CPU under authorised lookups, measured with perf).
  struct Waiter {
    std::condition_variable wake;
  };
  struct Pending {
    store::AuditRecord record;
    std::optional<Result<std::uint64_t>> result;
    Waiter* waiter = nullptr;
  };
  // Writes a batch in one unit of work; the first entry's sequence number.
  Result<std::uint64_t> write(std::span<Pending* const> batch);
  // With mutex_ held: gives each of the batch its answer and lets the next writer start.
  void settle(std::span<Pending* const> batch, const Result<std::uint64_t>& first);

  static constexpr std::size_t kMaxBatch = 1024;
  store::Store& store_;
  std::mutex mutex_;
  std::vector<Pending*> queue_;
  bool writing_ = false;
};

}  // namespace ssad::audit
