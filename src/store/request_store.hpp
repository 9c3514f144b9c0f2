#pragma once
// Disclosure requests (model/disclosure_request.hpp; issue 13). Read through Store::requests(), written
// through UnitOfWork::requests() (store/store.hpp) — in the same unit of work as the audit entry of the
// change, and, where one is due, the notification that announces it (store/notification_outbox.hpp).
//
// A request is stored whole, and saved whole after each change: the use case reads it for update in a
// unit of work, changes it and saves it. The version makes a lost update impossible across nodes: a save
// of a request someone else saved in between fails with conflict.
//
// Attachments of evidence are kept apart from the request, written once with it and read one at a time.

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "core/time.hpp"
#include "model/disclosure_request.hpp"
#include "store/page.hpp"

namespace ssad::store {

/// Which requests a list holds. Every condition set must hold; an empty one holds for every request.
struct RequestFilter {
  std::string org_id;                          // of this organisation
  std::string user_id;                         // filed by this user
  std::string reviewer_id;                     // claimed by this reviewer
  std::vector<model::RequestStatus> statuses;  // in one of these statuses
  std::string domain;
  std::string purpose;
  std::string priority;                      // "P1", …
  std::optional<Timestamp> created_from;     // created at or after
  std::optional<Timestamp> created_before;   // created before
  std::optional<Timestamp> deadline_before;  // with a deadline before this instant
  // With disclosed fields whose retention was due before this instant and whose destruction the
  // requestor has not confirmed.
  std::optional<Timestamp> retention_overdue_at;

  /// The order of a list, and so of its cursor.
  enum class Order : std::uint8_t {
    newest_first,    // by creation time, newest first (a requestor's own list)
    deadline_first,  // by deadline, soonest first; requests without one last (the review queue)
  };
  Order order = Order::newest_first;
};

class RequestReader {
 public:
  virtual ~RequestReader() = default;

  /// The request with `id`, whole. Errors: not_found.
  [[nodiscard]] virtual Result<model::DisclosureRequest> request(const std::string& id) = 0;

  /// A page of the requests `filter` selects, in its order. `page.after` is "" for the first page, else
  /// the cursor_of() the last request of the previous page; a cursor not made by cursor_of() for the same
  /// order is invalid_input.
  [[nodiscard]] virtual Result<std::vector<model::DisclosureRequest>> requests(const RequestFilter& filter,
                                                                               const Page& page) = 0;

  /// The number of requests `filter` selects (its order is ignored).
  [[nodiscard]] virtual Result<std::size_t> count(const RequestFilter& filter) = 0;

  /// Calls `visit` with each request `filter` selects, in its order, until it returns false (statistics
  /// read every request of a period this way without holding them all at once).
  [[nodiscard]] virtual Result<void> for_each(
      const RequestFilter& filter, const std::function<bool(const model::DisclosureRequest&)>& visit) = 0;

  /// The attachment of the request's evidence item `index` (0-based). Errors: not_found when the request
  /// or the item does not exist, or the item has no attachment.
  [[nodiscard]] virtual Result<model::Attachment> attachment(const std::string& request_id,
                                                             std::size_t index) = 0;
};

/// The cursor that continues a list in `order` after `request` (opaque to callers).
[[nodiscard]] std::string cursor_of(const model::DisclosureRequest& request, RequestFilter::Order order);

/// Writes within a unit of work; nothing is visible until it commits.
class RequestWriter {
 public:
  virtual ~RequestWriter() = default;

  /// Stores a new request (its version must be 0; it is stored as 1) and its evidence's attachments:
  /// `attachments` holds one entry per evidence item (nullopt for those without). Errors: conflict when
  /// the id exists; invalid_input when the version is not 0 or `attachments` does not match the evidence.
  [[nodiscard]] virtual Result<void> add_request(
      const model::DisclosureRequest& request,
      const std::vector<std::optional<model::Attachment>>& attachments) = 0;

  /// The request with `id`, read within this unit of work and locked against other units' changes until
  /// it ends (PostgreSQL: the row is locked; SQLite has one writer). Errors: not_found.
  [[nodiscard]] virtual Result<model::DisclosureRequest> request_for_update(const std::string& id) = 0;

  /// Replaces the stored request with `request` when the stored version is `request.version`, and
  /// increments the stored version. Attachments do not change. Errors: not_found; conflict when the
  /// stored version differs (someone else saved it since it was read).
  [[nodiscard]] virtual Result<void> save_request(const model::DisclosureRequest& request) = 0;
};

}  // namespace ssad::store
