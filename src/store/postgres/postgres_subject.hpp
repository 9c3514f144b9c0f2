#pragma once
// The registrant's side on PostgreSQL (store/subject_store.hpp): reads on a reader pool (the primary's: a
// registrant reads its session and its designation right after they were written), writes on a unit of
// work's connection, inside its transaction. Internal to store/postgres/.

#include <memory>

#include "store/postgres/postgres_reads.hpp"
#include "store/postgres/pq.hpp"
#include "store/subject_rows.hpp"
#include "store/subject_store.hpp"

namespace ssad::store::postgres {

/// The committed rows, read through `pool`.
[[nodiscard]] std::unique_ptr<SubjectReader> make_subject_reader(ReaderPool& pool);

/// The rows' writes on `conn`, the connection of a unit of work.
[[nodiscard]] std::unique_ptr<subject_rows::UnitWriter> make_subject_writer(Connection& conn);

}  // namespace ssad::store::postgres
