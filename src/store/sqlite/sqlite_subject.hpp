#pragma once
// The registrant's side on SQLite (store/subject_store.hpp): reads on the reader pool, writes on a unit of
// work's connection, inside its transaction. SQLite has one writer, so the open challenges a unit of work
// reads stay as it read them until it ends, and of two designations of one domain the second finds the
// first. Internal to store/sqlite/.

#include <memory>

#include "store/sqlite/connection.hpp"
#include "store/subject_rows.hpp"
#include "store/subject_store.hpp"

namespace ssad::store::sqlite {

/// The committed rows, read through `pool`.
[[nodiscard]] std::unique_ptr<SubjectReader> make_subject_reader(ReaderPool& pool);

/// The rows' writes on `conn`, the connection of a unit of work.
[[nodiscard]] std::unique_ptr<subject_rows::UnitWriter> make_subject_writer(Connection& conn);

}  // namespace ssad::store::sqlite
