#include "abuse/countries.hpp"

#include <maxminddb.h>

namespace ssad::abuse {

struct CountryLookup::Database {
  MMDB_s mmdb{};
};

CountryLookup::CountryLookup(std::unique_ptr<Database> db) : db_(std::move(db)) {}

CountryLookup::~CountryLookup() {
  if (db_) MMDB_close(&db_->mmdb);
}

Result<std::unique_ptr<CountryLookup>> CountryLookup::open(const std::string& path) {
  auto db = std::make_unique<Database>();
  if (const int status = MMDB_open(path.c_str(), MMDB_MODE_MMAP, &db->mmdb); status != MMDB_SUCCESS) {
    return fail(ErrorCode::invalid_input, "abuse.country_database " + path + ": " + MMDB_strerror(status));
  }
  return std::unique_ptr<CountryLookup>(new CountryLookup(std::move(db)));
}

std::string CountryLookup::country(std::string_view address) const {
  if (address.empty() || address.size() > 64) return {};
  const std::string text(address);
  int gai_error = 0;
  int mmdb_error = MMDB_SUCCESS;
  MMDB_lookup_result_s result = MMDB_lookup_string(&db_->mmdb, text.c_str(), &gai_error, &mmdb_error);
  if (gai_error != 0 || mmdb_error != MMDB_SUCCESS || !result.found_entry) return {};
  MMDB_entry_data_s data{};
  if (MMDB_get_value(&result.entry, &data, "country", "iso_code", nullptr) != MMDB_SUCCESS ||
      !data.has_data || data.type != MMDB_DATA_TYPE_UTF8_STRING || data.data_size != 2) {
    return {};
  }
  return {data.utf8_string, data.data_size};
}

}  // namespace ssad::abuse
