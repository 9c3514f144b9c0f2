#pragma once
// Writes an RFC 9022 CSV-model FULL deposit (the XML and its CSV files, with CRC32 checksums) from
// registration objects, streaming: objects are written as they are added. Used by `ssad demo` so that
// the demo registry goes through the same import path as a real deposit.

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "core/time.hpp"
#include "model/registration.hpp"

namespace ssad::ingest {

class EscrowWriter {
 public:
  /// Creates `directory` if needed and opens the CSV files. Errors: unavailable when it cannot write.
  [[nodiscard]] static Result<std::unique_ptr<EscrowWriter>> create(const std::filesystem::path& directory,
                                                                    std::string deposit_id, std::string tld,
                                                                    Timestamp watermark);
  ~EscrowWriter();

  // Objects must be added before the objects that refer to them are imported, which the importer
  // orders itself; within a kind, any order.
  void add(const model::Registrar& registrar);
  void add(const model::Contact& contact);
  void add(const model::Host& host);
  void add(const model::Domain& domain);

  /// Closes the CSV files and writes deposit-<id>.xml beside them; returns its path.
  /// Errors: unavailable on I/O failure.
  [[nodiscard]] Result<std::filesystem::path> finish();

 private:
  struct File;  // one CSV file being written, with its running CRC32
  EscrowWriter() = default;
  std::filesystem::path directory_;
  std::string id_, tld_;
  Timestamp watermark_;
  std::vector<std::unique_ptr<File>> files_;
  std::int64_t registrars_ = 0, contacts_ = 0, hosts_ = 0, domains_ = 0;
};

}  // namespace ssad::ingest
