#include "model/requestor.hpp"

#include <gtest/gtest.h>

namespace ssad::model {
namespace {

TEST(RequestorModelTest, EveryKindRoleAndStatusReadsBackFromItsName) {
  for (const auto kind : {OrganisationKind::requestor, OrganisationKind::operator_staff}) {
    EXPECT_EQ(parse_organisation_kind(to_string(kind)).value(), kind);
  }
  EXPECT_EQ(to_string(OrganisationKind::operator_staff), "operator");
  for (const auto role : {kRoleRequestor, kRoleReviewer, kRoleAdministrator, kRoleAuditor}) {
    EXPECT_EQ(parse_user_role(to_string(role)).value(), role);
  }
  for (const auto status : {AccreditationStatus::active, AccreditationStatus::suspended,
                            AccreditationStatus::revoked, AccreditationStatus::expired}) {
    EXPECT_EQ(parse_accreditation_status(to_string(status)).value(), status);
  }
}

TEST(RequestorModelTest, AnUnknownNameIsRefusedWithTheAcceptedOnes) {
  const auto kind = parse_organisation_kind("registrar");
  ASSERT_FALSE(kind.has_value());
  EXPECT_EQ(kind.error().code, ErrorCode::invalid_input);
  EXPECT_NE(kind.error().message.find("requestor or operator"), std::string::npos);

  const auto role = parse_user_role("Reviewer");
  ASSERT_FALSE(role.has_value());
  EXPECT_EQ(role.error().code, ErrorCode::invalid_input);
  EXPECT_NE(role.error().message.find("requestor, reviewer, administrator or auditor"), std::string::npos);

  const auto status = parse_accreditation_status("");
  ASSERT_FALSE(status.has_value());
  EXPECT_EQ(status.error().code, ErrorCode::invalid_input);
  EXPECT_NE(status.error().message.find("active, suspended, revoked or expired"), std::string::npos);
}

TEST(RequestorModelTest, ABitSetOfSeveralRolesHasNoSingleName) {
  EXPECT_EQ(to_string(static_cast<UserRole>(kRoleReviewer | kRoleAuditor)), "");
}

}  // namespace
}  // namespace ssad::model
