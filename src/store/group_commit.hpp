#pragma once
// Group commit for changes that must be durable before their caller answers (DESIGN.md §3.4): concurrent
// callers' changes run one after another in one unit of work and are made durable by one commit — one
// fsync for the lot — instead of one each. audit::Appender does the same for audit entries alone; this
// runs any change (a disclosure request with its audit entry and notifications).
//
// Whoever finds no batch being written writes everything queued so far while later callers queue for
// the next batch. A change that fails rolls its whole batch back: it gets its error, and the other
// changes of the batch are run again in the next one (a change must therefore do nothing outside the
// unit of work it is given, and may be run more than once).

#include <condition_variable>
#include <cstddef>
#include <functional>
#include <mutex>
#include <optional>
#include <vector>

#include "core/error.hpp"
#include "core/time.hpp"
#include "store/store.hpp"

namespace ssad::store {

class GroupCommit {
 public:
  using Change = std::function<Result<void>(UnitOfWork&)>;

  /// Units of work come from `store.begin_audit()` (a change here must not write registration data).
  /// `max_batch`: the most changes one commit takes.
  explicit GroupCommit(Store& store, std::size_t max_batch = 256) : store_(store), max_batch_(max_batch) {}

  /// Runs `change` in a unit of work shared with other callers' changes and returns once that unit has
  /// committed at `now` (the latest `now` of the batch): the change is durable. Errors: the change's own
  /// (nothing of it committed); unavailable when the store cannot begin or commit (nothing of the batch
  /// committed). Thread-safe.
  [[nodiscard]] Result<void> run(const Change& change, Timestamp now);

  /// The number of commits made, and of changes they held (for metrics and benchmarks).
  [[nodiscard]] std::size_t commits() const;
  [[nodiscard]] std::size_t changes() const;

 private:
  struct Pending {
    const Change* change = nullptr;
    Timestamp now;
    std::optional<Result<void>> result;
    std::condition_variable wake;
  };
  // Runs `batch` in one unit of work and returns each change's result, in order: empty for those to run
  // again. The results are handed to their Pending under the mutex only: a caller woken spuriously reads
  // its own under the mutex, and returns (ending its Pending) as soon as it finds one.
  [[nodiscard]] std::vector<std::optional<Result<void>>> write(const std::vector<Pending*>& batch);

  Store& store_;
  std::size_t max_batch_;
  mutable std::mutex mutex_;
  std::vector<Pending*> queue_;
  bool writing_ = false;
  std::size_t commits_ = 0;
  std::size_t changes_ = 0;
};

}  // namespace ssad::store
