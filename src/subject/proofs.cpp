#include "subject/proofs.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <cstring>
#include <stdexcept>
#include <utility>

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include "audit/log.hpp"
#include "catalog/catalog.hpp"
#include "core/domain_name.hpp"
#include "identity/credentials.hpp"
#include "policy/values.hpp"
#include "tlog/hash.hpp"

namespace ssad::subject {
namespace {

constexpr std::size_t kCodeDigits = 8;
constexpr std::size_t kMaxAddress = 254;  // RFC 5321 §4.5.3.1.3, less the angle brackets
constexpr std::string_view kSessionKind = "sss";
constexpr std::string_view kWrongCode = "The code is wrong, has expired or was used already.";
constexpr std::string_view kNoSession = "A valid registrant or sender session token is required.";

// 8 random digits, uniform: a 32-bit draw below 42·10^8 (the largest multiple of 10^8 under 2^32) is used.
std::string new_code() {
  constexpr std::uint32_t kRange = 100'000'000;
  constexpr std::uint32_t kLimit = 42 * kRange;
  for (;;) {
    std::array<unsigned char, 4> bytes{};
    if (RAND_bytes(bytes.data(), static_cast<int>(bytes.size())) != 1) {
      throw std::runtime_error("the random generator failed");
    }
    std::uint32_t draw = 0;
    for (const unsigned char b : bytes) draw = (draw << 8U) | b;
    if (draw >= kLimit) continue;
    std::string code = std::to_string(draw % kRange);
    code.insert(0, kCodeDigits - code.size(), '0');
    return code;
  }
}

std::string code_hash(std::string_view challenge_id, std::string_view code) {
  std::string text = "ssad-code-v1\n";
  text.append(challenge_id).append("\n").append(code);
  return tlog::hex(tlog::sha256(text));
}

// Constant time over the hashes' length: which byte differs does not show in the time taken.
bool same_hash(std::string_view a, std::string_view b) {
  return a.size() == b.size() && !a.empty() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace

std::string sender_fingerprint(std::string_view address) {
  std::string text = "ssad-sender-v1\n";
  text.append(address);
  return tlog::hex(tlog::sha256(text)).substr(0, 32);
}

namespace {

audit::Object object_of(store::ProofKind kind, const std::string& target) {
  if (kind == store::ProofKind::registrant) return {"domain", target};
  return {"sender", sender_fingerprint(target)};
}

Result<void> record(store::UnitOfWork& work, Timestamp now, audit::Actor actor, std::string action,
                    audit::Object object, std::vector<std::pair<std::string, std::string>> detail = {}) {
  audit::Entry entry;
  entry.time = now;
  entry.actor = std::move(actor);
  entry.action = std::move(action);
  entry.object = std::move(object);
  entry.detail = std::move(detail);
  return audit::record(work, std::move(entry));
}

std::string code_text(const ProofSettings& settings, store::ProofKind kind, const std::string& target,
                      const std::string& code) {
  const std::string minutes = std::to_string(settings.code_lifetime.count());
  if (kind == store::ProofKind::registrant) {
    return "Someone asked " + settings.operator_name + " to prove control of the domain " + target +
           ", to see who received its registration data, or to manage it.\n\nThe code is: " + code +
           "\n\nIt is valid for " + minutes +
           " minutes, once. If you did not ask for it, ignore this email: nothing is shown to anyone "
           "without the code.\n";
  }
  return "Someone asked " + settings.operator_name +
         " to confirm this address, to send a message to a domain's registrant through it.\n\nThe code is: " +
         code + "\n\nIt is valid for " + minutes +
         " minutes, once. If you did not ask for it, ignore this email.\n";
}

}  // namespace

ProofSettings proof_settings(const config::SubjectConfig& config) {
  ProofSettings s;
  s.code_lifetime = std::chrono::minutes(config.code_minutes);
  s.code_attempts = config.code_attempts;
  s.challenges_per_hour = config.challenges_per_hour;
  s.session_lifetime = std::chrono::minutes(config.session_minutes);
  s.operator_name = config.operator_name;
  return s;
}

Result<std::string> domain_of(std::string_view text) {
  SSAD_TRY(name, normalize_domain_name(text));
  return std::move(name.ldh);
}

Result<std::string> address_of(std::string_view text) {
  if (text.size() > kMaxAddress || !config::is_plain_address(text))
    return fail(ErrorCode::invalid_input, "Not a plain email address (local@domain).");
  std::string address(text);
  std::ranges::transform(address, address.begin(), [](char c) {
    return static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  });
  return address;
}

Proofs::Proofs(store::Store& store, const Clock& clock, Mailer& mailer, ProofSettings settings)
    : store_(store), clock_(clock), mailer_(mailer), settings_(std::move(settings)) {}

Result<void> Proofs::challenge_domain(std::string_view domain) {
  SSAD_TRY(name, domain_of(domain));
  std::optional<std::string> email;
  std::string subject;
  auto registration = store_.registrations().find_registration(name);
  if (registration) {
    subject = policy::subject_fingerprint(catalog::Role::registrant, *registration);
    for (const auto& [role, contact] : registration->contacts) {
      if (role == model::ContactRole::registrant && !contact.email.empty()) {
        email = contact.email;
        break;
      }
    }
  } else if (registration.error().code != ErrorCode::not_found) {
    return std::unexpected(registration.error());
  }
  return challenge(store::ProofKind::registrant, name, std::move(email), std::move(subject));
}

Result<void> Proofs::challenge_sender(std::string_view email) {
  SSAD_TRY(address, address_of(email));
  return challenge(store::ProofKind::sender, address, address, "");
}

Result<void> Proofs::challenge(store::ProofKind kind, const std::string& target,
                               std::optional<std::string> email, std::string subject) {
  const Timestamp now = clock_.now();
  store::SubjectChallenge made;
  made.id = identity::new_id("sch");
  made.kind = kind;
  made.target = target;
  made.subject = std::move(subject);
  made.created = now;
  made.expires = now + settings_.code_lifetime;
  std::string code;
  if (email) {
    code = new_code();
    made.code_hash = code_hash(made.id, code);
  }
  SSAD_TRY(work, store_.begin_audit());
  // Counted under a lock of the target's, so that nodes asking at once cannot each pass the limit.
  SSAD_CHECK(work->subjects().lock("challenge:" + std::string(to_string(kind)) + ":" + target));
  SSAD_TRY(recent, store_.subjects().challenges_since(kind, target, now - std::chrono::hours(1)));
  if (recent >= settings_.challenges_per_hour) {
    return fail(ErrorCode::too_many_requests,
                "Too many codes were asked for this in the last hour; please try again later.");
  }
  SSAD_CHECK(work->subjects().add_challenge(made));
  SSAD_CHECK(record(*work, now, {"subject", ""}, "subject.challenge", object_of(kind, target),
                    {{"challenge", made.id}}));
  SSAD_CHECK(work->commit(now));
  if (email) {
    std::string title = kind == store::ProofKind::registrant ? "Your code for " + target
                                                             : "Your code to confirm this address";
    mailer_.send_later(Mail{*email, std::move(title), code_text(settings_, kind, target, code), ""});
    OPENSSL_cleanse(code.data(), code.size());
  }
  return {};
}

Result<Issued> Proofs::verify(store::ProofKind kind, std::string_view target, std::string_view code) {
  std::string name;
  if (kind == store::ProofKind::registrant) {
    SSAD_TRY(domain, domain_of(target));
    name = std::move(domain);
  } else {
    SSAD_TRY(address, address_of(target));
    name = std::move(address);
  }
  if (code.size() != kCodeDigits ||
      !std::ranges::all_of(code, [](char c) { return std::isdigit(static_cast<unsigned char>(c)) != 0; })) {
    return fail(ErrorCode::invalid_input, "The code is 8 digits.");
  }
  const Timestamp now = clock_.now();
  SSAD_TRY(work, store_.begin_audit());
  SSAD_TRY(open, work->subjects().open_challenges(kind, name, now));
  // A code proves control for the registrant it was sent to: once the registration changed hands, the
  // code sent to the last registrant proves nothing (it counts as wrong).
  std::string registrant;
  if (kind == store::ProofKind::registrant) {
    SSAD_TRY(now_registrant, registrant_now(name));
    registrant = std::move(now_registrant);
  }
  // Every open challenge's hash is computed and compared, whichever matches, so that the time taken does
  // not tell how many there are or which matched.
  const store::SubjectChallenge* matched = nullptr;
  for (const store::SubjectChallenge& c : open) {
    const bool alive = c.attempts < settings_.code_attempts;
    const bool same_registrant = kind != store::ProofKind::registrant || c.subject == registrant;
    if (same_hash(code_hash(c.id, code), c.code_hash) && alive && same_registrant && matched == nullptr) {
      matched = &c;
    }
  }
  if (matched == nullptr) {
    std::size_t counted = 0;
    for (const store::SubjectChallenge& c : open) {
      // A challenge without a code counts too: the writes, and so the time taken, do not tell whether
      // a code went out.
      if (c.attempts >= settings_.code_attempts) continue;
      SSAD_CHECK(work->subjects().count_attempt(c.id));
      ++counted;
    }
    SSAD_CHECK(record(*work, now, {"subject", ""}, "subject.verify_failed", object_of(kind, name),
                      {{"open_challenges", std::to_string(counted)}}));
    SSAD_CHECK(work->commit(now));
    return fail(ErrorCode::unauthenticated, std::string(kWrongCode));
  }
  const std::string challenge_id = matched->id;
  SSAD_CHECK(work->subjects().use_challenge(challenge_id, now));
  SSAD_TRY(issued, start(*work, kind, name, "code:" + challenge_id, registrant, now));
  SSAD_CHECK(record(*work, now, {"subject", issued.session.id}, "subject.verify", object_of(kind, name),
                    {{"challenge", challenge_id}, {"session", issued.session.id}}));
  SSAD_CHECK(work->commit(now));
  return issued;
}

Result<Issued> Proofs::issue_for_registrar(const identity::Authenticated& who, std::string_view domain) {
  SSAD_TRY(name, domain_of(domain));
  SSAD_TRY(registration, store_.registrations().find_registration(name));
  const auto& iana_id = who.organisation.registrar_iana_id;
  if (!iana_id || !registration.registrar.iana_id || *iana_id != *registration.registrar.iana_id) {
    return fail(ErrorCode::forbidden,
                "Only the domain's sponsoring registrar may issue its registrant a session.");
  }
  const Timestamp now = clock_.now();
  SSAD_TRY(work, store_.begin_audit());
  SSAD_TRY(issued, start(*work, store::ProofKind::registrant, name, "registrar:" + who.organisation.id,
                         policy::subject_fingerprint(catalog::Role::registrant, registration), now));
  SSAD_CHECK(record(*work, now, {"requestor", who.user.id}, "subject.session", {"domain", name},
                    {{"session", issued.session.id}, {"organisation", who.organisation.id}}));
  SSAD_CHECK(work->commit(now));
  return issued;
}

Result<std::string> Proofs::registrant_now(const std::string& domain) const {
  auto registration = store_.registrations().find_registration(domain);
  if (!registration) {
    if (registration.error().code == ErrorCode::not_found) return std::string();
    return std::unexpected(registration.error());
  }
  return policy::subject_fingerprint(catalog::Role::registrant, *registration);
}

Result<Issued> Proofs::start(store::UnitOfWork& work, store::ProofKind kind, const std::string& target,
                             std::string proof, std::string subject, Timestamp now) {
  identity::SecretCredential credential = identity::make_secret_credential(kSessionKind);
  store::SubjectSession stored;
  stored.id = credential.id;
  stored.kind = kind;
  stored.target = target;
  stored.secret_hash = tlog::hex(credential.secret_hash);
  stored.proof = std::move(proof);
  stored.created = now;
  stored.expires = now + settings_.session_lifetime;
  stored.subject = std::move(subject);
  SSAD_CHECK(work.subjects().add_session(stored));
  return Issued{std::move(credential.text),
                Session{stored.id, kind, stored.target, stored.proof, stored.expires, stored.subject}};
}

Result<Session> Proofs::session(std::optional<std::string_view> authorization, store::ProofKind kind) const {
  const auto refused = [] { return fail(ErrorCode::unauthenticated, std::string(kNoSession)); };
  if (!authorization) return refused();
  std::string_view value = *authorization;
  constexpr std::string_view kBearer = "Bearer ";
  if (value.size() <= kBearer.size() ||
      !std::equal(kBearer.begin(), kBearer.end(), value.begin(), [](char a, char b) {
        return std::tolower(static_cast<unsigned char>(a)) == std::tolower(static_cast<unsigned char>(b));
      })) {
    return refused();
  }
  value.remove_prefix(kBearer.size());
  const auto presented = identity::parse_secret_credential(value, kSessionKind);
  if (!presented) return refused();
  auto stored = store_.subjects().session(presented->id);
  if (!stored) {
    if (stored.error().code == ErrorCode::not_found) return refused();
    return std::unexpected(stored.error());
  }
  const bool right = same_hash(tlog::hex(presented->secret_hash), stored->secret_hash);
  if (!right || stored->kind != kind || stored->ended || stored->expires <= clock_.now()) return refused();
  if (kind == store::ProofKind::registrant) {
    // The registration changed hands since the proof: the session was for the registrant then.
    SSAD_TRY(registrant, registrant_now(stored->target));
    if (registrant.empty() || registrant != stored->subject) return refused();
  }
  return Session{stored->id, stored->kind, stored->target, stored->proof, stored->expires, stored->subject};
}

Result<void> Proofs::sign_out(const Session& session) {
  const Timestamp now = clock_.now();
  SSAD_TRY(work, store_.begin_audit());
  SSAD_CHECK(work->subjects().end_session(session.id, now));
  SSAD_CHECK(record(*work, now, {"subject", session.id}, "subject.sign_out",
                    object_of(session.kind, session.target)));
  return work->commit(now);
}

}  // namespace ssad::subject
