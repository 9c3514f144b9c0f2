#pragma once
// The requestor directory on PostgreSQL (store/requestor_directory.hpp): reads on the reader pool, writes
// on a unit of work's connection, inside its transaction. Internal to store/postgres/.

#include <memory>

#include "store/postgres/postgres_reads.hpp"
#include "store/postgres/pq.hpp"
#include "store/requestor_directory.hpp"
#include "store/requestor_rows.hpp"

namespace ssad::store::postgres {

/// The committed directory, read through `pool`.
[[nodiscard]] std::unique_ptr<RequestorReader> make_requestor_reader(ReaderPool& pool);

/// The directory's writes on `conn`, the connection of a unit of work.
[[nodiscard]] std::unique_ptr<requestor_rows::UnitWriter> make_requestor_writer(Connection& conn);

}  // namespace ssad::store::postgres
