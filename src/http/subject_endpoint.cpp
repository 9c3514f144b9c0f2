#include "http/subject_endpoint.hpp"

#include <algorithm>

#include "http/directory_endpoint.hpp"
#include "http/error_mapping.hpp"
#include "http/json_body.hpp"
#include "http/monitoring.hpp"
#include "http/v1_paths.hpp"
#include "json/json_writer.hpp"
#include "rdap/query.hpp"
#include "rdap/request.hpp"

namespace ssad::http {
namespace {

// The one bucket of failed_proofs: every client's wrong codes together.
constexpr std::string_view kEveryone = "0.0.0.0";
constexpr std::string_view kEverySender = "0.0.0.1";
constexpr std::string_view kSlowDown = "Too many proofs tried from this address; please try again later.";

std::string issued_json(const subject::Issued& issued) {
  json::JsonWriter out;
  out.begin_object();
  out.member("token", issued.token);
  out.member("domain", issued.session.target);
  out.member("expires", format_rfc3339(issued.session.expires));
  out.end_object();
  return std::string(out.view());
}

bool wants_html(const Request& request) {
  const auto query = rdap::parse_query(request.query);
  if (query) {
    if (const std::string* format = rdap::find_parameter(*query, "format")) return *format == "html";
  }
  const auto accept = request.header("Accept");
  return accept && accept->find("text/html") != std::string_view::npos;
}

}  // namespace

// Guessing codes and tokens happens at challenge, verify and an agent's answer: each client address has a
// budget for them.
Result<void> SubjectEndpoint::admit_address(const Request& request) const {
  const abuse::Admission admission = parts_.per_address.admit(request.remote_address);
  if (!admission.allowed) return fail(ErrorCode::too_many_requests, std::string(kSlowDown));
  return {};
}

// Wrong codes from every client together have a budget too: guessing across many domains from many
// addresses stays slow (subject.failed_proofs_per_hour).
Result<subject::Issued> SubjectEndpoint::verify(store::ProofKind kind, std::string_view target,
                                                std::string_view code) const {
  // Registrants' and senders' codes have a bucket each: people confirming relay addresses cannot spend
  // the registrants' budget.
  const std::string_view bucket = kind == store::ProofKind::registrant ? kEveryone : kEverySender;
  if (parts_.failed_proofs != nullptr && !parts_.failed_proofs->check(bucket).allowed) {
    return fail(ErrorCode::too_many_requests,
                "Too many wrong codes were tried lately; please try again later.");
  }
  auto issued = parts_.proofs.verify(kind, target, code);
  if (!issued && issued.error().code == ErrorCode::unauthenticated && parts_.failed_proofs != nullptr) {
    (void)parts_.failed_proofs->admit(bucket);
  }
  return issued;
}

Response SubjectEndpoint::handle(const Request& request) const {
  auto answered = answer(request);
  if (answered) return std::move(*answered);
  Response refused = error_response(request.path, answered.error());
  if (answered.error().code == ErrorCode::too_many_requests) {
    // The budget that refused: this address's or every client's (seconds until it has refilled), else a
    // limit counted in the store over an hour or a day (an hour: try again then).
    const abuse::Admission own = parts_.per_address.check(request.remote_address);
    const abuse::Admission all =
        parts_.failed_proofs != nullptr ? parts_.failed_proofs->check(kEveryone) : abuse::Admission{true, {}};
    const auto seconds = !own.allowed   ? own.retry_after
                         : !all.allowed ? all.retry_after
                                        : std::chrono::seconds(3600);
    refused.headers.emplace_back("Retry-After", std::to_string(seconds.count()));
  }
  if (answered.error().code == ErrorCode::method_not_allowed) {
    const std::vector<std::string_view> at = segments_of(request.path);
    const std::string_view last = at.empty() ? std::string_view() : at.back();
    const bool agent = at.size() == 3 && last == "agent";
    refused.headers.emplace_back("Allow", agent                                       ? "GET, PUT, DELETE"
                                          : last == "session"                         ? "GET, DELETE"
                                          : last == "disclosures" || last == "report" ? "GET, HEAD"
                                                                                      : "POST");
  }
  if (answered.error().code == ErrorCode::unauthenticated) {
    refused.headers.emplace_back("WWW-Authenticate", "Bearer");
  }
  return refused;
}

Result<Response> SubjectEndpoint::answer(const Request& request) const {
  const std::vector<std::string_view> at = segments_of(request.path);  // "v1", "subject", what
  if (at.size() >= 2 && at[1] == "contact") return contact(request);
  if (at.size() == 4 && at[2] == "agent" && at[3] == "answer") return agent(request, true);
  if (at.size() != 3) return std::unexpected(no_such_resource());
  if (at[2] == "agent") return agent(request, false);
  const std::string_view what = at[2];
  const auto only = [&](std::string_view method) -> Result<void> {
    if (request.method != method) return std::unexpected(method_not_allowed());
    return {};
  };
  const auto admit = [&] { return admit_address(request); };
  if (what == "challenge") {
    SSAD_CHECK(only("POST"));
    SSAD_TRY(body, JsonBody::parse(request.body, {"domain"}));
    SSAD_TRY(domain, body.required_text("domain"));
    SSAD_CHECK(admit());
    SSAD_CHECK(parts_.proofs.challenge_domain(domain));
    return json_response(202,
                         R"({"status":"If the domain is registered here with a registrant email on record, )"
                         R"(a code is on its way to that address."})");
  }
  if (what == "verify") {
    SSAD_CHECK(only("POST"));
    SSAD_TRY(body, JsonBody::parse(request.body, {"domain", "code"}));
    SSAD_TRY(domain, body.required_text("domain"));
    SSAD_TRY(code, body.required_text("code"));
    SSAD_CHECK(admit());
    SSAD_TRY(issued, verify(store::ProofKind::registrant, domain, code));
    return json_response(200, issued_json(issued));
  }
  if (what == "sessions") {
    SSAD_CHECK(only("POST"));
    SSAD_TRY(who, authenticated_user(parts_.authenticator, request));
    SSAD_TRY(body, JsonBody::parse(request.body, {"domain"}));
    SSAD_TRY(domain, body.required_text("domain"));
    SSAD_TRY(issued, parts_.proofs.issue_for_registrar(who, domain));
    return json_response(201, issued_json(issued));
  }
  if (what != "session" && what != "disclosures" && what != "report")
    return std::unexpected(no_such_resource());
  if (what == "session") {
    if (request.method != "GET" && request.method != "DELETE") return std::unexpected(method_not_allowed());
  } else {
    SSAD_CHECK(only("GET"));
  }
  SSAD_TRY(session, parts_.proofs.session(request.header("Authorization"), store::ProofKind::registrant));
  if (what == "session") {
    if (request.method == "DELETE") {
      SSAD_CHECK(parts_.proofs.sign_out(session));
      return Response{204, {}, {}};
    }
    json::JsonWriter out;
    out.begin_object();
    out.member("domain", session.target);
    out.member("expires", format_rfc3339(session.expires));
    out.member("proof", session.proof.starts_with("registrar:") ? "registrar" : "code");
    out.end_object();
    return json_response(200, std::string(out.view()));
  }
  if (what == "disclosures") {
    SSAD_TRY(view, parts_.view.disclosures(session));
    json::JsonWriter out;
    subject::write_json(out, view);
    return json_response(200, std::string(out.view()));
  }
  SSAD_TRY(report, parts_.view.report(session));
  if (wants_html(request)) {
    Response page{200, {{"Content-Type", "text/html; charset=utf-8"}}, subject::report_html(report)};
    page.headers.emplace_back("Content-Security-Policy",
                              "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'");
    page.headers.emplace_back("Cache-Control", "no-store");
    return page;
  }
  json::JsonWriter out;
  subject::write_json(out, report);
  return json_response(200, std::string(out.view()));
}

