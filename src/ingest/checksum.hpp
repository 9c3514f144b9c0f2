#pragma once
// Checksums of escrow files (RFC 9022 cksum/cksumAlg): CRC32 as in ISO 3309 / zlib, and SHA-256.

#include <cstdint>
#include <string>
#include <string_view>

namespace ssad::ingest {

/// Upper-case, zero-padded 8-digit hex CRC32 of `data`.
[[nodiscard]] std::string crc32_hex(std::string_view data);
/// Continues a CRC32 over more data (start with 0), for files written piece by piece.
[[nodiscard]] std::uint32_t crc32_update(std::uint32_t crc, std::string_view data);
[[nodiscard]] std::string crc32_format(std::uint32_t crc);
/// Upper-case hex SHA-256 of `data`.
[[nodiscard]] std::string sha256_hex(std::string_view data);

}  // namespace ssad::ingest
