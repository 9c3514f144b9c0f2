#include "audit/entry.hpp"

#include <algorithm>
#include <cstdlib>
#include <limits>
#include <optional>
#include <string>

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include "catalog/catalog.hpp"
#include "core/text_check.hpp"

namespace ssad::audit {
namespace {

// A member as a refusal names it: "actor.id", "detail[2].value". Spelt out only for a refusal: decode()
// and validate() name every field and detail pair they read, and building those names for entries that
// pass took 8 % of the time of `ssad audit verify`.
struct Member {
  Member(const char* member) : name(member) {}
  Member(std::string_view member) : name(member) {}
  Member(std::string_view member, std::size_t element, std::string_view element_member)
      : name(member), index(element), sub(element_member) {}

  [[nodiscard]] std::string text() const {
    if (!index) return std::string(name);
    return std::string(name) + "[" + std::to_string(*index) + "]" + std::string(sub);
  }

  std::string_view name;
  std::optional<std::size_t> index;  // of an element of `name`, whose member `sub` is meant
  std::string_view sub;
};

Error invalid(const Member& member, std::string_view problem) {
  return Error{ErrorCode::invalid_input, "audit entry: " + member.text() + " " + std::string(problem)};
}

bool is_lower(char c) { return c >= 'a' && c <= 'z'; }
bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_alnum(char c) { return is_lower(c) || is_digit(c) || (c >= 'A' && c <= 'Z'); }

// The one rule for stored text (core/text_check.hpp): a control, a line separator or a bidirectional
// override in an entry could fake a line or reorder what an auditor reads in a terminal, a spreadsheet
// or a browser.
Result<void> check_text(const Member& member, std::string_view value, std::size_t max_bytes) {
  if (value.size() > max_bytes) {
    return std::unexpected(invalid(member, "is longer than " + std::to_string(max_bytes) + " bytes"));
  }
  if (auto checked = check_text_value(value); !checked)
    return std::unexpected(invalid(member, checked.error().message));
  return {};
}

// [a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*
bool is_action(std::string_view action) {
  bool segment_start = true;
  for (const char c : action) {
    if (segment_start) {
      if (!is_lower(c)) return false;
      segment_start = false;
    } else if (c == '.') {
      segment_start = true;
    } else if (!is_lower(c) && !is_digit(c) && c != '_') {
      return false;
    }
  }
  return !segment_start;
}

// [A-Za-z0-9][A-Za-z0-9_().:/-]*: a purpose or lawful basis as an identifier, which never starts with a
// character a spreadsheet reads as a formula.
bool is_token(std::string_view token) {
  if (token.empty() || !is_alnum(token.front())) return false;
  return std::all_of(token.begin(), token.end(), [](char c) {
    return is_alnum(c) || c == '_' || c == '(' || c == ')' || c == '.' || c == ':' || c == '/' || c == '-';
  });
}

Result<void> check_token(std::string_view member, std::string_view token) {
  if (token.size() > kMaxTokenBytes) {
    return std::unexpected(invalid(member, "is longer than " + std::to_string(kMaxTokenBytes) + " bytes"));
  }
  if (!token.empty() && !is_token(token)) {
    return std::unexpected(invalid(member, "is not a token ([A-Za-z0-9][A-Za-z0-9_().:/-]*)"));
  }
  return {};
}

// [a-z][a-z0-9_.]*
bool is_detail_key(std::string_view key) {
  if (key.empty() || !is_lower(key.front())) return false;
  return std::all_of(key.begin(), key.end(),
                     [](char c) { return is_lower(c) || is_digit(c) || c == '_' || c == '.'; });
}

template <std::size_t N>
bool is_one_of(std::string_view value, const std::array<std::string_view, N>& list) {
  return std::find(list.begin(), list.end(), value) != list.end();
}

Member indexed(std::string_view member, std::size_t i, std::string_view sub = {}) { return {member, i, sub}; }

// Big-endian writers.
void put_uint(std::string& out, std::uint64_t value, int bytes) {
  for (int shift = (bytes - 1) * 8; shift >= 0; shift -= 8) {
    out.push_back(static_cast<char>((value >> static_cast<unsigned>(shift)) & 0xFFU));
  }
}

void put_str(std::string& out, std::string_view text, int length_bytes) {
  put_uint(out, text.size(), length_bytes);
  out.append(text);
}

// Reads an encoding front to back; every read names the member it is for, so that a refusal does.
class Reader {
 public:
  explicit Reader(std::string_view bytes) : bytes_(bytes) {}

