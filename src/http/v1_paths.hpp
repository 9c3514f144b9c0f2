#pragma once
// What every /v1/ resource shares: its path as segments, the errors for an unknown resource or method,
// and keyset paging from the query string.

#include <string_view>
#include <vector>

#include "core/error.hpp"
#include "rdap/request.hpp"
#include "store/page.hpp"

namespace ssad::http {

/// "/v1/requests/req_x/claim" → {"v1", "requests", "req_x", "claim"} (empty segments dropped).
[[nodiscard]] std::vector<std::string_view> segments_of(std::string_view path);

/// 405, for a method the resource does not answer (the caller adds Allow).
[[nodiscard]] Error method_not_allowed();
/// 404, for a path no resource answers.
[[nodiscard]] Error no_such_resource();

/// ?after=…&limit=N (1–1000, default 100). Errors: invalid_input for another limit.
[[nodiscard]] Result<store::Page> page_of(const rdap::QueryParameters& query);

}  // namespace ssad::http
