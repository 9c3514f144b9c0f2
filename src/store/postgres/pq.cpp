#include "store/postgres/pq.hpp"

#include <charconv>
#include <cstring>

namespace ssad::store::postgres {
namespace {

using ResultPtr = std::unique_ptr<PGresult, decltype(&PQclear)>;

ResultPtr own(PGresult* result) { return {result, &PQclear}; }

bool succeeded(const PGresult* result) {
  const ExecStatusType status = PQresultStatus(result);
  return status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK || status == PGRES_COPY_IN;
}

// libpq's messages end with a newline; errors read better without it.
std::string trimmed(const char* message) {
  std::string text = message != nullptr ? message : "";
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  return text;
}

ErrorCode code_of_state(std::string_view state) {
  if (state.starts_with("08") || state.starts_with("57P") || state == "53300" || state == "40001" ||
      state == "40P01" || state == "55P03" || state == "25006") {
    // Connection exceptions, the server shutting down or refusing connections, too many connections,
    // serialization failures, deadlocks, lock timeouts, and a write sent to a read-only replica: try
    // again later.
    return ErrorCode::unavailable;
  }
  if (state == "57014") return ErrorCode::timed_out;  // statement_timeout
  if (state == "23505") return ErrorCode::conflict;   // unique_violation
  if (state.starts_with("23")) return ErrorCode::invalid_input;
  return ErrorCode::internal;
}

}  // namespace

std::string without_password(const std::string& url, std::string message) {
  char* error = nullptr;
  PQconninfoOption* options = PQconninfoParse(url.c_str(), &error);
  if (options == nullptr) {
    // libpq could not read the URL; its message quotes pieces of it, which may be the password.
    PQfreemem(error);
    return "the connection URL cannot be parsed (check its syntax; percent-encode @ : / ? in a password)";
  }
  std::string password;
  for (const PQconninfoOption* o = options; o->keyword != nullptr; ++o) {
    if (std::string_view(o->keyword) == "password" && o->val != nullptr) password = o->val;
  }
  PQconninfoFree(options);
  // A URL that may hold a password, even one libpq reads as something else ("user:pass/word@host" gives
  // the port "pass"): every quoted piece of libpq's message is hidden, and the password wherever it is.
  const std::size_t start = url.find("://");
  const std::size_t at = url.find('@', start == std::string::npos ? 0 : start);
  const bool user_part_has_colon = at != std::string::npos && url.find(':', start + 3) < at;
  if (password.empty() && !user_part_has_colon && url.find("password") == std::string::npos) return message;
  std::string out;
  bool quoted = false;
  for (const char c : message) {
    if (c == '"') {
      out += quoted ? "***\"" : "\"";
      quoted = !quoted;
    } else if (!quoted) {
      out += c;
    }
  }
  if (!password.empty()) {
    for (std::size_t p = out.find(password); p != std::string::npos; p = out.find(password, p + 3)) {
      out.replace(p, password.size(), "***");
    }
  }
  return out;
}

std::int64_t Rows::integer(int row, int column) const {
  const std::string_view value = text(row, column);
  std::int64_t out = 0;
  std::from_chars(value.data(), value.data() + value.size(), out);
  return out;
}

std::optional<std::int64_t> Rows::optional_integer(int row, int column) const {
  if (is_null(row, column)) return std::nullopt;
  return integer(row, column);
}

std::int64_t Rows::affected() const {
  const char* tuples = PQcmdTuples(result_.get());
  std::int64_t out = 0;
  if (tuples != nullptr) std::from_chars(tuples, tuples + std::strlen(tuples), out);
  return out;
}

// The first line of libpq's connection message: its later lines can hold an earlier error's DETAIL and
// CONTEXT, which quote row values.
static std::string first_line(const char* message) {
  std::string text = trimmed(message);
  if (const std::size_t end = text.find('\n'); end != std::string::npos) text.resize(end);
  return text;
}

Error error_of(PGconn* conn, const PGresult* result) {
  if (conn == nullptr || PQstatus(conn) != CONNECTION_OK) {
    return Error{ErrorCode::unavailable, "PostgreSQL connection lost"};
  }
  if (result == nullptr)
    return Error{ErrorCode::unavailable, "PostgreSQL: " + first_line(PQerrorMessage(conn))};
  const char* state = PQresultErrorField(result, PG_DIAG_SQLSTATE);
  const char* primary = PQresultErrorField(result, PG_DIAG_MESSAGE_PRIMARY);
  const std::string message = trimmed(primary != nullptr ? primary : PQresultErrorMessage(result));
  return Error{code_of_state(state != nullptr ? state : ""), "PostgreSQL: " + message};
}

void append_copy_text(std::string& out, std::string_view value) {
  for (const char c : value) {
    switch (c) {
      case '\\':
        out += "\\\\";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      default:
        out += c;
    }
  }
}

Result<std::unique_ptr<Connection>> Connection::open(const std::string& url, std::string_view settings) {
  // Defaults the URL may override (it comes after them): give up connecting after 5 s rather than
  // hang, and notice a server that vanished without closing the connection (keepalives).
  const char* const keywords[] = {"connect_timeout",
                                  "keepalives_idle",
                                  "keepalives_interval",
                                  "keepalives_count",
                                  "application_name",
                                  "dbname",
                                  nullptr};
  const char* const values[] = {"5", "30", "10", "3", "ssad", url.c_str(), nullptr};
  PGconn* conn = PQconnectdbParams(keywords, values, 1);
  if (conn == nullptr) return fail(ErrorCode::unavailable, "PostgreSQL: out of memory");
  auto connection = std::unique_ptr<Connection>(new Connection(conn));
  // Notices ("relation already exists, skipping") are not for the operator's terminal.
  PQsetNoticeProcessor(conn, [](void*, const char*) {}, nullptr);
  if (PQstatus(conn) != CONNECTION_OK) {
    return fail(ErrorCode::unavailable,
                "cannot connect to PostgreSQL: " + without_password(url, first_line(PQerrorMessage(conn))));
  }
  if (!settings.empty()) SSAD_CHECK(connection->exec(settings));
  return connection;
}

Connection::~Connection() { PQfinish(conn_); }

bool Connection::healthy() const { return !broken_ && PQstatus(conn_) == CONNECTION_OK; }

Result<Rows> Connection::exec(std::string_view sql) {
  const std::string text(sql);
  PGresult* raw = PQexec(conn_, text.c_str());
  if (raw == nullptr || !succeeded(raw)) {
    auto guard = own(raw);
    return std::unexpected(error_of(conn_, raw));
  }
  return Rows(raw);
}

Result<const std::string*> Connection::prepared(const char* sql) {
  auto it = statements_.find(sql);
  if (it != statements_.end()) return &it->second;
  std::string name = "s" + std::to_string(statements_.size());
  auto result = own(PQprepare(conn_, name.c_str(), sql, 0, nullptr));
  if (!result || !succeeded(result.get())) return std::unexpected(error_of(conn_, result.get()));
  return &statements_.emplace(sql, std::move(name)).first->second;
}

namespace {

// Parameter arrays for PQsendQueryPrepared / PQexecPrepared.
struct Bound {
  std::vector<const char*> values;
  std::vector<int> lengths;
  std::vector<int> formats;
  explicit Bound(std::span<const Param> params) {
    for (const Param& p : params) {
      values.push_back(p.data());
      lengths.push_back(p.size());
      formats.push_back(0);
    }
  }
  [[nodiscard]] int count() const { return static_cast<int>(values.size()); }
};

}  // namespace

Result<Rows> Connection::query(const char* sql, std::span<const Param> params) {
  SSAD_TRY(name, prepared(sql));
  const Bound bound(params);
  PGresult* raw = PQexecPrepared(conn_, name->c_str(), bound.count(), bound.values.data(),
                                 bound.lengths.data(), bound.formats.data(), 0);
  if (raw == nullptr || !succeeded(raw)) {
    auto guard = own(raw);
    return std::unexpected(error_of(conn_, raw));
  }
  return Rows(raw);
}

Result<Rows> Connection::query_built(const std::string& sql, std::span<const Param> params) {
  const Bound bound(params);
  PGresult* raw = PQexecParams(conn_, sql.c_str(), bound.count(), nullptr, bound.values.data(),
                               bound.lengths.data(), bound.formats.data(), 0);
  if (raw == nullptr || !succeeded(raw)) {
    auto guard = own(raw);
    return std::unexpected(error_of(conn_, raw));
  }
  return Rows(raw);
}

Result<std::vector<Rows>> Connection::pipeline(std::span<const Query> queries) {
  std::vector<const std::string*> names;
  for (const Query& q : queries) {
    SSAD_TRY(name, prepared(q.sql));
    names.push_back(name);
  }
  if (PQenterPipelineMode(conn_) != 1) return std::unexpected(error_of(conn_, nullptr));
  bool sent = true;
  for (std::size_t i = 0; i < queries.size() && sent; ++i) {
    const Bound bound(queries[i].params);
    sent = PQsendQueryPrepared(conn_, names[i]->c_str(), bound.count(), bound.values.data(),
                               bound.lengths.data(), bound.formats.data(), 0) == 1;
  }
  sent = sent && PQpipelineSync(conn_) == 1;
  // Read every result up to the sync whatever happened, so that the connection leaves pipeline mode clean.
  std::vector<Rows> out;
  std::optional<Error> error;
  if (!sent) error = error_of(conn_, nullptr);
  for (std::size_t i = 0; i < queries.size() && sent; ++i) {
    PGresult* raw = PQgetResult(conn_);
    if (raw == nullptr) {
      error = error_of(conn_, nullptr);
      break;
    }
    if (!succeeded(raw)) {
      if (!error && PQresultStatus(raw) != PGRES_PIPELINE_ABORTED) error = error_of(conn_, raw);
      if (!error) error = Error{ErrorCode::internal, "PostgreSQL: pipeline aborted"};
      PQclear(raw);
    } else {
      out.emplace_back(raw);
    }
    // Each query's results end with a NULL.
    while (PGresult* extra = PQgetResult(conn_)) PQclear(extra);
  }
  // Up to the sync's result. Anything else (a send that failed, results out of step) leaves the
  // connection in a state it is not reused in.
  bool clean = sent;
  for (int nulls = 0; clean;) {
    PGresult* raw = PQgetResult(conn_);
    if (raw == nullptr) {
      if (PQstatus(conn_) != CONNECTION_OK || ++nulls > 1) clean = false;
      continue;
    }
    const bool sync = PQresultStatus(raw) == PGRES_PIPELINE_SYNC;
    PQclear(raw);
    if (sync) break;
  }
  if (!clean || PQexitPipelineMode(conn_) != 1) broken_ = true;
  if (error) return std::unexpected(*error);
  return out;
}

Result<void> Connection::copy_in(std::string_view copy_sql, std::string_view data) {
  const std::string text(copy_sql);
  auto start = own(PQexec(conn_, text.c_str()));
  if (!start || PQresultStatus(start.get()) != PGRES_COPY_IN)
    return std::unexpected(error_of(conn_, start.get()));
  // Sent in pieces of at most 1 MiB: libpq copies each into its output buffer.
  constexpr std::size_t kPiece = std::size_t{1} << 20;
  bool ok = true;
  for (std::size_t at = 0; at < data.size() && ok; at += kPiece) {
    const std::size_t n = std::min(kPiece, data.size() - at);
    ok = PQputCopyData(conn_, data.data() + at, static_cast<int>(n)) == 1;
  }
  if (PQputCopyEnd(conn_, ok ? nullptr : "client failed to send") != 1)
    return std::unexpected(error_of(conn_, nullptr));
  std::optional<Error> error;
  while (PGresult* raw = PQgetResult(conn_)) {
    auto result = own(raw);
    if (!error && !succeeded(raw)) error = error_of(conn_, raw);
  }
  if (!ok && !error) error = error_of(conn_, nullptr);
  if (error) return std::unexpected(*error);
  return {};
}

}  // namespace ssad::store::postgres
