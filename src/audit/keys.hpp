#pragma once
// The audit log's signing key on disk (docs/audit.md): one line, the C2SP/Go note signer key
// "PRIVATE+KEY+<name>+<key id>+<base64>", in a file only its owner may read.

#include <filesystem>
#include <string>

#include "core/error.hpp"
#include "tlog/note.hpp"

namespace ssad::audit {

/// Generates a key named `name` and writes it to `path`, created with mode 0600; an existing file is
/// never overwritten. Returns the key. Errors: invalid_input for a bad name; conflict when `path`
/// exists; unavailable when it cannot be written.
[[nodiscard]] Result<tlog::SigningKey> write_new_signing_key(const std::filesystem::path& path,
                                                             std::string_view name);

/// Reads the signing key at `path`. Errors: unavailable when it cannot be read; forbidden when the
/// group or others may read or write it (as ssh refuses such a key); invalid_input when it is not a
/// signer key (the message never quotes the file).
[[nodiscard]] Result<tlog::SigningKey> read_signing_key(const std::filesystem::path& path);

/// A verifier key given as the key itself ("name+id+base64") or as a file holding it. Errors:
/// invalid_input, unavailable.
[[nodiscard]] Result<tlog::VerifierKey> read_verifier_key(const std::string& key_or_path);

/// "<host name>/ssad-audit": the default name (and checkpoint origin) of a new key.
[[nodiscard]] std::string default_key_name();

}  // namespace ssad::audit
