#pragma once
// Disclosure requests on SQLite (store/request_store.hpp): reads on the reader pool, writes on a unit of
// work's connection, inside its transaction (SQLite has one writer: a request read for update there is
// safe from every other unit of work until this one ends). Internal to store/sqlite/.

#include <memory>

#include "store/request_rows.hpp"
#include "store/request_store.hpp"
#include "store/sqlite/connection.hpp"

namespace ssad::store::sqlite {

/// The committed requests, read through `pool`.
[[nodiscard]] std::unique_ptr<RequestReader> make_request_reader(ReaderPool& pool);

/// The requests' writes on `conn`, the connection of a unit of work.
[[nodiscard]] std::unique_ptr<request_rows::UnitWriter> make_request_writer(Connection& conn);

}  // namespace ssad::store::sqlite
