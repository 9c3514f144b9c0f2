#pragma once
// Keeps /v1/openapi.json true (DESIGN.md §3.5): every /v1/ response a test sees is checked against it —
// the path and method are documented, the status is one the operation declares, the content type is
// one it declares for that status, the headers it declares required are there (and match their schema),
// and a JSON body validates against the declared schema (RapidJSON's validator: the documents' schemas
// keep to what JSON Schema draft 4 and 2020-12 share; a pattern RapidJSON cannot compile is silently
// ignored by it, so a test that breaks each pattern on purpose keeps them honest).
//
// A path is found literally first, then among the templated paths segment by segment
// ("/v1/users/{id}" matches "/v1/users/usr_abc"; of several, the one with the most literal segments).
// What the document promises beyond its operations is checked too: a path it does not list answers 404,
// and a method a listed path does not document answers 405 with `Allow` naming exactly the documented
// methods (HEAD with GET) — or 401, when every operation of the path needs credentials and none that
// authenticate came — all as problem details. Given the request, a successful answer's request
// body must also validate against the operation's request body schema.
//
//   const testing::OpenApi api(router.handle(get("/v1/openapi.json")).body);
//   EXPECT_EQ(api.check("GET", "/v1/audit/leaves", response), "");
//   EXPECT_EQ(api.check(request, response), "");

#include <algorithm>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <rapidjson/document.h>
#include <rapidjson/pointer.h>
#include <rapidjson/schema.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "http/message.hpp"

namespace ssad::testing {

class OpenApi {
 public:
  explicit OpenApi(std::string_view document) { document_.Parse(document.data(), document.size()); }

  [[nodiscard]] bool parsed() const { return !document_.HasParseError() && document_.IsObject(); }

  /// "" when `response` to `method` `path` is what the document says; else what differs.
  [[nodiscard]] std::string check(std::string_view method, std::string_view path,
                                  const http::Response& response) const {
    if (!parsed()) return "the OpenAPI document does not parse";
    const rapidjson::Value* item = path_item(path);
    if (item == nullptr) {
      if (response.status != 404) {
        return "path " + std::string(path) + " is not documented, yet it answered " +
               std::to_string(response.status);
      }
      return problem(path, response);
    }
    const rapidjson::Value* operation = operation_of(*item, method);
    if (operation == nullptr) return not_allowed(method, path, *item, response);
    const auto& responses = (*operation)["responses"];
    const std::string status = std::to_string(response.status);
    const auto declared = responses.FindMember(status.c_str());
    if (declared == responses.MemberEnd())
      return "status " + status + " of " + std::string(method) + " " + std::string(path) +
             " is not documented";
    const rapidjson::Value* answer = deref(&declared->value);
    if (answer == nullptr) return "a response $ref does not resolve";
    if (std::string missing = headers_of(*answer, path, response); !missing.empty()) return missing;
    const auto content_type = response.header("Content-Type").value_or("");
    const std::string media(content_type.substr(0, content_type.find(';')));
    if (!answer->HasMember("content")) return response.body.empty() ? "" : "a body where none is documented";
    const auto& content = (*answer)["content"];
    const auto typed = content.FindMember(media.c_str());
    if (typed == content.MemberEnd())
      return "content type " + media + " of " + std::string(path) + " (" + status + ") is not documented";
    if (media.find("json") == std::string::npos) return "";
    return validate(typed->value["schema"], response.body, "the body of " + std::string(path));
  }

  /// check() for `request`; when the answer is a success, the request's body (if it has one) must also be
  /// what the operation's request body schema allows.
  [[nodiscard]] std::string check(const http::Request& request, const http::Response& response) const {
    std::string differs = check(request.method, request.path, response);
    if (!differs.empty() || response.status >= 300 || request.body.empty()) return differs;
    const rapidjson::Value* item = path_item(request.path);
    const rapidjson::Value* operation = item != nullptr ? operation_of(*item, request.method) : nullptr;
    if (operation == nullptr) return "";
    const auto body = operation->FindMember("requestBody");
    if (body == operation->MemberEnd())
      return request.method + " " + request.path + " took a body the document does not describe";
    const rapidjson::Value* described = deref(&body->value);
    if (described == nullptr) return "a request body $ref does not resolve";
    const auto typed = (*described)["content"].FindMember("application/json");
    if (typed == (*described)["content"].MemberEnd()) return "no JSON request body for " + request.path;
    return validate(typed->value["schema"], request.body, "the request body of " + request.path);
  }

