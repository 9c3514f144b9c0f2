#pragma once
// The requestor directory's objects as JSON: the one form the CLI (`ssad requestor … --json`) and /v1
// write (docs/requestors.md, the OpenAPI document's schemas). An API key is written without its hash;
// its secret exists only in NewApiKey::key, written once by write_json(NewApiKey).

#include "identity/directory.hpp"
#include "json/json_writer.hpp"

namespace ssad::identity {

void write_json(json::JsonWriter& out, const model::Organisation& organisation);
void write_json(json::JsonWriter& out, const model::User& user);
void write_json(json::JsonWriter& out, const model::Accreditation& accreditation);
void write_json(json::JsonWriter& out, const model::ApiKey& key);
/// The key's record and, once, the key itself ("key").
void write_json(json::JsonWriter& out, const NewApiKey& key);
/// An organisation with its users, accreditations and keys.
void write_json(json::JsonWriter& out, const OrganisationView& view);

}  // namespace ssad::identity
