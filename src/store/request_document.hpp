#pragma once
// A disclosure request as the one JSON document both backends store (store/request_store.hpp): every
// member of model::DisclosureRequest, so that what is read back equals what was saved, under a format
// version ("v"). The backends keep beside it, in columns of their own, only what lists filter and sort on.
// Internal to store/ backends.
//
// The format, version 1: an object with "v": 1 and one member per model member, named as in the model;
// instants are milliseconds since the Unix epoch (UTC); enumerations are their model spellings; an
// optional that is not set is null; nested structs are objects, vectors are arrays. Every member is
// always written, and decode() requires every one.

#include <string>
#include <string_view>

#include "core/error.hpp"
#include "model/disclosure_request.hpp"

namespace ssad::store::request_document {

/// The format version encode() writes and the only one decode() reads.
inline constexpr int kFormatVersion = 1;

/// The document of `request`, whole (its version included).
[[nodiscard]] std::string encode(const model::DisclosureRequest& request);

/// The request a document of encode()'s holds. Errors: internal, naming the request's id where the
/// document gives one, when `document` is not such a document (not JSON, another format version, a member
/// missing or of the wrong type, an enumeration spelled in no known way): the store was changed behind
/// its back, or by a newer binary.
[[nodiscard]] Result<model::DisclosureRequest> decode(std::string_view document);

}  // namespace ssad::store::request_document
