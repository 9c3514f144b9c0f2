#pragma once
// What both backends share to keep the audit log's tree (store/audit_log.hpp): the hashes an append
// stores, and where a perfect node's hash is found. A node of level L >= 1 is kept in the row of the
// leaf that completed it — the last leaf under it — at offset (L - 1) * 32 of that row's `nodes`.

#include <algorithm>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"
#include "store/audit_log.hpp"
#include "tlog/merkle.hpp"

namespace ssad::store::audit_rows {

/// One entry's row, ready to insert.
struct AppendRow {
  std::uint64_t seq = 0;
  tlog::Hash leaf{};
  std::string nodes;  // level 1 upwards, 32 bytes each
};

/// The rows for appending `records` to a tree of `size` entries whose right edge is `frontier` (as
/// stored), and the new right edge. Errors: internal when the stored edge does not fit the size.
struct Appended {
  std::vector<AppendRow> rows;
  std::string frontier;
};
[[nodiscard]] inline Result<Appended> append(std::uint64_t size, std::string_view frontier,
                                             std::span<const AuditRecord> records) {
  auto edge = tlog::Frontier::from_bytes(size, frontier);
  if (!edge)
    return fail(ErrorCode::internal, "the audit log's stored head is damaged: " + edge.error().message);
  Appended out;
  out.rows.reserve(records.size());
  for (const AuditRecord& record : records) {
    AppendRow row;
    row.seq = edge->size();
    row.leaf = tlog::leaf_hash(record.encoding);
    const auto completed = edge->append(row.leaf);
    for (std::size_t i = 1; i < completed.size(); ++i) row.nodes.append(tlog::bytes_of(completed[i].second));
    out.rows.push_back(std::move(row));
  }
  out.frontier = edge->to_bytes();
  return out;
}

/// The sequence number of the row that holds `node`.
[[nodiscard]] inline std::uint64_t row_of(const tlog::NodeId& node) {
  return ((node.index + 1) << node.level) - 1;
}

/// `node`'s hash from the row that holds it; nullopt when the row is too short (damaged).
[[nodiscard]] inline std::optional<tlog::Hash> node_in_row(const tlog::NodeId& node, std::string_view leaf,
                                                           std::string_view nodes) {
  const std::string_view bytes =
      node.level == 0 ? leaf : nodes.substr(std::min(nodes.size(), std::size_t(node.level - 1) * 32U), 32U);
  if (bytes.size() != 32U) return std::nullopt;
  tlog::Hash out{};
  std::copy(bytes.begin(), bytes.end(), out.begin());
  return out;
}

/// A stored hash (a leaf hash, a root) as a Hash; nullopt when it is not 32 bytes.
[[nodiscard]] inline std::optional<tlog::Hash> hash_of(std::string_view bytes) {
  if (bytes.size() != 32U) return std::nullopt;
  tlog::Hash out{};
  std::copy(bytes.begin(), bytes.end(), out.begin());
  return out;
}

/// A scanned row's leaf hash and nodes into `row`; a damaged stored value (not 32 bytes, or nodes not a
/// multiple of 32) reads as a zero hash, which the verifier reports as not matching.
inline void read_hashes(std::string_view leaf, std::string_view nodes, AuditRow& row) {
  row.leaf_hash = hash_of(leaf).value_or(tlog::Hash{});
  row.nodes.clear();
  for (std::size_t at = 0; at + 32 <= nodes.size(); at += 32)
    row.nodes.push_back(hash_of(nodes.substr(at, 32)).value_or(tlog::Hash{}));
  if (nodes.size() % 32 != 0) row.nodes.push_back(tlog::Hash{});
}

/// What both backends' audit writers share: appended entries wait until commit (the store numbers them
/// then), and a unit of work either appends or locks the head, never both.
class BufferedAuditLogWriter : public AuditLogWriter {
 public:
  Result<void> append(AuditRecord record) final {
    SSAD_CHECK(usable());
    if (locked_) return fail(ErrorCode::internal, "a unit of work that locks the audit head may not append");
    pending_.push_back(std::move(record));
    return {};
  }
  [[nodiscard]] std::optional<std::uint64_t> first_appended() const final { return first_; }

  /// After commit: later calls fail, and first_appended() answers.
  void finish() {
    finished_ = true;
    first_ = flushed_first_;
  }

 protected:
  /// Fails once the unit of work has committed.
  [[nodiscard]] Result<void> usable() const {
    if (finished_) return fail(ErrorCode::internal, "write after the unit of work committed");
    return {};
  }
  /// Called by lock_head() before it locks: fails when this unit of work appends.
  [[nodiscard]] Result<void> start_locking() {
    SSAD_CHECK(usable());
    if (!pending_.empty())
      return fail(ErrorCode::internal, "a unit of work that appends may not lock the audit head");
    locked_ = true;
    return {};
  }
  [[nodiscard]] const std::vector<AuditRecord>& pending() const { return pending_; }
  /// The flush wrote the pending entries from `first` on.
  void flushed(std::uint64_t first) { flushed_first_ = first; }

 private:
  std::vector<AuditRecord> pending_;
  std::optional<std::uint64_t> first_;
  std::optional<std::uint64_t> flushed_first_;
  bool locked_ = false;
  bool finished_ = false;
};

/// The rows nodes live in, without repeats.
[[nodiscard]] inline std::vector<std::uint64_t> rows_of(std::span<const tlog::NodeId> ids) {
  std::vector<std::uint64_t> out;
  out.reserve(ids.size());
  for (const auto& id : ids) out.push_back(row_of(id));
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

}  // namespace ssad::store::audit_rows
