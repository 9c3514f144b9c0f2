#include "ingest/checksum.hpp"

#include <cstdio>

#include <openssl/evp.h>
#include <zlib.h>

namespace ssad::ingest {

std::uint32_t crc32_update(std::uint32_t crc, std::string_view data) {
  // zlib's crc32 takes a uInt length: feed large buffers in chunks.
  uLong value = crc;
  while (!data.empty()) {
    const std::size_t n = std::min<std::size_t>(data.size(), 1U << 30);
    value = ::crc32(value, reinterpret_cast<const Bytef*>(data.data()), static_cast<uInt>(n));
    data.remove_prefix(n);
  }
  return static_cast<std::uint32_t>(value);
}

std::string crc32_format(std::uint32_t crc) {
  char buffer[9];
  std::snprintf(buffer, sizeof buffer, "%08X", crc);
  return buffer;
}

std::string crc32_hex(std::string_view data) { return crc32_format(crc32_update(0, data)); }

std::string sha256_hex(std::string_view data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_Digest(data.data(), data.size(), digest, &length, EVP_sha256(), nullptr);
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(std::size_t{length} * 2);
  for (unsigned int i = 0; i < length; ++i) {
    out.push_back(kHex[digest[i] >> 4]);
    out.push_back(kHex[digest[i] & 0xF]);
  }
  return out;
}

}  // namespace ssad::ingest
