#include "http/requests_endpoint.hpp"

#include <algorithm>
#include <charconv>
#include <vector>

#include <rapidjson/document.h>

#include "disclosure/request_json.hpp"
#include "http/directory_endpoint.hpp"
#include "http/error_mapping.hpp"
#include "http/json_body.hpp"
#include "http/v1_paths.hpp"
#include "identity/administration.hpp"
#include "json/json_writer.hpp"
#include "rdap/request.hpp"
#include "rdap/response.hpp"

namespace ssad::http {
namespace {

constexpr std::string_view kRdapPrefix = "/rdap/";

bool is_staff(const identity::Authenticated& who) {
  return identity::is_staff(who, model::kRoleReviewer | model::kRoleAdministrator | model::kRoleAuditor);
}

Result<std::optional<Timestamp>> instant_parameter(const rdap::QueryParameters& query,
                                                   std::string_view name) {
  const std::string* text = rdap::find_parameter(query, name);
  if (text == nullptr) return std::optional<Timestamp>();
  auto parsed = parse_rfc3339(*text);
  if (!parsed) return fail(ErrorCode::invalid_input, std::string(name) + " must be an RFC 3339 date-time");
  return std::optional<Timestamp>(*parsed);
}

Result<store::RequestFilter> filter_of(const rdap::QueryParameters& query) {
  store::RequestFilter filter;
  if (const std::string* status = rdap::find_parameter(query, "status")) {
    // One status or several, comma-separated.
    std::string_view rest = *status;
    while (!rest.empty()) {
      const std::size_t comma = rest.find(',');
      auto parsed = model::parse_request_status(rest.substr(0, comma));
      if (!parsed) {
        return fail(ErrorCode::invalid_input,
                    "status must be pending, in_review, awaiting_information, decided or cancelled");
      }
      filter.statuses.push_back(*parsed);
      if (comma == std::string_view::npos) break;
      rest.remove_prefix(comma + 1);
    }
  }
  for (const auto& [name, target] : {std::pair<std::string_view, std::string*>{"domain", &filter.domain},
                                     {"purpose", &filter.purpose},
                                     {"priority", &filter.priority},
                                     {"user", &filter.user_id},
                                     {"reviewer", &filter.reviewer_id}}) {
    if (const std::string* value = rdap::find_parameter(query, name)) *target = *value;
  }
  SSAD_TRY(from, instant_parameter(query, "created_from"));
  filter.created_from = from;
  SSAD_TRY(before, instant_parameter(query, "created_before"));
  filter.created_before = before;
  SSAD_TRY(deadline, instant_parameter(query, "deadline_before"));
  filter.deadline_before = deadline;
  if (const std::string* order = rdap::find_parameter(query, "order")) {
    if (*order == "deadline") {
      filter.order = store::RequestFilter::Order::deadline_first;
    } else if (*order != "newest") {
      return fail(ErrorCode::invalid_input, "order must be newest or deadline");
    }
  }
  return filter;
}

// The period of /v1/stats: ?month=YYYY-MM, or ?from=&until= (RFC 3339; until defaults to now), or the
// current calendar month (UTC) to now.
Result<disclosure::Period> period_of(const rdap::QueryParameters& query, Timestamp now) {
  using namespace std::chrono;  // NOLINT(google-build-using-namespace): calendar arithmetic
  const auto month_start = [](year_month month) { return Timestamp(sys_days(month / 1)); };
  if (const std::string* written = rdap::find_parameter(query, "month")) {
    int y = 0;
    unsigned m = 0;
    const char* text = written->c_str();
    const char* last = text + written->size();
    const auto [end_y, ec_y] = std::from_chars(text, last, y);
    if (ec_y != std::errc() || end_y != text + 4 || written->size() != 7 || *end_y != '-') {
      return fail(ErrorCode::invalid_input, "month must be YYYY-MM");
    }
    const auto [end_m, ec_m] = std::from_chars(end_y + 1, last, m);
    if (ec_m != std::errc() || end_m != last || m < 1 || m > 12) {
      return fail(ErrorCode::invalid_input, "month must be YYYY-MM");
    }
    const year_month ym{year{y}, month{m}};
    return disclosure::Period{month_start(ym), month_start(ym + months{1})};
  }
  SSAD_TRY(from, instant_parameter(query, "from"));
  SSAD_TRY(until, instant_parameter(query, "until"));
  if (from || until) {
    if (!from) return fail(ErrorCode::invalid_input, "from is required with until");
    return disclosure::Period{*from, until.value_or(now)};
  }
  const year_month_day today{floor<days>(now)};
  return disclosure::Period{month_start(today.year() / today.month()), now};
}

std::string request_json(const model::DisclosureRequest& request, bool staff, Timestamp now) {
  json::JsonWriter out;
  disclosure::write_json(out, request, staff, now);
  return std::string(out.view());
}

// The body of a POST that takes no member but may be empty.
std::string_view body_or_empty_object(const Request& request) {
  return request.body.empty() ? std::string_view("{}") : std::string_view(request.body);
}

Result<disclosure::Ruling> ruling_of(std::string_view body) {
  rapidjson::Document document;
  document.Parse<rapidjson::kParseValidateEncodingFlag | rapidjson::kParseIterativeFlag>(body.data(),
                                                                                         body.size());
  if (document.HasParseError() || !document.IsObject()) {
    return fail(ErrorCode::invalid_input, "The body must be a JSON object.");
  }
  Error problems{ErrorCode::invalid_input, "The decision is malformed (see errors)."};
  disclosure::Ruling ruling;
  for (const auto& member : document.GetObject()) {
    const std::string_view name(member.name.GetString(), member.name.GetStringLength());
    if (name != "fields" && name != "balancing_test" && name != "urgent") {
      problems.problems.push_back({"/", "Unknown member; the members are: fields, balancing_test, urgent."});
    }
  }
  if (const auto urgent = document.FindMember("urgent"); urgent != document.MemberEnd()) {
    if (urgent->value.IsBool()) {
      ruling.urgent = urgent->value.GetBool();
    } else {
      problems.problems.push_back({"/urgent", "Must be true or false."});
    }
  }
  const auto fields = document.FindMember("fields");
  if (fields == document.MemberEnd() || !fields->value.IsArray()) {
    problems.problems.push_back({"/fields", "Required: an array of {key, outcome, reason, explanation}."});
  } else {
    for (rapidjson::SizeType i = 0; i < fields->value.Size(); ++i) {
      const auto& item = fields->value[i];
      const std::string at = "/fields/" + std::to_string(i);
      if (!item.IsObject()) {
        problems.problems.push_back({at, "Must be an object."});
        continue;
      }
      disclosure::FieldRuling field;
      auto text = [&](const char* name, std::string& into, bool required) {
        const auto found = item.FindMember(name);
        if (found == item.MemberEnd()) {
          if (required) problems.problems.push_back({at + "/" + name, "Required."});
          return;
        }
        if (!found->value.IsString()) {
          problems.problems.push_back({at + "/" + name, "Must be a string."});
          return;
        }
        into.assign(found->value.GetString(), found->value.GetStringLength());
      };
      std::string outcome;
      text("key", field.key, true);
      text("outcome", outcome, true);
      text("reason", field.reason, false);
      text("explanation", field.explanation, false);
      for (const auto& member : item.GetObject()) {
        const std::string_view name(member.name.GetString(), member.name.GetStringLength());
        if (name != "key" && name != "outcome" && name != "reason" && name != "explanation") {
          problems.problems.push_back(
              {at, "Unknown member; the members are: key, outcome, reason, explanation."});
        }
      }
      if (outcome == "disclose") {
        field.disclose = true;
      } else if (outcome != "refuse") {
        problems.problems.push_back({at + "/outcome", "Must be disclose or refuse."});
      }
      ruling.fields.push_back(std::move(field));
    }
  }
  const auto test = document.FindMember("balancing_test");
  if (test == document.MemberEnd() || !test->value.IsObject()) {
    problems.problems.push_back({"/balancing_test",
                                 "Required: legitimate_interest, necessity, minimisation, "
                                 "risk and safeguards."});
  } else {
    const std::pair<const char*, std::string*> members[] = {
        {"legitimate_interest", &ruling.legitimate_interest},
        {"necessity", &ruling.necessity},
        {"minimisation", &ruling.minimisation},
        {"risk", &ruling.risk},
        {"safeguards", &ruling.safeguards}};
    for (const auto& [name, into] : members) {
      const auto found = test->value.FindMember(name);
      if (found != test->value.MemberEnd() && found->value.IsString()) {
        into->assign(found->value.GetString(), found->value.GetStringLength());
      }
    }
  }
  if (!problems.problems.empty()) return std::unexpected(std::move(problems));
  return ruling;
}

}  // namespace

RequestsEndpoint::RequestsEndpoint(const identity::Authenticator& authenticator,
                                   disclosure::Requests& requests, rdap::Settings rdap_settings,
                                   std::string base_url, abuse::Monitor* monitor)
    : authenticator_(authenticator),
      requests_(requests),
      rdap_settings_(std::move(rdap_settings)),
      base_url_(std::move(base_url)),
      monitor_(monitor) {}

Response RequestsEndpoint::handle(const Request& request) const {
  auto who = authenticated_user(authenticator_, request);
  if (!who) return error_response(request.path, who.error());
  // Filings and disclosure reads are what abuse monitoring counts of a requestor, and what a throttle
  // slows down.
  Observed observed;
  {
    const std::vector<std::string_view> at = segments_of(request.path);
    const bool filing = at.size() == 2 && at[1] == "requests" && request.method == "POST";
    const bool reading = at.size() == 4 && at[1] == "requests" && at[3] == "disclosure";
    if (filing || reading) {
      observed.asked_by(*who);
      observed.kind = filing ? abuse::Use::Kind::filing : abuse::Use::Kind::read;
      if (observed.requestor) {
        if (auto refused = refuse_if_throttled(monitor_, request, *who)) return std::move(*refused);
      } else {
        observed = {};
      }
    }
  }
  auto answered = answer(request, *who, observed.requestor ? &observed : nullptr);
  record_use(monitor_, request, observed, answered ? answered->status : status_of(answered.error().code));
  if (answered) return std::move(*answered);
  Response refused = error_response(request.path, answered.error());
  if (answered.error().code == ErrorCode::method_not_allowed) {
    const std::vector<std::string_view> at = segments_of(request.path);
    const bool collection = at.size() == 2 && at[1] == "requests";
    const bool action = at.size() == 4 && at[3] != "disclosure" && at[3] != "evidence";
    refused.headers.emplace_back("Allow", collection ? "GET, HEAD, POST" : action ? "POST" : "GET, HEAD");
  }
  return refused;
}

Result<std::string> RequestsEndpoint::rdap_document(const Request& request,
                                                    const disclosure::RequestView& view) const {
  if (!view.registration) {
    return fail(ErrorCode::internal, "request " + view.request.id + ": no registration to render");
  }
  std::string base = base_url_;
  if (base.empty()) {
    std::string_view host = request.header("host").value_or("localhost");
    if (host.empty() || !std::ranges::all_of(host, [](char c) { return c > ' ' && c < 0x7f; }))
      host = "localhost";
    base = (request.secure ? "https://" : "http://") + std::string(host) + std::string(kRdapPrefix);
  }
  const std::string query_url = base + "domain/" + view.request.domain;
  rdap::Context context;
  context.settings = &rdap_settings_;
  context.base_url = base;
  context.query_url = query_url;
  json::JsonWriter out;
  catalog::FieldSet served;
  const bool redacted =
      rdap::write_domain(out, *view.registration, view.decision, context, rdap::Detail::full, "$", served);
  return rdap::top_level(out.view(), {rdap::kProfile, rdap::kGuide}, redacted, context, true);
}

Result<Response> RequestsEndpoint::answer(const Request& request, const identity::Authenticated& who,
                                          Observed* observed) const {
  const auto query = rdap::parse_query(request.query);
  if (!query) return fail(ErrorCode::invalid_input, "malformed query string");
  const std::vector<std::string_view> at = segments_of(request.path);  // "v1", "requests", id, action, n
  const bool get = request.method == "GET";
  const bool post = request.method == "POST";
  const bool staff = is_staff(who);
  if (at.size() < 2) return std::unexpected(no_such_resource());

  if (at[1] == "stats") {
    if (at.size() != 2) return std::unexpected(no_such_resource());
    if (!get) return std::unexpected(method_not_allowed());
    SSAD_TRY(period, period_of(*query, requests_.now()));
    SSAD_TRY(report, requests_.statistics(who, period));
    const std::string* format = rdap::find_parameter(*query, "format");
    if (format != nullptr && *format == "csv") {
      Response response;
      response.status = 200;
      response.headers = {{"Content-Type", "text/csv; charset=utf-8; header=present"},
                          {"Content-Disposition", "attachment; filename=\"ssad-statistics.csv\""},
                          {"Cache-Control", "no-store"}};
      response.body = disclosure::to_csv(report);
      return response;
    }
    if (format != nullptr && *format != "json")
      return fail(ErrorCode::invalid_input, "format must be json or csv");
    return json_response(200, disclosure::to_json(report));
  }
  if (at[1] == "retention") {
    if (at.size() != 3 || at[2] != "overdue") return std::unexpected(no_such_resource());
    if (!get) return std::unexpected(method_not_allowed());
    SSAD_TRY(page, page_of(*query));
    SSAD_TRY(listing, requests_.overdue(who, page));
    json::JsonWriter out;
    out.begin_object();
    out.key("items");
    out.begin_array();
    for (const auto& item : listing.items) disclosure::write_summary_json(out, item, true, requests_.now());
    out.end_array();
    if (!listing.next.empty()) out.member("next", listing.next);
    // What counts against each accreditation: its overdue confirmations, all of them (not the page's).
    SSAD_TRY(counts, requests_.overdue_by_accreditation(who));
    out.key("by_accreditation");
    out.begin_object();
    for (const auto& [accreditation, count] : counts) {
      out.key(accreditation.empty() ? std::string_view("unaccredited") : std::string_view(accreditation));
      out.integer(static_cast<std::int64_t>(count));
    }
    out.end_object();
    out.end_object();
    return json_response(200, std::string(out.view()));
  }
  if (at[1] != "requests" || at.size() > 5) return std::unexpected(no_such_resource());

  if (at.size() == 2) {
    if (post) {
      SSAD_TRY(view, requests_.create(who, request.body));
      if (observed != nullptr) {
        const model::DisclosureRequest& filed = view.request;
        observed->domain = filed.domain;
        observed->accreditation_id = filed.accreditation_id;
        observed->group = filed.group;
        std::vector<std::string> keys;
        for (const model::RequestedField& field : filed.fields) {
          keys.push_back(field.key);
          // Asked under an accreditation that does not permit the purpose or basis: counted as such
          // (the filing still goes to a reviewer).
          if (const catalog::Field* known = catalog::find_field(field.key); known != nullptr) {
            const policy::Reason reason = view.decision[*known].reason;
            if (reason == policy::Reason::purpose_not_permitted ||
                reason == policy::Reason::basis_not_permitted) {
              observed->purpose_refused = !filed.accreditation_id.empty();
            }
          }
        }
        observed->fingerprint =
            disclosure_fingerprint(filed.domain, filed.purpose, filed.lawful_basis, std::move(keys));
      }
      json::JsonWriter out;
      out.begin_object();
      out.key("request");
      disclosure::write_json(out, view.request, false, requests_.now());
      out.end_object();
      std::string body(out.view());
      // The RDAP document is rendered apart and spliced in as the last member: "rdap".
      body.pop_back();
      SSAD_TRY(rdap, rdap_document(request, view));
      body += ",\"rdap\":" + rdap + "}";
      Response response = json_response(201, std::move(body));
      response.headers.emplace_back("Location", "/v1/requests/" + view.request.id);
      return response;
    }
    if (!get) return std::unexpected(method_not_allowed());
    SSAD_TRY(filter, filter_of(*query));
    SSAD_TRY(page, page_of(*query));
    SSAD_TRY(listing, requests_.list(who, filter, page));
    json::JsonWriter out;
    out.begin_object();
    out.key("items");
    out.begin_array();
    for (const auto& item : listing.items) disclosure::write_summary_json(out, item, staff, requests_.now());
    out.end_array();
    if (!listing.next.empty()) out.member("next", listing.next);
    out.end_object();
    return json_response(200, std::string(out.view()));
  }

  const std::string id(at[2]);
  if (at.size() == 3) {
    if (!get) return std::unexpected(method_not_allowed());
    SSAD_TRY(view, requests_.read(who, id, false));
    return json_response(200, request_json(view.request, staff, requests_.now()));
  }
  const std::string_view action = at[3];
  if (action == "disclosure" && at.size() == 4) {
    if (!get) return std::unexpected(method_not_allowed());
    SSAD_TRY(view, requests_.read(who, id, true));
    if (observed != nullptr) {
      observed->domain = view.request.domain;
      observed->accreditation_id = view.request.accreditation_id;
      observed->group = view.request.group;
    }
    json::JsonWriter out;
    out.begin_object();
    out.member("request", view.request.id);
    if (view.request.retention_due) out.member("valid_until", format_rfc3339(*view.request.retention_due));
    out.end_object();
    std::string body(out.view());
    body.pop_back();
    SSAD_TRY(rdap, rdap_document(request, view));
    body += ",\"rdap\":" + rdap + "}";
    return json_response(200, std::move(body));
  }
  if (action == "evidence" && at.size() == 5) {
    if (!get) return std::unexpected(method_not_allowed());
    std::size_t index = 0;
    const auto [end, ec] = std::from_chars(at[4].data(), at[4].data() + at[4].size(), index);
    if (ec != std::errc() || end != at[4].data() + at[4].size()) return std::unexpected(no_such_resource());
    SSAD_TRY(attachment, requests_.attachment(who, id, index));
    Response response;
    response.status = 200;
    // Served as a download, never rendered: the bytes are the requestor's.
    response.headers = {
        {"Content-Type", attachment.media_type},
        {"Content-Disposition", "attachment; filename=\"evidence-" + std::to_string(index) + "\""},
        {"X-Content-Type-Options", "nosniff"},
        {"Content-Security-Policy", "default-src 'none'; sandbox"},
        {"Cache-Control", "no-store"}};
    response.body = std::move(attachment.bytes);
    return response;
  }
  if (at.size() != 4) return std::unexpected(no_such_resource());
  if (!post) {
    static constexpr std::string_view kActions[] = {"cancel",          "messages",    "claim",
                                                    "release",         "information", "decision",
                                                    "confidentiality", "destruction"};
    if (std::ranges::find(kActions, action) == std::end(kActions)) return std::unexpected(no_such_resource());
    return std::unexpected(method_not_allowed());
  }
  Result<model::DisclosureRequest> changed = std::unexpected(no_such_resource());
  if (action == "cancel") {
    SSAD_TRY(body, JsonBody::parse(body_or_empty_object(request), {"reason"}));
    SSAD_TRY(reason, body.text("reason"));
    changed = requests_.cancel(who, id, reason.value_or(""));
  } else if (action == "messages") {
    SSAD_TRY(body, JsonBody::parse(request.body, {"body"}));
    SSAD_TRY(text, body.required_text("body"));
    changed = requests_.message(who, id, text);
  } else if (action == "claim") {
    SSAD_CHECK(JsonBody::parse(body_or_empty_object(request), {}));
    changed = requests_.claim(who, id);
  } else if (action == "release") {
    SSAD_CHECK(JsonBody::parse(body_or_empty_object(request), {}));
    changed = requests_.release(who, id);
  } else if (action == "information") {
    SSAD_TRY(body, JsonBody::parse(request.body, {"question"}));
    SSAD_TRY(question, body.required_text("question"));
    changed = requests_.ask_information(who, id, question);
  } else if (action == "decision") {
    SSAD_TRY(ruling, ruling_of(request.body));
    changed = requests_.decide(who, id, ruling);
    // A false P1 claim: abuse monitoring counts the requestor's within its window.
    if (changed && ruling.urgent == false && monitor_ != nullptr && monitor_->enabled()) {
      const auto days = std::chrono::days(monitor_->settings().false_urgent.days);
      if (auto claims = requests_.false_urgent_claims(changed->user_id, requests_.now() - days); claims) {
        monitor_->note_false_urgent(changed->user_id, changed->org_id, changed->accreditation_id, *claims);
      }
    }
  } else if (action == "confidentiality") {
    // JsonBody parses iteratively: the default parser recurses once per nesting level.
    SSAD_TRY(body, JsonBody::parse(request.body, {"accept", "note"}));
    const std::optional<bool> accept = body.boolean("accept").value_or(std::nullopt);
    if (!accept) {
      Error error{ErrorCode::invalid_input, "The body must say whether the hold is accepted (see errors)."};
      error.problems.push_back({"/accept", "Required: true to accept the hold, false to refuse it."});
      return std::unexpected(std::move(error));
    }
    SSAD_TRY(note, body.required_text("note"));
    changed = requests_.rule_confidentiality(who, id, *accept, note);
  } else if (action == "destruction") {
    SSAD_TRY(body, JsonBody::parse(body_or_empty_object(request), {"statement"}));
    SSAD_TRY(statement, body.text("statement"));
    changed = requests_.confirm_destruction(who, id, statement.value_or(""));
  }
  if (!changed) return std::unexpected(changed.error());
  return json_response(200, request_json(*changed, staff, requests_.now()));
}

}  // namespace ssad::http
