#include "audit/verify.hpp"

#include <map>

#include "audit/checkpoints.hpp"
#include "audit/entry.hpp"
#include "tlog/merkle.hpp"

namespace ssad::audit {
namespace {

// A checkpoint's note, checked against the key and the size and root stored with it (if any).
std::optional<std::string> check_note(std::string_view note, const std::optional<tlog::VerifierKey>& key,
                                      tlog::Checkpoint& parsed) {
  if (!key) return "no verifier key to check its signature with";
  auto text = tlog::open_note(note, *key);
  if (!text) return "its signature does not verify: " + text.error().message;
  auto checkpoint = tlog::parse_checkpoint(*text);
  if (!checkpoint) return "it is not a checkpoint: " + checkpoint.error().message;
  if (checkpoint->origin != key->name) return "its origin is not the key's name " + key->name;
  parsed = *checkpoint;
  return std::nullopt;
}

std::string name_of(const store::AuditCheckpoint& checkpoint) {
  return "checkpoint of size " + std::to_string(checkpoint.size);
}

class Verifier {
 public:
  Verifier(store::AuditLogReader& log, const VerifyOptions& options) : log_(log), options_(options) {}

  Result<VerifyReport> run() {
    if (options_.from > 0) {
      // The tree of the entries before the range, from the stored nodes that cover them.
      const auto cover = tlog::cover({0, options_.from});
      auto nodes = log_.nodes(cover);
      if (!nodes) {
        if (nodes.error().code != ErrorCode::not_found) return std::unexpected(nodes.error());
        report_.problem = "the log has fewer than " + std::to_string(options_.from) + " entries";
        return report_;
      }
      std::string edge;
      for (const tlog::NodeId& id : cover) edge += tlog::bytes_of(nodes->at(id));
      auto frontier = tlog::Frontier::from_bytes(options_.from, edge);
      if (!frontier) return std::unexpected(frontier.error());
      frontier_ = *frontier;
    }
    auto scanned = log_.scan(
        options_.from, [this](const store::AuditScanStart& start) { return on_start(start); },
        [this](const store::AuditRow& row) { return on_row(row); });
    if (!scanned) {
      if (scanned.error().code != ErrorCode::conflict) return std::unexpected(scanned.error());
      return report_;  // a problem stopped the scan
    }
    finish();
    return report_;
  }

 private:
  // A problem stops the scan: it comes back as this error, and the report holds it.
  Result<void> problem(std::string what) {
    report_.problem = std::move(what);
    return fail(ErrorCode::conflict, "stop");
  }

  Result<void> on_start(const store::AuditScanStart& start) {
    start_ = start;
    for (const store::AuditCheckpoint& checkpoint : start.checkpoints) {
      tlog::Checkpoint parsed;
      if (auto bad = check_note(checkpoint.note, options_.key, parsed)) {
        return problem(name_of(checkpoint) + ": " + *bad);
      }
      if (parsed.size != checkpoint.size || parsed.root != checkpoint.root) {
        return problem(name_of(checkpoint) + ": its signed note states size " + std::to_string(parsed.size) +
                       ", not the size or root stored with it");
      }
      if (checkpoint.size >= frontier_.size())
        wanted_[checkpoint.size].push_back({name_of(checkpoint), checkpoint.root});
      ++report_.checkpoints;
    }
    for (std::size_t i = 0; i < options_.held_checkpoints.size(); ++i) {
      const std::string name = "held checkpoint " + std::to_string(i + 1);
      tlog::Checkpoint parsed;
      if (auto bad = check_note(options_.held_checkpoints[i], options_.key, parsed))
        return problem(name + ": " + *bad);
      if (parsed.size >= frontier_.size()) {
        wanted_[parsed.size].push_back({name + " (size " + std::to_string(parsed.size) + ")", parsed.root});
      } else {
        held_below_.push_back({name, {parsed.size, parsed.root, {}, {}}});  // checked by a proof in finish()
      }
      ++report_.held;
    }
    // The tree the scan starts from: the empty one, or that of the entries before the range.
    return check_roots(frontier_.size());
  }

