#pragma once
// The notification outbox on PostgreSQL (store/notification_outbox.hpp): enqueues on a unit of work's
// connection, inside its transaction; the delivery side's calls on connections to the primary, each one
// statement in its own transaction. Internal to store/postgres/.

#include <memory>

#include "store/notification_outbox.hpp"
#include "store/outbox_rows.hpp"
#include "store/postgres/postgres_reads.hpp"
#include "store/postgres/pq.hpp"

namespace ssad::store::postgres {

/// The delivery side of the outbox, on `primary`: connections to the primary that may write.
[[nodiscard]] std::unique_ptr<Outbox> make_outbox(ReaderPool& primary);

/// The outbox's enqueues on `conn`, the connection of a unit of work.
[[nodiscard]] std::unique_ptr<outbox_rows::UnitWriter> make_outbox_writer(Connection& conn);

}  // namespace ssad::store::postgres
