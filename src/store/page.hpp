#pragma once
// Keyset paging, shared by every repository's lists.

#include <cstddef>
#include <string>

namespace ssad::store {

/// One page of a list in key order (a name, an id): the rows whose key sorts strictly after `after`
/// ("" = from the start), at most `limit` of them.
struct Page {
  std::string after;
  std::size_t limit = 100;
};

}  // namespace ssad::store
