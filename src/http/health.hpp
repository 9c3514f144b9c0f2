#pragma once
// /healthz (the process answers) and /readyz (the store can be read), for load balancers and operators.

#include "cache/abuse_contact_gaps.hpp"
#include "http/message.hpp"
#include "store/registration_store.hpp"

namespace ssad::http {

/// Both answer GET and HEAD without a body only: 405 (with Allow) for other methods, 400 for a body.

/// 200 {"status":"ok"} whenever the process can answer at all.
[[nodiscard]] Response healthz(const Request& request);

/// 200 {"status":"ready","domains":N} when the store answers; 503 (RFC 9457) when it does not. With
/// `gaps`, the answer also lists the registrars lacking an abuse contact, as
/// "registrars_without_abuse_contact":[{"iana_id":N|null,"handle":"…","name":"…","missing":["email","phone"]}]
/// (empty when none): the store is ready, but RDAP answers for their domains fail the ICANN profile.
[[nodiscard]] Response readyz(store::RegistrationReader& store, const Request& request,
                              cache::AbuseContactGaps* gaps = nullptr);

}  // namespace ssad::http
