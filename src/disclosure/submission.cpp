#include "disclosure/submission.hpp"

#include <algorithm>
#include <array>
#include <chrono>
#include <set>

#include <rapidjson/document.h>
#include <rapidjson/error/en.h>

#include "catalog/catalog.hpp"
#include "core/domain_name.hpp"
#include "core/text_check.hpp"
#include "core/utf8.hpp"
#include "policy/vocabulary.hpp"
#include "tlog/hash.hpp"

namespace ssad::disclosure {
namespace {

using Json = rapidjson::Value;

constexpr auto kEvidenceKinds =
    std::to_array<std::string_view>({"log_excerpt", "packet_capture", "screenshot", "report", "court_order",
                                     "legal_request", "correspondence", "other"});

// Lengths a person can meet, in characters: enough to say something a reviewer can weigh, not so much that
// one request costs a reviewer an afternoon.
constexpr std::size_t kMinJustification = 20;
constexpr std::size_t kMaxLongText = 8000;
constexpr std::size_t kMinWhy = 5;
constexpr std::size_t kMaxShortText = 1000;
constexpr std::size_t kMinUrgentStatement = 20;

// Collects the problems of one submission, each at its pointer.
class Problems {
 public:
  void add(std::string pointer, std::string detail) {
    list_.push_back({std::move(pointer), std::move(detail)});
  }
  [[nodiscard]] bool empty() const { return list_.empty(); }
  [[nodiscard]] std::size_t size() const { return list_.size(); }
  [[nodiscard]] Error error() && {
    const std::size_t n = list_.size();
    Error error{ErrorCode::invalid_input, "The request is incomplete or malformed: " + std::to_string(n) +
                                              (n == 1 ? " member needs" : " members need") +
                                              " attention (see errors)."};
    error.problems = std::move(list_);
    return error;
  }

