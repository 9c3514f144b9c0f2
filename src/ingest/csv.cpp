#include "ingest/csv.hpp"

namespace ssad::ingest {

bool CsvReader::crlf() const { return pos_ + 1 < text_.size() && text_[pos_ + 1] == '\n'; }

std::unexpected<Error> CsvReader::lone_carriage_return() const {
  // A CR alone would end a record without starting a line that a person can find by its number.
  return fail(ErrorCode::invalid_input,
              "a carriage return not followed by a line feed on line " + std::to_string(line_));
}

Result<bool> CsvReader::next(std::vector<std::string_view>& fields) {
  fields.clear();
  std::size_t scratch_used = 0;
  // Skip blank lines (a trailing newline at the end of the file is normal).
  while (pos_ < text_.size() && (text_[pos_] == '\n' || text_[pos_] == '\r')) {
    if (text_[pos_] == '\r' && !crlf()) return lone_carriage_return();
    if (text_[pos_] == '\n') ++line_;
    ++pos_;
  }
  if (pos_ >= text_.size()) return false;
  record_line_ = line_;
  for (;;) {
    if (pos_ < text_.size() && text_[pos_] == '"') {
      // Quoted field: copy into scratch only when it contains an escaped quote.
      const std::size_t start = ++pos_;
      bool escaped = false;
      std::size_t end;  // set where the closing quote is found
      for (;;) {
        if (pos_ >= text_.size()) {
          return fail(ErrorCode::invalid_input,
                      "unterminated quoted field starting on line " + std::to_string(record_line_));
        }
        const char c = text_[pos_];
        if (c == '"') {
          if (pos_ + 1 < text_.size() && text_[pos_ + 1] == '"') {
            escaped = true;
            pos_ += 2;
            continue;
          }
          end = pos_++;
          break;
        }
        if (c == '\n') ++line_;
        ++pos_;
      }
      std::string_view value = text_.substr(start, end - start);
      if (escaped) {
        if (scratch_used == scratch_.size()) scratch_.emplace_back();
        std::string& buffer = scratch_[scratch_used++];
        buffer.clear();
        for (std::size_t i = 0; i < value.size(); ++i) {
          buffer.push_back(value[i]);
          if (value[i] == '"') ++i;  // skip the second quote of a pair
        }
        value = buffer;
      }
      fields.push_back(value);
      if (pos_ < text_.size() && text_[pos_] != separator_ && text_[pos_] != '\n' && text_[pos_] != '\r') {
        return fail(ErrorCode::invalid_input, "text after a closing quote");
      }
    } else {
      const std::size_t start = pos_;
      while (pos_ < text_.size() && text_[pos_] != separator_ && text_[pos_] != '\n' && text_[pos_] != '\r') {
        if (text_[pos_] == '"') return fail(ErrorCode::invalid_input, "quote inside an unquoted field");
        ++pos_;
      }
      fields.push_back(text_.substr(start, pos_ - start));
    }
    if (pos_ >= text_.size()) return true;
    if (text_[pos_] == separator_) {
      ++pos_;
      continue;
    }
    // End of record: CRLF or LF.
    if (text_[pos_] == '\r') {
      if (!crlf()) return lone_carriage_return();
      ++pos_;
    }
    if (pos_ < text_.size() && text_[pos_] == '\n') {
      ++pos_;
      ++line_;
    }
    return true;
  }
}

}  // namespace ssad::ingest
