#pragma once
// Disclosure requests on PostgreSQL (store/request_store.hpp): reads on a reader pool (the primary's:
// a requestor reads its request right after filing it), writes on a unit of work's connection, inside its
// transaction. A request read for update is locked (SELECT … FOR UPDATE) until the unit of work ends.
// Internal to store/postgres/.

#include <memory>

#include "store/postgres/postgres_reads.hpp"
#include "store/postgres/pq.hpp"
#include "store/request_rows.hpp"
#include "store/request_store.hpp"

namespace ssad::store::postgres {

/// The committed requests, read through `pool`.
[[nodiscard]] std::unique_ptr<RequestReader> make_request_reader(ReaderPool& pool);

/// The requests' writes on `conn`, the connection of a unit of work.
[[nodiscard]] std::unique_ptr<request_rows::UnitWriter> make_request_writer(Connection& conn);

}  // namespace ssad::store::postgres
