#pragma once
// What both backends share to keep the requestor directory (store/requestor_directory.hpp): the column
// lists of its reads (plain SQL, valid in SQLite and PostgreSQL), readers of those columns into model
// values, an accreditation's lists as JSON text, the check of a user before it is stored, the errors'
// messages, and the base of a unit of work's writer. A `Row` is as in store/row_reading.hpp: text(column),
// integer(column), optional_integer(column) and is_null(column), columns from 0. Internal to store/
// backends, which link RapidJSON for the lists.
//
// Messages name ids only: never an email, nor an OpenID Connect subject (which may be one).

#include <array>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <rapidjson/reader.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "core/error.hpp"
#include "core/time.hpp"
#include "model/requestor.hpp"
#include "store/requestor_directory.hpp"
#include "store/row_reading.hpp"

namespace ssad::store::requestor_rows {

// Column lists, in the order the readers below read them. Macros, because each SQL text must be one string
// literal (the backends key their prepared statements by the literal's address). `disabled` is an INTEGER
// 0/1 in SQLite and a boolean in PostgreSQL: the CAST reads both as a number.
#define SSAD_ORGANISATION_COLUMNS "id, name, kind, country, created_ms, registrar_iana_id"
#define SSAD_USER_COLUMNS                                                                        \
  "id, org_id, email, oidc_issuer, oidc_subject, roles, CAST(disabled AS integer), created_ms, " \
  "tokens_suspended_ms"
#define SSAD_ACCREDITATION_COLUMNS                                                                  \
  "id, org_id, user_group, authority, valid_from_ms, valid_until_ms, code_of_conduct_version, "     \
  "code_of_conduct_accepted_ms, purposes, lawful_bases, status, status_reason, status_changed_ms, " \
  "created_ms"
// The secret hash (column 2) is read by each backend in its own way (a BLOB, a bytea's text form).
#define SSAD_API_KEY_COLUMNS                                                                    \
  "id, user_id, secret_hash, created_ms, expires_ms, revoked_ms, revoke_reason, suspended_ms, " \
  "suspend_reason"

/// not_found: "organisation 'org_x' not found".
[[nodiscard]] inline Error not_found(std::string_view kind, std::string_view id) {
  return Error{ErrorCode::not_found, std::string(kind) + " '" + std::string(id) + "' not found"};
}

/// conflict: "user 'usr_x' exists already".
[[nodiscard]] inline Error exists_already(std::string_view kind, std::string_view id) {
  return Error{ErrorCode::conflict, std::string(kind) + " '" + std::string(id) + "' exists already"};
}

/// conflict: another user signs in with the same OpenID Connect identity as `user_id` would.
[[nodiscard]] inline Error oidc_identity_taken(std::string_view user_id) {
  return Error{ErrorCode::conflict, "user '" + std::string(user_id) +
                                        "': another user signs in with the same OpenID Connect identity"};
}

/// conflict: another organisation than `org_id` is the registrar `iana_id` already.
[[nodiscard]] inline Error registrar_taken(std::string_view org_id, std::int64_t iana_id) {
  return Error{ErrorCode::conflict, "organisation '" + std::string(org_id) +
                                        "': another organisation is registrar " + std::to_string(iana_id) +
                                        " already"};
}

/// An organisation can be a registrar of positive IANA Registrar ID only. Errors: invalid_input.
[[nodiscard]] inline Result<void> check_registrar(std::string_view org_id,
                                                  const std::optional<std::int64_t>& iana_id) {
  if (iana_id && *iana_id <= 0) {
    return fail(ErrorCode::invalid_input,
                "organisation '" + std::string(org_id) + "': a registrar's IANA ID is a positive integer");
  }
  return {};
}

/// A user whose OpenID Connect identity is half set (an issuer without a subject, or the reverse) could
/// never sign in with it. Errors: invalid_input.
[[nodiscard]] inline Result<void> check_user(const model::User& user) {
  if (user.oidc_issuer.empty() != user.oidc_subject.empty()) {
    return fail(ErrorCode::invalid_input, "user '" + user.id +
                                              "': the OpenID Connect issuer and subject are set together, "
                                              "or neither is");
  }
  return {};
}

/// A list of strings as a JSON array, in order: ["6(1)(f)","6(1)(c)"].
[[nodiscard]] inline std::string json_of(const std::vector<std::string>& list) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  writer.StartArray();
  for (const auto& item : list) writer.String(item.data(), static_cast<rapidjson::SizeType>(item.size()));
  writer.EndArray();
  return {buffer.GetString(), buffer.GetSize()};
}

namespace detail {

// Takes a JSON array of strings and nothing else (no nested arrays, no other values).
struct StringListHandler : rapidjson::BaseReaderHandler<rapidjson::UTF8<>, StringListHandler> {
  std::vector<std::string>* out = nullptr;
  int depth = 0;
  static bool Default() { return false; }
  bool StartArray() { return depth++ == 0; }
  bool EndArray(rapidjson::SizeType /*count*/) {
    --depth;
    return true;
  }
  bool String(const char* text, rapidjson::SizeType length, bool /*copy*/) {
    if (depth != 1) return false;
    out->emplace_back(text, length);
    return true;
  }
};

}  // namespace detail

