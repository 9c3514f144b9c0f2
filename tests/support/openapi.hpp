#pragma once
// Keeps /v1/openapi.json true (DESIGN.md §3.5): every /v1/ response a test sees is checked against it —
// the path and method are documented, the status is one the operation declares, the content type is
// one it declares for that status, and a JSON body validates against the declared schema (RapidJSON's
// validator: the documents' schemas keep to what JSON Schema draft 4 and 2020-12 share).
//
//   const testing::OpenApi api(router.handle(get("/v1/openapi.json")).body);
//   EXPECT_EQ(api.check("GET", "/v1/audit/leaves", response), "");

#include <string>
#include <string_view>

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
    const auto& paths = document_["paths"];
    const auto operation_path =
        paths.FindMember(rapidjson::Value(path.data(), static_cast<rapidjson::SizeType>(path.size())));
    if (operation_path == paths.MemberEnd()) return "path " + std::string(path) + " is not documented";
    std::string lower(method);
    for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    const auto operation = operation_path->value.FindMember(lower.c_str());
    if (operation == operation_path->value.MemberEnd())
      return std::string(method) + " " + std::string(path) + " is not documented";
    const auto& responses = operation->value["responses"];
    const std::string status = std::to_string(response.status);
    const auto declared = responses.FindMember(status.c_str());
    if (declared == responses.MemberEnd())
      return "status " + status + " of " + std::string(path) + " is not documented";
    const rapidjson::Value* answer = &declared->value;
    if (answer->HasMember("$ref")) answer = resolve((*answer)["$ref"].GetString());
    if (answer == nullptr) return "a response $ref does not resolve";
    const auto content_type = response.header("Content-Type").value_or("");
    const std::string media(content_type.substr(0, content_type.find(';')));
    if (!answer->HasMember("content")) return response.body.empty() ? "" : "a body where none is documented";
    const auto& content = (*answer)["content"];
    const auto typed = content.FindMember(media.c_str());
    if (typed == content.MemberEnd())
      return "content type " + media + " of " + std::string(path) + " (" + status + ") is not documented";
    if (media.find("json") == std::string::npos) return "";
    // The schema, with the document's components beside it so that its $refs resolve.
    rapidjson::Document schema(rapidjson::kObjectType);
    auto& a = schema.GetAllocator();
    schema.AddMember("components", rapidjson::Value(document_["components"], a), a);
    const auto& declared_schema = typed->value["schema"];
    for (auto m = declared_schema.MemberBegin(); m != declared_schema.MemberEnd(); ++m) {
      schema.AddMember(rapidjson::Value(m->name, a), rapidjson::Value(m->value, a), a);
    }
    const rapidjson::SchemaDocument compiled(schema);
    rapidjson::Document body;
    body.Parse(response.body.data(), response.body.size());
    if (body.HasParseError()) return "the body of " + std::string(path) + " is not JSON";
    rapidjson::SchemaValidator validator(compiled);
    if (body.Accept(validator)) return "";
    rapidjson::StringBuffer where;
    validator.GetInvalidDocumentPointer().StringifyUriFragment(where);
    rapidjson::StringBuffer rule;
    validator.GetInvalidSchemaPointer().StringifyUriFragment(rule);
    return "the body of " + std::string(path) + " breaks " + rule.GetString() + " (" +
           validator.GetInvalidSchemaKeyword() + ") at " + where.GetString() + ": " + response.body;
  }

 private:
  const rapidjson::Value* resolve(std::string_view ref) const {
    if (!ref.starts_with("#")) return nullptr;
    const std::string pointer(ref.substr(1));
    return rapidjson::Pointer(pointer.c_str()).Get(document_);
  }

  rapidjson::Document document_;
};

}  // namespace ssad::testing