Result<Response> SubjectEndpoint::agent(const Request& request, bool answer) const {
  const Timestamp now = parts_.clock.now();
  const auto one = [&](const store::DomainAgent& designation, unsigned status) {
    json::JsonWriter out;
    subject::write_json(out, designation, now, parts_.agent_answer_within);
    return json_response(status, std::string(out.view()));
  };
  if (answer) {
    if (request.method != "POST") return std::unexpected(method_not_allowed());
    SSAD_TRY(body, JsonBody::parse(request.body, {"token", "consent"}));
    SSAD_TRY(token, body.required_text("token"));
    SSAD_TRY(consent, body.boolean("consent"));
    if (!consent) return fail(ErrorCode::invalid_input, "Say \"consent\": true or false.");
    SSAD_CHECK(admit_address(request));
    SSAD_TRY(answered, parts_.agents.answer(token, *consent));
    return one(answered, 200);
  }
  if (request.method != "GET" && request.method != "PUT" && request.method != "DELETE") {
    return std::unexpected(method_not_allowed());
  }
  SSAD_TRY(session, parts_.proofs.session(request.header("Authorization"), store::ProofKind::registrant));
  if (request.method == "GET") {
    SSAD_TRY(designations, parts_.agents.list(session));
    json::JsonWriter out;
    out.begin_object();
    out.key("items");
    out.begin_array();
    for (const store::DomainAgent& d : designations)
      subject::write_json(out, d, now, parts_.agent_answer_within);
    out.end_array();
    out.end_object();
    return json_response(200, std::string(out.view()));
  }
  if (request.method == "DELETE") {
    SSAD_TRY(withdrawn, parts_.agents.withdraw(session));
    return one(withdrawn, 200);
  }
  SSAD_TRY(body, JsonBody::parse(request.body, {"kind", "name", "organization", "email", "phone"}));
  SSAD_CHECK(admit_address(request));
  subject::NewAgent in;
  SSAD_TRY(kind, body.text("kind"));
  SSAD_TRY(name, body.text("name"));
  SSAD_TRY(organization, body.text("organization"));
  SSAD_TRY(email, body.text("email"));
  SSAD_TRY(phone, body.text("phone"));
  in.kind = kind.value_or("");
  in.name = name.value_or("");
  in.organization = organization.value_or("");
  in.email = email.value_or("");
  in.phone = phone.value_or("");
  SSAD_TRY(designated, parts_.agents.designate(session, in));
  return one(designated, 201);
}

