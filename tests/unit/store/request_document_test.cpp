// The one document a disclosure request is stored as (store/request_document.hpp): what it writes reads
// back exactly, and what it did not write (another format version, a broken document) is refused, naming
// the request.

#include "store/request_document.hpp"

#include <cstdint>
#include <limits>
#include <string>

#include <gtest/gtest.h>

#include "support/request_fixtures.hpp"

namespace ssad::store::request_document {
namespace {

using testing::full_request;
using testing::minimal_request;

void expect_refused(std::string_view document, std::string_view names) {
  const auto decoded = decode(document);
  ASSERT_FALSE(decoded.has_value()) << document;
  EXPECT_EQ(decoded.error().code, ErrorCode::internal);
  EXPECT_NE(decoded.error().message.find(names), std::string::npos) << decoded.error().message;
}

// `document` with the first `from` replaced by `to`.
std::string changed(std::string document, std::string_view from, std::string_view to) {
  const std::size_t at = document.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  if (at != std::string::npos) document.replace(at, from.size(), to);
  return document;
}

TEST(RequestDocumentTest, EveryMemberReadsBackExactly) {
  model::DisclosureRequest full = full_request("req_full");
  full.version = 7;
  EXPECT_EQ(decode(encode(full)).value(), full);
  const model::DisclosureRequest minimal = minimal_request("req_minimal");
  EXPECT_EQ(decode(encode(minimal)).value(), minimal);
  // Extremes of the numbers.
  model::DisclosureRequest extreme = minimal;
  extreme.version = std::numeric_limits<std::uint64_t>::max();
  extreme.evidence.push_back({.attachment_size = std::numeric_limits<std::uint64_t>::max()});
  extreme.retention.days = std::numeric_limits<unsigned>::max();
  extreme.clock.paused_ms = std::numeric_limits<std::int64_t>::min();
  extreme.created = from_unix_ms(-1);
  EXPECT_EQ(decode(encode(extreme)).value(), extreme);
}

TEST(RequestDocumentTest, TheDocumentNamesItsFormatVersionAndEveryMemberUnsetOptionalsAsNull) {
  const std::string document = encode(minimal_request("req_a"));
  EXPECT_TRUE(document.starts_with(R"({"v":1,"id":"req_a",)")) << document;
  EXPECT_NE(document.find(R"("urgent_criterion":null)"), std::string::npos);
  EXPECT_NE(document.find(R"("deadline":null)"), std::string::npos);
  EXPECT_NE(document.find(R"("status":"pending")"), std::string::npos);
  EXPECT_NE(document.find(R"("fields":[{"key":"registrant.email")"), std::string::npos);
  EXPECT_NE(document.find(R"("created":1772442000000)"), std::string::npos);
}

TEST(RequestDocumentTest, AnotherFormatVersionIsRefusedNamingTheRequest) {
  const std::string document = encode(minimal_request("req_a"));
  expect_refused(changed(document, R"("v":1)", R"("v":2)"), "request 'req_a' is stored in format version 2");
  expect_refused(changed(document, R"("v":1)", R"("v":"1")"),
                 "request 'req_a' is stored without a format version");
  expect_refused(changed(document, R"("v":1,)", ""), "without a format version");
}

TEST(RequestDocumentTest, ABrokenDocumentIsRefusedNamingTheRequestAndTheMember) {
  const std::string document = encode(full_request("req_a"));
  expect_refused("", "not JSON");
  expect_refused(document.substr(0, document.size() - 1), "not JSON");
  expect_refused("[1]", "not an object");
  expect_refused(std::string(100000, '['), "not JSON");  // nested deeper than any stack would take
  expect_refused(changed(document, R"("domain":"xn--bcher-kva.example",)", ""), "req_a");
  expect_refused(changed(document, R"("domain":"xn--bcher-kva.example",)", ""), R"("domain" is missing)");
  expect_refused(changed(document, R"("automated":false)", R"("automated":0)"),
                 R"("automated" is not true or false)");
  expect_refused(changed(document, R"("state":"refused")", R"("state":"maybe")"),
                 R"("fields[1].state" holds an unknown field state 'maybe')");
  expect_refused(changed(document, R"("status":"in_review")", R"("status":"lost")"), "history[1].status");
  expect_refused(
      changed(document, R"("urgent_criterion":"critical_infrastructure")", R"("urgent_criterion":1)"),
      R"("urgent_criterion")");
  expect_refused(changed(document, R"("paused_ms":3600000)", R"("paused_ms":1.5)"), R"("clock.paused_ms")");
  expect_refused(changed(document, R"("attachment_size":5)", R"("attachment_size":-5)"),
                 R"("evidence[0].attachment_size")");
  expect_refused(changed(document, R"("days":30)", R"("days":4294967296)"),
                 R"("retention.days" is too large)");
  expect_refused(changed(document, R"("decided_by":{"kind":"system","id":""})", R"("decided_by":[])"),
                 R"("fields[0].decided_by.")");
  expect_refused(changed(document, R"("fields":["registrant.name",""])", R"("fields":["registrant.name",1])"),
                 R"("balancing_tests[0].fields")");
  expect_refused(
      changed(document, R"("policy_fingerprint":"sha256:0123abcd")", R"("policy_fingerprint":{})"),
      R"(request 'req_a' is stored in a malformed document: "policy_fingerprint" is not a string)");
  expect_refused(changed(document, R"("id":"req_a")", R"("id":7)"), "a stored request");
}

}  // namespace
}  // namespace ssad::store::request_document
