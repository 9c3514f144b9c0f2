// The policy file (docs/policy.md): what it accepts, and errors a person can act on — every problem at
// once, each with its file and line.

#include "policy/rules.hpp"

#include <fstream>
#include <sstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace ssad::policy {
namespace {

using ::testing::HasSubstr;

std::string problems_of(std::string_view text) {
  auto parsed = Rules::parse(text, "p.toml");
  EXPECT_FALSE(parsed.has_value()) << "accepted:\n" << text;
  if (parsed) return {};
  EXPECT_EQ(parsed.error().code, ErrorCode::invalid_input);
  return parsed.error().message;
}

TEST(RulesTest, TheDefaultPolicyParsesWithTheSixDefaultGroups) {
  const Rules& rules = Rules::builtin();
  for (const char* id :
       {"network_operator", "security_provider", "investigator", "cert", "law_enforcement", "researcher"}) {
    EXPECT_NE(rules.group(id), nullptr) << id;
  }
  EXPECT_EQ(rules.groups().size(), 6U);
  ASSERT_NE(rules.rule("seed-000-network-attack"), nullptr);
  EXPECT_EQ(rules.rule("seed-000-network-attack")->retention, (Retention{30, true}));
  EXPECT_EQ(rules.fingerprint().size(), 64U);
  EXPECT_FALSE(rules.switches().publish_legal_person_contacts);
}

TEST(RulesTest, AMinimalPolicyIsVersionOneAlone) {
  auto parsed = Rules::parse("version = 1\n", "p.toml");
  ASSERT_TRUE(parsed.has_value()) << parsed.error().message;
  EXPECT_TRUE(parsed->rules().empty());
  EXPECT_TRUE(parsed->knows_purpose("technicalIssueResolution"));
  EXPECT_FALSE(parsed->knows_purpose("madeUpPurpose"));
}

TEST(RulesTest, ASyntaxErrorNamesItsLine) {
  EXPECT_THAT(problems_of("version = 1\n\n[[rule]\nid = 'x'\n"), HasSubstr("p.toml:3:"));
}

TEST(RulesTest, EveryProblemIsReportedWithItsLine) {
  const std::string text =
      "version = 1\n"                    // 1
      "[[rule]]\n"                       // 2
      "id = 'a'\n"                       // 3
      "fields = ['registrant.emial']\n"  // 4
      "outcome = 'disclose'\n"           // 5
      "[[rule]]\n"                       // 6
      "id = 'b'\n"                       // 7
      "purposes = ['makeMoney']\n"       // 8
      "groups = ['astronauts']\n"        // 9
      "lawful_bases = ['6(1)(g)']\n"     // 10
      "fields = ['*']\n"                 // 11
      "outcome = 'refuse'\n"             // 12
      "reason = 'because'\n"             // 13
      "[[rule]]\n"                       // 14
      "id = 'a'\n"                       // 15
      "fields = ['tech.*']\n"            // 16
      "outcome = 'maybe'\n"              // 17
      "colour = 'blue'\n";               // 18
  const std::string problems = problems_of(text);
  EXPECT_THAT(problems, HasSubstr("p.toml:4: rule 'a': 'registrant.emial' names no catalogue field"));
  EXPECT_THAT(problems, HasSubstr("p.toml:8: rule 'b': unknown purpose 'makeMoney'"));
  EXPECT_THAT(problems, HasSubstr("p.toml:9: rule 'b': unknown group 'astronauts'"));
  EXPECT_THAT(problems, HasSubstr("p.toml:10: rule 'b': '6(1)(g)' is not a lawful basis"));
  EXPECT_THAT(problems, HasSubstr("p.toml:13: rule 'b': a refusing rule needs a reason"));
  EXPECT_THAT(problems, HasSubstr("p.toml:14: rule 'a' is defined already"));
  EXPECT_THAT(problems,
              HasSubstr("p.toml:17: rule 'a': outcome 'maybe' is not one of disclose, review, refuse"));
  EXPECT_THAT(problems, HasSubstr("p.toml:18: rule 'a': unknown key 'colour'"));
}

TEST(RulesTest, VersionIsRequired) {
  EXPECT_THAT(problems_of("[settings]\n"), HasSubstr("version = 1 is required"));
  EXPECT_THAT(problems_of("version = 2\n"), HasSubstr("p.toml:1: version = 1 is required"));
}

TEST(RulesTest, AReviewOrRefusalHasNoRetentionAndOnlyARefusalHasAReason) {
  EXPECT_THAT(
      problems_of("version = 1\n[[rule]]\nid = 'r'\nfields = ['*']\noutcome = 'review'\nretention = '30d'\n"),
      HasSubstr("p.toml:6: rule 'r': only a disclosing rule has a retention"));
  EXPECT_THAT(
      problems_of(
          "version = 1\n[[rule]]\nid = 'r'\nfields = ['*']\noutcome = 'disclose'\nreason = 'no_policy'\n"),
      HasSubstr("p.toml:6: rule 'r': only a refusing rule has a reason"));
  EXPECT_THAT(
      problems_of(
          "version = 1\n[[rule]]\nid = 'r'\nfields = ['*']\noutcome = 'disclose'\nretention = 'forever'\n"),
      HasSubstr("retention 'forever' is not 'Nd' or 'incident+Nd'"));
  // The engine's own reasons are not a rule's to give.
  EXPECT_THAT(
      problems_of(
          "version = 1\n[[rule]]\nid = 'r'\nfields = ['*']\noutcome = 'refuse'\nreason = 'not_requested'\n"),
      HasSubstr("a refusing rule needs a reason"));
}

TEST(RulesTest, FieldPatternsCoverKeysRolesElementsAndEverything) {
  auto parsed = Rules::parse(
      "version = 1\n"
      "[[rule]]\nid = 'keys'\nfields = ['registrant.email']\noutcome = 'disclose'\n"
      "[[rule]]\nid = 'role'\nfields = ['tech.*']\noutcome = 'disclose'\n"
      "[[rule]]\nid = 'element'\nfields = ['*.email']\noutcome = 'disclose'\n"
      "[[rule]]\nid = 'all'\nfields = ['*']\noutcome = 'disclose'\n",
      "p.toml");
  ASSERT_TRUE(parsed.has_value()) << parsed.error().message;
  EXPECT_EQ(parsed->rule("keys")->fields.size(), 1U);
  EXPECT_EQ(parsed->rule("role")->fields.size(), catalog::fields_of_role(catalog::Role::tech).size());
  EXPECT_EQ(parsed->rule("element")->fields.size(), 4U);  // registrant, admin, tech, billing: not the agent
  EXPECT_FALSE(parsed->rule("element")->fields.contains("agent.email"));
  EXPECT_FALSE(parsed->rule("all")->fields.contains("agent.email"));
  EXPECT_TRUE(parsed->rule("element")->fields.contains("billing.email"));
  EXPECT_FALSE(parsed->rule("element")->fields.contains("registrar.abuse_email"));
  EXPECT_EQ(parsed->rule("all")->fields.size(),
            catalog::all_fields().size() - catalog::fields_of_role(catalog::Role::agent).size());
}

TEST(RulesTest, GroupsAndOwnPurposesAreChecked) {
  EXPECT_THAT(problems_of("version = 1\n[[purpose]]\nid = 'has space'\n"),
              HasSubstr("p.toml:2: [[purpose]] 'has space': a purpose is 1 to 64 letters or '_'"));
  EXPECT_THAT(problems_of("version = 1\n[[purpose]]\nid = 'legalActions'\n"),
              HasSubstr("is defined already"));
  EXPECT_THAT(problems_of("version = 1\n[[group]]\nid = 'g'\npurposes = ['nope']\n"),
              HasSubstr("p.toml:4: [[group]] 'g': unknown purpose 'nope'"));
  EXPECT_THAT(problems_of("version = 1\n[[group]]\nid = 'g'\n[[group]]\nid = 'g'\n"),
              HasSubstr("p.toml:4: [[group]] 'g' is defined already"));
  auto own = Rules::parse(
      "version = 1\n[[purpose]]\nid = 'udrpProceeding'\n[[group]]\nid = 'ip'\npurposes = "
      "['udrpProceeding']\nlawful_bases = ['6(1)(f)']\n",
      "p.toml");
  ASSERT_TRUE(own.has_value()) << own.error().message;
  EXPECT_TRUE(own->knows_purpose("udrpProceeding"));
  EXPECT_EQ(own->group("ip")->lawful_bases, std::vector<LawfulBasis>{LawfulBasis::f});
}

// docs/policy.md documents the default policy rule by rule, and the whole taxonomy.
TEST(RulesTest, ThePolicyDocumentNamesEveryDefaultRuleGroupAndReason) {
  std::ifstream in(std::string(SSAD_TEST_DATA_DIR) + "/../../docs/policy.md");
  std::stringstream text;
  text << in.rdbuf();
  const std::string doc = text.str();
  ASSERT_FALSE(doc.empty());
  for (const Rule& rule : Rules::builtin().rules())
    EXPECT_THAT(doc, HasSubstr("`" + rule.id + "`")) << rule.id;
  for (const Group& group : Rules::builtin().groups())
    EXPECT_THAT(doc, HasSubstr("`" + group.id + "`")) << group.id;
  for (const Reason reason :
       {Reason::personal_data, Reason::no_policy, Reason::pending_review, Reason::not_requested,
        Reason::not_necessary, Reason::purpose_not_permitted, Reason::basis_not_permitted,
        Reason::not_accredited, Reason::subject_rights_override, Reason::legal_restriction,
        Reason::operator_policy}) {
    EXPECT_THAT(doc, HasSubstr("| `" + std::string(to_string(reason)) + "` |")) << to_string(reason);
    EXPECT_THAT(doc, HasSubstr(std::string(describe(reason)))) << to_string(reason);
  }
}

TEST(RulesTest, TheFingerprintFollowsTheText) {
  auto a = Rules::parse("version = 1\n", "p.toml");
  auto b = Rules::parse("version = 1\n# a comment\n", "p.toml");
  ASSERT_TRUE(a && b);
  EXPECT_NE(a->fingerprint(), b->fingerprint());
}

}  // namespace
}  // namespace ssad::policy
