// What an answer disclosed to a requestor beyond the public's view, and its audit entries: recorded, and
// durable, before the answer leaves the service (DESIGN.md §4 invariant 2; issue 12 item 9).

#include <algorithm>
#include <array>
#include <stdexcept>

#include <openssl/rand.h>

#include "policy/values.hpp"
#include "rdap/use_cases.hpp"
#include "tlog/hash.hpp"

namespace ssad::rdap {

void note_disclosure(Answer& answer, const identity::Caller& caller, const policy::Decision& decision,
                     const model::Registration& registration, const catalog::FieldSet& served,
                     std::string_view kind, std::string_view name) {
  if (caller.is_anonymous()) return;
  Disclosure disclosure;
  for (const catalog::Field& field : catalog::all_fields()) {
    if (!served.contains(field) || !decision.discloses(field)) continue;
    const std::string_view rule = decision[field].rule;
    if (policy::is_public_rule(rule)) continue;
    disclosure.fields.emplace_back(field.key);
    if (std::find(disclosure.rules.begin(), disclosure.rules.end(), rule) == disclosure.rules.end()) {
      disclosure.rules.emplace_back(rule);
    }
    for (std::string& value : policy::served_values(field, registration)) {
      disclosure.values.emplace_back(std::string(field.key), std::move(value));
    }
  }
  if (disclosure.fields.empty()) return;
  std::array<std::uint8_t, 16> salt_bytes{};
  if (RAND_bytes(salt_bytes.data(), static_cast<int>(salt_bytes.size())) != 1) {
    throw std::runtime_error("the random generator failed");
  }
  const std::string salt = tlog::hex(salt_bytes);
  for (const catalog::Role role : {catalog::Role::registrant, catalog::Role::admin, catalog::Role::tech,
                                   catalog::Role::billing, catalog::Role::agent}) {
    const bool served_role = std::ranges::any_of(disclosure.fields, [role](const std::string& key) {
      const catalog::Field* field = catalog::find_field(key);
      return field != nullptr && field->role == role;
    });
    const std::string fingerprint = served_role ? policy::subject_fingerprint(role, registration) : "";
    if (fingerprint.empty()) continue;
    if (disclosure.subjects.empty()) disclosure.subjects = "salt=" + salt;
    disclosure.subjects +=
        " " + std::string(catalog::to_string(role)) + "=" + policy::salted_subject(salt, fingerprint);
  }
  disclosure.object_kind = std::string(kind);
  disclosure.object = std::string(name);
  if (decision.lawful_basis) disclosure.lawful_basis = std::string(policy::to_string(*decision.lawful_basis));
  answer.disclosures.push_back(std::move(disclosure));
}

Result<void> record_disclosures(const Environment& env, const identity::Caller& caller, const Answer& answer,
                                Timestamp now) {
  if (answer.disclosures.empty()) return {};
  const identity::Requestor* requestor = caller.requestor();
  if (env.audit == nullptr || requestor == nullptr) {
    // Never disclose what cannot be logged (DESIGN.md §4 invariant 2).
    return fail(ErrorCode::unavailable, "Disclosures cannot be logged now; please try again later.");
  }
  std::vector<audit::Appender::Served> entries;
  for (const Disclosure& disclosure : answer.disclosures) {
    audit::Entry entry;
    entry.time = now;
    entry.actor = {"requestor", requestor->user.id};
    entry.action = "rdap.disclose";
    entry.object = {disclosure.object_kind, disclosure.object};
    entry.purpose = caller.purpose();
    entry.lawful_basis = disclosure.lawful_basis;
    std::string rules;
    for (const std::string& rule : disclosure.rules) rules += (rules.empty() ? "" : " ") + rule;
    entry.detail = {{"organisation", requestor->organisation.id},
                    {"credential", requestor->credential == identity::CredentialKind::api_key
                                       ? "api_key " + requestor->credential_id
                                       : std::string("oidc_token")},
                    {"rules", rules},
                    {"policy", env.policy.policy().fingerprint()}};
    if (requestor->accreditation) {
      entry.detail.emplace_back("accreditation", requestor->accreditation->id);
      entry.detail.emplace_back("group", requestor->accreditation->group);
    }
    // How long the requestor may keep what it was given: each disclosing rule's retention ("30d",
    // "incident+30d": seed 000 p), for the record the registrant and the auditor read.
    std::string retention;
    for (const std::string& id : disclosure.rules) {
      const policy::Rule* rule = env.policy.policy().rule(id);
      if (rule == nullptr || !rule->retention) continue;
      retention += (retention.empty() ? "" : " ") + id + "=" + policy::to_string(*rule->retention);
    }
    if (!retention.empty()) entry.detail.emplace_back("retention", retention);
    if (!disclosure.subjects.empty()) entry.detail.emplace_back("subjects", disclosure.subjects);
    // The keys alone: make_record() sets `fields` from the values served, and commits to the values.
    entries.push_back({std::move(entry), disclosure.values});
  }
  auto appended = env.audit->append_all(std::move(entries));
  if (!appended) {
    return fail(ErrorCode::unavailable, "Disclosures cannot be logged now; please try again later.");
  }
  return {};
}

}  // namespace ssad::rdap
