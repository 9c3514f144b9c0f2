#pragma once
// The PostgreSQL store's reads (the registration repository and the registrar directory), on a pool of
// reader connections. Internal to store/postgres/.

#include <cstddef>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "store/postgres/pq.hpp"
#include "store/registrar_directory.hpp"
#include "store/registration_store.hpp"

namespace ssad::store::postgres {

/// Reader connections to one server (the primary, or a replica): a call borrows one and hands it back.
/// A connection that lost its server is dropped, and the next call connects anew, so reads recover on
/// their own once the server is back.
class ReaderPool {
 public:
  /// `settings`: SET statements each new connection runs once.
  ReaderPool(std::string url, std::string settings, std::size_t max_idle)
      : url_(std::move(url)), settings_(std::move(settings)), max_idle_(max_idle) {}

  /// Opens one connection now (so that a bad URL fails at start) and keeps it.
  [[nodiscard]] Result<void> warm_up();

  /// Runs `f` on a borrowed connection. When the connection turns out to be lost (the server restarted
  /// since it was last used), `f` runs once more on a new one: reads may be repeated.
  template <class F>
  auto with_connection(F&& f) -> decltype(f(std::declval<Connection&>())) {
    auto conn = borrow();
    if (!conn) return std::unexpected(conn.error());
    auto result = f(**conn);
    if (!result && !(*conn)->healthy()) {
      conn = Connection::open(url_, settings_);
      if (!conn) return std::unexpected(conn.error());
      result = f(**conn);
    }
    put_back(std::move(*conn));
    return result;
  }

 private:
  Result<std::unique_ptr<Connection>> borrow();
  void put_back(std::unique_ptr<Connection> conn);

  std::string url_;
  std::string settings_;
  std::size_t max_idle_;
  std::mutex mutex_;
  std::vector<std::unique_ptr<Connection>> idle_;
};

// The imports applied (readers and units of work read them alike): by id ($1), and the last escrow
// deposit; deposit_of() reads their one row.
inline constexpr const char* kFindDepositSql =
    "SELECT id, type, prev_id, tld, watermark_ms, sha256, imported_ms FROM escrow_deposit WHERE id = $1";
inline constexpr const char* kLastDepositSql =
    "SELECT id, type, prev_id, tld, watermark_ms, sha256, imported_ms FROM escrow_deposit WHERE type IN "
    "('FULL', 'DIFF', 'INCR') ORDER BY imported_ms DESC, seq DESC LIMIT 1";
[[nodiscard]] std::optional<DepositRecord> deposit_of(const Rows& rows);

[[nodiscard]] std::unique_ptr<RegistrationReader> make_registration_reader(ReaderPool& pool);
[[nodiscard]] std::unique_ptr<RegistrarDirectoryReader> make_registrar_directory_reader(ReaderPool& pool);

}  // namespace ssad::store::postgres
