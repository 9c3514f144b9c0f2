// The completeness check of a disclosure request (issue 13 item 2): every member at fault named at once,
// with a pointer a client can show next to the input, and never the refused value.

#include "disclosure/submission.hpp"

#include <algorithm>
#include <string>

#include <gtest/gtest.h>

#include "policy/rules.hpp"

namespace ssad::disclosure {
namespace {

const Timestamp kNow = parse_rfc3339("2026-12-01T10:00:00Z").value();

std::string complete_body() {
  return R"json({
    "domain": "Example.COM",
    "purpose": "criminalInvestigationAndDNSAbuseMitigation",
    "lawful_basis": "6(1)(f)",
    "priority": "P3",
    "abuse_type": "phishing",
    "justification": "The domain hosts a phishing page imitating our bank's login; we need to reach its holder.",
    "fields": [{"key": "registrant.email", "why": "to contact the holder"},
               {"key": "tech.phone", "why": "to reach the technical contact"}],
    "evidence": [{"kind": "screenshot", "description": "the phishing page as seen on 1 December",
                  "sha256": "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824",
                  "attachment": {"media_type": "text/plain", "content": "aGVsbG8="}}],
    "terms": {"version": "1", "good_faith": true, "lawful_processing": true},
    "confidentiality": {"legal_reference": "Court order 12/2026", "until": "2027-06-30T00:00:00Z"},
    "retention": {"days": 30, "incident_end": "2026-12-20T00:00:00Z"}
  })json";
}

Result<Submission> read(std::string_view body, const SubmissionRules& rules = {}) {
  return read_submission(body, rules, policy::Rules::builtin(), kNow);
}

std::vector<std::string> pointers(const Error& error) {
  std::vector<std::string> out;
  for (const auto& problem : error.problems) out.push_back(problem.pointer);
  return out;
}

bool names(const Error& error, std::string_view pointer) {
  return std::ranges::any_of(error.problems, [&](const auto& p) { return p.pointer == pointer; });
}

TEST(Submission, CompleteRequestIsReadWithValuesInTheirOneSpelling) {
  auto read_back = read(complete_body());
  ASSERT_TRUE(read_back) << read_back.error().message;
  const Submission& s = *read_back;
  EXPECT_EQ(s.domain, "example.com");
  EXPECT_EQ(s.purpose, "criminalInvestigationAndDNSAbuseMitigation");
  EXPECT_EQ(s.lawful_basis, "6(1)(f)");
  EXPECT_EQ(s.priority, "P3");
  ASSERT_EQ(s.fields.size(), 2U);
  EXPECT_EQ(s.fields[0].key, "registrant.email");
  EXPECT_EQ(s.fields[0].why, "to contact the holder");
  ASSERT_EQ(s.evidence.size(), 1U);
  ASSERT_TRUE(s.evidence[0].attachment);
  EXPECT_EQ(s.evidence[0].attachment->bytes, "hello");
  EXPECT_EQ(s.evidence[0].evidence.attachment_size, 5U);
  EXPECT_EQ(s.evidence[0].evidence.attachment_sha256,
            "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824");
  ASSERT_TRUE(s.confidentiality);
  EXPECT_EQ(s.confidentiality->state, model::ConfidentialityState::requested);
  EXPECT_EQ(s.retention.days, 30U);
  ASSERT_TRUE(s.retention.incident_end);
}

TEST(Submission, EmptyObjectNamesEveryRequiredMember) {
  auto read_back = read("{}");
  ASSERT_FALSE(read_back);
  EXPECT_EQ(read_back.error().code, ErrorCode::invalid_input);
  for (const char* pointer : {"/domain", "/purpose", "/lawful_basis", "/priority", "/justification",
                              "/fields", "/terms", "/retention"}) {
    EXPECT_TRUE(names(read_back.error(), pointer)) << pointer;
  }
  EXPECT_EQ(read_back.error().problems.size(), 8U);
}

TEST(Submission, EveryFaultIsNamedInOneAnswer) {
  auto read_back = read(R"json({
    "domain": "not a name", "purpose": "curiosity", "lawful_basis": "6(2)", "priority": "P1",
    "justification": "short",
    "fields": [{"key": "registrant.shoe_size", "why": "x"}, {"key": "registrant.email"},
               {"key": "registrant.email", "why": "again and again"}],
    "evidence": [{"kind": "rumour", "description": "d", "sha256": "ABC"}],
    "terms": {"version": "0", "good_faith": false},
    "retention": {"days": 0},
    "colour": "blue"
  })json");
  ASSERT_FALSE(read_back);
  const Error& e = read_back.error();
  for (const char* pointer :
       {"/domain", "/purpose", "/lawful_basis", "/urgent", "/justification", "/fields/0/key", "/fields/0/why",
        "/fields/1/why", "/fields/2/key", "/evidence/0/kind", "/evidence/0/description", "/evidence/0/sha256",
        "/terms/version", "/terms/good_faith", "/terms/lawful_processing", "/retention/days", "/colour"}) {
    EXPECT_TRUE(names(e, pointer)) << pointer << " missing from " << ::testing::PrintToString(pointers(e));
  }
  // A person can act on each: the detail says what is expected, and never repeats what was sent.
  for (const auto& problem : e.problems) {
    EXPECT_FALSE(problem.detail.empty());
    EXPECT_EQ(problem.detail.find("shoe_size"), std::string::npos);
    EXPECT_EQ(problem.detail.find("curiosity"), std::string::npos);
    EXPECT_EQ(problem.detail.find("rumour"), std::string::npos);
  }
}

