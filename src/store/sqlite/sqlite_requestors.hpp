#pragma once
// The requestor directory on SQLite (store/requestor_directory.hpp): reads on the reader pool, writes on
// a unit of work's connection, inside its transaction. Internal to store/sqlite/.

#include <memory>

#include "store/requestor_directory.hpp"
#include "store/requestor_rows.hpp"
#include "store/sqlite/connection.hpp"

namespace ssad::store::sqlite {

/// The committed directory, read through `pool`.
[[nodiscard]] std::unique_ptr<RequestorReader> make_requestor_reader(ReaderPool& pool);

/// The directory's writes on `conn`, the connection of a unit of work.
[[nodiscard]] std::unique_ptr<requestor_rows::UnitWriter> make_requestor_writer(Connection& conn);

}  // namespace ssad::store::sqlite
