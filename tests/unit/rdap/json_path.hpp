#pragma once
// Evaluates the RFC 9535 JSONPath expressions rdap/redaction.cpp writes, so that a test can check that a
// redaction's path selects what it names: "$", ".name", "[n]" and filters "[?(@<rel>=='literal')]" whose
// <rel> is a chain of ".name" and "[n]". Slices and anything else fail the test. The complete checker of
// golden responses is tests/conformance/validate_rdap.py.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include <gtest/gtest.h>
#include <rapidjson/document.h>

namespace ssad::testing {

namespace json_path_detail {

inline bool read_name(std::string_view path, std::size_t& at, std::string& name) {
  const std::size_t start = at;
  while (at < path.size() && path[at] != '.' && path[at] != '[' && path[at] != '=') ++at;
  name.assign(path.substr(start, at - start));
  return !name.empty();
}

inline bool read_index(std::string_view path, std::size_t& at, std::size_t& index) {
  const std::size_t start = at;
  index = 0;
  while (at < path.size() && path[at] >= '0' && path[at] <= '9')
    index = index * 10 + static_cast<std::size_t>(path[at++] - '0');
  return at > start && at < path.size() && path[at++] == ']';
}

// One ".name" or "[n]" step from `value`; nullptr when it leads nowhere.
inline const rapidjson::Value* step(const rapidjson::Value* value, std::string_view path, std::size_t& at,
                                    bool& ok) {
  if (path[at] == '.') {
    ++at;
    std::string name;
    ok = read_name(path, at, name);
    if (!ok || value == nullptr || !value->IsObject()) return nullptr;
    const auto member = value->FindMember(name.c_str());
    return member == value->MemberEnd() ? nullptr : &member->value;
  }
  ++at;  // '['
  std::size_t index = 0;
  ok = read_index(path, at, index);
  if (!ok || value == nullptr || !value->IsArray() || index >= value->Size()) return nullptr;
  return &(*value)[static_cast<rapidjson::SizeType>(index)];
}

}  // namespace json_path_detail

/// The nodes `path` selects in `root`, in document order. An expression outside the subset above fails the
/// calling test and selects nothing.
inline std::vector<const rapidjson::Value*> select(const rapidjson::Value& root, std::string_view path) {
  using namespace json_path_detail;
  std::vector<const rapidjson::Value*> nodes;
  if (!path.starts_with('$')) {
    ADD_FAILURE() << "not an absolute JSONPath: " << path;
    return nodes;
  }
  nodes.push_back(&root);
  std::size_t at = 1;
  while (at < path.size()) {
    std::vector<const rapidjson::Value*> next;
    bool ok = true;
    if (path.substr(at).starts_with("[?(@")) {
      // A filter: the members (or elements) whose relative path equals the string literal.
      at += 4;
      const std::size_t rel_start = at;
      const std::size_t equals = path.find("=='", at);
      const std::size_t close = equals == std::string_view::npos ? equals : path.find("')]", equals + 3);
      if (close == std::string_view::npos) {
        ADD_FAILURE() << "unsupported filter in " << path;
        return {};
      }
      const std::string_view relative = path.substr(rel_start, equals - rel_start);
      const std::string_view literal = path.substr(equals + 3, close - equals - 3);
      for (const rapidjson::Value* node : nodes) {
        if (!node->IsArray()) continue;
        for (const rapidjson::Value& child : node->GetArray()) {
          const rapidjson::Value* value = &child;
          std::size_t r = 0;
          while (value != nullptr && r < relative.size() && ok) value = step(value, relative, r, ok);
          if (value != nullptr && value->IsString() && literal == value->GetString()) next.push_back(&child);
        }
      }
      at = close + 3;
    } else if (path[at] == '.' || path[at] == '[') {
      const std::size_t start = at;
      for (const rapidjson::Value* node : nodes) {
        at = start;
        if (const rapidjson::Value* value = step(node, path, at, ok)) next.push_back(value);
      }
      if (nodes.empty()) step(nullptr, path, at, ok);
    } else {
      ok = false;
    }
    if (!ok) {
      ADD_FAILURE() << "unsupported JSONPath " << path << " at offset " << at;
      return {};
    }
    nodes = std::move(next);
  }
  return nodes;
}

}  // namespace ssad::testing
