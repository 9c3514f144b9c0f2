#pragma once
// Reads RFC 9022 CSV files: records of fields split by a one-character separator, no header row.
// Quoting follows RFC 4180 ("a ""quoted"" value", separators and line breaks allowed inside quotes),
// which is how the RFC's examples quote values with spaces. Hand-written: Debian has no C++ CSV
// library, and this loop is the import's hot path (a million-domain deposit holds ~10 million records).

#include <cstddef>
#include <deque>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"

namespace ssad::ingest {

class CsvReader {
 public:
  /// `text` must outlive the reader and the fields it returns.
  CsvReader(std::string_view text, char separator) : text_(text), separator_(separator) {}

  /// Reads the next record into `fields` (views into the text, or into the reader's scratch space for
  /// quoted fields with escapes, valid until the next call). Returns false at the end. Blank lines are
  /// skipped. Errors: invalid_input for an unterminated quote, text after a closing quote, or a CR that is
  /// not part of a CR LF outside quotes.
  [[nodiscard]] Result<bool> next(std::vector<std::string_view>& fields);

  /// The 1-based line on which the record last returned by next() starts.
  [[nodiscard]] std::size_t line() const { return record_line_; }

 private:
  [[nodiscard]] bool crlf() const;  // the CR at pos_ begins a CR LF
  [[nodiscard]] std::unexpected<Error> lone_carriage_return() const;

  std::string_view text_;
  char separator_;
  std::size_t pos_ = 0;
  std::size_t line_ = 1;
  std::size_t record_line_ = 0;
  std::deque<std::string> scratch_;  // a deque: adding a buffer moves none of those the fields point into
};

}  // namespace ssad::ingest
