#pragma once
// A streaming JSON writer (RapidJSON's Writer, which escapes strings correctly) with the few calls the
// renderers need (RDAP, error bodies). No DOM: responses are written once, in order, into one buffer.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

namespace ssad::json {

class JsonWriter {
 public:
  /// `capacity`: bytes reserved up front (a domain response is about 5 KB; growing from RapidJSON's
  /// 256-byte default costs a dozen reallocations and copies).
  explicit JsonWriter(std::size_t capacity = 8192) : buffer_(nullptr, capacity), writer_(buffer_) {}
  JsonWriter(const JsonWriter&) = delete;
  JsonWriter& operator=(const JsonWriter&) = delete;

  void begin_object() { writer_.StartObject(); }
  void end_object() { writer_.EndObject(); }
  void begin_array() { writer_.StartArray(); }
  void end_array() { writer_.EndArray(); }
  JsonWriter& key(std::string_view name) {
    writer_.Key(name.data(), static_cast<rapidjson::SizeType>(name.size()));
    return *this;
  }
  void string(std::string_view value) {
    writer_.String(value.data(), static_cast<rapidjson::SizeType>(value.size()));
  }
  void integer(std::int64_t value) { writer_.Int64(value); }
  void unsigned_integer(std::uint64_t value) { writer_.Uint64(value); }
  /// A finite number, in the shortest form that reads back as `value` (RapidJSON's Grisu).
  void number(double value) { writer_.Double(value); }
  void boolean(bool value) { writer_.Bool(value); }
  void null() { writer_.Null(); }
  /// "name": "value"
  void member(std::string_view name, std::string_view value) {
    key(name);
    string(value);
  }
  /// A JSON value written as it is: only for text this program wrote as JSON itself (never input).
  void raw(std::string_view json) { writer_.RawValue(json.data(), json.size(), rapidjson::kObjectType); }
  /// An empty object, as a jCard property's parameters.
  void empty_object() {
    begin_object();
    end_object();
  }

  /// The text written so far.
  [[nodiscard]] std::string_view view() const { return {buffer_.GetString(), buffer_.GetSize()}; }

 private:
  rapidjson::StringBuffer buffer_;
  rapidjson::Writer<rapidjson::StringBuffer> writer_;
};

}  // namespace ssad::json
