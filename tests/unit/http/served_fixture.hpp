#pragma once
// The V1 fixture (v1_fixture.hpp) behind a real server on port 0, with the anonymous limits `ssad serve`
// ships (rdap.rate_limit_*, rdap.search_cost, abuse.credential_failures_* of an empty ssad.toml) and the
// fixture's abuse monitoring at the shipped thresholds. Clients stand behind a trusted proxy at
// 127.0.0.1 that names their address in X-Forwarded-For, so that one test speaks for several addresses.
// For simulated traffic: abuse_scenarios_test.cpp (issue 14's scenarios), abuse_attacks_test.cpp (its
// review). Time is the fixture's FakeClock.

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "config/config.hpp"
#include "http/server.hpp"
#include "unit/http/v1_fixture.hpp"
#include "unit/property/wire_client.hpp"

namespace ssad::http {

class ServedV1Test : public V1ApiTest {
 protected:
  void SetUp() override {
    V1ApiTest::SetUp();
    if (HasFatalFailure()) return;
    const config::Config defaults;
    anonymous_.emplace(clock_, defaults.rdap.rate_limit_per_second, defaults.rdap.rate_limit_burst);
    health_.emplace(clock_, defaults.rdap.rate_limit_per_second, defaults.rdap.rate_limit_burst);
    failures_.emplace(clock_, defaults.abuse.credential_failures_per_minute / 60.0,
                      defaults.abuse.credential_failures_burst);
    routes_.emplace(make_routes({.rdap = *rdap_,
                                 .readiness = *readiness_,
                                 .limiter = *anonymous_,
                                 .health_limiter = *health_,
                                 .credential_failures = *failures_,
                                 .search_cost = static_cast<double>(defaults.rdap.search_cost),
                                 .directory = &*directory_endpoint_,
                                 .requests = &*requests_endpoint_,
                                 .abuse = &*abuse_endpoint_,
                                 .subject = &*subject_endpoint_}));
    ServerOptions options;
    options.port = 0;
    options.threads = 1;
    options.workers = 1;
    options.trusted_proxies = TrustedProxies::parse({"127.0.0.1"}, "x-forwarded-for").value();
    ServerHooks hooks;
    hooks.log_access = false;
    const Router& router = *routes_;
    hooks.quick = [&router](Request& r) { return router.quick(r); };
    auto created = Server::create(options, [&router](const Request& r) { return router.handle(r); }, hooks);
    ASSERT_TRUE(created.has_value()) << created.error().message;
    server_ = std::move(*created);
    server_->start_background();
    client_ = std::make_unique<testing::WireClient>(server_->port());
  }

  void TearDown() override {
    client_.reset();
    if (server_) server_->stop();
  }

  // A requestor of its own organisation, accredited in `group`.
  Account requestor(const std::string& name, const std::string& group) {
    const std::string org = organisation(name, model::OrganisationKind::requestor);
    accreditation(org, group, "Test AA");
    return account(org, "desk@" + name + ".example");
  }

  // `method` `target` with `key` as the bearer credential (none when empty) from client `address`.
  Response from(const std::string& address, const std::string& method, const std::string& target,
                const std::string& key = "", std::string body = "") {
    Request r = request(method, target, key, std::move(body));
    r.headers.emplace_back("X-Forwarded-For", address);
    return client_->exchange(r);
  }

  std::vector<store::AbuseCase> cases_of(const Account& who) {
    store::CaseFilter filter;
    filter.user_id = who.user;
    return store_->abuse().cases(filter, {.after = "", .limit = 100}).value();
  }

  std::optional<abuse::RateLimiter> anonymous_;
  std::optional<abuse::RateLimiter> health_;
  std::optional<abuse::RateLimiter> failures_;
  std::optional<Router> routes_;
  std::unique_ptr<Server> server_;
  std::unique_ptr<testing::WireClient> client_;
};

}  // namespace ssad::http
