#include "store/request_document.hpp"

#include <cstdint>
#include <limits>
#include <optional>
#include <utility>
#include <vector>

#include <rapidjson/document.h>
#include <rapidjson/error/en.h>

#include "json/json_writer.hpp"

namespace ssad::store::request_document {
namespace {

// ---- Writing --------------------------------------------------------------------------------------

void time_member(json::JsonWriter& out, std::string_view name, Timestamp at) {
  out.key(name).integer(to_unix_ms(at));
}

void time_member(json::JsonWriter& out, std::string_view name, const std::optional<Timestamp>& at) {
  out.key(name);
  if (at) {
    out.integer(to_unix_ms(*at));
  } else {
    out.null();
  }
}

void actor_member(json::JsonWriter& out, std::string_view name, const model::RequestActor& actor) {
  out.key(name);
  out.begin_object();
  out.member("kind", actor.kind);
  out.member("id", actor.id);
  out.end_object();
}

// An array of `items`, each written by `write`.
template <class T, class Write>
void array_member(json::JsonWriter& out, std::string_view name, const std::vector<T>& items, Write write) {
  out.key(name);
  out.begin_array();
  for (const T& item : items) write(item);
  out.end_array();
}

void write_field(json::JsonWriter& out, const model::RequestedField& f) {
  out.begin_object();
  out.member("key", f.key);
  out.member("why", f.why);
  out.member("state", model::to_string(f.state));
  out.member("reason", f.reason);
  out.member("explanation", f.explanation);
  out.member("rule", f.rule);
  actor_member(out, "decided_by", f.decided_by);
  time_member(out, "decided", f.decided);
  out.member("retention", f.retention);
  out.member("subject", f.subject);
  out.end_object();
}

void write_evidence(json::JsonWriter& out, const model::Evidence& e) {
  out.begin_object();
  out.member("kind", e.kind);
  out.member("description", e.description);
  out.member("sha256", e.sha256);
  out.member("media_type", e.media_type);
  out.key("attachment_size").unsigned_integer(e.attachment_size);
  out.member("attachment_sha256", e.attachment_sha256);
  out.end_object();
}

void write_confidentiality(json::JsonWriter& out, const model::Confidentiality& c) {
  out.begin_object();
  out.member("state", model::to_string(c.state));
  out.member("legal_reference", c.legal_reference);
  time_member(out, "until", c.until);
  actor_member(out, "decided_by", c.decided_by);
  time_member(out, "decided", c.decided);
  out.member("note", c.note);
  out.end_object();
}

void write_clock(json::JsonWriter& out, const model::DecisionClock& c) {
  out.begin_object();
  time_member(out, "deadline", c.deadline);
  time_member(out, "paused_since", c.paused_since);
  out.key("paused_ms").integer(c.paused_ms);
  out.key("business_ms_used").integer(c.business_ms_used);
  time_member(out, "running_since", c.running_since);
  time_member(out, "warned", c.warned);
  time_member(out, "breached", c.breached);
  out.end_object();
}

void write_event(json::JsonWriter& out, const model::RequestEvent& e) {
  out.begin_object();
  time_member(out, "at", e.at);
  actor_member(out, "actor", e.actor);
  out.member("kind", e.kind);
  out.member("status", model::to_string(e.status));
  out.member("note", e.note);
  out.end_object();
}

void write_message(json::JsonWriter& out, const model::RequestMessage& m) {
  out.begin_object();
  time_member(out, "at", m.at);
  actor_member(out, "author", m.author);
  out.member("body", m.body);
  out.key("asks_information").boolean(m.asks_information);
  out.end_object();
}

void write_balancing_test(json::JsonWriter& out, const model::BalancingTest& t) {
  out.begin_object();
  time_member(out, "at", t.at);
  out.member("reviewer_id", t.reviewer_id);
  array_member(out, "fields", t.fields, [&](const std::string& key) { out.string(key); });
  out.member("legitimate_interest", t.legitimate_interest);
  out.member("necessity", t.necessity);
  out.member("minimisation", t.minimisation);
  out.member("risk", t.risk);
  out.member("safeguards", t.safeguards);
  out.member("outcome", t.outcome);
  out.member("reason", t.reason);
  out.end_object();
}

// ---- Reading --------------------------------------------------------------------------------------

// The members of one JSON object, read by name. A member that is missing or of the wrong type records
// the first problem (naming where it is) in `problem` and reads as a default value, so that a whole
// document is read in one pass and refused once at the end.
class Members {
 public:
  Members(const rapidjson::Value* object, std::string where, std::optional<std::string>& problem)
      : object_(object), where_(std::move(where)), problem_(problem) {
    if (object_ == nullptr || !object_->IsObject()) {
      report("", "is not an object");
      object_ = nullptr;
    }
  }