TEST(Submission, UrgentRequestsNeedACriterionAndAStatement) {
  std::string body = complete_body();
  body.replace(body.find("\"P3\""), 4, "\"P1\"");
  auto without = read(body);
  ASSERT_FALSE(without);
  EXPECT_EQ(pointers(without.error()), std::vector<std::string>{"/urgent"});

  std::string with = body;
  with.insert(
      with.find("\"abuse_type\""),
      R"json("urgent": {"criterion": "critical_infrastructure", "statement": "The botnet is attacking a hospital's systems now."}, )json");
  auto urgent = read(with);
  ASSERT_TRUE(urgent) << urgent.error().message;
  EXPECT_EQ(urgent->urgent_criterion, model::UrgentCriterion::critical_infrastructure);

  std::string bad = body;
  bad.insert(bad.find("\"abuse_type\""),
             R"json("urgent": {"criterion": "it is important", "statement": "short"}, )json");
  auto refused = read(bad);
  ASSERT_FALSE(refused);
  EXPECT_TRUE(names(refused.error(), "/urgent/criterion"));
  EXPECT_TRUE(names(refused.error(), "/urgent/statement"));

  std::string p3_urgent = complete_body();
  p3_urgent.insert(
      p3_urgent.find("\"abuse_type\""),
      R"json("urgent": {"criterion": "threat_to_life", "statement": "Someone threatens to hurt a person."}, )json");
  auto not_p1 = read(p3_urgent);
  ASSERT_FALSE(not_p1);
  EXPECT_EQ(pointers(not_p1.error()), std::vector<std::string>{"/urgent"});
}

TEST(Submission, AttachmentsAreLimitedInSizeAndType) {
  SubmissionRules rules;
  rules.attachment_max_bytes = 4;
  auto too_large = read(complete_body(), rules);
  ASSERT_FALSE(too_large);
  EXPECT_EQ(pointers(too_large.error()), std::vector<std::string>{"/evidence/0/attachment/content"});

  std::string html = complete_body();
  html.replace(html.find("text/plain"), 10, "text/html");
  auto wrong_type = read(html);
  ASSERT_FALSE(wrong_type);
  EXPECT_EQ(pointers(wrong_type.error()), std::vector<std::string>{"/evidence/0/attachment/media_type"});

  std::string not_base64 = complete_body();
  not_base64.replace(not_base64.find("aGVsbG8="), 8, "h e l l o");
  auto garbled = read(not_base64);
  ASSERT_FALSE(garbled);
  EXPECT_EQ(pointers(garbled.error()), std::vector<std::string>{"/evidence/0/attachment/content"});
}

TEST(Submission, ConfidentialityMustEndInTheFutureAndNotTooFar) {
  std::string past = complete_body();
  past.replace(past.find("2027-06-30"), 10, "2026-11-30");
  auto ended = read(past);
  ASSERT_FALSE(ended);
  EXPECT_EQ(pointers(ended.error()), std::vector<std::string>{"/confidentiality/until"});

  std::string far = complete_body();
  far.replace(far.find("2027-06-30"), 10, "2031-06-30");
  auto too_far = read(far);
  ASSERT_FALSE(too_far);
  EXPECT_EQ(pointers(too_far.error()), std::vector<std::string>{"/confidentiality/until"});
}

TEST(Submission, TheTermsInForceMustBeAccepted) {
  SubmissionRules rules;
  rules.terms_version = "2026-12";
  auto old_terms = read(complete_body(), rules);
  ASSERT_FALSE(old_terms);
  EXPECT_EQ(pointers(old_terms.error()), std::vector<std::string>{"/terms/version"});
  EXPECT_NE(old_terms.error().problems[0].detail.find("2026-12"), std::string::npos);
}

TEST(Submission, BodiesThatAreNotObjectsAreRefusedWhole) {
  for (const char* body : {"", "[]", "\"x\"", "{", "{\"domain\": }", "nul"}) {
    auto read_back = read(body);
    ASSERT_FALSE(read_back) << body;
    EXPECT_EQ(read_back.error().code, ErrorCode::invalid_input);
    EXPECT_EQ(pointers(read_back.error()), std::vector<std::string>{""}) << body;
  }
}

TEST(Submission, ControlCharactersInTextAreRefusedButParagraphsAreNot) {
  std::string paragraphs = complete_body();
  paragraphs.replace(paragraphs.find("The domain hosts"), 16, "First paragraph.\\n\\nThe domain hosts");
  EXPECT_TRUE(read(paragraphs));
  std::string control = complete_body();
  control.replace(control.find("to contact the holder"), 21, "to contact\\u0007 holder");
  auto refused = read(control);
  ASSERT_FALSE(refused);
  EXPECT_EQ(pointers(refused.error()), std::vector<std::string>{"/fields/0/why"});
}

}  // namespace
}  // namespace ssad::disclosure