 private:
  std::vector<MemberProblem> list_;
};

std::string_view view(const Json& value) { return {value.GetString(), value.GetStringLength()}; }

const Json* find(const Json& object, std::string_view name) {
  const auto found = object.FindMember(Json(rapidjson::StringRef(name.data(), name.size())));
  return found == object.MemberEnd() ? nullptr : &found->value;
}

// Refuses the members of `object` not in `known`, each at its own pointer.
void refuse_unknown(const Json& object, std::string_view pointer, std::span<const std::string_view> known,
                    Problems& problems) {
  for (const auto& member : object.GetObject()) {
    const std::string_view name = view(member.name);
    if (std::ranges::find(known, name) != known.end()) continue;
    std::string list;
    for (const std::string_view k : known) list += (list.empty() ? "" : ", ") + std::string(k);
    // The member's name is the client's own text: named only when it is plain (a typo to fix).
    const bool plain =
        name.size() <= 64 && std::ranges::all_of(name, [](char c) {
          return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
        });
    problems.add(std::string(pointer) + "/" + (plain ? std::string(name) : std::string("~unknown")),
                 "Unknown member; the members are: " + list + ".");
  }
}

std::size_t characters(std::string_view text) {
  std::size_t count = 0;
  for (const char c : text) count += (static_cast<unsigned char>(c) & 0xC0U) != 0x80U ? 1 : 0;
  return count;
}

// A text member: its value when it is present, a string, clean text (one line unless `multiline`) and of
// a length in [min, max] characters; else a problem and nullopt. `required` members must be present.
std::optional<std::string> text(const Json& object, std::string_view pointer, std::string_view name,
                                bool required, std::size_t min, std::size_t max, Problems& problems,
                                bool multiline = false) {
  const std::string at = std::string(pointer) + "/" + std::string(name);
  const Json* value = find(object, name);
  if (value == nullptr || value->IsNull()) {
    if (required) problems.add(at, "Required.");
    return std::nullopt;
  }
  if (!value->IsString()) {
    problems.add(at, "Must be a string.");
    return std::nullopt;
  }
  std::string text(view(*value));
  // Paragraphs are allowed in long texts: their line breaks are checked apart from the text between.
  std::string checked = text;
  if (multiline) std::ranges::replace_if(checked, [](char c) { return c == '\n' || c == '\t'; }, ' ');
  if (auto ok = check_text_value(checked); !ok) {
    problems.add(at, ok.error().message + ".");
    return std::nullopt;
  }
  const std::size_t n = characters(text);
  if (required && n == 0) {
    problems.add(at, "Required: must not be empty.");
    return std::nullopt;
  }
  if (n < min) {
    problems.add(at, "Too short: at least " + std::to_string(min) + " characters.");
    return std::nullopt;
  }
  if (n > max) {
    problems.add(at, "Too long: at most " + std::to_string(max) + " characters.");
    return std::nullopt;
  }
  return text;
}

// An instant member written in RFC 3339.
std::optional<Timestamp> instant(const Json& object, std::string_view pointer, std::string_view name,
                                 bool required, Problems& problems) {
  auto written = text(object, pointer, name, required, 0, 64, problems);
  if (!written) return std::nullopt;
  auto parsed = parse_rfc3339(*written);
  if (!parsed) {
    problems.add(std::string(pointer) + "/" + std::string(name),
                 "Must be a date and time in RFC 3339 form, e.g. 2027-01-31T00:00:00Z.");
    return std::nullopt;
  }
  return *parsed;
}

const Json* object_member(const Json& object, std::string_view pointer, std::string_view name, bool required,
                          Problems& problems) {
  const Json* value = find(object, name);
  if (value == nullptr || value->IsNull()) {
    if (required) problems.add(std::string(pointer) + "/" + std::string(name), "Required.");
    return nullptr;
  }
  if (!value->IsObject()) {
    problems.add(std::string(pointer) + "/" + std::string(name), "Must be an object.");
    return nullptr;
  }
  return value;
}

bool is_known_purpose(std::string_view purpose, const policy::Rules& policy) {
  const auto standard = policy::rfc9560_purposes();
  if (std::ranges::find(standard, purpose) != standard.end()) return true;
  return std::ranges::any_of(policy.own_purposes(), [&](const auto& own) { return own.id == purpose; });
}

bool is_hex_sha256(std::string_view text) {
  return text.size() == 64 &&
         std::ranges::all_of(text, [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

void read_fields(const Json& body, Submission& out, Problems& problems) {
  const Json* fields = find(body, "fields");
  if (fields == nullptr || fields->IsNull()) {
    problems.add("/fields", "Required: list each field you need, with why you need it.");
    return;
  }
  if (!fields->IsArray()) {
    problems.add("/fields", "Must be an array of {\"key\", \"why\"} objects.");
    return;
  }
  if (fields->Empty()) {
    problems.add("/fields", "Name at least one field.");
    return;
  }
  const std::size_t limit = catalog::all_fields().size();
  if (fields->Size() > limit) {
    problems.add("/fields", "At most " + std::to_string(limit) + " fields.");
    return;
  }
  std::set<std::string, std::less<>> seen;
  constexpr auto kMembers = std::to_array<std::string_view>({"key", "why"});
  for (rapidjson::SizeType i = 0; i < fields->Size(); ++i) {
    const std::string at = "/fields/" + std::to_string(i);
    const Json& item = (*fields)[i];
    if (!item.IsObject()) {
      problems.add(at, "Must be an object with \"key\" and \"why\".");
      continue;
    }
    refuse_unknown(item, at, kMembers, problems);
    auto key = text(item, at, "key", true, 1, 64, problems);
    auto why = text(item, at, "why", true, kMinWhy, kMaxShortText, problems, true);
    if (key) {
      if (catalog::find_field(*key) == nullptr) {
        problems.add(at + "/key",
                     "Not a field of the catalogue (docs/policy.md lists them, e.g. registrant.email).");
        key.reset();
      } else if (!seen.insert(*key).second) {
        problems.add(at + "/key", "Named twice: ask for each field once.");
        key.reset();
      }
    }
    if (key && why) {
      model::RequestedField field;
      field.key = std::move(*key);
      field.why = std::move(*why);
      out.fields.push_back(std::move(field));
    }
  }
}

void read_evidence(const Json& body, const SubmissionRules& rules, Submission& out, Problems& problems) {
  const Json* evidence = find(body, "evidence");
  if (evidence == nullptr || evidence->IsNull()) return;
  if (!evidence->IsArray()) {
    problems.add("/evidence", "Must be an array of evidence items.");
    return;
  }
  if (evidence->Size() > rules.max_evidence) {
    problems.add("/evidence", "At most " + std::to_string(rules.max_evidence) + " items.");
    return;
  }
  constexpr auto kMembers = std::to_array<std::string_view>({"kind", "description", "sha256", "attachment"});
  constexpr auto kAttachmentMembers = std::to_array<std::string_view>({"media_type", "content"});
  for (rapidjson::SizeType i = 0; i < evidence->Size(); ++i) {
    const std::string at = "/evidence/" + std::to_string(i);
    const Json& item = (*evidence)[i];
    if (!item.IsObject()) {
      problems.add(at, "Must be an object.");
      continue;
    }
    refuse_unknown(item, at, kMembers, problems);
    const std::size_t before = problems.size();
    EvidenceItem read;
    if (auto kind = text(item, at, "kind", true, 1, 64, problems)) {
      if (std::ranges::find(kEvidenceKinds, *kind) == kEvidenceKinds.end()) {
        std::string list;
        for (const std::string_view k : kEvidenceKinds) list += (list.empty() ? "" : ", ") + std::string(k);
        problems.add(at + "/kind", "Unknown kind; the kinds are: " + list + ".");
      } else {
        read.evidence.kind = std::move(*kind);
      }
    }
    if (auto description = text(item, at, "description", true, 5, kMaxShortText, problems, true)) {
      read.evidence.description = std::move(*description);
    }
    if (auto sha = text(item, at, "sha256", true, 64, 64, problems)) {
      if (!is_hex_sha256(*sha)) {
        problems.add(at + "/sha256", "Must be the SHA-256 of the evidence as 64 lower-case hex digits.");
      } else {
        read.evidence.sha256 = std::move(*sha);
      }
    }
    if (const Json* attachment = object_member(item, at, "attachment", false, problems)) {
      const std::string at_attachment = at + "/attachment";
      refuse_unknown(*attachment, at_attachment, kAttachmentMembers, problems);
      auto type = text(*attachment, at_attachment, "media_type", true, 1, 127, problems);
      if (type && std::ranges::find(rules.attachment_types, *type) == rules.attachment_types.end()) {
        std::string list;
        for (const std::string& t : rules.attachment_types) list += (list.empty() ? "" : ", ") + t;
        problems.add(at_attachment + "/media_type", "Not an accepted type; accepted: " + list + ".");
        type.reset();
      }
      const std::size_t max_base64 = (rules.attachment_max_bytes + 2) / 3 * 4;
      auto content = text(*attachment, at_attachment, "content", true, 1, max_base64 + 1, problems);
      if (content) {
        auto bytes = tlog::unbase64(*content);
        if (!bytes) {
          problems.add(at_attachment + "/content", "Must be standard base64 with padding (RFC 4648 §4).");
        } else if (bytes->size() > rules.attachment_max_bytes) {
          problems.add(at_attachment + "/content",
                       "Too large: at most " + std::to_string(rules.attachment_max_bytes) + " bytes.");
        } else if (type) {
          read.evidence.media_type = *type;
          read.evidence.attachment_size = bytes->size();
          read.evidence.attachment_sha256 = tlog::hex(tlog::sha256(*bytes));
          read.attachment = model::Attachment{std::move(*type), std::move(*bytes)};
        }
      }
    }
    if (problems.size() == before) out.evidence.push_back(std::move(read));
  }
}

}  // namespace

std::span<const std::string_view> evidence_kinds() { return kEvidenceKinds; }

Result<Submission> read_submission(std::string_view body, const SubmissionRules& rules,
                                   const policy::Rules& policy, Timestamp now) {
  rapidjson::Document document;
  // Iteratively: the default parser recurses once per nesting level (http/json_body.cpp says why).
  document.Parse<rapidjson::kParseValidateEncodingFlag | rapidjson::kParseIterativeFlag>(body.data(),
                                                                                         body.size());
  Problems problems;
  if (document.HasParseError()) {
    problems.add("", std::string("The body is not JSON: ") +
                         rapidjson::GetParseError_En(document.GetParseError()) + " (at byte " +
                         std::to_string(document.GetErrorOffset()) + ").");
    return std::unexpected(std::move(problems).error());
  }
  if (!document.IsObject()) {
    problems.add("", "The body must be a JSON object.");
    return std::unexpected(std::move(problems).error());
  }
  constexpr auto kMembers = std::to_array<std::string_view>(
      {"domain", "purpose", "lawful_basis", "priority", "urgent", "abuse_type", "justification", "fields",
       "evidence", "terms", "confidentiality", "retention", "accreditation"});
  refuse_unknown(document, "", kMembers, problems);

  Submission out;
  if (auto domain = text(document, "", "domain", true, 1, std::size_t{253} * 4, problems)) {
    auto name = normalize_domain_name(*domain);
    if (!name) {
      // The normaliser's message repeats the name: this one says what is expected instead.
      problems.add("/domain",
                   "Not a domain name: give the registered name in A-labels or U-labels, e.g. "
                   "example.com.");
    } else {
      out.domain = name->ldh;
    }
  }
  if (auto purpose = text(document, "", "purpose", true, 1, 64, problems)) {
    if (!is_known_purpose(*purpose, policy)) {
      problems.add("/purpose",
                   "Not a purpose this operator knows: an RFC 9560 purpose (e.g. "
                   "criminalInvestigationAndDNSAbuseMitigation, technicalIssueResolution) or one of the "
                   "operator's own.");
    } else {
      out.purpose = std::move(*purpose);
    }
  }
  if (auto basis = text(document, "", "lawful_basis", true, 1, 16, problems)) {
    if (!policy::parse_lawful_basis(*basis)) {
      problems.add("/lawful_basis", "Must be a GDPR Art. 6(1) basis: 6(1)(a) … 6(1)(f).");
    } else {
      out.lawful_basis = std::move(*basis);
    }
  }
  const Json* urgent = object_member(document, "", "urgent", false, problems);
  if (auto priority = text(document, "", "priority", true, 1, 4, problems)) {
    const auto parsed = policy::parse_priority(*priority);
    if (!parsed || *parsed == policy::Priority::none) {
      problems.add("/priority",
                   "Must be P1 (urgent: threat to life, serious bodily injury, critical "
                   "infrastructure, child exploitation), P2 (ICANN administrative proceeding) "
                   "or P3 (everything else).");
    } else {
      out.priority = std::move(*priority);
      if (*parsed == policy::Priority::p1 && urgent == nullptr && find(document, "urgent") == nullptr) {
        problems.add("/urgent", "Required for P1: the urgent criterion that holds and a statement of why.");
      }
      if (*parsed != policy::Priority::p1 && urgent != nullptr) {
        problems.add("/urgent", "Only a P1 request is urgent: leave this out, or ask for P1.");
      }
    }
  }
  if (urgent != nullptr) {
    constexpr auto kUrgentMembers = std::to_array<std::string_view>({"criterion", "statement"});
    refuse_unknown(*urgent, "/urgent", kUrgentMembers, problems);
    if (auto criterion = text(*urgent, "/urgent", "criterion", true, 1, 64, problems)) {
      auto parsed = model::parse_urgent_criterion(*criterion);
      if (!parsed) {
        problems.add("/urgent/criterion",
                     "Must be threat_to_life, serious_bodily_injury, "
                     "critical_infrastructure or child_exploitation.");
      } else {
        out.urgent_criterion = *parsed;
      }
    }
    if (auto statement =
            text(*urgent, "/urgent", "statement", true, kMinUrgentStatement, kMaxLongText, problems, true)) {
      out.urgent_statement = std::move(*statement);
    }
  }
  if (auto abuse = text(document, "", "abuse_type", false, 0, 64, problems)) {
    if (!abuse->empty() && !policy::is_abuse_type(*abuse)) {
      std::string list;
      for (const std::string_view t : policy::abuse_types())
        list += (list.empty() ? "" : ", ") + std::string(t);
      problems.add("/abuse_type", "Unknown abuse type; the types are: " + list + ".");
    } else {
      out.abuse_type = std::move(*abuse);
    }
  }
  if (auto justification =
          text(document, "", "justification", true, kMinJustification, kMaxLongText, problems, true)) {
    out.justification = std::move(*justification);
  }
  read_fields(document, out, problems);
  read_evidence(document, rules, out, problems);

  if (const Json* terms = object_member(document, "", "terms", true, problems)) {
    constexpr auto kTermsMembers =
        std::to_array<std::string_view>({"version", "good_faith", "lawful_processing"});
    refuse_unknown(*terms, "/terms", kTermsMembers, problems);
    if (auto version = text(*terms, "/terms", "version", true, 1, 64, problems)) {
      if (*version != rules.terms_version) {
        problems.add("/terms/version",
                     "Accept the terms of use in force, version " + rules.terms_version + ".");
      } else {
        out.terms_version = std::move(*version);
      }
    }
    // SSAD Rec 3 d) and f): the request is made in good faith; what is received will be processed lawfully.
    for (const std::string_view affirmation : {"good_faith", "lawful_processing"}) {
      const Json* value = find(*terms, affirmation);
      if (value == nullptr || !value->IsBool() || !value->GetBool()) {
        problems.add("/terms/" + std::string(affirmation),
                     affirmation == "good_faith"
                         ? "Required: true, affirming the request is made in good faith."
                         : "Required: true, agreeing to process what you receive lawfully.");
      }
    }
  }
  if (const Json* hold = object_member(document, "", "confidentiality", false, problems)) {
    constexpr auto kHoldMembers = std::to_array<std::string_view>({"legal_reference", "until"});
    refuse_unknown(*hold, "/confidentiality", kHoldMembers, problems);
    model::Confidentiality confidentiality;
    confidentiality.state = model::ConfidentialityState::requested;
    auto reference = text(*hold, "/confidentiality", "legal_reference", true, 5, kMaxShortText, problems);
    auto until = instant(*hold, "/confidentiality", "until", true, problems);
    if (until && *until <= now) {
      problems.add("/confidentiality/until", "Must be in the future.");
      until.reset();
    } else if (until && *until > now + std::chrono::days(rules.max_confidentiality_days)) {
      problems.add("/confidentiality/until", "At most " + std::to_string(rules.max_confidentiality_days) +
                                                 " days ahead; ask again before it ends.");
      until.reset();
    }
    if (reference && until) {
      confidentiality.legal_reference = std::move(*reference);
      confidentiality.until = *until;
      out.confidentiality = std::move(confidentiality);
    }
  }
  if (const Json* retention = object_member(document, "", "retention", true, problems)) {
    constexpr auto kRetentionMembers = std::to_array<std::string_view>({"days", "incident_end"});
    refuse_unknown(*retention, "/retention", kRetentionMembers, problems);
    const Json* days = find(*retention, "days");
    if (days == nullptr || !days->IsUint() || days->GetUint() == 0 ||
        days->GetUint() > rules.max_retention_days) {
      problems.add("/retention/days", "Required: how many days you will keep what you receive, 1 to " +
                                          std::to_string(rules.max_retention_days) + ".");
    } else {
      out.retention.days = days->GetUint();
    }
    if (auto end = instant(*retention, "/retention", "incident_end", false, problems)) {
      if (*end > now + std::chrono::days(rules.max_retention_days)) {
        problems.add("/retention/incident_end",
                     "Too far ahead: at most " + std::to_string(rules.max_retention_days) + " days.");
      } else {
        out.retention.incident_end = *end;
      }
    }
  }
  if (auto accreditation = text(document, "", "accreditation", false, 0, 64, problems)) {
    out.accreditation_id = std::move(*accreditation);
  }
  if (!problems.empty()) return std::unexpected(std::move(problems).error());
  return out;
}

}  // namespace ssad::disclosure
