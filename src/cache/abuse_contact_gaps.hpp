#pragma once
// The registrars whose RDAP answers lack an abuse contact (store/registrar_directory.hpp), for /readyz and
// the `ssad serve` start-up report: asked of the store once per change of the data (DataVersion's
// generation), not once per call. Thread-safe.

#include <memory>
#include <mutex>
#include <vector>

#include "cache/data_version.hpp"
#include "store/registrar_directory.hpp"

namespace ssad::cache {

class AbuseContactGaps {
 public:
  using List = std::vector<store::RegistrarWithoutAbuseContact>;

  /// Both must outlive this object.
  AbuseContactGaps(store::RegistrarDirectoryReader& directory, DataVersion& version);

  /// The registrars lacking an abuse email or phone as of the data version DataVersion reports now.
  /// Errors: the store's, when it could not be read for this version (tried again on the next call).
  [[nodiscard]] Result<std::shared_ptr<const List>> current();

 private:
  store::RegistrarDirectoryReader& directory_;
  DataVersion& version_;
  std::mutex mutex_;
  std::uint64_t generation_ = 0;  // of list_; 0: none read yet
  std::shared_ptr<const List> list_;
};

}  // namespace ssad::cache
