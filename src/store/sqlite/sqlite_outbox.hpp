#pragma once
// The notification outbox on SQLite (store/notification_outbox.hpp): enqueues on a unit of work's
// connection, inside its transaction; the delivery side's writes (claims, outcomes) on a connection of its
// own, each in its own write transaction, and its lists on the reader pool. Internal to store/sqlite/.

#include <memory>
#include <string>

#include "store/notification_outbox.hpp"
#include "store/outbox_rows.hpp"
#include "store/sqlite/connection.hpp"

namespace ssad::store::sqlite {

/// The delivery side of the outbox of the database at `path`: writes on a connection it opens when first
/// needed, reads through `pool`.
[[nodiscard]] std::unique_ptr<Outbox> make_outbox(std::string path, ReaderPool& pool);

/// The outbox's enqueues on `conn`, the connection of a unit of work.
[[nodiscard]] std::unique_ptr<outbox_rows::UnitWriter> make_outbox_writer(Connection& conn);

}  // namespace ssad::store::sqlite
