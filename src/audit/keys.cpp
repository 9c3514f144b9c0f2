#include "audit/keys.hpp"

#include <cerrno>
#include <fstream>
#include <sstream>
#include <system_error>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace ssad::audit {
namespace {

Result<std::string> read_small_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return fail(ErrorCode::unavailable, "cannot read '" + path.string() + "'");
  std::string text(4096, '\0');
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  text.resize(static_cast<std::size_t>(in.gcount()));
  if (!in.eof()) return fail(ErrorCode::invalid_input, "'" + path.string() + "' is too large for a key file");
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
  return text;
}

}  // namespace

Result<tlog::SigningKey> write_new_signing_key(const std::filesystem::path& path, std::string_view name) {
  SSAD_TRY(key, tlog::generate_signing_key(name));
  // O_EXCL: a key is never replaced by accident (the old one may have signed checkpoints people hold).
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) {
    if (errno == EEXIST)
      return fail(ErrorCode::conflict, "'" + path.string() + "' exists: a key is never overwritten");
    return fail(ErrorCode::unavailable, "cannot create '" + path.string() + "': " +
                                            std::error_code(errno, std::generic_category()).message());
  }
  const std::string text = tlog::format_signing_key(key) + "\n";
  const bool written =
      ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()) && ::fsync(fd) == 0;
  ::close(fd);
  if (!written) {
    ::unlink(path.c_str());
    return fail(ErrorCode::unavailable, "cannot write '" + path.string() + "'");
  }
  return key;
}

Result<tlog::SigningKey> read_signing_key(const std::filesystem::path& path) {
  // The file that is checked is the file that is read: one descriptor for both (no swap between a stat
  // and an open), non-blocking so that a FIFO put there cannot hang the start.
  const int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) {
    return fail(ErrorCode::unavailable, "cannot read the signing key '" + path.string() + "': " +
                                            std::error_code(errno, std::generic_category()).message());
  }
  struct Closer {
    int fd;
    ~Closer() { ::close(fd); }
  } const closer{fd};
  struct stat info{};
  if (::fstat(fd, &info) != 0 || !S_ISREG(info.st_mode)) {
    return fail(ErrorCode::invalid_input, "the signing key '" + path.string() + "' is not a regular file");
  }
  if ((info.st_mode & (S_IRWXG | S_IRWXO)) != 0) {
    return fail(ErrorCode::forbidden,
                "the signing key '" + path.string() + "' may be read or written by others: chmod 600 it");
  }
  std::string text(4096, '\0');
  const ssize_t got = ::read(fd, text.data(), text.size());
  if (got < 0) return fail(ErrorCode::unavailable, "cannot read the signing key '" + path.string() + "'");
  if (static_cast<std::size_t>(got) == text.size()) {
    return fail(ErrorCode::invalid_input, "'" + path.string() + "' is too large for a key file");
  }
  text.resize(static_cast<std::size_t>(got));
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
  auto key = tlog::parse_signing_key(text);
  if (!key)
    return fail(ErrorCode::invalid_input,
                "'" + path.string() + "' is not a signing key: " + key.error().message);
  return key;
}

Result<tlog::VerifierKey> read_verifier_key(const std::string& key_or_path) {
  if (auto key = tlog::parse_verifier_key(key_or_path)) return key;
  SSAD_TRY(text, read_small_file(key_or_path));
  auto key = tlog::parse_verifier_key(text);
  if (!key)
    return fail(ErrorCode::invalid_input,
                "'" + key_or_path + "' is not a verifier key: " + key.error().message);
  return key;
}

std::string default_key_name() {
  char host[256] = {};
  if (::gethostname(host, sizeof host - 1) != 0 || host[0] == '\0') return "localhost/ssad-audit";
  return std::string(host) + "/ssad-audit";
}

}  // namespace ssad::audit
