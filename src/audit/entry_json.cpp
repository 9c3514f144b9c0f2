#include "audit/entry_json.hpp"

#include <span>

#include "tlog/hash.hpp"

namespace ssad::audit {
namespace {

std::string base64_of(std::span<const std::uint8_t> bytes) { return tlog::base64(bytes); }

// %25, %3B, %3D, %2C for the characters that separate detail pairs, keys from values, and cells.
void append_detail_part(std::string& out, std::string_view text) {
  for (const char c : text) {
    switch (c) {
      case '%':
        out += "%25";
        break;
      case ';':
        out += "%3B";
        break;
      case '=':
        out += "%3D";
        break;
      case ',':
        out += "%2C";
        break;
      default:
        out.push_back(c);
    }
  }
}

// One cell and the comma before it (unless first), with the formula guard and RFC 4180 quoting of
// entry_json.hpp.
void append_cell(std::string& out, std::string_view cell, bool first = false) {
  if (!first) out.push_back(',');
  std::string guarded;
  if (!cell.empty() &&
      (cell.front() == '=' || cell.front() == '+' || cell.front() == '-' || cell.front() == '@' ||
       cell.front() == '\t' || cell.front() == '\r' || cell.front() == '\'')) {
    guarded.reserve(cell.size() + 1);
    guarded.push_back('\'');
    guarded.append(cell);
    cell = guarded;
  }
  if (cell.find_first_of("\",\r\n") == std::string_view::npos) {
    out.append(cell);
    return;
  }
  out.push_back('"');
  for (const char c : cell) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  out.push_back('"');
}

}  // namespace

std::string format_time(Timestamp time) {
  std::string text = format_rfc3339(time);
  // format_rfc3339 leaves out a zero fraction: "...:00Z".
  if (text.find('.') == std::string::npos) text.insert(text.size() - 1, ".000");
  return text;
}

void write_json(json::JsonWriter& out, const Entry& entry, std::uint64_t seq, std::string_view encoding) {
  out.begin_object();
  out.key("seq").integer(static_cast<std::int64_t>(seq));
  out.member("time", format_time(entry.time));
  out.key("actor").begin_object();
  out.member("kind", entry.actor.kind);
  out.member("id", entry.actor.id);
  out.end_object();
  out.member("action", entry.action);
  out.key("object").begin_object();
  out.member("kind", entry.object.kind);
  out.member("id", entry.object.id);
  out.end_object();
  if (!entry.purpose.empty()) out.member("purpose", entry.purpose);
  if (!entry.lawful_basis.empty()) out.member("lawful_basis", entry.lawful_basis);
  out.key("fields").begin_array();
  for (const std::string& key : entry.fields) out.string(key);
  out.end_array();
  if (entry.values_commitment) out.member("values_commitment", tlog::base64(*entry.values_commitment));
  out.key("detail").begin_object();
  for (const auto& [key, value] : entry.detail) out.member(key, value);
  out.end_object();
  out.member("nonce", base64_of(entry.nonce));
  out.member("encoding", tlog::base64(encoding));
  out.end_object();
}

void write_csv_row(std::string& out, const Entry& entry, std::uint64_t seq, std::string_view encoding) {
  append_cell(out, std::to_string(seq), true);
  append_cell(out, format_time(entry.time));
  append_cell(out, entry.actor.kind);
  append_cell(out, entry.actor.id);
  append_cell(out, entry.action);
  append_cell(out, entry.object.kind);
  append_cell(out, entry.object.id);
  append_cell(out, entry.purpose);
  append_cell(out, entry.lawful_basis);
  std::string cell;
  for (const std::string& key : entry.fields) {
    if (!cell.empty()) cell.push_back(' ');
    cell += key;
  }
  append_cell(out, cell);
  append_cell(out, entry.values_commitment ? tlog::base64(*entry.values_commitment) : std::string());
  cell.clear();
  for (const auto& [key, value] : entry.detail) {
    if (!cell.empty()) cell.push_back(';');
    append_detail_part(cell, key);
    cell.push_back('=');
    append_detail_part(cell, value);
  }
  append_cell(out, cell);
  append_cell(out, tlog::base64(encoding));
  out += "\r\n";
}

}  // namespace ssad::audit