  std::string text(const char* name) const {
    const rapidjson::Value* v = member(name);
    if (v == nullptr) return {};
    if (!v->IsString()) {
      wrong(name, "a string");
      return std::string();
    }
    return {v->GetString(), v->GetStringLength()};
  }

  /// A string member added to format 1 after documents were first written: absent reads empty.
  std::string optional_text(const char* name) const {
    if (object_ == nullptr || !object_->HasMember(name)) return {};
    return text(name);
  }

  /// A boolean member added to format 1 later: absent reads nullopt.
  std::optional<bool> optional_boolean(const char* name) const {
    if (object_ == nullptr || !object_->HasMember(name)) return std::nullopt;
    return boolean(name);
  }

  std::int64_t integer(const char* name) const {
    const rapidjson::Value* v = member(name);
    if (v == nullptr) return 0;
    if (!v->IsInt64()) {
      wrong(name, "an integer");
      return 0;
    }
    return v->GetInt64();
  }

  std::uint64_t unsigned_integer(const char* name) const {
    const rapidjson::Value* v = member(name);
    if (v == nullptr) return 0;
    if (!v->IsUint64()) {
      wrong(name, "an integer of at least 0");
      return 0;
    }
    return v->GetUint64();
  }

  bool boolean(const char* name) const {
    const rapidjson::Value* v = member(name);
    if (v == nullptr) return false;
    if (!v->IsBool()) {
      wrong(name, "true or false");
      return false;
    }
    return v->GetBool();
  }

  Timestamp time(const char* name) const { return from_unix_ms(integer(name)); }

  std::optional<Timestamp> optional_time(const char* name) const {
    const rapidjson::Value* v = member(name);
    if (v == nullptr || v->IsNull()) return std::nullopt;
    if (!v->IsInt64()) {
      wrong(name, "an integer or null");
      return std::nullopt;
    }
    return from_unix_ms(v->GetInt64());
  }

  /// The enumerator a string member spells, by `parse` (a model parse_… function).
  template <class Parse>
  auto enumerator(const char* name, Parse parse) const ->
      typename decltype(parse(std::string_view()))::value_type {
    const std::string spelled = text(name);
    auto parsed = parse(spelled);
    if (!parsed) {
      if (member(name) != nullptr) report(name, "holds an " + parsed.error().message);
      return {};
    }
    return *parsed;
  }

  /// The enumerator a string member spells, or nullopt when it is null.
  template <class Parse>
  auto optional_enumerator(const char* name, Parse parse) const
      -> std::optional<typename decltype(parse(std::string_view()))::value_type> {
    const rapidjson::Value* v = member(name);
    if (v == nullptr || v->IsNull()) return std::nullopt;
    return enumerator(name, parse);
  }

  /// Records that member `name` holds a value out of its range.
  void refuse(const char* name, const std::string& what) const { report(name, what); }

  /// A nested object, read by `read(Members&)`.
  template <class Read>
  auto object(const char* name, Read read) const {
    const Members nested(member(name), where_ + name + ".", problem_);
    return read(nested);
  }

  model::RequestActor actor(const char* name) const {
    return object(name, [](const Members& m) { return model::RequestActor{m.text("kind"), m.text("id")}; });
  }

  /// An array of objects, each read by `read(Members&)`.
  template <class Read>
  auto objects(const char* name, Read read) const {
    using T = decltype(read(std::declval<const Members&>()));
    std::vector<T> out;
    const rapidjson::Value* v = member(name);
    if (v == nullptr) return out;
    if (!v->IsArray()) {
      wrong(name, "an array");
      return out;
    }
    out.reserve(v->Size());
    for (rapidjson::SizeType i = 0; i < v->Size(); ++i) {
      const Members item(&(*v)[i], where_ + name + "[" + std::to_string(i) + "].", problem_);
      out.push_back(read(item));
    }
    return out;
  }

  std::vector<std::string> texts(const char* name) const {
    std::vector<std::string> out;
    const rapidjson::Value* v = member(name);
    if (v == nullptr) return out;
    if (!v->IsArray()) {
      wrong(name, "an array of strings");
      return out;
    }
    for (const auto& item : v->GetArray()) {
      if (!item.IsString()) {
        wrong(name, "an array of strings");
        return out;
      }
      out.emplace_back(item.GetString(), item.GetStringLength());
    }
    return out;
  }

 private:
  const rapidjson::Value* member(const char* name) const {
    if (object_ == nullptr) return nullptr;
    const auto found = object_->FindMember(name);
    if (found == object_->MemberEnd()) {
      report(name, "is missing");
      return nullptr;
    }
    return &found->value;
  }

  void wrong(const char* name, const std::string& expected) const { report(name, "is not " + expected); }

