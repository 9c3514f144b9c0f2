// The one router and the one error mapping.

#include "http/router.hpp"

#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "http/error_mapping.hpp"

namespace ssad::http {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

Request at(std::string path) {
  Request r;
  r.method = "GET";
  r.target = path;
  r.path = std::move(path);
  return r;
}

Route says(std::string what) {
  return [what](const Request&) {
    Response r;
    r.body = what;
    return r;
  };
}

TEST(RouterTest, ExactRoutesWinThenTheLongestPrefixOnSegmentBoundaries) {
  Router router;
  router.prefix("/rdap", says("rdap"))
      .prefix("/rdap/domain/", says("domain"))
      .exact("/rdap/help", says("help"));
  router.exact("/healthz", says("health"));
  EXPECT_EQ(router.handle(at("/rdap")).body, "rdap");
  EXPECT_EQ(router.handle(at("/rdap/")).body, "rdap");
  EXPECT_EQ(router.handle(at("/rdap/nameserver/x")).body, "rdap");
  EXPECT_EQ(router.handle(at("/rdap/domain/x")).body, "domain");
  EXPECT_EQ(router.handle(at("/rdap/help")).body, "help");
  EXPECT_EQ(router.handle(at("/healthz")).body, "health");
  EXPECT_EQ(router.handle(at("/healthz/more")).status, 404U);  // exact means exact
  EXPECT_EQ(router.handle(at("/rdapx")).status, 404U);         // a prefix ends a segment
}

TEST(RouterTest, AnUnknownPathIsA404InItsPathsDialect) {
  const Router router;
  const Response api = router.handle(at("/v1/nothing"));
  EXPECT_EQ(api.status, 404U);
  EXPECT_EQ(api.header("content-type"), "application/problem+json");
  EXPECT_THAT(api.body, HasSubstr(R"("status":404)"));
  const Response rdap = router.handle(at("/rdap/domain/x"));
  EXPECT_EQ(rdap.status, 404U);
  EXPECT_EQ(rdap.header("content-type"), "application/rdap+json");
  EXPECT_THAT(rdap.body, HasSubstr(R"("errorCode":404)"));
}

// The server asks quick() on its reading thread and handle() on a worker for what quick() leaves: the gate
// (the rate limit) must count such a request once, not twice.
TEST(RouterTest, QuickAnswersWhatNeedsNoStoreAndLeavesTheRestAdmittedOnce) {
  int gated = 0;
  Router router;
  router.gate([&gated](const Request& request) -> std::optional<Response> {
    ++gated;
    if (request.path == "/refused") return says("refused")(request);
    return std::nullopt;
  });
  router.prefix("/rdap", says("store work"), [](const Request& request) -> std::optional<Response> {
    if (request.path == "/rdap/cached") return says("cached")(request);
    return std::nullopt;
  });
  router.exact("/slow", says("slow"));

  Request cached = at("/rdap/cached");
  EXPECT_EQ(router.quick(cached)->body, "cached");
  Request uncached = at("/rdap/domain/x");
  EXPECT_FALSE(router.quick(uncached).has_value());
  EXPECT_TRUE(uncached.admitted);
  EXPECT_EQ(router.handle(uncached).body, "store work");
  Request slow = at("/slow");  // a route without a quick answer goes to the workers
  EXPECT_FALSE(router.quick(slow).has_value());
  EXPECT_EQ(router.handle(slow).body, "slow");
  EXPECT_EQ(gated, 3);  // once per request
  Request refused = at("/refused");
  EXPECT_EQ(router.quick(refused)->body, "refused");
  EXPECT_FALSE(refused.admitted);
  Request unknown = at("/nowhere");
  EXPECT_EQ(router.quick(unknown)->status, 404U);
  // A request that did not come through quick() is gated by handle() itself.
  const int before = gated;
  EXPECT_EQ(router.handle(at("/slow")).body, "slow");
  EXPECT_EQ(gated, before + 1);
}

TEST(ErrorMappingTest, EveryCodeHasOneStatus) {
  EXPECT_EQ(status_of(ErrorCode::invalid_input), 400U);
  EXPECT_EQ(status_of(ErrorCode::forbidden), 403U);
  EXPECT_EQ(status_of(ErrorCode::not_found), 404U);
  EXPECT_EQ(status_of(ErrorCode::method_not_allowed), 405U);
  EXPECT_EQ(status_of(ErrorCode::conflict), 409U);
  EXPECT_EQ(status_of(ErrorCode::too_large), 413U);
  EXPECT_EQ(status_of(ErrorCode::unsupported), 422U);
  EXPECT_EQ(status_of(ErrorCode::too_many_requests), 429U);
  EXPECT_EQ(status_of(ErrorCode::header_too_large), 431U);
  EXPECT_EQ(status_of(ErrorCode::internal), 500U);
  EXPECT_EQ(status_of(ErrorCode::not_implemented), 501U);
  EXPECT_EQ(status_of(ErrorCode::unavailable), 503U);
  EXPECT_EQ(status_of(ErrorCode::timed_out), 503U);
}

TEST(ErrorMappingTest, ASearchOverItsBudgetTellsTheClientHowToNarrowIt) {
  const Response r =
      error_response("/rdap/domains", Error{ErrorCode::timed_out, "Narrow it: a longer prefix."});
  EXPECT_EQ(r.status, 503U);
  EXPECT_THAT(r.body, HasSubstr(R"("description":["Narrow it: a longer prefix."])"));
}

TEST(ErrorMappingTest, RdapPathsGetRfc9083AndEveryOtherPathRfc9457) {
  const Error error{ErrorCode::unsupported, "That partial match is not offered."};
  const Response rdap = error_response("/rdap/domains", error);
  EXPECT_EQ(rdap.status, 422U);
  EXPECT_EQ(rdap.header("content-type"), "application/rdap+json");
  EXPECT_EQ(rdap.header("access-control-allow-origin"), "*");
  EXPECT_EQ(rdap.body,
            R"({"rdapConformance":["rdap_level_0"],"errorCode":422,"title":"Unprocessable Content",)"
            R"("description":["That partial match is not offered."]})");
  const Response api = error_response("/v1/requests", error);
  EXPECT_EQ(api.status, 422U);
  EXPECT_EQ(api.header("content-type"), "application/problem+json");
  EXPECT_EQ(api.body, R"({"type":"about:blank","title":"Unprocessable Content","status":422,)"
                      R"("detail":"That partial match is not offered."})");
  EXPECT_EQ(error_response("", error).header("content-type"), "application/problem+json");
  EXPECT_EQ(error_response("/rdap", error).header("content-type"), "application/rdap+json");
}

// A store that cannot be used right now (a database restarting) is worth asking again soon, in both
// dialects; other errors say nothing of retrying.
TEST(ErrorMappingTest, UnavailableSaysWhenToTryAgain) {
  for (const char* path : {"/rdap/domain/example.test", "/v1/requests"}) {
    const Response r = error_response(path, Error{ErrorCode::unavailable, "PostgreSQL connection lost"});
    EXPECT_EQ(r.status, 503U);
    EXPECT_EQ(r.header("retry-after"), "1");
    EXPECT_FALSE(error_response(path, Error{ErrorCode::timed_out, "over budget"}).header("retry-after"));
    EXPECT_FALSE(error_response(path, Error{ErrorCode::internal, "bug"}).header("retry-after"));
  }
}

TEST(ErrorMappingTest, InternalMessagesNeverReachTheClient) {
  for (const ErrorCode code : {ErrorCode::internal, ErrorCode::unavailable}) {
    const Response r = error_response("/rdap/domain/x", Error{code, "sqlite: contact 'nat1' is locked"});
    EXPECT_THAT(r.body, Not(HasSubstr("nat1")));
    EXPECT_THAT(r.body, Not(HasSubstr("sqlite")));
  }
}

}  // namespace
}  // namespace ssad::http
