#include "http/v1_paths.hpp"

#include <charconv>
#include <string>

namespace ssad::http {
namespace {
constexpr std::size_t kMaxPage = 1000;
}  // namespace

std::vector<std::string_view> segments_of(std::string_view path) {
  std::vector<std::string_view> out;
  while (!path.empty()) {
    if (path.front() == '/') {
      path.remove_prefix(1);
      continue;
    }
    const std::size_t end = path.find('/');
    out.push_back(path.substr(0, end));
    if (end == std::string_view::npos) break;
    path.remove_prefix(end);
  }
  return out;
}

Error method_not_allowed() {
  return Error{ErrorCode::method_not_allowed, "Not a method this resource answers."};
}

Error no_such_resource() { return Error{ErrorCode::not_found, "no such resource"}; }

Result<store::Page> page_of(const rdap::QueryParameters& query) {
  store::Page page;
  if (const std::string* after = rdap::find_parameter(query, "after")) page.after = *after;
  if (const std::string* limit = rdap::find_parameter(query, "limit")) {
    std::size_t n = 0;
    const auto [end, ec] = std::from_chars(limit->data(), limit->data() + limit->size(), n);
    if (ec != std::errc() || end != limit->data() + limit->size() || n == 0 || n > kMaxPage) {
      return fail(ErrorCode::invalid_input, "limit must be a whole number from 1 to 1000");
    }
    page.limit = n;
  }
  return page;
}

}  // namespace ssad::http
