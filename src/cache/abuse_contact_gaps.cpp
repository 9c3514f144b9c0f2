#include "cache/abuse_contact_gaps.hpp"

namespace ssad::cache {

AbuseContactGaps::AbuseContactGaps(store::RegistrarDirectoryReader& directory, DataVersion& version)
    : directory_(directory), version_(version) {}

Result<std::shared_ptr<const AbuseContactGaps::List>> AbuseContactGaps::current() {
  const std::uint64_t generation = version_.current().generation;
  const std::lock_guard lock(mutex_);
  if (list_ && generation_ == generation) return list_;
  SSAD_TRY(list, directory_.registrars_without_abuse_contact());
  list_ = std::make_shared<const List>(std::move(list));
  generation_ = generation;
  return list_;
}

}  // namespace ssad::cache
