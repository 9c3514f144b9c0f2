#pragma once
// Abuse monitoring's records on PostgreSQL (store/abuse_store.hpp): reads on a reader pool (the primary's:
// a node reads the usage the others wrote seconds ago, and a case right after it was opened), writes on a
// unit of work's connection, inside its transaction. Internal to store/postgres/.

#include <memory>

#include "store/abuse_rows.hpp"
#include "store/abuse_store.hpp"
#include "store/postgres/postgres_reads.hpp"
#include "store/postgres/pq.hpp"

namespace ssad::store::postgres {

/// The committed records, read through `pool`.
[[nodiscard]] std::unique_ptr<AbuseReader> make_abuse_reader(ReaderPool& pool);

/// The records' writes on `conn`, the connection of a unit of work.
[[nodiscard]] std::unique_ptr<abuse_rows::UnitWriter> make_abuse_writer(Connection& conn);

}  // namespace ssad::store::postgres
