#include "http/json_body.hpp"

#include <rapidjson/error/en.h>

namespace ssad::http {
namespace {

Error bad(std::string message) { return Error{ErrorCode::invalid_input, std::move(message)}; }

// At most `max` bytes of UTF-8 `text`, cut before a character rather than inside one.
std::string_view whole_characters(std::string_view text, std::size_t max) {
  if (text.size() <= max) return text;
  std::size_t end = max;
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0U) == 0x80U) --end;
  return text.substr(0, end);
}

}  // namespace

Result<JsonBody> JsonBody::parse(std::string_view body, const std::set<std::string, std::less<>>& known) {
  JsonBody parsed;
  // Iteratively: RapidJSON's default parser recurses once per nesting level, and a body of '[' as long as
  // the body limit would run a worker thread off its stack.
  parsed.document_.Parse<rapidjson::kParseValidateEncodingFlag | rapidjson::kParseIterativeFlag>(body.data(),
                                                                                                 body.size());
  if (parsed.document_.HasParseError()) {
    return std::unexpected(bad(std::string("The body is not JSON: ") +
                               rapidjson::GetParseError_En(parsed.document_.GetParseError()) + " (at byte " +
                               std::to_string(parsed.document_.GetErrorOffset()) + ")."));
  }
  if (!parsed.document_.IsObject()) return std::unexpected(bad("The body must be a JSON object."));
  for (const auto& member : parsed.document_.GetObject()) {
    const std::string_view name(member.name.GetString(), member.name.GetStringLength());
    if (!known.contains(name)) {
      std::string list;
      for (const std::string& k : known) list += (list.empty() ? "" : ", ") + k;
      return std::unexpected(
          bad("Unknown member \"" + std::string(whole_characters(name, 64)) + "\" (known: " + list + ")."));
    }
  }
  return parsed;
}

const rapidjson::Value* JsonBody::member(std::string_view name) const {
  const auto found =
      document_.FindMember(rapidjson::Value(name.data(), static_cast<rapidjson::SizeType>(name.size())));
  return found == document_.MemberEnd() ? nullptr : &found->value;
}

Result<std::optional<std::string>> JsonBody::text(std::string_view name) const {
  const rapidjson::Value* value = member(name);
  if (value == nullptr || value->IsNull()) return std::optional<std::string>();
  if (!value->IsString()) return std::unexpected(bad("\"" + std::string(name) + "\" must be a string."));
  return std::optional<std::string>(std::string(value->GetString(), value->GetStringLength()));
}

Result<std::string> JsonBody::required_text(std::string_view name) const {
  SSAD_TRY(value, text(name));
  if (!value) return std::unexpected(bad("\"" + std::string(name) + "\" is required."));
  return *value;
}

Result<std::optional<std::int64_t>> JsonBody::integer(std::string_view name) const {
  const rapidjson::Value* value = member(name);
  if (value == nullptr || value->IsNull()) return std::optional<std::int64_t>();
  if (!value->IsInt64()) return std::unexpected(bad("\"" + std::string(name) + "\" must be an integer."));
  return std::optional<std::int64_t>(value->GetInt64());
}

Result<std::optional<bool>> JsonBody::boolean(std::string_view name) const {
  const rapidjson::Value* value = member(name);
  if (value == nullptr || value->IsNull()) return std::optional<bool>();
  if (!value->IsBool()) return std::unexpected(bad("\"" + std::string(name) + "\" must be true or false."));
  return std::optional<bool>(value->GetBool());
}

Result<std::vector<std::string>> JsonBody::texts(std::string_view name) const {
  const rapidjson::Value* value = member(name);
  std::vector<std::string> out;
  if (value == nullptr || value->IsNull()) return out;
  if (!value->IsArray())
    return std::unexpected(bad("\"" + std::string(name) + "\" must be an array of strings."));
  for (const auto& item : value->GetArray()) {
    if (!item.IsString())
      return std::unexpected(bad("\"" + std::string(name) + "\" must be an array of strings."));
    out.emplace_back(item.GetString(), item.GetStringLength());
  }
  return out;
}

}  // namespace ssad::http
