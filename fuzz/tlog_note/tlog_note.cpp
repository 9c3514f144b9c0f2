// Signed notes, keys and checkpoints (tlog/note.hpp). The input is a signed note, a key or a checkpoint
// as a client or a witness sends it: each reader must refuse what is malformed without crashing. What
// they accept must hold up: an opened note's text is the note's start and a note text; a key read back
// from its own text is itself; a checkpoint's text is the start of the text it was read from; an input
// that is a note text, signed, opens to itself.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "tlog/note.hpp"

namespace {

namespace tlog = ssad::tlog;

// The signer key of golang.org/x/mod/sumdb/note's documentation: public, so the corpus can hold notes
// it signed.
const tlog::SigningKey& signer() {
  static const tlog::SigningKey key =
      tlog::parse_signing_key(
          "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz")
          .value();
  return key;
}

bool same(const tlog::VerifierKey& a, const tlog::VerifierKey& b) {
  return a.name == b.name && a.key_id == b.key_id && a.public_key == b.public_key;
}

// A checkpoint read from `text` writes the start of `text` again: one encoding per value.
void check_checkpoint(std::string_view text) {
  if (const auto checkpoint = tlog::parse_checkpoint(text)) {
    if (!text.starts_with(tlog::checkpoint_text(*checkpoint))) std::abort();
  }
}

}  // namespace

// NOLINTNEXTLINE(readability-identifier-naming): libFuzzer names it
extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const tlog::VerifierKey verifier = tlog::verifier_of(signer());
  const std::string_view input(reinterpret_cast<const char*>(data), size);

  if (const auto text = tlog::open_note(input, verifier)) {
    if (!input.starts_with(*text) || !tlog::is_note_text(*text)) std::abort();
    check_checkpoint(*text);
  }
  check_checkpoint(input);

  if (const auto key = tlog::parse_verifier_key(input)) {
    const auto again = tlog::parse_verifier_key(tlog::format_verifier_key(*key));
    if (!again || !same(*again, *key)) std::abort();
  }
  if (const auto key = tlog::parse_signing_key(input)) {
    const auto again = tlog::parse_signing_key(tlog::format_signing_key(*key));
    if (!again || again->seed != key->seed || !same(tlog::verifier_of(*again), tlog::verifier_of(*key))) {
      std::abort();
    }
  }

  if (tlog::is_note_text(input)) {
    const auto note = tlog::sign_note(input, signer());
    if (!note) std::abort();
    const auto text = tlog::open_note(*note, verifier);
    if (!text || *text != input) std::abort();
  }
  return 0;
}
