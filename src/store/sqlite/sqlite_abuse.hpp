#pragma once
// Abuse monitoring's records on SQLite (store/abuse_store.hpp): reads on the reader pool, writes on a unit
// of work's connection, inside its transaction. SQLite has one writer, so two units of work opening a case
// with one dedupe key run one after the other, and the second finds the first's case. Internal to
// store/sqlite/.

#include <memory>

#include "store/abuse_rows.hpp"
#include "store/abuse_store.hpp"
#include "store/sqlite/connection.hpp"

namespace ssad::store::sqlite {

/// The committed records, read through `pool`.
[[nodiscard]] std::unique_ptr<AbuseReader> make_abuse_reader(ReaderPool& pool);

/// The records' writes on `conn`, the connection of a unit of work.
[[nodiscard]] std::unique_ptr<abuse_rows::UnitWriter> make_abuse_writer(Connection& conn);

}  // namespace ssad::store::sqlite