/// The list a JSON array of strings holds (as json_of() writes it, or as PostgreSQL's jsonb gives it
/// back). Errors: internal when the stored text is not one (it was changed behind the store's back).
[[nodiscard]] inline Result<std::vector<std::string>> list_of(std::string_view json, std::string_view what,
                                                              std::string_view id) {
  std::vector<std::string> list;
  detail::StringListHandler handler;
  handler.out = &list;
  const std::string text(json);  // RapidJSON's StringStream reads up to a NUL
  rapidjson::StringStream stream(text.c_str());
  rapidjson::Reader reader;
  if (reader.Parse(stream, handler).IsError()) {
    return fail(ErrorCode::internal, "accreditation '" + std::string(id) + "': the stored " +
                                         std::string(what) + " are not a JSON array of strings");
  }
  return list;
}

// A stored enumeration that does not parse is a broken store, not a caller's mistake: internal.
template <class T>
[[nodiscard]] Result<T> stored(Result<T> parsed, std::string_view kind, std::string_view id) {
  if (!parsed) {
    return fail(ErrorCode::internal,
                std::string(kind) + " '" + std::string(id) + "' is stored with an " + parsed.error().message);
  }
  return parsed;
}

template <class Row>
[[nodiscard]] Result<model::Organisation> read_organisation(const Row& r) {
  model::Organisation o;
  o.id = r.text(0);
  o.name = r.text(1);
  SSAD_TRY(kind, stored(model::parse_organisation_kind(r.text(2)), "organisation", o.id));
  o.kind = kind;
  o.country = r.text(3);
  o.created = from_unix_ms(r.integer(4));
  o.registrar_iana_id = r.optional_integer(5);
  return o;
}

template <class Row>
[[nodiscard]] Result<model::User> read_user(const Row& r) {
  model::User u;
  u.id = r.text(0);
  u.org_id = r.text(1);
  u.email = r.text(2);
  u.oidc_issuer = r.text(3);
  u.oidc_subject = r.text(4);
  u.roles = static_cast<unsigned>(r.integer(5));
  u.disabled = r.integer(6) != 0;
  u.created = from_unix_ms(r.integer(7));
  if (const auto suspended = r.optional_integer(8)) u.tokens_suspended = from_unix_ms(*suspended);
  return u;
}

template <class Row>
[[nodiscard]] Result<model::Accreditation> read_accreditation(const Row& r) {
  model::Accreditation a;
  a.id = r.text(0);
  a.org_id = r.text(1);
  a.group = r.text(2);
  a.authority = r.text(3);
  a.valid_from = from_unix_ms(r.integer(4));
  a.valid_until = from_unix_ms(r.integer(5));
  a.code_of_conduct_version = r.text(6);
  if (const auto accepted = r.optional_integer(7)) a.code_of_conduct_accepted = from_unix_ms(*accepted);
  SSAD_TRY(purposes, list_of(r.text(8), "purposes", a.id));
  a.purposes = std::move(purposes);
  SSAD_TRY(lawful_bases, list_of(r.text(9), "lawful bases", a.id));
  a.lawful_bases = std::move(lawful_bases);
  SSAD_TRY(status, stored(model::parse_accreditation_status(r.text(10)), "accreditation", a.id));
  a.status = status;
  a.status_reason = r.text(11);
  a.status_changed = from_unix_ms(r.integer(12));
  a.created = from_unix_ms(r.integer(13));
  return a;
}

/// `secret_hash`: column 2's bytes, as the backend reads them.
template <class Row>
[[nodiscard]] Result<model::ApiKey> read_api_key(const Row& r, std::string_view secret_hash) {
  model::ApiKey k;
  k.id = r.text(0);
  k.user_id = r.text(1);
  if (secret_hash.size() != k.secret_hash.size()) {
    return fail(ErrorCode::internal, "API key '" + k.id + "' is stored with a secret hash of " +
                                         std::to_string(secret_hash.size()) + " bytes, not 32");
  }
  std::memcpy(k.secret_hash.data(), secret_hash.data(), k.secret_hash.size());
  k.created = from_unix_ms(r.integer(3));
  if (const auto expires = r.optional_integer(4)) k.expires = from_unix_ms(*expires);
  if (const auto revoked = r.optional_integer(5)) k.revoked = from_unix_ms(*revoked);
  k.revoke_reason = r.text(6);
  if (const auto suspended = r.optional_integer(7)) k.suspended = from_unix_ms(*suspended);
  k.suspend_reason = r.text(8);
  return k;
}

/// An API key's secret hash as the bytes a backend stores.
[[nodiscard]] inline std::string_view bytes_of(const std::array<std::uint8_t, 32>& hash) {
  return {reinterpret_cast<const char*>(hash.data()), hash.size()};
}

/// The writer of a unit of work (store/row_reading.hpp).
using UnitWriter = rows::UnitWriter<RequestorWriter>;

}  // namespace ssad::store::requestor_rows
