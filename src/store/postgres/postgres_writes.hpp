#pragma once
// The PostgreSQL store's writes: the registration repository (objects new in a unit of work go in by
// COPY) and the registrar directory, on a unit of work's connection. Internal to store/postgres/.

#include <memory>

#include "store/postgres/pq.hpp"
#include "store/registrar_directory.hpp"
#include "store/registration_store.hpp"

namespace ssad::store::postgres {

/// The registration writer of a unit of work, with what the unit of work needs beyond the interface.
class BufferedRegistrationWriter : public RegistrationWriter {
 public:
  /// Sends every buffered row and pending update to the server (before the unit of work commits).
  [[nodiscard]] virtual Result<void> flush() = 0;
  /// Whether any write was called (the unit of work then stamps data_updated).
  [[nodiscard]] virtual bool written() const = 0;
  /// After the unit of work committed: later writes fail rather than run outside any transaction.
  virtual void finish() = 0;
};

class DirectoryWriter : public RegistrarDirectoryWriter {
 public:
  [[nodiscard]] virtual bool written() const = 0;
  virtual void finish() = 0;
};

[[nodiscard]] std::unique_ptr<BufferedRegistrationWriter> make_registration_writer(Connection& conn);
[[nodiscard]] std::unique_ptr<DirectoryWriter> make_registrar_directory_writer(Connection& conn);

}  // namespace ssad::store::postgres