  [[nodiscard]] Result<std::uint64_t> uint(const Member& member, std::size_t bytes) {
    if (bytes_.size() - pos_ < bytes) return std::unexpected(invalid(member, "is truncated"));
    std::uint64_t value = 0;
    for (std::size_t i = 0; i < bytes; ++i) {
      value = (value << 8U) | static_cast<unsigned char>(bytes_[pos_ + i]);
    }
    pos_ += bytes;
    return value;
  }

  [[nodiscard]] Result<std::string_view> raw(const Member& member, std::size_t size) {
    if (bytes_.size() - pos_ < size) return std::unexpected(invalid(member, "is truncated"));
    const std::string_view out = bytes_.substr(pos_, size);
    pos_ += size;
    return out;
  }

  [[nodiscard]] Result<std::string> str(const Member& member, std::size_t length_bytes) {
    SSAD_TRY(size, uint(member, length_bytes));
    SSAD_TRY(text, raw(member, static_cast<std::size_t>(size)));
    return std::string(text);
  }

  [[nodiscard]] bool at_end() const { return pos_ == bytes_.size(); }

 private:
  std::string_view bytes_;
  std::size_t pos_ = 0;
};

template <std::size_t N>
void copy_bytes(std::string_view from, std::array<std::uint8_t, N>& to) {
  std::transform(from.begin(), from.end(), to.begin(), [](char c) { return static_cast<std::uint8_t>(c); });
}

}  // namespace

Result<void> validate(const Entry& entry) {
  const std::int64_t ms = to_unix_ms(entry.time);
  if (ms < kMinTimeMs || ms > kMaxTimeMs) {
    return std::unexpected(invalid("time", "is outside the years 0000 to 9999"));
  }
  if (std::all_of(entry.nonce.begin(), entry.nonce.end(), [](std::uint8_t b) { return b == 0; })) {
    return std::unexpected(invalid("nonce", "is all zero"));
  }

  if (!is_one_of(entry.actor.kind, kActorKinds)) {
    return std::unexpected(invalid("actor.kind", "is not a known actor kind"));
  }
  SSAD_CHECK(check_text("actor.id", entry.actor.id, kMaxIdBytes));
  if (entry.action.size() > kMaxActionBytes) {
    return std::unexpected(invalid("action", "is longer than " + std::to_string(kMaxActionBytes) + " bytes"));
  }
  if (!is_action(entry.action)) {
    return std::unexpected(
        invalid("action", "is not dotted lower-case words ([a-z][a-z0-9_]* joined by '.')"));
  }
  if (!is_one_of(entry.object.kind, kObjectKinds)) {
    return std::unexpected(invalid("object.kind", "is not a known object kind"));
  }
  SSAD_CHECK(check_text("object.id", entry.object.id, kMaxIdBytes));

  SSAD_CHECK(check_token("purpose", entry.purpose));
  SSAD_CHECK(check_token("lawful_basis", entry.lawful_basis));

  for (std::size_t i = 0; i < entry.fields.size(); ++i) {
    if (catalog::find_field(entry.fields[i]) == nullptr) {
      return std::unexpected(invalid(indexed("fields", i), "is not a catalogue key"));
    }
    if (i > 0 && entry.fields[i - 1] >= entry.fields[i]) {
      return std::unexpected(invalid(indexed("fields", i), "is not after the one before (sorted, unique)"));
    }
  }
  if (entry.values_commitment && entry.fields.empty()) {
    return std::unexpected(invalid("values_commitment", "is set but no fields are"));
  }

  if (entry.detail.size() > kMaxDetailPairs) {
    return std::unexpected(invalid("detail", "has more than " + std::to_string(kMaxDetailPairs) + " pairs"));
  }
  for (std::size_t i = 0; i < entry.detail.size(); ++i) {
    const auto& [key, value] = entry.detail[i];
    if (key.size() > kMaxDetailKeyBytes) {
      return std::unexpected(invalid(indexed("detail", i, ".key"),
                                     "is longer than " + std::to_string(kMaxDetailKeyBytes) + " bytes"));
    }
    if (!is_detail_key(key)) {
      return std::unexpected(invalid(indexed("detail", i, ".key"), "is not [a-z][a-z0-9_.]*"));
    }
    if (i > 0 && entry.detail[i - 1].first >= key) {
      return std::unexpected(
          invalid(indexed("detail", i, ".key"), "is not after the one before (sorted, unique)"));
    }
    SSAD_CHECK(check_text(indexed("detail", i, ".value"), value, kMaxDetailValueBytes));
  }
  return {};
}

Entry normalised(Entry entry) {
  std::sort(entry.fields.begin(), entry.fields.end());
  entry.fields.erase(std::unique(entry.fields.begin(), entry.fields.end()), entry.fields.end());
  // A stable sort by key, written as a sort by (key, position): std::stable_sort's temporary buffer
  // is deprecated in libstdc++ 12 under clang's -Werror.
  std::vector<std::size_t> order(entry.detail.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    const int by_key = entry.detail[a].first.compare(entry.detail[b].first);
    return by_key != 0 ? by_key < 0 : a < b;
  });
  std::vector<std::pair<std::string, std::string>> sorted;
  sorted.reserve(order.size());
  for (const std::size_t i : order) sorted.push_back(std::move(entry.detail[i]));
  entry.detail = std::move(sorted);
  return entry;
}

