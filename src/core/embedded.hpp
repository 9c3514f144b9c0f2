#pragma once
// Text files compiled into the binary (cmake/embed.cmake), such as SQL migrations.

#include <span>
#include <string_view>

namespace ssad {

struct EmbeddedFile {
  std::string_view name;  // file name without directory, e.g. "0001_registration.sql"
  std::string_view text;
};

}  // namespace ssad
