#include "audit/export.hpp"

#include "audit/entry.hpp"
#include "audit/entry_json.hpp"
#include "json/json_writer.hpp"

namespace ssad::audit {
namespace {

bool matches(const store::AuditFilter& filter, const Entry& entry) {
  auto same = [](const std::optional<std::string>& wanted, const std::string& value) {
    return !wanted || *wanted == value;
  };
  return same(filter.actor_kind, entry.actor.kind) && same(filter.actor_id, entry.actor.id) &&
         same(filter.action, entry.action) && same(filter.object_kind, entry.object.kind) &&
         same(filter.object_id, entry.object.id) && (!filter.from || entry.time >= *filter.from) &&
         (!filter.to || entry.time < *filter.to);
}

}  // namespace

Result<ExportFormat> parse_export_format(std::string_view text) {
  if (text == "jsonl") return ExportFormat::jsonl;
  if (text == "csv") return ExportFormat::csv;
  return fail(ErrorCode::invalid_input, "the format must be jsonl or csv");
}

Result<void> parse_reference(std::string_view text, std::optional<std::string>& kind,
                             std::optional<std::string>& id) {
  const auto colon = text.find(':');
  const std::string_view k = text.substr(0, colon);
  if (k.empty()) return fail(ErrorCode::invalid_input, "expected KIND or KIND:ID");
  kind = std::string(k);
  if (colon != std::string_view::npos) id = std::string(text.substr(colon + 1));
  return {};
}

Result<std::uint64_t> export_entries(store::AuditLogReader& log, const store::AuditFilter& filter,
                                     ExportFormat format,
                                     const std::function<void(std::string_view)>& write) {
  constexpr std::size_t kPage = 1000;
  if (format == ExportFormat::csv) write(kCsvHeader);
  std::optional<std::uint64_t> after;
  std::uint64_t count = 0;
  std::string line;
  for (;;) {
    SSAD_TRY(page, log.find(filter, after, kPage));
    for (const store::AuditRecord& record : page) {
      auto entry = decode(record.encoding);
      if (!entry) {
        return fail(ErrorCode::internal,
                    "audit entry " + std::to_string(record.seq) +
                        " does not decode (run `ssad audit verify`): " + entry.error().message);
      }
      if (!matches(filter, *entry)) continue;
      line.clear();
      if (format == ExportFormat::jsonl) {
        json::JsonWriter out(1024);
        write_json(out, *entry, record.seq, record.encoding);
        line.append(out.view());
        line.push_back('\n');
      } else {
        write_csv_row(line, *entry, record.seq, record.encoding);
      }
      write(line);
      ++count;
    }
    if (page.size() < kPage) return count;
    after = page.back().seq;
  }
}

}  // namespace ssad::audit
