#include "audit/log.hpp"

#include <algorithm>
#include <array>
#include <cstdlib>

#include <pwd.h>
#include <unistd.h>

namespace ssad::audit {

Actor console_operator() {
  // SUDO_USER names the person behind sudo; the effective account otherwise. An account name, not
  // personal registration data.
  // The CLI reads its environment once, before any thread starts.
  if (const char* sudo = std::getenv("SUDO_USER");  // NOLINT(concurrency-mt-unsafe)
      sudo != nullptr && *sudo != '\0') {
    return {"operator", sudo};
  }
  passwd account{};
  passwd* found = nullptr;
  std::array<char, 4096> buffer{};
  if (::getpwuid_r(::geteuid(), &account, buffer.data(), buffer.size(), &found) == 0 && found != nullptr &&
      found->pw_name != nullptr) {
    return {"operator", found->pw_name};
  }
  return {"operator", "uid " + std::to_string(::geteuid())};
}

Result<store::AuditRecord> make_record(Entry entry, std::span<const ServedValue> served) {
  entry.nonce = random_nonce();
  store::AuditRecord out;
  if (!served.empty()) {
    entry.fields.clear();
    for (const auto& [key, value] : served) entry.fields.push_back(key);
    out.values_salt = random_bytes(32);
    entry.values_commitment = commit_values(served, out.values_salt);
  }
  entry = normalised(std::move(entry));
  SSAD_TRY(encoding, encode(entry));
  out.time = entry.time;
  out.actor_kind = entry.actor.kind;
  out.actor_id = entry.actor.id;
  out.action = entry.action;
  out.object_kind = entry.object.kind;
  out.object_id = entry.object.id;
  out.encoding = std::move(encoding);
  return out;
}

Result<void> record(store::UnitOfWork& work, Entry entry, std::span<const ServedValue> served) {
  SSAD_TRY(made, make_record(std::move(entry), served));
  return work.audit_log().append(std::move(made));
}

Result<std::uint64_t> Appender::append(Entry entry, std::span<const ServedValue> served) {
  std::vector<Served> one;
  one.push_back({std::move(entry), std::vector<ServedValue>(served.begin(), served.end())});
  return append_all(std::move(one));
}

Result<std::uint64_t> Appender::append_all(std::vector<Served> entries) {
  if (entries.empty()) return fail(ErrorCode::invalid_input, "no audit entries to append");
  Waiter me;
  std::vector<Pending> pending;
  pending.reserve(entries.size());
  for (Served& one : entries) {
    SSAD_TRY(made, make_record(std::move(one.entry), one.values));
    pending.push_back({std::move(made), std::nullopt, &me});
  }
  const auto answered = [&] {
    return std::all_of(pending.begin(), pending.end(), [](const Pending& p) { return p.result.has_value(); });
  };
  std::unique_lock lock(mutex_);
  for (Pending& p : pending) queue_.push_back(&p);
  try {
    // Group commit: whoever finds no batch being written writes everything queued so far, in one unit of
    // work, while later callers queue up for the next batch; everyone else waits for their answer.
    while (!answered()) {
      if (writing_) {
        me.wake.wait(lock);
        continue;
      }
      const std::size_t count = std::min(queue_.size(), kMaxBatch);
      std::vector<Pending*> batch(queue_.begin(), queue_.begin() + static_cast<std::ptrdiff_t>(count));
      queue_.erase(queue_.begin(), queue_.begin() + static_cast<std::ptrdiff_t>(count));
      writing_ = true;
      lock.unlock();
      std::optional<Result<std::uint64_t>> first;
      try {
        first = write(batch);
      } catch (...) {
        // Only a bug or exhausted memory gets here. The batch still gets its answer and the next writer
        // may start: otherwise its callers, and every later one, would wait forever.
        lock.lock();
        settle(batch, fail(ErrorCode::internal, "the audit log's writer failed unexpectedly"));
        throw;
      }
      lock.lock();
      settle(batch, *first);
    }
  } catch (...) {
    // This caller's entries may still be queued (beyond the batch it wrote): nobody may write them later.
    if (!lock.owns_lock()) lock.lock();
    for (const Pending& p : pending) std::erase(queue_, &p);
    if (!writing_ && !queue_.empty()) queue_.front()->waiter->wake.notify_one();
    throw;
  }
  // Entries of one call may have gone into two batches: each must have been written.
  for (const Pending& p : pending) {
    if (!p.result) return fail(ErrorCode::internal, "an audit entry was left without its answer");
    if (!*p.result) return std::unexpected(p.result->error());
  }
  const std::optional<Result<std::uint64_t>>& first = pending.front().result;
  if (!first) return fail(ErrorCode::internal, "an audit entry was left without its answer");
  return *first;
}

void Appender::settle(std::span<Pending* const> batch, const Result<std::uint64_t>& first) {
  for (std::size_t i = 0; i < batch.size(); ++i) {
    batch[i]->result =
        first ? Result<std::uint64_t>(*first + i) : Result<std::uint64_t>(std::unexpected(first.error()));
  }
  writing_ = false;
  // Wake each caller of the batch once, and the caller of the oldest queued entry to write the next.
  Waiter* last = nullptr;
  for (Pending* pending : batch) {
    if (pending->waiter != last) pending->waiter->wake.notify_one();
    last = pending->waiter;
  }
  if (!queue_.empty()) queue_.front()->waiter->wake.notify_one();
}

Result<std::uint64_t> Appender::write(std::span<Pending* const> batch) {
  SSAD_TRY(work, store_.begin_audit());
  for (Pending* pending : batch) SSAD_CHECK(work->audit_log().append(pending->record));
  SSAD_CHECK(work->commit(batch.front()->record.time));
  const auto first = work->audit_log().first_appended();
  if (!first) return fail(ErrorCode::internal, "the audit log numbered no entry");
  return *first;
}

}  // namespace ssad::audit
