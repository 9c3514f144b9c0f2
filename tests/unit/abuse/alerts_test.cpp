// Abuse monitoring's alerts (issue 14 item 3: "alerts to the log and to a configurable signed webhook"):
// a case opened and lifted reaches the webhook of `abuse.webhook_url`, signed with `abuse.webhook_secret`
// (Standard Webhooks), through the notification outbox and the dispatcher `ssad serve` composes from the
// config (notify::make_dispatcher) — not the operator's request webhook, and never with a personal value.
// A real HTTP receiver on port 0; time from the fake clock.

#include <array>
#include <string>

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "abuse/enforcement.hpp"
#include "config/config.hpp"
#include "identity/directory.hpp"
#include "notify/settings.hpp"
#include "policy/rules.hpp"
#include "support/fake_clock.hpp"
#include "support/store_backends.hpp"
#include "support/webhook_receiver.hpp"

namespace ssad::abuse {
namespace {

constexpr const char* kAbuseSecret = "the abuse desk's webhook secret, 32+ bytes";
constexpr const char* kOperatorSecret = "the operator's request webhook secret, 32+";

std::string signature_of(const std::string& secret, const std::string& id, const std::string& timestamp,
                         const std::string& body) {
  const std::string content = id + "." + timestamp + "." + body;
  std::array<unsigned char, EVP_MAX_MD_SIZE> mac{};
  unsigned int length = 0;
  HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
       reinterpret_cast<const unsigned char*>(content.data()), content.size(), mac.data(), &length);
  std::string out(4 * ((length + 2) / 3) + 1, '\0');
  out.resize(static_cast<std::size_t>(
      EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), mac.data(), static_cast<int>(length))));
  return "v1," + out;
}

class AbuseAlertsTest : public ::testing::TestWithParam<testing::Backend> {};

TEST_P(AbuseAlertsTest, OpenedAndLiftedCasesReachTheAbuseWebhookSignedWithItsSecret) {
  testing::StorePlace place;
  testing::FakeClock clock(parse_rfc3339("2026-03-02T09:00:00Z").value());
  auto store = GetParam().open(place);
  testing::WebhookReceiver abuse_desk;
  testing::WebhookReceiver operator_tools;
  config::Config config;
  config.abuse.webhook_url = abuse_desk.url("/abuse");
  config.abuse.webhook_secret = kAbuseSecret;
  config.webhook.url = operator_tools.url();
  config.webhook.secret = kOperatorSecret;

  identity::Directory directory(*store, policy::Rules::builtin(), clock);
  const audit::Actor console{"operator", "test"};
  const auto org = directory.add_organisation(console, {.name = "Noisy Org"}, "test").value();
  const auto user =
      directory.add_user(console, {.org_id = org.id, .email = "ops@noisy.example"}, "test").value();
  const auto key = directory.create_key(console, user.id, std::nullopt, "test").value();

  Enforcement enforcement(*store, clock, enforcement_settings(config.abuse));
  store::AbuseCase c;
  c.dedupe_key = "malformed:throttle:" + key.record.id;
  c.detector = "malformed";
  c.action = store::AbuseAction::throttle;
  c.user_id = user.id;
  c.org_id = org.id;
  c.credential_id = key.record.id;
  c.summary = "120 malformed requests this hour";
  c.evidence = R"({"window":"current hour","count":120,"threshold":100})";
  c.until = clock.now() + std::chrono::hours(24);
  const auto opened = enforcement.open(c).value();
  ASSERT_TRUE(opened.has_value());
  clock.advance(std::chrono::minutes(5));
  ASSERT_TRUE(
      enforcement.lift({"operator", "admin"}, opened->id, "a misconfigured client, fixed").has_value());

  auto dispatcher = notify::make_dispatcher(config, store->outbox(), clock);
  ASSERT_TRUE(dispatcher.has_value()) << dispatcher.error().message;
  const auto report = (*dispatcher)->run_once();
  ASSERT_TRUE(report.has_value());
  EXPECT_EQ(report->delivered, 2U);

  const auto calls = abuse_desk.calls();
  ASSERT_EQ(calls.size(), 2U);
  EXPECT_TRUE(operator_tools.calls().empty());
  std::vector<std::string> types;
  for (const auto& call : calls) {
    EXPECT_EQ(call.target, "/abuse");
    EXPECT_EQ(call.header("webhook-signature"), signature_of(kAbuseSecret, call.header("webhook-id"),
                                                             call.header("webhook-timestamp"), call.body));
    EXPECT_NE(call.body.find(opened->id), std::string::npos) << call.body;
    EXPECT_EQ(call.body.find("ops@noisy.example"), std::string::npos);
    EXPECT_EQ(call.body.find("misconfigured"), std::string::npos);  // the lift's reason stays in the store
    types.push_back(call.body.substr(call.body.find("\"type\":\"") + 8, 17));
  }
  EXPECT_EQ(types, (std::vector<std::string>{"abuse.case_opened", "abuse.case_lifted"}));
}

INSTANTIATE_TEST_SUITE_P(Backends, AbuseAlertsTest, ::testing::ValuesIn(testing::backends()),
                         testing::backend_name);

}  // namespace
}  // namespace ssad::abuse
