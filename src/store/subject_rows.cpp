#include "store/subject_rows.hpp"

#include <algorithm>

namespace ssad::store::subject_rows {
namespace {

// 64 lower-case hex digits: a SHA-256 as the store keeps it.
bool is_sha256_hex(std::string_view text) {
  return text.size() == 64 &&
         std::ranges::all_of(text, [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

std::string named(std::string_view what, std::string_view id) {
  return std::string(what) + " '" + std::string(id) + "'";
}

}  // namespace

Result<void> check_challenge(const SubjectChallenge& c) {
  if (c.id.empty()) return fail(ErrorCode::invalid_input, "a challenge needs an id");
  if (c.target.empty()) return fail(ErrorCode::invalid_input, named("challenge", c.id) + " needs a target");
  if (!c.code_hash.empty() && !is_sha256_hex(c.code_hash)) {
    return fail(ErrorCode::invalid_input,
                named("challenge", c.id) + ": the code hash is neither empty nor 64 lower-case hex digits");
  }
  if (c.used) return fail(ErrorCode::invalid_input, named("challenge", c.id) + " is added unused, not used");
  if (c.attempts != 0) {
    return fail(ErrorCode::invalid_input,
                named("challenge", c.id) + " is added with no attempts, not " + std::to_string(c.attempts));
  }
  return {};
}

Result<void> check_session(const SubjectSession& s) {
  if (s.id.empty()) return fail(ErrorCode::invalid_input, "a session needs an id");
  if (s.target.empty() || s.proof.empty()) {
    return fail(ErrorCode::invalid_input, named("session", s.id) + " needs a target and a proof");
  }
  if (!is_sha256_hex(s.secret_hash)) {
    return fail(ErrorCode::invalid_input,
                named("session", s.id) + ": the secret hash is not 64 lower-case hex digits");
  }
  if (s.expires < s.created) {
    return fail(ErrorCode::invalid_input, named("session", s.id) + " expires before it was created");
  }
  return {};
}

Result<void> check_saved_agent(const DomainAgent& a) {
  if (a.kind != "person" && a.kind != "organisation") {
    return fail(ErrorCode::invalid_input,
                named("agent", a.id) + ": the kind is neither \"person\" nor \"organisation\"");
  }
  return {};
}

Result<void> check_agent(const DomainAgent& a) {
  if (a.id.empty()) return fail(ErrorCode::invalid_input, "an agent needs an id");
  if (a.domain.empty() || a.name.empty() || a.email.empty()) {
    return fail(ErrorCode::invalid_input, named("agent", a.id) + " needs a domain, a name and an email");
  }
  SSAD_CHECK(check_saved_agent(a));
  if (a.version != 0) {
    return fail(ErrorCode::invalid_input,
                named("agent", a.id) + " is added with version 0, not " + std::to_string(a.version));
  }
  return {};
}

Result<void> check_relay(const ContactRelay& r) {
  if (r.id.empty()) return fail(ErrorCode::invalid_input, "a relay needs an id");
  if (r.domain.empty() || r.sender.empty()) {
    return fail(ErrorCode::invalid_input, named("relay", r.id) + " needs a domain and a sender");
  }
  return {};
}

Error not_found(std::string_view what, std::string_view id) {
  return Error{ErrorCode::not_found, named(what, id) + " not found"};
}

Error exists_already(std::string_view what, std::string_view id) {
  return Error{ErrorCode::conflict, named(what, id) + " exists already"};
}

Error used_already(std::string_view id) {
  return Error{ErrorCode::conflict, named("challenge", id) + " was used already"};
}

Error ended_already(std::string_view id) {
  return Error{ErrorCode::conflict, named("session", id) + " was ended already"};
}

Error saved_since(std::string_view id, std::uint64_t version) {
  return Error{ErrorCode::conflict, named("agent", id) + " was saved by someone else since version " +
                                        std::to_string(version) + " was read"};
}

Error current_exists(std::string_view id) {
  return Error{ErrorCode::conflict,
               named("agent", id) + " cannot be current: its domain has a current designation already"};
}

}  // namespace ssad::store::subject_rows