  Result<void> on_row(const store::AuditRow& row) {
    const std::uint64_t seq = row.record.seq;
    // Spelt out only for a problem: a million entries that verify need no names.
    const auto name = [seq] { return "entry " + std::to_string(seq); };
    if (seq != frontier_.size()) {
      if (seq > frontier_.size()) {
        return problem("entry " + std::to_string(frontier_.size()) + " is missing (the next stored is " +
                       std::to_string(seq) + ")");
      }
      return problem(name() + " is stored twice");
    }
    auto entry = decode(row.record.encoding);
    if (!entry) return problem(name() + ": its encoding is not a canonical entry: " + entry.error().message);
    if (entry->time != row.record.time || entry->actor.kind != row.record.actor_kind ||
        entry->actor.id != row.record.actor_id || entry->action != row.record.action ||
        entry->object.kind != row.record.object_kind || entry->object.id != row.record.object_id) {
      return problem(name() + ": the copies of its fields kept for searching differ from the entry");
    }
    if (!row.copies_typed) {
      return problem(name() +
                     ": the copies of its fields kept for searching are not stored as text and integers, so "
                     "filters do not match them");
    }
    if (!row.record.values_salt.empty() && !entry->values_commitment) {
      return problem(name() + ": a salt is stored for an entry that commits to no values");
    }
    const tlog::Hash leaf = tlog::leaf_hash(row.record.encoding);
    if (row.leaf_hash != leaf)
      return problem(name() + ": its stored leaf hash is not the hash of its encoding");
    const auto completed = frontier_.append(leaf);
    bool nodes_match = row.nodes.size() + 1 == completed.size();
    for (std::size_t i = 1; nodes_match && i < completed.size(); ++i)
      nodes_match = row.nodes[i - 1] == completed[i].second;
    if (!nodes_match)
      return problem(name() + ": the tree nodes stored with it are not the ones the entries give");
    ++report_.entries;
    return check_roots(frontier_.size());
  }

  // Every checkpoint of the tree's current size must have its root.
  Result<void> check_roots(std::uint64_t size) {
    const auto found = wanted_.find(size);
    if (found == wanted_.end()) return {};
    const tlog::Hash root = frontier_.root();
    for (const auto& [name, wanted] : found->second) {
      if (wanted != root) {
        return problem(name + ": its root is not the root of the log's first " + std::to_string(size) +
                       " entries: an entry before it was changed, removed, inserted or reordered");
      }
    }
    wanted_.erase(found);
    return {};
  }

  void finish() {
    report_.root = frontier_.root();
    const std::uint64_t size = frontier_.size();
    if (!wanted_.empty()) {
      const auto& [wanted_size, names] = *wanted_.begin();
      report_.problem = names.front().first + ": the log has only " + std::to_string(size) +
                        " entries: entries were removed";
      return;
    }
    if (start_.size != size || start_.frontier != frontier_.to_bytes()) {
      report_.problem = "the stored head (" + std::to_string(start_.size) +
                        " entries) is not the one the log's " + std::to_string(size) + " entries give";
      return;
    }
    // Each checkpoint is consistent with the next: a proof from the stored nodes (checked above to be
    // the entries' own), verified as any client would.
    for (std::size_t i = 1; i < start_.checkpoints.size(); ++i) {
      const auto& older = start_.checkpoints[i - 1];
      const auto& newer = start_.checkpoints[i];
      if (older.size == 0) continue;
      if (auto extends = check_extends(log_, older, newer.size, newer.root); !extends) {
        report_.problem =
            name_of(newer) + ": not consistent with the " + name_of(older) + ": " + extends.error().message;
        return;
      }
    }
    // Held checkpoints before the range: a consistency proof to the tree recomputed above.
    for (const auto& [name, held] : held_below_) {
      if (held.size == 0) continue;
      if (auto extends = check_extends(log_, held, size, report_.root); !extends) {
        report_.problem = name + " (size " + std::to_string(held.size) +
                          "): the log does not extend it: " + extends.error().message;
        return;
      }
    }
  }

  store::AuditLogReader& log_;
  const VerifyOptions& options_;
  VerifyReport report_;
  store::AuditScanStart start_;
  tlog::Frontier frontier_;
  std::map<std::uint64_t, std::vector<std::pair<std::string, tlog::Hash>>> wanted_;
  std::vector<std::pair<std::string, store::AuditCheckpoint>> held_below_;
};

}  // namespace

Result<VerifyReport> verify(store::AuditLogReader& log, const VerifyOptions& options) {
  return Verifier(log, options).run();
}

}  // namespace ssad::audit
