#pragma once
// The store (DESIGN.md §3.4): read access per repository, and units of work that write through several
// repositories in one transaction, so that a change and its audit entry commit together. Callers see only
// these interfaces; store/sqlite/ and store/postgres/ implement them.

#include <functional>
#include <memory>

#include "core/error.hpp"
#include "core/time.hpp"
#include "store/abuse_store.hpp"
#include "store/audit_log.hpp"
#include "store/notification_outbox.hpp"
#include "store/registrar_directory.hpp"
#include "store/registration_store.hpp"
#include "store/request_store.hpp"
#include "store/requestor_directory.hpp"
#include "store/subject_store.hpp"

namespace ssad::store {

/// One unit of work: every repository written through it commits or rolls back together. Destroying it
/// without commit() rolls everything back.
///
/// A unit of work is used by one thread at a time. Reads through Store see committed data only, never
/// this unit's changes. A backend may run one unit of work at a time (SQLite does: begin() waits for the
/// open one to finish), so a thread must not begin a second one while it holds one.
class UnitOfWork {
 public:
  virtual ~UnitOfWork() = default;

  /// The registration data, written in this unit of work.
  [[nodiscard]] virtual RegistrationWriter& registrations() = 0;
  /// The registrar directory, written in this unit of work.
  [[nodiscard]] virtual RegistrarDirectoryWriter& registrar_directory() = 0;
  /// The audit log, appended to in this unit of work (audit::record() is the one call that does it).
  [[nodiscard]] virtual AuditLogWriter& audit_log() = 0;
  /// The requestor directory, written in this unit of work, whichever of begin() and begin_audit()
  /// started it.
  [[nodiscard]] virtual RequestorWriter& requestors() = 0;
  /// The notification outbox, written in this unit of work (whichever of begin() and begin_audit()
  /// started it), so that a change and the notifications announcing it commit together. On PostgreSQL,
  /// an enqueue waits only for another unit of work that has enqueued the same dedupe key and not yet
  /// committed.
  [[nodiscard]] virtual OutboxWriter& outbox() = 0;
  /// The disclosure requests, written in this unit of work, whichever of begin() and begin_audit() started
  /// it (a request's change commits with its audit entry).
  [[nodiscard]] virtual RequestWriter& requests() = 0;
  /// Abuse monitoring's usage rows and cases, written in this unit of work, whichever of begin() and
  /// begin_audit() started it (a case commits with its audit entry; usage rows need none).
  [[nodiscard]] virtual AbuseWriter& abuse() = 0;
  /// The registrant's side — challenges, sessions, designated agents, relays — written in this unit of
  /// work, whichever of begin() and begin_audit() started it (a step commits with its audit entry).
  [[nodiscard]] virtual SubjectWriter& subjects() = 0;

  /// Makes every change durable and visible at once; stamps the registration data's change time
  /// (RegistrationReader::data_updated) with `now` when registration data or the registrar directory
  /// (which lookups merge in) was written, that is when any write was called on registrations() or
  /// registrar_directory() (even one that failed); appends to the audit log, writes to the requestor
  /// directory, to the requests, to abuse monitoring's records and to the registrant's side, and
  /// notifications enqueued do not count as a change of the registration data. Entries appended to the audit
  /// log are durable (fsync) when commit returns. Afterwards the unit of work is finished: writes through it
  /// fail with internal. Errors: unavailable when the changes cannot be made durable (nothing is then
  /// visible, and destroying the unit of work rolls everything back); internal when already committed.
  [[nodiscard]] virtual Result<void> commit(Timestamp now) = 0;
};

/// A store: read access per repository, and units of work.
class Store {
 public:
  virtual ~Store() = default;

  /// The committed registration data. Safe to use from several threads at once.
  [[nodiscard]] virtual RegistrationReader& registrations() = 0;
  /// The committed registrar directory. Safe to use from several threads at once.
  [[nodiscard]] virtual RegistrarDirectoryReader& registrar_directory() = 0;
  /// The committed audit log. Safe to use from several threads at once.
  [[nodiscard]] virtual AuditLogReader& audit_log() = 0;
  /// The committed requestor directory. Safe to use from several threads at once.
  [[nodiscard]] virtual RequestorReader& requestors() = 0;
  /// The notification outbox's delivery side (claims, outcomes, lists), each call its own short
  /// transaction. Safe to use from several threads at once; on SQLite a call waits, as begin() does, for
  /// the open unit of work, so a thread must not call it while it holds one.
  [[nodiscard]] virtual Outbox& outbox() = 0;
  /// The committed disclosure requests. Safe to use from several threads at once. A backend with a replica
  /// for lookups (PostgreSQL) reads these on the primary: a requestor reads its request right after filing
  /// it.
  [[nodiscard]] virtual RequestReader& requests() = 0;
  /// Abuse monitoring's committed usage rows and cases. Safe to use from several threads at once. A
  /// backend with a replica for lookups (PostgreSQL) reads these on the primary: a node reads the usage
  /// other nodes wrote seconds ago.
  [[nodiscard]] virtual AbuseReader& abuse() = 0;
  /// The registrant's side's committed challenges, sessions, designated agents and relays. Safe to use
  /// from several threads at once. A backend with a replica for lookups (PostgreSQL) reads these on the
  /// primary: a registrant reads its session and its designation right after they were written.
  [[nodiscard]] virtual SubjectReader& subjects() = 0;

  /// Starts a unit of work that may write anything: the registration data and the registrar directory
  /// are written by one such unit of work at a time, across every node. Errors: unavailable when
  /// another holds the store for longer than the backend waits.
  [[nodiscard]] virtual Result<std::unique_ptr<UnitOfWork>> begin() = 0;
  /// Starts a unit of work that appends to the audit log, adds checkpoints, writes the requestor
  /// directory, the disclosure requests, abuse monitoring's records and the registrant's side, and enqueues
  /// notifications (a suspension or a reviewer's decision must not wait for an import): on a backend with
  /// several writers (PostgreSQL) it does not wait for a unit of work from begin() that is writing
  /// registration data (an import), only for the moment another commits its own audit entries, and for rows
  /// of the requestor directory, requests or the registrant's side that another unit of work has changed
  /// (or read for update) and not yet committed.
  /// Writing registration data or the registrar directory through it makes commit fail (internal). SQLite has
  /// one writer: there it waits as begin() does.
  [[nodiscard]] virtual Result<std::unique_ptr<UnitOfWork>> begin_audit() = 0;

  /// Calls `changed` (on a thread of the store's) soon after any unit of work commits on the same
  /// database, through this store or another process (another node, an import), so that caches refresh
  /// without waiting for their next check; and again after a lost connection to the database comes
  /// back. One watcher at a time: a new one replaces the last, and an empty function stops the calls (on
  /// return none is running); so does the store's destruction. A backend that cannot tell
  /// (SQLite) never calls it: its users check on an interval.
  virtual void watch_changes(std::function<void()> changed) {  // NOLINT(performance-unnecessary-value-param)
    (void)changed;  // SQLite: nothing announces a change; the PostgreSQL store keeps the function
  }
};

}  // namespace ssad::store
