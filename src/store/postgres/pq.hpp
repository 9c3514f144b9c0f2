#pragma once
// A thin RAII layer over libpq: a connection with statements prepared once each, results read as text,
// COPY FROM STDIN, and pipelines (several statements in one round trip). Hand-written because libpq's C
// API is what Debian ships for PostgreSQL 15 (libpqxx would add a dependency for the little used here),
// and it keeps `PQ*` calls out of the repositories. Failures come back as ssad::Result with
// PostgreSQL's primary message only: its DETAIL lines can quote row values (personal data), so they are
// never read.

#include <cstdint>
#include <initializer_list>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include <libpq-fe.h>

#include "core/error.hpp"

namespace ssad::store::postgres {

/// One bound parameter, sent as text: a string, a number, or NULL.
class Param {
 public:
  Param(std::nullptr_t) {}  // NOLINT(google-explicit-constructor): NULL
  // libpq reads a text-format parameter up to a terminating NUL (it ignores the lengths given for text),
  // and a string_view need not end in one: a key cut from a CSV row would run on into the rest of the file,
  // so the view's text is copied. A std::string or a C string ends in a NUL and is bound where it lies.
  Param(std::string_view text)  // NOLINT(google-explicit-constructor)
      : owned_(text), text_(owned_), null_(false) {}
  Param(const std::string& text) : text_(text), null_(false) {}  // NOLINT(google-explicit-constructor)
  Param(const char* text) : text_(text), null_(false) {}         // NOLINT(google-explicit-constructor)
  Param(std::string&& text)  // NOLINT(google-explicit-constructor): owns the text
      : owned_(std::move(text)), text_(owned_), null_(false) {}
  Param(std::int64_t value)  // NOLINT(google-explicit-constructor)
      : owned_(std::to_string(value)), text_(owned_), null_(false) {}
  Param(std::optional<std::int64_t> value)  // NOLINT(google-explicit-constructor)
      : owned_(value ? std::to_string(*value) : std::string()), text_(owned_), null_(!value) {}
  Param(const Param& other) : owned_(other.owned_), text_(other.text_), null_(other.null_) { rebind(other); }
  Param& operator=(const Param&) = delete;

  [[nodiscard]] const char* data() const { return null_ ? nullptr : text_.data(); }
  [[nodiscard]] int size() const { return static_cast<int>(text_.size()); }

 private:
  // A copy of a Param that owns its text points at its own copy.
  void rebind(const Param& other) {
    if (other.text_.data() == other.owned_.data()) text_ = owned_;
  }
  std::string owned_;
  std::string_view text_;
  bool null_ = true;
};

/// A query's result, read as text (rows and columns from 0).
class Rows {
 public:
  Rows() = default;
  explicit Rows(PGresult* result) : result_(result, &PQclear) {}

  [[nodiscard]] int size() const { return result_ ? PQntuples(result_.get()) : 0; }
  [[nodiscard]] bool empty() const { return size() == 0; }
  [[nodiscard]] bool is_null(int row, int column) const {
    return PQgetisnull(result_.get(), row, column) != 0;
  }
  [[nodiscard]] std::string_view text(int row, int column) const {
    return {PQgetvalue(result_.get(), row, column),
            static_cast<std::size_t>(PQgetlength(result_.get(), row, column))};
  }
  [[nodiscard]] std::int64_t integer(int row, int column) const;
  [[nodiscard]] std::optional<std::int64_t> optional_integer(int row, int column) const;
  [[nodiscard]] bool boolean(int row, int column) const { return text(row, column) == "t"; }
  /// The command tag ("COMMIT", "ROLLBACK", "INSERT 0 1" …).
  [[nodiscard]] std::string_view command() const { return result_ ? PQcmdStatus(result_.get()) : ""; }
  /// Rows changed by an INSERT, UPDATE or DELETE.
  [[nodiscard]] std::int64_t affected() const;

