#include "store/group_commit.hpp"

#include <algorithm>

namespace ssad::store {

Result<void> GroupCommit::run(const Change& change, Timestamp now) {
  Pending me;
  me.change = &change;
  me.now = now;
  std::unique_lock lock(mutex_);
  queue_.push_back(&me);
  while (!me.result) {
    if (writing_) {
      me.wake.wait(lock);
      continue;
    }
    const std::size_t count = std::min(queue_.size(), max_batch_);
    const std::vector<Pending*> batch(queue_.begin(), queue_.begin() + static_cast<std::ptrdiff_t>(count));
    queue_.erase(queue_.begin(), queue_.begin() + static_cast<std::ptrdiff_t>(count));
    writing_ = true;
    lock.unlock();
    std::vector<std::optional<Result<void>>> results;
    try {
      results = write(batch);
    } catch (...) {
      // Only a bug or exhausted memory gets here: the batch still gets its answer, and the next writer
      // may start, or its callers and every later one would wait forever.
      results.assign(batch.size(), fail(ErrorCode::internal, "a group commit failed unexpectedly"));
    }
    lock.lock();
    for (std::size_t i = 0; i < batch.size(); ++i) batch[i]->result = std::move(results[i]);
    writing_ = false;
    // Those to run again go first in the queue, in their order; the others have their answers.
    std::vector<Pending*> again;
    for (Pending* pending : batch) {
      if (pending->result) {
        if (pending != &me) pending->wake.notify_one();
      } else {
        again.push_back(pending);
      }
    }
    queue_.insert(queue_.begin(), again.begin(), again.end());
    if (!queue_.empty() && queue_.front() != &me) queue_.front()->wake.notify_one();
  }
  return *me.result;
}

std::vector<std::optional<Result<void>>> GroupCommit::write(const std::vector<Pending*>& batch) {
  std::vector<std::optional<Result<void>>> results(batch.size());
  auto work = store_.begin_audit();
  if (!work) {
    for (auto& result : results) result = std::unexpected(work.error());
    return results;
  }
  Timestamp latest = batch.front()->now;
  for (std::size_t i = 0; i < batch.size(); ++i) {
    latest = std::max(latest, batch[i]->now);
    auto done = (*batch[i]->change)(**work);
    if (!done) {
      // The unit of work rolls back with everything the batch wrote; the others run again.
      results[i] = std::unexpected(done.error());
      return results;
    }
  }
  auto committed = (*work)->commit(latest);
  for (auto& result : results) result = committed;
  const std::lock_guard lock(mutex_);
  ++commits_;
  changes_ += batch.size();
  return results;
}

std::size_t GroupCommit::commits() const {
  const std::lock_guard lock(mutex_);
  return commits_;
}

std::size_t GroupCommit::changes() const {
  const std::lock_guard lock(mutex_);
  return changes_;
}

}  // namespace ssad::store
