#include "ingest/registrar_directory.hpp"

#include <array>
#include <charconv>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <unordered_map>

#include "core/text_check.hpp"
#include "ingest/csv.hpp"
#include "tlog/hash.hpp"

namespace ssad::ingest {
namespace {

using store::RegistrarDirectoryChange;

bool has_control_or_space(std::string_view text, bool space_allowed) {
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || byte == 0x7F || (!space_allowed && byte == ' ')) return true;
  }
  return false;
}

bool is_http_url(std::string_view url) {
  for (const std::string_view scheme : {"https://", "http://"}) {
    if (url.starts_with(scheme)) return url.size() > scheme.size() && !has_control_or_space(url, false);
  }
  return false;
}

// One '@' between a non-empty local part and a domain with a dot; no spaces or control characters.
bool is_email(std::string_view email) {
  const std::size_t at = email.find('@');
  if (at == std::string_view::npos || at == 0 || email.find('@', at + 1) != std::string_view::npos)
    return false;
  const std::string_view domain = email.substr(at + 1);
  return domain.find('.') != std::string_view::npos && domain.front() != '.' && domain.back() != '.' &&
         !has_control_or_space(email, false);
}

// RFC 5733 §2.5 (EPP's E.164a, as deposits and WHOIS write phones): "+", 1–3 digits, ".", 1–14 digits.
bool is_e164a(std::string_view phone) {
  const std::size_t dot = phone.find('.');
  if (!phone.starts_with('+') || dot == std::string_view::npos) return false;
  const std::string_view cc = phone.substr(1, dot - 1);
  const std::string_view number = phone.substr(dot + 1);
  auto digits = [](std::string_view s, std::size_t max) {
    return !s.empty() && s.size() <= max && s.find_first_not_of("0123456789") == std::string_view::npos;
  };
  return digits(cc, 3) && digits(number, 14);
}

// The columns a directory CSV may have, by their header text, and the change field each sets.
struct Column {
  std::string_view header;
  std::optional<std::string> RegistrarDirectoryChange::* field;  // nullptr for ID
};
constexpr std::array<Column, 7> kColumns{{
    {"ID", nullptr},
    {"Registrar Name", &RegistrarDirectoryChange::name},
    {"Status", &RegistrarDirectoryChange::status},
    {"RDAP Base URL", &RegistrarDirectoryChange::rdap_base_url},
    {"URL", &RegistrarDirectoryChange::url},
    {"Abuse Email", &RegistrarDirectoryChange::abuse_email},
    {"Abuse Phone", &RegistrarDirectoryChange::abuse_phone},
}};

std::string known_columns() {
  std::string list;
  for (const auto& column : kColumns) list += (list.empty() ? "'" : ", '") + std::string(column.header) + "'";
  return list;
}

Error at(const std::string& path, std::size_t line, std::string_view message) {
  return Error{ErrorCode::invalid_input, path + ":" + std::to_string(line) + ": " + std::string(message)};
}