  void report(std::string_view name, const std::string& what) const {
    if (!problem_) problem_ = "\"" + where_ + std::string(name) + "\" " + what;
  }

  const rapidjson::Value* object_;
  std::string where_;  // the path of the object's members: "" at the top, "fields[2]." below
  std::optional<std::string>& problem_;
};

model::RequestedField read_field(const Members& m) {
  model::RequestedField f;
  f.key = m.text("key");
  f.why = m.text("why");
  f.state = m.enumerator("state", model::parse_field_state);
  f.reason = m.text("reason");
  f.explanation = m.text("explanation");
  f.rule = m.text("rule");
  f.decided_by = m.actor("decided_by");
  f.decided = m.optional_time("decided");
  f.retention = m.text("retention");
  f.subject = m.optional_text("subject");
  return f;
}

model::Evidence read_evidence(const Members& m) {
  model::Evidence e;
  e.kind = m.text("kind");
  e.description = m.text("description");
  e.sha256 = m.text("sha256");
  e.media_type = m.text("media_type");
  e.attachment_size = m.unsigned_integer("attachment_size");
  e.attachment_sha256 = m.text("attachment_sha256");
  return e;
}

model::Confidentiality read_confidentiality(const Members& m) {
  model::Confidentiality c;
  c.state = m.enumerator("state", model::parse_confidentiality_state);
  c.legal_reference = m.text("legal_reference");
  c.until = m.optional_time("until");
  c.decided_by = m.actor("decided_by");
  c.decided = m.optional_time("decided");
  c.note = m.text("note");
  return c;
}

model::RetentionAsk read_retention(const Members& m) {
  model::RetentionAsk r;
  const std::uint64_t days = m.unsigned_integer("days");
  if (days > std::numeric_limits<unsigned>::max()) m.refuse("days", "is too large");
  r.days = static_cast<unsigned>(days);
  r.incident_end = m.optional_time("incident_end");
  return r;
}

model::DecisionClock read_clock(const Members& m) {
  model::DecisionClock c;
  c.deadline = m.optional_time("deadline");
  c.paused_since = m.optional_time("paused_since");
  c.paused_ms = m.integer("paused_ms");
  c.business_ms_used = m.integer("business_ms_used");
  c.running_since = m.time("running_since");
  c.warned = m.optional_time("warned");
  c.breached = m.optional_time("breached");
  return c;
}

model::RequestEvent read_event(const Members& m) {
  model::RequestEvent e;
  e.at = m.time("at");
  e.actor = m.actor("actor");
  e.kind = m.text("kind");
  e.status = m.enumerator("status", model::parse_request_status);
  e.note = m.text("note");
  return e;
}

model::RequestMessage read_message(const Members& m) {
  model::RequestMessage message;
  message.at = m.time("at");
  message.author = m.actor("author");
  message.body = m.text("body");
  message.asks_information = m.boolean("asks_information");
  return message;
}

model::BalancingTest read_balancing_test(const Members& m) {
  model::BalancingTest t;
  t.at = m.time("at");
  t.reviewer_id = m.text("reviewer_id");
  t.fields = m.texts("fields");
  t.legitimate_interest = m.text("legitimate_interest");
  t.necessity = m.text("necessity");
  t.minimisation = m.text("minimisation");
  t.risk = m.text("risk");
  t.safeguards = m.text("safeguards");
  t.outcome = m.text("outcome");
  t.reason = m.text("reason");
  return t;
}

model::DisclosureRequest read_request(const Members& m) {
  model::DisclosureRequest r;
  r.id = m.text("id");
  r.org_id = m.text("org_id");
  r.user_id = m.text("user_id");
  r.accreditation_id = m.text("accreditation_id");
  r.group = m.text("group");
  r.domain = m.text("domain");
  r.purpose = m.text("purpose");
  r.lawful_basis = m.text("lawful_basis");
  r.priority = m.text("priority");
  r.urgent_criterion = m.optional_enumerator("urgent_criterion", model::parse_urgent_criterion);
  r.urgent_statement = m.text("urgent_statement");
  r.urgent_upheld = m.optional_boolean("urgent_upheld");
  r.abuse_type = m.text("abuse_type");
  r.justification = m.text("justification");
  r.terms_version = m.text("terms_version");
  r.fields = m.objects("fields", read_field);
  r.evidence = m.objects("evidence", read_evidence);
  r.confidentiality = m.object("confidentiality", read_confidentiality);
  r.retention = m.object("retention", read_retention);
  r.policy_fingerprint = m.text("policy_fingerprint");
  r.status = m.enumerator("status", model::parse_request_status);
  r.reviewer_id = m.text("reviewer_id");
  r.clock = m.object("clock", read_clock);
  r.created = m.time("created");
  r.updated = m.time("updated");
  r.decided = m.optional_time("decided");
  r.retention_due = m.optional_time("retention_due");
  r.destruction_confirmed = m.optional_time("destruction_confirmed");
  r.automated = m.boolean("automated");
  r.history = m.objects("history", read_event);
  r.messages = m.objects("messages", read_message);
  r.balancing_tests = m.objects("balancing_tests", read_balancing_test);
  r.version = m.unsigned_integer("version");
  return r;
}

// "request 'req_x'" when the document names its id, else "a stored request".
std::string request_named(const rapidjson::Document& doc) {
  if (doc.IsObject()) {
    const auto id = doc.FindMember("id");
    if (id != doc.MemberEnd() && id->value.IsString()) {
      return "request '" + std::string(id->value.GetString(), id->value.GetStringLength()) + "'";
    }
  }
  return "a stored request";
}

}  // namespace

std::string encode(const model::DisclosureRequest& r) {
  json::JsonWriter out(4096);
  out.begin_object();
  out.key("v").integer(kFormatVersion);
  out.member("id", r.id);
  out.member("org_id", r.org_id);
  out.member("user_id", r.user_id);
  out.member("accreditation_id", r.accreditation_id);
  out.member("group", r.group);
  out.member("domain", r.domain);
  out.member("purpose", r.purpose);
  out.member("lawful_basis", r.lawful_basis);
  out.member("priority", r.priority);
  out.key("urgent_criterion");
  if (r.urgent_criterion) {
    out.string(model::to_string(*r.urgent_criterion));
  } else {
    out.null();
  }
  out.member("urgent_statement", r.urgent_statement);
  if (r.urgent_upheld) out.key("urgent_upheld").boolean(*r.urgent_upheld);
  out.member("abuse_type", r.abuse_type);
  out.member("justification", r.justification);
  out.member("terms_version", r.terms_version);
  array_member(out, "fields", r.fields, [&](const model::RequestedField& f) { write_field(out, f); });
  array_member(out, "evidence", r.evidence, [&](const model::Evidence& e) { write_evidence(out, e); });
  out.key("confidentiality");
  write_confidentiality(out, r.confidentiality);
  out.key("retention");
  out.begin_object();
  out.key("days").unsigned_integer(r.retention.days);
  time_member(out, "incident_end", r.retention.incident_end);
  out.end_object();
  out.member("policy_fingerprint", r.policy_fingerprint);
  out.member("status", model::to_string(r.status));
  out.member("reviewer_id", r.reviewer_id);
  out.key("clock");
  write_clock(out, r.clock);
  time_member(out, "created", r.created);
  time_member(out, "updated", r.updated);
  time_member(out, "decided", r.decided);
  time_member(out, "retention_due", r.retention_due);
  time_member(out, "destruction_confirmed", r.destruction_confirmed);
  out.key("automated").boolean(r.automated);
  array_member(out, "history", r.history, [&](const model::RequestEvent& e) { write_event(out, e); });
  array_member(out, "messages", r.messages, [&](const model::RequestMessage& m) { write_message(out, m); });
  array_member(out, "balancing_tests", r.balancing_tests,
               [&](const model::BalancingTest& t) { write_balancing_test(out, t); });
  out.key("version").unsigned_integer(r.version);
  out.end_object();
  return std::string(out.view());
}

Result<model::DisclosureRequest> decode(std::string_view document) {
  rapidjson::Document doc;
  // Iteratively: a document changed behind the store's back could nest deeply enough to exhaust a stack.
  doc.Parse<rapidjson::kParseIterativeFlag>(document.data(), document.size());
  if (doc.HasParseError()) {
    return fail(ErrorCode::internal, "a stored request is not JSON: " +
                                         std::string(rapidjson::GetParseError_En(doc.GetParseError())) +
                                         " (at byte " + std::to_string(doc.GetErrorOffset()) + ")");
  }
  const std::string named = request_named(doc);
  if (!doc.IsObject()) return fail(ErrorCode::internal, named + " is stored as JSON that is not an object");
  const auto version = doc.FindMember("v");
  if (version == doc.MemberEnd() || !version->value.IsInt64()) {
    return fail(ErrorCode::internal, named + " is stored without a format version");
  }
  if (version->value.GetInt64() != kFormatVersion) {
    return fail(ErrorCode::internal, named + " is stored in format version " +
                                         std::to_string(version->value.GetInt64()) + ", which this binary (" +
                                         std::to_string(kFormatVersion) + ") does not read");
  }
  std::optional<std::string> problem;
  const Members top(&doc, "", problem);
  model::DisclosureRequest request = read_request(top);
  if (problem) return fail(ErrorCode::internal, named + " is stored in a malformed document: " + *problem);
  return request;
}

}  // namespace ssad::store::request_document
