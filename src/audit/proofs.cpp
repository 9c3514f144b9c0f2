#include "audit/proofs.hpp"

#include <algorithm>
#include <string>

namespace ssad::audit {
namespace {

Result<std::vector<tlog::Hash>> hashes_of(store::AuditNodeReader& log,
                                          const std::vector<tlog::Range>& ranges) {
  const auto ids = tlog::nodes_for(ranges);
  SSAD_TRY(nodes, log.nodes(ids));
  return tlog::assemble(ranges, nodes);
}

std::string beyond(std::uint64_t size, std::uint64_t committed) {
  return "tree size " + std::to_string(size) + " is beyond the log's " + std::to_string(committed) +
         " entries";
}

}  // namespace

Result<std::vector<tlog::Hash>> leaf_hashes(store::AuditLogReader& log, std::uint64_t start,
                                            std::uint64_t end) {
  if (start > end) return fail(ErrorCode::invalid_input, "start must not be greater than end");
  if (start > static_cast<std::uint64_t>(INT64_MAX)) {
    return fail(ErrorCode::not_found, "the audit log has no entry " + std::to_string(start));
  }
  const std::uint64_t last = end - start >= kMaxRange ? start + (kMaxRange - 1) : end;  // no overflow
  SSAD_TRY(hashes, log.leaf_hashes(start, last + 1));
  if (hashes.empty())
    return fail(ErrorCode::not_found, "the audit log has no entry " + std::to_string(start));
  return hashes;
}

Result<std::vector<tlog::Hash>> inclusion_proof(store::AuditNodeReader& log, std::uint64_t index,
                                                std::uint64_t size, std::uint64_t committed) {
  if (size > committed) return fail(ErrorCode::invalid_input, beyond(size, committed));
  if (index >= size) return fail(ErrorCode::invalid_input, "index must be less than tree_size");
  return hashes_of(log, tlog::inclusion_ranges(index, size));
}

Result<std::vector<tlog::Hash>> consistency_proof(store::AuditNodeReader& log, std::uint64_t first,
                                                  std::uint64_t second, std::uint64_t committed) {
  if (second > committed) return fail(ErrorCode::invalid_input, beyond(second, committed));
  if (first == 0 || first > second) {
    return fail(ErrorCode::invalid_input, "first must be at least 1 and not greater than second");
  }
  return hashes_of(log, tlog::consistency_ranges(first, second));
}

Result<tlog::Hash> root_at(store::AuditNodeReader& log, std::uint64_t size, std::uint64_t committed) {
  if (size > committed) return fail(ErrorCode::invalid_input, beyond(size, committed));
  if (size == 0) return tlog::empty_root();
  const std::vector<tlog::Range> whole = {{0, size}};
  SSAD_TRY(hashes, hashes_of(log, whole));
  return hashes.front();
}

}  // namespace ssad::audit