 private:
  std::unique_ptr<PGresult, decltype(&PQclear)> result_{nullptr, &PQclear};
};

/// One row of a result as the backends' shared row readers take it (store/row_reading.hpp: text, integer,
/// optional_integer, is_null by column).
struct Row {
  const Rows& rows;
  int index;
  [[nodiscard]] std::string_view text(int column) const { return rows.text(index, column); }
  [[nodiscard]] std::int64_t integer(int column) const { return rows.integer(index, column); }
  [[nodiscard]] std::optional<std::int64_t> optional_integer(int column) const {
    return rows.optional_integer(index, column);
  }
  [[nodiscard]] bool is_null(int column) const { return rows.is_null(index, column); }
};

/// One statement of a pipeline: its SQL (a string literal, prepared once per connection) and parameters.
struct Query {
  const char* sql;
  std::vector<Param> params;
};

/// One PostgreSQL connection. Not thread-safe: use one per thread.
class Connection {
 public:
  /// Connects to `url` (a libpq URI or key=value string) and applies `settings` (SET statements, run
  /// once). Errors: unavailable with libpq's message.
  [[nodiscard]] static Result<std::unique_ptr<Connection>> open(const std::string& url,
                                                                std::string_view settings = {});
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  /// Runs SQL without parameters (one or more statements; DDL, SET, BEGIN). Returns the last result.
  [[nodiscard]] Result<Rows> exec(std::string_view sql);
  /// Runs the prepared statement for `sql` (a string literal: statements are prepared once per
  /// connection and keyed by its address) with `params`.
  [[nodiscard]] Result<Rows> query(const char* sql, std::span<const Param> params);
  [[nodiscard]] Result<Rows> query(const char* sql, std::initializer_list<Param> params = {}) {
    return query(sql, std::span<const Param>(params.begin(), params.size()));
  }
  /// Runs `sql`, a text built at run time (a list's filter), with `params`, unprepared: PostgreSQL plans it
  /// for these parameters.
  [[nodiscard]] Result<Rows> query_built(const std::string& sql, std::span<const Param> params);
  /// Runs every query in one round trip (libpq pipeline mode) and returns their results in order. With no
  /// explicit transaction the queries run in one implicit transaction: with the connection's default
  /// isolation at REPEATABLE READ they all read one snapshot.
  [[nodiscard]] Result<std::vector<Rows>> pipeline(std::span<const Query> queries);
  /// Sends `data` (rows in COPY's text format) to `copy_sql` (COPY … FROM STDIN).
  [[nodiscard]] Result<void> copy_in(std::string_view copy_sql, std::string_view data);

  /// False once the connection to the server is lost (it is then dropped, not reused).
  [[nodiscard]] bool healthy() const;
  [[nodiscard]] PGconn* handle() const { return conn_; }

 private:
  explicit Connection(PGconn* conn) : conn_(conn) {}
  Result<const std::string*> prepared(const char* sql);
  PGconn* conn_;
  bool broken_ = false;                                      // a pipeline ended out of step: never reused
  std::unordered_map<const char*, std::string> statements_;  // SQL literal -> prepared statement name
};

/// The error for a failed result or connection: its SQLSTATE mapped to a code (connection loss and a
/// server shutting down: unavailable; statement_timeout: timed_out; unique violation: conflict;
/// foreign key: invalid_input; else internal), with PostgreSQL's primary message.
[[nodiscard]] Error error_of(PGconn* conn, const PGresult* result);

/// `message` with the password of the connection URL `url` (as given, and as the URL spells it) replaced
/// by "***"; a fixed message when libpq cannot parse the URL (its own message would quote pieces of it).
[[nodiscard]] std::string without_password(const std::string& url, std::string message);

/// Appends `value` to a COPY text-format row, escaped (backslash, tab, newline, carriage return).
void append_copy_text(std::string& out, std::string_view value);

}  // namespace ssad::store::postgres