 private:
  static std::vector<std::string_view> segments(std::string_view path) {
    std::vector<std::string_view> out;
    std::size_t start = 0;
    while (start <= path.size()) {
      const std::size_t end = std::min(path.find('/', start), path.size());
      out.push_back(path.substr(start, end - start));
      start = end + 1;
    }
    return out;
  }

  // The path item for `path`: its literal entry, else the templated path that matches it with the most
  // literal segments.
  const rapidjson::Value* path_item(std::string_view path) const {
    const auto& paths = document_["paths"];
    const auto literal =
        paths.FindMember(rapidjson::Value(path.data(), static_cast<rapidjson::SizeType>(path.size())));
    if (literal != paths.MemberEnd()) return deref(&literal->value);
    const std::vector<std::string_view> asked = segments(path);
    const rapidjson::Value* best = nullptr;
    int best_literals = -1;
    for (auto entry = paths.MemberBegin(); entry != paths.MemberEnd(); ++entry) {
      const std::vector<std::string_view> pattern =
          segments(std::string_view(entry->name.GetString(), entry->name.GetStringLength()));
      if (pattern.size() != asked.size()) continue;
      int literals = 0;
      bool matches = true;
      for (std::size_t i = 0; i < pattern.size() && matches; ++i) {
        if (pattern[i].size() > 2 && pattern[i].front() == '{' && pattern[i].back() == '}') {
          matches = !asked[i].empty();
        } else {
          matches = pattern[i] == asked[i];
          ++literals;
        }
      }
      if (matches && literals > best_literals) {
        best = deref(&entry->value);
        best_literals = literals;
      }
    }
    return best;
  }

  static std::string lower(std::string_view text) {
    std::string out(text);
    for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
  }

  static const rapidjson::Value* operation_of(const rapidjson::Value& item, std::string_view method) {
    const std::string name = lower(method);
    if (!is_method(name)) return nullptr;
    const auto found = item.FindMember(name.c_str());
    return found == item.MemberEnd() ? nullptr : &found->value;
  }

  static bool is_method(std::string_view name) {
    for (const std::string_view m : {"get", "put", "post", "delete", "options", "head", "patch", "trace"}) {
      if (name == m) return true;
    }
    return false;
  }

  // An undocumented method: 405, a problem, and Allow naming exactly the documented methods.
  std::string not_allowed(std::string_view method, std::string_view path, const rapidjson::Value& item,
                          const http::Response& response) const {
    const std::string what = std::string(method) + " " + std::string(path);
    if (response.status == 401 && all_secured(item)) {
      // The credentials are checked before the method.
      if (response.header("WWW-Authenticate").value_or("") != "Bearer")
        return what + ": a 401 without Bearer";
      return problem(path, response);
    }
    if (response.status != 405) {
      return what + " is not documented, yet it answered " + std::to_string(response.status);
    }
    std::set<std::string> documented;
    for (auto m = item.MemberBegin(); m != item.MemberEnd(); ++m) {
      const std::string name = m->name.GetString();
      if (!is_method(name)) continue;
      std::string upper = name;
      for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      documented.insert(upper);
      if (upper == "GET") documented.insert("HEAD");
    }
    std::set<std::string> allowed;
    const std::string_view allow = response.header("Allow").value_or("");
    std::size_t start = 0;
    while (start < allow.size()) {
      std::size_t end = allow.find(',', start);
      if (end == std::string_view::npos) end = allow.size();
      std::string_view one = allow.substr(start, end - start);
      while (!one.empty() && one.front() == ' ') one.remove_prefix(1);
      while (!one.empty() && one.back() == ' ') one.remove_suffix(1);
      if (!one.empty()) allowed.insert(std::string(one));
      start = end + 1;
    }
    if (allowed != documented) {
      std::string listed;
      for (const std::string& m : documented) listed += (listed.empty() ? "" : ", ") + m;
      return what + ": 405 with Allow \"" + std::string(allow) + "\" where the document lists " + listed;
    }
    return problem(path, response);
  }

