#include "subject/registrant_view.hpp"

#include <algorithm>
#include <map>
#include <set>
#include <tuple>
#include <utility>

#include "audit/entry.hpp"
#include "audit/log.hpp"
#include "catalog/catalog.hpp"
#include "identity/caller.hpp"
#include "policy/values.hpp"

namespace ssad::subject {
namespace {

using Detail = std::vector<std::pair<std::string, std::string>>;

std::string detail_of(const Detail& detail, std::string_view key) {
  for (const auto& [k, v] : detail) {
    if (k == key) return v;
  }
  return {};
}

// "a=x b=y" → {a: x, b: y}
std::map<std::string, std::string, std::less<>> pairs_of(std::string_view text) {
  std::map<std::string, std::string, std::less<>> out;
  while (!text.empty()) {
    const auto end = text.find(' ');
    const std::string_view pair = text.substr(0, end);
    if (const auto eq = pair.find('='); eq != std::string_view::npos) {
      out.emplace(std::string(pair.substr(0, eq)), std::string(pair.substr(eq + 1)));
    }
    if (end == std::string_view::npos) break;
    text.remove_prefix(end + 1);
  }
  return out;
}

// A request the data subject must not be told of yet: the requestor asked and the operator has not
// answered, or accepted a hold that has not ended (an accepted hold always has an end: submission.cpp).
bool held(const model::DisclosureRequest& request, Timestamp now) {
  const model::Confidentiality& c = request.confidentiality;
  if (c.state == model::ConfidentialityState::requested) return true;
  return c.state == model::ConfidentialityState::accepted && (!c.until || now < *c.until);
}

void add_unique(std::vector<std::string>& to, const std::string& value) {
  if (!value.empty() && std::ranges::find(to, value) == to.end()) to.push_back(value);
}

std::string joined(const std::vector<std::string>& parts) {
  std::string out;
  for (const std::string& p : parts) out += (out.empty() ? "" : " ") + p;
  return out;
}

void instant(json::JsonWriter& out, std::string_view name, const std::optional<Timestamp>& at) {
  if (at) out.member(name, format_rfc3339(*at));
}

void write_item(json::JsonWriter& out, const DisclosureItem& item) {
  out.begin_object();
  out.member("when", format_rfc3339(item.when));
  out.member("source", item.source);
  if (!item.request_id.empty()) out.member("request", item.request_id);
  out.member("organisation", item.organisation);
  if (!item.group.empty()) out.member("user_group", item.group);
  out.member("purpose", item.purpose);
  out.member("lawful_basis", item.lawful_basis);
  out.key("fields");
  out.begin_array();
  for (const std::string& f : item.fields) out.string(f);
  out.end_array();
  out.member("decided_by", item.automated ? "policy" : "reviewer");
  out.key("retention");
  out.begin_object();
  out.member("allowed", item.retention);
  instant(out, "until", item.retention_due);
  out.end_object();
  out.end_object();
}

std::string escaped(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

}  // namespace

RegistrantView::RegistrantView(store::Store& store, const Clock& clock, policy::Settings policy,
                               std::string operator_name, std::chrono::days lookup_delay)
    : store_(store),
      clock_(clock),
      policy_(std::move(policy)),
      operator_name_(std::move(operator_name)),
      lookup_delay_(lookup_delay) {}

Result<Disclosures> RegistrantView::collect(const std::string& domain,
                                            const model::Registration& registration, Timestamp now) {
  Disclosures view;
  view.domain = domain;
  const std::string registrant = policy::subject_fingerprint(catalog::Role::registrant, registration);
  if (registrant.empty()) return view;

  std::map<std::string, std::string, std::less<>> names;  // organisation id → name
  const auto organisation_name = [&](const std::string& id) -> Result<std::string> {
    if (auto found = names.find(id); found != names.end()) return found->second;
    auto org = store_.requestors().organisation(id);
    if (!org && org.error().code != ErrorCode::not_found) return std::unexpected(org.error());
    std::string name = org ? org->name : "(an organisation no longer in the directory)";
    names.emplace(id, name);
    return name;
  };

  // Disclosure requests about the domain.
  store::RequestFilter filter;
  filter.domain = domain;
  std::optional<Error> failed;
  SSAD_CHECK(store_.requests().for_each(filter, [&](const model::DisclosureRequest& request) {
    if (held(request, now)) return true;
    DisclosureItem item;
    item.source = "request";
    item.request_id = request.id;
    std::vector<std::string> retention;
    for (const model::RequestedField& field : request.fields) {
      if (field.state != model::FieldState::disclosed ||
          !policy::same_person(field.subject, catalog::Role::registrant, registration)) {
        continue;
      }
      item.fields.push_back(field.key);
      item.automated = item.automated && field.decided_by.kind == "system";
      add_unique(retention, field.retention);
      if (field.decided && *field.decided > item.when) item.when = *field.decided;
    }
    if (item.fields.empty()) return true;
    auto name = organisation_name(request.org_id);
    if (!name) {
      failed = name.error();
      return false;
    }
    item.organisation = std::move(*name);
    item.group = request.group;
    item.purpose = request.purpose;
    item.lawful_basis = request.lawful_basis;
    item.retention = joined(retention);
    item.retention_due = request.retention_due;
    view.items.push_back(std::move(item));
    return true;
  }));
  if (failed) return std::unexpected(*failed);

  // Accredited RDAP lookups of the domain, and of the registrant contact itself (an entity lookup).
  std::vector<store::AuditFilter> sources;
  store::AuditFilter by_domain;
  by_domain.action = "rdap.disclose";
  by_domain.object_kind = "domain";
  by_domain.object_id = domain;
  sources.push_back(by_domain);
  for (const auto& [role, contact] : registration.contacts) {
    if (role != model::ContactRole::registrant) continue;
    store::AuditFilter by_contact = by_domain;
    by_contact.object_kind = "contact";
    by_contact.object_id = contact.handle;
    sources.push_back(std::move(by_contact));
  }
  constexpr std::size_t kPage = 1000;
  for (const store::AuditFilter& source : sources) {
    std::optional<std::uint64_t> after;
    for (;;) {
      SSAD_TRY(records, store_.audit_log().find(source, after, kPage));
      for (const store::AuditRecord& record : records) {
        SSAD_TRY(entry, audit::decode(record.encoding));
        if (entry.time > now - lookup_delay_) continue;  // not yet: see lookup_delay
        const std::string subjects = detail_of(entry.detail, "subjects");
        const auto whose = pairs_of(subjects);
        DisclosureItem item;
        item.when = entry.time;
        item.source = "rdap";
        for (const std::string& key : entry.fields) {
          const catalog::Field* field = catalog::find_field(key);
          if (field == nullptr) continue;
          // A contact lookup's object is the contact itself: its fields are the registrant's own.
          const bool own = source.object_kind == "contact" ? field->role == catalog::Role::registrant : [&] {
            const auto at = whose.find(catalog::to_string(field->role));
            const auto salt = whose.find("salt");
            return at != whose.end() && salt != whose.end() &&
                   at->second == policy::salted_subject(salt->second, registrant);
          }();
          if (own) item.fields.push_back(key);
        }
        if (subjects.empty() && source.object_kind == "domain") {
          ++view.unattributed;
          continue;
        }
        if (item.fields.empty()) continue;
        SSAD_TRY(name, organisation_name(detail_of(entry.detail, "organisation")));
        item.organisation = std::move(name);
        item.group = detail_of(entry.detail, "group");
        item.purpose = entry.purpose;
        item.lawful_basis = entry.lawful_basis;
        std::vector<std::string> retention;
        for (const auto& [rule, allowed] : pairs_of(detail_of(entry.detail, "retention"))) {
          add_unique(retention, allowed);
        }
        item.retention = joined(retention);
        view.items.push_back(std::move(item));
      }
      if (records.size() < kPage) break;
      after = records.back().seq;
    }
  }
  // Newest first; of one instant, requests (by id) before lookups, so that the order is the same each time.
  std::ranges::sort(view.items, [](const DisclosureItem& a, const DisclosureItem& b) {
    return std::tie(b.when, b.source, a.request_id) < std::tie(a.when, a.source, b.request_id);
  });
  if (view.items.size() > kMaxItems) {
    view.items.resize(kMaxItems);
    view.truncated = true;
  }
  return view;
}

Result<void> RegistrantView::audit_view(const Session& session, const std::string& action, std::size_t shown,
                                        Timestamp now) {
  audit::Entry entry;
  entry.time = now;
  entry.actor = {"subject", session.id};
  entry.action = action;
  entry.object = {"domain", session.target};
  entry.detail = {{"shown", std::to_string(shown)}};
  SSAD_TRY(work, store_.begin_audit());
  SSAD_CHECK(audit::record(*work, std::move(entry)));
  return work->commit(now);
}

Result<Disclosures> RegistrantView::disclosures(const Session& session) {
  if (session.kind != store::ProofKind::registrant) {
    return fail(ErrorCode::forbidden, "Only a registrant's session shows disclosures.");
  }
  const Timestamp now = clock_.now();
  SSAD_TRY(registration, store_.registrations().find_registration(session.target));
  SSAD_TRY(view, collect(session.target, registration, now));
  // Recorded before the answer leaves: a view that cannot be logged is not shown.
  SSAD_CHECK(audit_view(session, "subject.disclosures", view.items.size(), now));
  return view;
}

Result<Report> RegistrantView::report(const Session& session) {
  if (session.kind != store::ProofKind::registrant) {
    return fail(ErrorCode::forbidden, "Only a registrant's session shows the report.");
  }
  const Timestamp now = clock_.now();
  SSAD_TRY(registration, store_.registrations().find_registration(session.target));
  Report report;
  SSAD_TRY(view, collect(session.target, registration, now));
  report.disclosures = std::move(view);
  report.generated = now;
  report.controller = operator_name_;
  report.registrar = registration.registrar.name;
  report.registrar_iana_id = registration.registrar.iana_id;
  const policy::Decision everyone = policy::decide(identity::Caller::anonymous(), registration, policy_);
  for (const catalog::Field& field : catalog::fields_of_role(catalog::Role::registrant)) {
    std::vector<std::string> values = policy::served_values(field, registration);
    if (values.empty()) continue;
    for (std::string& value : values) report.held.emplace_back(std::string(field.key), std::move(value));
    if (everyone.discloses(field)) report.published.emplace_back(field.key);
  }
  for (const policy::Group& group : policy_.policy().groups()) {
    report.recipients_may_ask.emplace_back(group.name, group.purposes);
  }
  report.policy_fingerprint = policy_.policy().fingerprint();
  SSAD_CHECK(audit_view(session, "subject.report", report.disclosures.items.size(), now));
  return report;
}

void write_json(json::JsonWriter& out, const Disclosures& disclosures) {
  out.begin_object();
  out.member("domain", disclosures.domain);
  out.key("disclosures");
  out.begin_array();
  for (const DisclosureItem& item : disclosures.items) write_item(out, item);
  out.end_array();
  out.key("unattributed");
  out.unsigned_integer(disclosures.unattributed);
  out.key("truncated");
  out.boolean(disclosures.truncated);
  out.end_object();
}

void write_json(json::JsonWriter& out, const Report& report) {
  out.begin_object();
  out.member("domain", report.disclosures.domain);
  out.member("generated", format_rfc3339(report.generated));
  out.member("controller", report.controller);
  out.key("source");
  out.begin_object();
  out.member("registrar", report.registrar);
  if (report.registrar_iana_id) {
    out.key("iana_id");
    out.integer(*report.registrar_iana_id);
  }
  out.end_object();
  out.key("personal_data");
  out.begin_array();
  for (const auto& [key, value] : report.held) {
    out.begin_object();
    out.member("field", key);
    out.member("value", value);
    out.key("published");
    out.boolean(std::ranges::find(report.published, key) != report.published.end());
    out.end_object();
  }
  out.end_array();
  out.key("purposes");
  out.begin_array();
  out.string(
      "Publishing registration data in RDAP and WHOIS as the ICANN Registration Data Policy requires, "
      "without personal data unless it is not personal or you consented");
  out.string(
      "Disclosing non-public data to accredited requestors who state a purpose and a lawful basis, as "
      "the operator's published policy decides or a reviewer's balancing test allows");
  out.end_array();
  out.key("recipients_may_ask");
  out.begin_array();
  for (const auto& [group, purposes] : report.recipients_may_ask) {
    out.begin_object();
    out.member("user_group", group);
    out.key("purposes");
    out.begin_array();
    for (const std::string& p : purposes) out.string(p);
    out.end_array();
    out.end_object();
  }
  out.end_array();
  out.key("disclosures");
  write_json(out, report.disclosures);
  out.key("automated_decisions");
  out.begin_object();
  out.member("policy_fingerprint", report.policy_fingerprint);
  out.member("logic",
             "Each field is decided by the first rule of the published policy that matches the "
             "requestor's accredited user group, purpose, lawful basis and the field; what no rule "
             "decides goes to a reviewer. Each disclosure above says which way it was decided.");
  out.end_object();
  out.key("rights");
  out.begin_array();
  out.string("Rectification: ask your registrar, the source of this data, to correct it");
  out.string("Erasure, restriction and objection (GDPR Art. 17, 18, 21): ask your registrar or the operator");
  out.string("Complaint: to the data protection supervisory authority of your country");
  out.end_array();
  out.end_object();
}

std::string report_html(const Report& report) {
  const std::string domain = escaped(report.disclosures.domain);
  std::string out;
  out += "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Personal data report for ";
  out += domain;
  out +=
      "</title><style>body{font-family:sans-serif;max-width:60em;margin:2em auto}"
      "table{border-collapse:collapse;width:100%}td,th{border:1px solid #999;padding:.3em;text-align:left;"
      "vertical-align:top}@media print{a{color:inherit}}</style></head><body>\n";
  out += "<h1>Personal data report (GDPR Art. 15) for " + domain + "</h1>\n";
  out += "<p>Generated " + escaped(format_rfc3339(report.generated)) + " by " + escaped(report.controller) +
         ". Source of the data: your registrar, " + escaped(report.registrar) + ".</p>\n";
  out +=
      "<h2>The data held about you</h2>\n<table><tr><th>Field</th><th>Value</th><th>Shown to everyone"
      "</th></tr>\n";
  for (const auto& [key, value] : report.held) {
    const bool published = std::ranges::find(report.published, key) != report.published.end();
    out += "<tr><td>" + escaped(key) + "</td><td>" + escaped(value) + "</td><td>" +
           (published ? "yes" : "no") + "</td></tr>\n";
  }
  out += "</table>\n<h2>Who received it</h2>\n";
  if (report.disclosures.items.empty())
    out += "<p>Nobody has received non-public data about you.</p>\n";
  else {
    out +=
        "<table><tr><th>When</th><th>Recipient</th><th>Purpose and lawful basis</th><th>Fields</th>"
        "<th>Decided by</th><th>May keep it</th></tr>\n";
    for (const DisclosureItem& item : report.disclosures.items) {
      std::string fields;
      for (const std::string& f : item.fields) fields += (fields.empty() ? "" : ", ") + escaped(f);
      out += "<tr><td>" + escaped(format_rfc3339(item.when)) + "</td><td>" + escaped(item.organisation) +
             (item.group.empty() ? "" : " (" + escaped(item.group) + ")") + "</td><td>" +
             escaped(item.purpose) + ", GDPR Art. " + escaped(item.lawful_basis) + "</td><td>" + fields +
             "</td><td>" + (item.automated ? "the published policy" : "a reviewer") + "</td><td>" +
             escaped(item.retention) +
             (item.retention_due ? " (until " + escaped(format_rfc3339(*item.retention_due)) + ")" : "") +
             "</td></tr>\n";
    }
    out += "</table>\n";
  }
  if (report.disclosures.unattributed > 0) {
    out += "<p>" + std::to_string(report.disclosures.unattributed) +
           " earlier disclosures of this domain's data were logged without a record of whose data they were "
           "(you or an earlier registrant); ask the operator about them.</p>\n";
  }
  out += "<h2>Who may ask, and why</h2>\n<ul>\n";
  for (const auto& [group, purposes] : report.recipients_may_ask) {
    std::string list;
    for (const std::string& p : purposes) list += (list.empty() ? "" : ", ") + escaped(p);
    out += "<li>" + escaped(group) + ": " + list + "</li>\n";
  }
  out +=
      "</ul>\n<h2>Your rights</h2>\n<ul><li>Rectification: ask your registrar to correct the data.</li>"
      "<li>Erasure, restriction and objection (GDPR Art. 17, 18, 21): ask your registrar or the "
      "operator.</li>"
      "<li>Complaint: to the data protection supervisory authority of your country.</li></ul>\n";
  out += "<p>Automated decisions follow the published policy (fingerprint " +
         escaped(report.policy_fingerprint) + ").</p>\n</body></html>\n";
  return out;
}

}  // namespace ssad::subject
