#pragma once
// A set of catalogue fields, one bit per entry of catalog::all_fields(): what a renderer served, what a
// requestor asked for.

#include <bitset>
#include <cstddef>
#include <string_view>

#include "catalog/catalog.hpp"

namespace ssad::catalog {

class FieldSet {
 public:
  static constexpr std::size_t kCapacity = 128;

  [[nodiscard]] bool contains(const Field& field) const { return bits_.test(index_of(field)); }
  /// False for a key the catalogue does not have.
  [[nodiscard]] bool contains(std::string_view key) const {
    const Field* field = find_field(key);
    return field != nullptr && contains(*field);
  }
  void insert(const Field& field) { bits_.set(index_of(field)); }
  [[nodiscard]] std::size_t size() const { return bits_.count(); }
  [[nodiscard]] bool empty() const { return bits_.none(); }

  friend bool operator==(const FieldSet&, const FieldSet&) = default;

 private:
  std::bitset<kCapacity> bits_;
};

}  // namespace ssad::catalog