  // True when every operation of the path needs credentials.
  static bool all_secured(const rapidjson::Value& item) {
    bool any = false;
    for (auto m = item.MemberBegin(); m != item.MemberEnd(); ++m) {
      if (!is_method(m->name.GetString())) continue;
      const auto security = m->value.FindMember("security");
      if (security == m->value.MemberEnd() || !security->value.IsArray() || security->value.Empty())
        return false;
      any = true;
    }
    return any;
  }

  // A problem details body, as the document's Problem schema says.
  std::string problem(std::string_view path, const http::Response& response) const {
    if (response.header("Content-Type").value_or("") != "application/problem+json")
      return "the " + std::to_string(response.status) + " of " + std::string(path) + " is not a problem";
    return validate(document_["components"]["schemas"]["Problem"], response.body,
                    "the problem of " + std::string(path));
  }

  // The headers a response declares required are there, and match their schemas.
  std::string headers_of(const rapidjson::Value& answer, std::string_view path,
                         const http::Response& response) const {
    const auto headers = answer.FindMember("headers");
    if (headers == answer.MemberEnd()) return "";
    for (auto h = headers->value.MemberBegin(); h != headers->value.MemberEnd(); ++h) {
      const rapidjson::Value* header = deref(&h->value);
      if (header == nullptr) return "a header $ref does not resolve";
      const std::string name = h->name.GetString();
      const auto value = response.header(name);
      const auto required = header->FindMember("required");
      if (!value) {
        if (required != header->MemberEnd() && required->value.IsTrue())
          return "the " + std::to_string(response.status) + " of " + std::string(path) + " lacks " + name;
        continue;
      }
      const auto schema = header->FindMember("schema");
      if (schema == header->MemberEnd()) continue;
      rapidjson::StringBuffer quoted;
      rapidjson::Writer<rapidjson::StringBuffer> writer(quoted);
      writer.String(value->data(), static_cast<rapidjson::SizeType>(value->size()));
      std::string differs = validate(schema->value, quoted.GetString(), "header " + name);
      if (!differs.empty()) return differs;
    }
    return "";
  }

  // `json` validated against `declared`, with the document's components beside it so that its $refs
  // resolve.
  std::string validate(const rapidjson::Value& declared, std::string_view json,
                       const std::string& what) const {
    rapidjson::Document schema(rapidjson::kObjectType);
    auto& a = schema.GetAllocator();
    schema.AddMember("components", rapidjson::Value(document_["components"], a), a);
    for (auto m = declared.MemberBegin(); m != declared.MemberEnd(); ++m) {
      schema.AddMember(rapidjson::Value(m->name, a), rapidjson::Value(m->value, a), a);
    }
    const rapidjson::SchemaDocument compiled(schema);
    rapidjson::Document body;
    body.Parse(json.data(), json.size());
    if (body.HasParseError()) return what + " is not JSON";
    rapidjson::SchemaValidator validator(compiled);
    if (body.Accept(validator)) return "";
    rapidjson::StringBuffer where;
    validator.GetInvalidDocumentPointer().StringifyUriFragment(where);
    rapidjson::StringBuffer rule;
    validator.GetInvalidSchemaPointer().StringifyUriFragment(rule);
    return what + " breaks " + rule.GetString() + " (" + validator.GetInvalidSchemaKeyword() + ") at " +
           where.GetString() + ": " + std::string(json);
  }

  // Follows `$ref`s within the document; nullptr when one does not resolve.
  const rapidjson::Value* deref(const rapidjson::Value* value) const {
    for (int hops = 0; value != nullptr && value->IsObject() && value->HasMember("$ref"); ++hops) {
      if (hops == 8) return nullptr;
      value = resolve((*value)["$ref"].GetString());
    }
    return value;
  }

  const rapidjson::Value* resolve(std::string_view ref) const {
    if (!ref.starts_with("#")) return nullptr;
    const std::string pointer(ref.substr(1));
    return rapidjson::Pointer(pointer.c_str()).Get(document_);
  }

  rapidjson::Document document_;
};

}  // namespace ssad::testing
