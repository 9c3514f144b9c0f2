#pragma once
// The golden audit entries of tests/data/audit/ (README.md there) and the readers of its files, shared by
// the tests of the encoding and of the JSON and CSV forms.

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdint>
#include <fstream>
#include <iterator>
#include <span>
#include <sstream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "audit/entry.hpp"
#include "core/time.hpp"
#include "tlog/hash.hpp"

namespace ssad::audit::vectors {

inline const std::string kDataDir = std::string(SSAD_TEST_DATA_DIR) + "/audit/";

inline std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  EXPECT_TRUE(in.good()) << path;
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

inline std::string from_hex(std::string_view hex) {
  std::string out;
  for (std::size_t i = 0; i + 1 < hex.size(); i += 2) {
    out.push_back(static_cast<char>(std::stoi(std::string(hex.substr(i, 2)), nullptr, 16)));
  }
  return out;
}

// A .hex vector: hex digits, white space and "#" comments to the end of the line.
inline std::string read_hex(const std::string& name) {
  std::istringstream lines(read_file(kDataDir + name));
  std::string digits;
  for (std::string line; std::getline(lines, line);) {
    line = line.substr(0, line.find('#'));
    for (const char c : line) {
      if (std::isxdigit(static_cast<unsigned char>(c)) != 0) digits.push_back(c);
    }
  }
  EXPECT_EQ(digits.size() % 2, 0U) << name;
  return from_hex(digits);
}

inline std::vector<std::string> read_lines(const std::string& name, std::string_view end) {
  const std::string text = read_file(kDataDir + name);
  std::vector<std::string> out;
  std::size_t start = 0;
  for (std::size_t at = text.find(end); at != std::string::npos; at = text.find(end, start)) {
    out.push_back(text.substr(start, at - start + end.size()));
    start = at + end.size();
  }
  EXPECT_EQ(start, text.size()) << name << " does not end with its line end";
  return out;
}

// Hex, so that a failure shows where the bytes differ.
inline std::string hex_of(std::string_view bytes) {
  return tlog::hex(std::span(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size()));
}

template <std::size_t N>
inline std::array<std::uint8_t, N> bytes_from_hex(std::string_view hex) {
  const std::string bytes = from_hex(hex);
  std::array<std::uint8_t, N> out{};
  EXPECT_EQ(bytes.size(), N);
  std::transform(bytes.begin(), bytes.end(), out.begin(),
                 [](char c) { return static_cast<std::uint8_t>(c); });
  return out;
}

inline std::string salt_00_to_1f() {
  std::string salt;
  for (int i = 0; i < 32; ++i) salt.push_back(static_cast<char>(i));
  return salt;
}

// The entries of tests/data/audit/README.md.
inline Entry registrar_set() {
  Entry e;
  e.time = parse_rfc3339("2026-03-02T09:30:15.250Z").value();
  e.actor = {"operator", "alice"};
  e.action = "registrar.set";
  e.object = {"registrar", "1234"};
  e.detail = {{"fields", "abuse_email"}, {"source", "cli"}};
  e.nonce = bytes_from_hex<16>("8f3c2a91d04b6e17a5c9f0e2b3d84c61");
  return e;
}

inline Entry domain_disclose() {
  Entry e;
  e.time = parse_rfc3339("2026-03-02T14:05:00Z").value();
  e.actor = {"requestor", "r-0042"};
  e.action = "domain.disclose";
  e.object = {"domain", "example.com"};
  e.purpose = "network_attack";
  e.lawful_basis = "6(1)(f)";
  e.fields = {"registrant.email", "tech.email"};
  const std::vector<std::pair<std::string, std::string>> served = {
      {"tech.email", "hostmaster@example.net"}, {"registrant.email", "jane.doe@example.net"}};
  e.values_commitment = commit_values(served, salt_00_to_1f());
  e.detail = {{"channel", "rdap"}};
  e.nonce = bytes_from_hex<16>("3e7d1f60b2a84c95d0e6a7f1c84b2d09");
  return e;
}

}  // namespace ssad::audit::vectors