Result<Response> SubjectEndpoint::contact(const Request& request) const {
  const std::vector<std::string_view> at = segments_of(request.path);  // "v1", "contact", …
  if (at.size() == 4 && at[2] == "sender") {
    if (request.method != "POST") return std::unexpected(method_not_allowed());
    if (at[3] == "challenge") {
      SSAD_TRY(body, JsonBody::parse(request.body, {"email"}));
      SSAD_TRY(email, body.required_text("email"));
      SSAD_CHECK(admit_address(request));
      SSAD_CHECK(parts_.proofs.challenge_sender(email));
      return json_response(202, R"({"status":"A code is on its way to that address."})");
    }
    if (at[3] == "verify") {
      SSAD_TRY(body, JsonBody::parse(request.body, {"email", "code"}));
      SSAD_TRY(email, body.required_text("email"));
      SSAD_TRY(code, body.required_text("code"));
      SSAD_CHECK(admit_address(request));
      SSAD_TRY(issued, verify(store::ProofKind::sender, email, code));
      json::JsonWriter out;
      out.begin_object();
      out.member("token", issued.token);
      out.member("email", issued.session.target);
      out.member("expires", format_rfc3339(issued.session.expires));
      out.end_object();
      return json_response(200, std::string(out.view()));
    }
    return std::unexpected(no_such_resource());
  }
  if (at.size() != 3) return std::unexpected(no_such_resource());
  if (request.method != "POST") return std::unexpected(method_not_allowed());
  const auto decoded = rdap::percent_decode(at[2]);
  if (!decoded)
    return fail(ErrorCode::invalid_input, "The domain name in the path is not well percent-encoded.");
  const std::string& domain = *decoded;

  // Who sends: a sender's session, or an accredited requestor's credential.
  subject::RelaySender sender;
  std::optional<identity::Authenticated> requestor;
  const auto authorization = request.header("Authorization");
  if (authorization && authorization->find("ssad_sss_") != std::string_view::npos) {
    SSAD_TRY(session, parts_.proofs.session(authorization, store::ProofKind::sender));
    sender = {subject::sender_key(session.target), session.target, {"subject", session.id}, ""};
  } else {
    SSAD_TRY(who, authenticated_user(parts_.authenticator, request));
    const Timestamp now = parts_.clock.now();
    const bool accredited = who.organisation.kind == model::OrganisationKind::requestor &&
                            std::ranges::any_of(who.accreditations, [now](const model::Accreditation& a) {
                              return identity::status_at(a, now) == model::AccreditationStatus::active;
                            });
    if (!accredited) {
      return fail(ErrorCode::forbidden,
                  "Only an accredited requestor, or a sender who confirmed its address "
                  "(/v1/contact/sender/challenge), may relay a message.");
    }
    if (auto throttled = refuse_if_throttled(parts_.monitor, request, who)) return std::move(*throttled);
    sender = {"user:" + who.user.id, who.user.email, {"requestor", who.user.id}, who.organisation.name};
    requestor = std::move(who);
  }
  SSAD_TRY(body, JsonBody::parse(request.body, {"subject", "message", "to"}));
  SSAD_TRY(subject_line, body.text("subject"));
  SSAD_TRY(message, body.text("message"));
  SSAD_TRY(to, body.text("to"));
  SSAD_CHECK(admit_address(request));
  auto relayed =
      parts_.relay.relay(sender, domain, {subject_line.value_or(""), message.value_or(""), to.value_or("")});
  if (requestor) {
    // Abuse monitoring counts a relay as a filing: the same message again and again to one domain is a
    // duplicate, many domains a volume.
    Observed observed;
    observed.asked_by(*requestor);
    observed.kind = abuse::Use::Kind::filing;
    observed.domain = domain;
    observed.fingerprint = disclosure_fingerprint(domain, "contact", "", {message.value_or("")});
    const unsigned status = relayed ? 202U : status_of(relayed.error().code);
    record_use(parts_.monitor, request, observed, status);
  }
  if (!relayed) return std::unexpected(relayed.error());
  json::JsonWriter out;
  out.begin_object();
  out.member("relay", relayed->id);
  out.member("recipient", relayed->recipient);
  out.end_object();
  return json_response(202, std::string(out.view()));
}

}  // namespace ssad::http