Result<std::string> read_text(const std::string& path) {
  const std::ifstream in(path, std::ios::binary);
  if (!in) return fail(ErrorCode::unavailable, "cannot read '" + path + "'");
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace

Result<std::int64_t> parse_iana_id(std::string_view text) {
  std::int64_t id = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
  if (ec != std::errc{} || ptr != text.data() + text.size() || id <= 0) {
    // Not echoed: the text may come from a downloaded file and hold bytes a terminal would act on.
    return fail(ErrorCode::invalid_input, "an IANA Registrar ID is a positive whole number");
  }
  return id;
}

Result<void> check_directory_change(const RegistrarDirectoryChange& change) {
  if (change.iana_id <= 0) {
    return fail(ErrorCode::invalid_input,
                "an IANA Registrar ID is a positive number, not " + std::to_string(change.iana_id));
  }
  // Empty values clear a field and are always allowed.
  auto text = [](const std::optional<std::string>& value) {
    return value.has_value() ? std::string_view(*value) : std::string_view();
  };
  // The imports' one text rule first (UTF-8, no C0/C1 control, line separator or bidi override): these
  // values go into every RDAP and WHOIS answer for the registrar's domains.
  for (const auto& [value, what] : {std::pair{text(change.name), "the registrar name"},
                                    {text(change.status), "the status"},
                                    {text(change.rdap_base_url), "the RDAP base URL"},
                                    {text(change.url), "the URL"},
                                    {text(change.abuse_email), "the abuse email"},
                                    {text(change.abuse_phone), "the abuse phone"}}) {
    if (auto checked = check_text_value(value); !checked) {
      return fail(ErrorCode::invalid_input, std::string(what) + ": " + checked.error().message);
    }
  }
  for (const auto& [value, what] :
       {std::pair{text(change.name), "the registrar name"}, {text(change.status), "the status"}}) {
    if (!value.empty() && has_control_or_space(value, true)) {
      return fail(ErrorCode::invalid_input, std::string(what) + " holds a control character");
    }
  }
  for (const auto& [value, what] :
       {std::pair{text(change.rdap_base_url), "the RDAP base URL"}, {text(change.url), "the URL"}}) {
    if (!value.empty() && !is_http_url(value)) {
      return fail(ErrorCode::invalid_input, std::string(what) + " must be an http:// or https:// URL");
    }
  }
  if (const std::string_view email = text(change.abuse_email); !email.empty() && !is_email(email)) {
    return fail(ErrorCode::invalid_input, "the abuse email must be an address like abuse@registrar.example");
  }
  if (const std::string_view phone = text(change.abuse_phone); !phone.empty() && !is_e164a(phone)) {
    return fail(ErrorCode::invalid_input,
                "the abuse phone must be written +CC.NUMBER (RFC 5733 E.164a), like +1.7035555555");
  }
  return {};
}

Result<void> set_registrar_directory(store::Store& store, const RegistrarDirectoryChange& change,
                                     const Clock& clock, const audit::Actor& actor) {
  SSAD_CHECK(check_directory_change(change));
  SSAD_TRY(work, store.begin());
  const Timestamp now = clock.now();
  SSAD_CHECK(work->registrar_directory().apply(change, now));
  // The names of the fields set, not their values.
  std::string fields;
  const std::pair<const char*, const std::optional<std::string>*> named[] = {
      {"name", &change.name}, {"status", &change.status},           {"rdap_base_url", &change.rdap_base_url},
      {"url", &change.url},   {"abuse_email", &change.abuse_email}, {"abuse_phone", &change.abuse_phone}};
  for (const auto& [name, value] : named) {
    if (value->has_value()) fields += (fields.empty() ? "" : " ") + std::string(name);
  }
  audit::Entry entry;
  entry.time = now;
  entry.actor = actor;
  entry.action = "registrar.set";
  entry.object = {"registrar", std::to_string(change.iana_id)};
  entry.detail = {{"fields", fields}};
  SSAD_CHECK(audit::record(*work, std::move(entry)));
  return work->commit(now);
}

Result<DirectoryImportReport> import_registrar_directory(store::Store& store, const std::string& path,
                                                         const Clock& clock, const audit::Actor& actor) {
  SSAD_TRY(text, read_text(path));
  std::string_view data = text;
  if (data.starts_with("\xEF\xBB\xBF")) data.remove_prefix(3);  // a UTF-8 byte order mark
  CsvReader reader(data, ',');
  std::vector<std::string_view> fields;

  // The header row: which column is which.
  auto header = reader.next(fields);
  if (!header) return std::unexpected(at(path, reader.line(), header.error().message));
  if (!*header) return std::unexpected(at(path, 1, "the file is empty; the first row must name the columns"));
  DirectoryImportReport report;
  std::vector<const Column*> columns;
  std::size_t id_position = fields.size();
  for (std::size_t i = 0; i < fields.size(); ++i) {
    std::string_view name = fields[i];
    while (!name.empty() && name.front() == ' ') name.remove_prefix(1);
    while (!name.empty() && name.back() == ' ') name.remove_suffix(1);
    const Column* column = nullptr;
    for (const auto& known : kColumns) {
      if (known.header == name) column = &known;
    }
    if (column == nullptr) {
      return std::unexpected(
          at(path, reader.line(),
             "unknown column '" + std::string(name) + "' (known: " + known_columns() + ")"));
    }
    for (const Column* seen : columns) {
      if (seen == column) {
        return std::unexpected(at(path, reader.line(), "column '" + std::string(name) + "' appears twice"));
      }
    }
    if (column->field == nullptr) id_position = i;
    columns.push_back(column);
    report.columns.emplace_back(name);
  }
  if (id_position == fields.size()) {
    return std::unexpected(at(path, reader.line(), "the header row has no 'ID' column"));
  }

  // The rows, all in one unit of work: the first bad one leaves the directory as it was.
  SSAD_TRY(work, store.begin());
  store::RegistrarDirectoryWriter& writer = work->registrar_directory();
  const Timestamp now = clock.now();
  std::unordered_map<std::int64_t, std::size_t> first_line;  // ID -> the line that set it
  for (;;) {
    auto more = reader.next(fields);
    if (!more) return std::unexpected(at(path, reader.line(), more.error().message));
    if (!*more) break;
    const std::size_t line = reader.line();
    if (fields.size() != columns.size()) {
      return std::unexpected(at(
          path, line,
          "expected " + std::to_string(columns.size()) + " fields, found " + std::to_string(fields.size())));
    }
    auto id = parse_iana_id(fields[id_position]);
    if (!id) return std::unexpected(at(path, line, id.error().message));
    if (auto [it, inserted] = first_line.emplace(*id, line); !inserted) {
      return std::unexpected(
          at(path, line,
             "ID " + std::to_string(*id) + " was already given on line " + std::to_string(it->second)));
    }
    RegistrarDirectoryChange change;
    change.iana_id = *id;
    for (std::size_t i = 0; i < fields.size(); ++i) {
      if (columns[i]->field != nullptr && !fields[i].empty())
        change.*(columns[i]->field) = std::string(fields[i]);
    }
    if (auto ok = check_directory_change(change); !ok)
      return std::unexpected(at(path, line, ok.error().message));
    if (auto ok = writer.apply(change, now); !ok) return std::unexpected(at(path, line, ok.error().message));
    ++report.rows;
  }
  // The file is recorded by its name and SHA-256: with the file in hand, an auditor sees every value set.
  std::string columns_text;
  for (const auto& column : report.columns) columns_text += (columns_text.empty() ? "" : ",") + column;
  audit::Entry entry;
  entry.time = now;
  entry.actor = actor;
  entry.action = "registrar.import";
  entry.object = {"registrar_directory", ""};
  entry.detail = {{"file", std::filesystem::path(path).filename().string()},
                  {"sha256", tlog::hex(tlog::sha256(text))},
                  {"rows", std::to_string(report.rows)},
                  {"columns", columns_text}};
  SSAD_CHECK(audit::record(*work, std::move(entry)));
  SSAD_CHECK(work->commit(now));
  return report;
}

}  // namespace ssad::ingest
