#pragma once
// Expected failures as values (STYLE.md "Errors"): every fallible call returns Result<T>, whose error
// says what kind of failure it is (so that one mapping turns it into an HTTP status) and, for a person,
// what went wrong.

#include <expected>
#include <string>
#include <string_view>
#include <vector>

namespace ssad {

/// What kind of failure an Error is. http/error_mapping.hpp turns each into one HTTP status.
enum class ErrorCode {
  invalid_input,       // the caller's input is wrong: a bad name, a bad row, a bad option
  not_found,           // the thing asked for does not exist
  conflict,            // the request contradicts the current state (duplicate key, out-of-sequence deposit)
  unauthenticated,     // the caller must prove who it is first (no credential, or one not accepted)
  forbidden,           // the caller may not do this
  unsupported,         // well-formed, but a variant this server does not offer (an RDAP partial match)
  not_implemented,     // a whole kind of query this server does not offer (RDAP reverse search, ip)
  method_not_allowed,  // the operation (HTTP method) is not offered on this resource
  too_many_requests,   // the caller is over its rate limit
  too_large,           // the request body is larger than allowed
  header_too_large,    // the request head is larger than allowed
  unavailable,         // a resource (file, database) cannot be used right now
  timed_out,           // the work did not finish within its time budget (a costly search)
  internal,            // a bug or an invariant broken: never caused by user input alone
};

/// The name of an error code as used in logs and problem details ("invalid_input").
[[nodiscard]] std::string_view to_string(ErrorCode code);

/// One member of a request that is wrong or missing, for a person to act on: where it is (an RFC 6901
/// JSON Pointer into the request body, "/fields/2/why") and what is wrong with it.
struct MemberProblem {
  std::string pointer;
  std::string detail;  // never repeats a value it refuses
  friend bool operator==(const MemberProblem&, const MemberProblem&) = default;
};

struct Error {
  ErrorCode code = ErrorCode::internal;
  std::string message;  // for a person; never contains non-public registration data
  // Every member at fault, when the error is about a request body's members (invalid_input): RFC 9457
  // problem details list them as `errors`.
  std::vector<MemberProblem> problems{};
};

template <class T>
using Result = std::expected<T, Error>;

/// Shorthand for returning a failure: `return fail(ErrorCode::not_found, "no such domain");`.
[[nodiscard]] inline std::unexpected<Error> fail(ErrorCode code, std::string message) {
  return std::unexpected<Error>(Error{code, std::move(message)});
}

/// Prefixes context to an error's message ("domain.csv line 4: " + message), keeping its code.
[[nodiscard]] Error with_context(Error error, std::string_view context);

}  // namespace ssad

// Propagating a failure from a Result-returning call inside a function that returns a Result: the one
// piece of control flow std::expected does not give (no `?` operator in C++23).
//   SSAD_TRY(name, expr);  evaluates expr; on failure returns its error, else binds `name` to the value.
//   SSAD_CHECK(expr);      evaluates expr; on failure returns its error.
#define SSAD_TRY(var, expr)                                        \
  auto var##_result = (expr);                                      \
  if (!var##_result) return std::unexpected(var##_result.error()); \
  auto& var = *var##_result /* NOLINT(bugprone-macro-parentheses): `var` names the variable declared */

#define SSAD_CHECK(expr)                                                                      \
  do {                                                                                        \
    if (auto ssad_check_ = (expr); !ssad_check_) return std::unexpected(ssad_check_.error()); \
  } while (false)