Result<std::string> encode(const Entry& entry) {
  SSAD_CHECK(validate(entry));
  // validate() bounds every length by its prefix's width: ids 1024 < 2^16, values 4096 < 2^16, keys and
  // tokens 64 < 2^8, catalogue keys are short, at most 64 detail pairs and one field per catalogue entry.
  std::string out;
  out.reserve(128);
  put_uint(out, kEncodingVersion, 1);
  for (const std::uint8_t byte : entry.nonce) out.push_back(static_cast<char>(byte));
  put_uint(out, static_cast<std::uint64_t>(to_unix_ms(entry.time)), 8);
  put_str(out, entry.actor.kind, 1);
  put_str(out, entry.actor.id, 2);
  put_str(out, entry.action, 1);
  put_str(out, entry.object.kind, 1);
  put_str(out, entry.object.id, 2);
  put_str(out, entry.purpose, 1);
  put_str(out, entry.lawful_basis, 1);
  put_uint(out, entry.fields.size(), 2);
  for (const std::string& key : entry.fields) put_str(out, key, 1);
  if (entry.values_commitment) {
    put_uint(out, entry.values_commitment->size(), 1);
    out.append(tlog::bytes_of(*entry.values_commitment));
  } else {
    put_uint(out, 0, 1);
  }
  put_uint(out, entry.detail.size(), 2);
  for (const auto& [key, value] : entry.detail) {
    put_str(out, key, 1);
    put_str(out, value, 2);
  }
  return out;
}

Result<Entry> decode(std::string_view bytes) {
  // Every length prefix is read at its fixed width and every integer has one spelling, so the bytes are
  // canonical exactly when the entry they spell passes validate() and none are left over: encode() of
  // the result gives back `bytes`.
  Reader in(bytes);
  Entry entry;
  SSAD_TRY(version, in.uint("version", 1));
  if (version != kEncodingVersion) {
    return std::unexpected(invalid("version", "is not " + std::to_string(kEncodingVersion)));
  }
  SSAD_TRY(nonce, in.raw("nonce", entry.nonce.size()));
  copy_bytes(nonce, entry.nonce);
  SSAD_TRY(time, in.uint("time", 8));
  entry.time = from_unix_ms(static_cast<std::int64_t>(time));
  SSAD_TRY(actor_kind, in.str("actor.kind", 1));
  SSAD_TRY(actor_id, in.str("actor.id", 2));
  entry.actor = Actor{std::move(actor_kind), std::move(actor_id)};
  SSAD_TRY(action, in.str("action", 1));
  entry.action = std::move(action);
  SSAD_TRY(object_kind, in.str("object.kind", 1));
  SSAD_TRY(object_id, in.str("object.id", 2));
  entry.object = Object{std::move(object_kind), std::move(object_id)};
  SSAD_TRY(purpose, in.str("purpose", 1));
  entry.purpose = std::move(purpose);
  SSAD_TRY(lawful_basis, in.str("lawful_basis", 1));
  entry.lawful_basis = std::move(lawful_basis);

  SSAD_TRY(field_count, in.uint("fields", 2));
  for (std::uint64_t i = 0; i < field_count; ++i) {
    SSAD_TRY(key, in.str(indexed("fields", static_cast<std::size_t>(i)), 1));
    entry.fields.push_back(std::move(key));
  }

  SSAD_TRY(commitment_size, in.uint("values_commitment", 1));
  if (commitment_size == tlog::Hash{}.size()) {
    SSAD_TRY(commitment, in.raw("values_commitment", tlog::Hash{}.size()));
    copy_bytes(commitment, entry.values_commitment.emplace());
  } else if (commitment_size != 0) {
    return std::unexpected(invalid("values_commitment", "has a length other than 0 or 32"));
  }

  SSAD_TRY(detail_count, in.uint("detail", 2));
  if (detail_count > kMaxDetailPairs) {
    return std::unexpected(invalid("detail", "has more than " + std::to_string(kMaxDetailPairs) + " pairs"));
  }
  for (std::uint64_t i = 0; i < detail_count; ++i) {
    const auto index = static_cast<std::size_t>(i);
    SSAD_TRY(key, in.str(indexed("detail", index, ".key"), 1));
    SSAD_TRY(value, in.str(indexed("detail", index, ".value"), 2));
    entry.detail.emplace_back(std::move(key), std::move(value));
  }
  if (!in.at_end()) return std::unexpected(invalid("encoding", "has bytes after the last member"));
  SSAD_CHECK(validate(entry));
  return entry;
}

tlog::Hash commit_values(std::span<const std::pair<std::string, std::string>> values, std::string_view salt) {
  std::vector<const std::pair<std::string, std::string>*> sorted;
  sorted.reserve(values.size());
  for (const auto& pair : values) sorted.push_back(&pair);
  std::sort(sorted.begin(), sorted.end(), [](const auto* a, const auto* b) { return *a < *b; });

  std::string message;
  for (const auto* pair : sorted) {
    const auto& [key, value] = *pair;
    if (key.size() > std::numeric_limits<std::uint8_t>::max() ||
        value.size() > std::numeric_limits<std::uint32_t>::max()) {
      std::abort();  // not a catalogue key, or a value no store holds: a bug in the caller
    }
    put_str(message, key, 1);
    put_str(message, value, 4);
  }
  if (salt.size() > static_cast<std::size_t>(std::numeric_limits<int>::max())) std::abort();
  tlog::Hash out{};
  unsigned int length = 0;
  if (HMAC(EVP_sha256(), salt.data(), static_cast<int>(salt.size()),
           reinterpret_cast<const unsigned char*>(message.data()),  // NOLINT(*-reinterpret-cast)
           message.size(), out.data(), &length) == nullptr ||
      length != out.size()) {
    std::abort();
  }
  return out;
}

std::string random_bytes(std::size_t n) {
  std::string out(n, '\0');
  if (n > static_cast<std::size_t>(std::numeric_limits<int>::max()) ||
      RAND_bytes(reinterpret_cast<unsigned char*>(out.data()),  // NOLINT(*-reinterpret-cast)
                 static_cast<int>(n)) != 1) {
    std::abort();
  }
  return out;
}

std::array<std::uint8_t, 16> random_nonce() {
  std::array<std::uint8_t, 16> nonce{};
  copy_bytes(random_bytes(nonce.size()), nonce);
  return nonce;
}

}  // namespace ssad::audit
