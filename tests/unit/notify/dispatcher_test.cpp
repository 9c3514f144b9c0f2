// The dispatcher (notify/dispatcher.hpp) on a real store of each backend, with the real senders: email to
// the tests' SMTP server (tests/support/smtp_sink.py) and webhooks to an in-process receiver. Time is a
// fake clock's; a test runs run_once() when it wants the dispatcher to act.

#include "notify/dispatcher.hpp"

#include <array>
#include <future>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>
#include <netinet/in.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <sys/socket.h>
#include <unistd.h>

#include "notify/settings.hpp"
#include "support/fake_clock.hpp"
#include "support/smtp_sink.hpp"
#include "support/store_backends.hpp"
#include "support/webhook_receiver.hpp"

namespace ssad::notify {
namespace {

using ssad::testing::SmtpSink;
using ssad::testing::WebhookReceiver;
using std::chrono::minutes;
using std::chrono::seconds;
using store::Notification;
using store::NotificationChannel;
using Report = Dispatcher::Report;

constexpr const char* kSecret = "the operator's webhook secret, 32+ bytes";

Timestamp at(const char* rfc3339) { return parse_rfc3339(rfc3339).value(); }

// A port on 127.0.0.1 where nothing listens (bound, so no one else takes it, but not listening).
class ClosedPort {
 public:
  ClosedPort() : fd_(socket(AF_INET, SOCK_STREAM, 0)) {
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof address;
    if (fd_ < 0 || bind(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
        getsockname(fd_, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
      throw std::runtime_error("cannot bind a port");
    }
    port_ = ntohs(address.sin_port);
  }
  ~ClosedPort() { close(fd_); }
  ClosedPort(const ClosedPort&) = delete;
  ClosedPort& operator=(const ClosedPort&) = delete;
  [[nodiscard]] std::string url() const { return "smtp://127.0.0.1:" + std::to_string(port_); }

 private:
  int fd_;
  int port_ = 0;
};

std::string signature_of(const std::string& id, const std::string& timestamp, const std::string& body) {
  const std::string content = id + "." + timestamp + "." + body;
  std::array<unsigned char, EVP_MAX_MD_SIZE> mac{};
  unsigned int length = 0;
  HMAC(EVP_sha256(), kSecret, static_cast<int>(std::string_view(kSecret).size()),
       reinterpret_cast<const unsigned char*>(content.data()), content.size(), mac.data(), &length);
  std::string out(4 * ((length + 2) / 3) + 1, '\0');
  out.resize(static_cast<std::size_t>(
      EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), mac.data(), static_cast<int>(length))));
  return "v1," + out;
}

class DispatcherTest : public ::testing::TestWithParam<ssad::testing::Backend> {
 protected:
  void SetUp() override { store_ = GetParam().open(place_); }

  Notification email(std::string id, std::string subject = "Request req_1 was decided") {
    Notification n;
    n.id = id;
    n.dedupe_key = "decided/req_1/" + id;
    n.channel = NotificationChannel::email;
    n.destination = "analyst@cert.example";
    n.subject = std::move(subject);
    n.body = "Your request req_1 was decided. See the portal.\n";
    n.request_id = "req_1";
    n.created = clock_.now();
    n.due = clock_.now();
    return n;
  }

  Notification webhook(std::string id, const std::string& url) {
    Notification n = email(std::move(id));
    n.channel = NotificationChannel::webhook;
    n.destination = url;
    n.subject = "request.decided";
    n.body = R"({"type":"request.decided","time":"2026-03-01T00:00:00Z","data":{"request":"req_1"}})";
    return n;
  }

  void enqueue(const std::vector<Notification>& list) {
    auto work = store_->begin().value();
    for (const auto& n : list) ASSERT_TRUE(work->outbox().enqueue(n).value()) << n.id;
    ASSERT_TRUE(work->commit(clock_.now()).has_value());
  }

  Notification stored(const std::string& id) {
    const auto all = store_->outbox().list("", store::Page{"", 1000}).value();
    for (const auto& n : all) {
      if (n.id == id) return n;
    }
    throw std::runtime_error("no notification " + id);
  }

  // A dispatcher on this test's store and clock, sending email through `smtp` as it is when a send
  // happens (a test may change it in between) and webhooks to `webhooks`.
  std::unique_ptr<Dispatcher> dispatcher(const SmtpSettings* smtp, std::vector<WebhookSettings> webhooks = {},
                                         DispatcherSettings settings = {}, store::Store* on = nullptr) {
    EmailSender email;
    if (smtp != nullptr) {
      email = [smtp](const std::string& to, const std::string& subject, const std::string& text,
                     Timestamp date, const std::string& message_id) {
        return send_email(*smtp, to, subject, text, date, message_id);
      };
    }
    return std::make_unique<Dispatcher>((on != nullptr ? *on : *store_).outbox(), clock_, std::move(email),
                                        http_webhook_sender(), std::move(webhooks), settings);
  }

  static SmtpSettings smtp_to(const std::string& url) {
    SmtpSettings settings;
    settings.url = url;
    settings.from = "ssad@operator.example";
    settings.starttls = StartTls::off;
    settings.timeout = seconds(20);
    return settings;
  }

  ssad::testing::FakeClock clock_{at("2026-03-01T00:00:00Z")};
  ssad::testing::StorePlace place_;
  std::unique_ptr<store::Store> store_;
};

TEST_P(DispatcherTest, AnEmailIsDeliveredOnceAndRecordedAsDelivered) {
  SmtpSink sink;
  const SmtpSettings smtp = smtp_to(sink.url());
  enqueue({email("ntf_a")});
  auto dispatch = dispatcher(&smtp);
  clock_.advance(seconds(5));
  EXPECT_EQ(dispatch->run_once().value(), (Report{.delivered = 1}));
  const auto mail = sink.next_message();
  EXPECT_EQ(mail.recipients, std::vector<std::string>{"analyst@cert.example"});
  EXPECT_EQ(mail.header("Message-ID"), "<ntf_a@operator.example>");
  EXPECT_EQ(mail.header("Date"), "Sun, 01 Mar 2026 00:00:05 +0000");
  EXPECT_EQ(mail.decoded_subject, "Request req_1 was decided");
  const auto a = stored("ntf_a");
  EXPECT_EQ(a.delivered, std::optional(clock_.now()));
  EXPECT_EQ(a.attempts, 1U);

  clock_.advance(minutes(10));
  EXPECT_EQ(dispatch->run_once().value(), Report{});
  EXPECT_FALSE(sink.has_message());
  EXPECT_EQ(store_->outbox().counts().value().delivered, 1U);
}

TEST_P(DispatcherTest, AnInjectedHeaderIsGivenUpAtOnceAndNeverRetried) {
  SmtpSink sink;
  const SmtpSettings smtp = smtp_to(sink.url());
  enqueue({email("ntf_a", "Decided\r\nBcc: everyone@elsewhere.example"), email("ntf_b")});
  auto dispatch = dispatcher(&smtp);
  EXPECT_EQ(dispatch->run_once().value(), (Report{.delivered = 1, .given_up = 1}));
  const auto a = stored("ntf_a");
  EXPECT_EQ(a.given_up, std::optional(clock_.now()));
  EXPECT_EQ(a.attempts, 1U);
  EXPECT_NE(a.last_error.find("line break"), std::string::npos) << a.last_error;
  EXPECT_EQ(sink.next_message().header("Message-ID"), "<ntf_b@operator.example>");  // only ntf_b arrived
  EXPECT_FALSE(sink.has_message());

  clock_.advance(std::chrono::hours(24));
  EXPECT_EQ(dispatch->run_once().value(), Report{});
  EXPECT_EQ(stored("ntf_a").attempts, 1U);
  EXPECT_EQ(store_->outbox().counts().value().given_up, 1U);
}

TEST_P(DispatcherTest, WhileTheMailServerIsDownAnEmailWaitsAsThePolicySaysAndIsDeliveredOnceWhenItIsUp) {
  const ClosedPort closed;
  SmtpSettings smtp = smtp_to(closed.url());
  enqueue({email("ntf_a")});
  auto dispatch = dispatcher(&smtp);

  const Timestamp first = clock_.now();
  EXPECT_EQ(dispatch->run_once().value(), (Report{.retried = 1}));
  auto a = stored("ntf_a");
  EXPECT_EQ(a.due, first + seconds(30));
  EXPECT_EQ(a.attempts, 1U);
  EXPECT_FALSE(a.delivered.has_value());
  EXPECT_FALSE(a.given_up.has_value());
  EXPECT_NE(a.last_error.find("127.0.0.1"), std::string::npos) << a.last_error;

  clock_.advance(seconds(29));
  EXPECT_EQ(dispatch->run_once().value(), Report{});  // not due yet
  clock_.advance(seconds(1));
  EXPECT_EQ(dispatch->run_once().value(), (Report{.retried = 1}));
  EXPECT_EQ(stored("ntf_a").due, clock_.now() + seconds(60));  // doubled
  EXPECT_EQ(stored("ntf_a").attempts, 2U);

  SmtpSink sink;  // the server is back
  smtp.url = sink.url();
  clock_.advance(seconds(59));
  EXPECT_EQ(dispatch->run_once().value(), Report{});
  EXPECT_FALSE(sink.has_message());
  clock_.advance(seconds(1));
  EXPECT_EQ(dispatch->run_once().value(), (Report{.delivered = 1}));
  EXPECT_EQ(sink.next_message().header("Message-ID"), "<ntf_a@operator.example>");
  a = stored("ntf_a");
  EXPECT_EQ(a.delivered, std::optional(clock_.now()));
  EXPECT_EQ(a.attempts, 3U);
  clock_.advance(std::chrono::hours(1));
  EXPECT_EQ(dispatch->run_once().value(), Report{});
  EXPECT_FALSE(sink.has_message());
}

TEST_P(DispatcherTest, AnEmailWhileEmailIsOffWaitsForItAsAFailedDeliveryDoes) {
  enqueue({email("ntf_a")});
  auto dispatch = dispatcher(nullptr);
  EXPECT_EQ(dispatch->run_once().value(), (Report{.retried = 1}));
  EXPECT_NE(stored("ntf_a").last_error.find("email is off"), std::string::npos);
}

TEST_P(DispatcherTest, AWebhookIsSignedWithTheSecretConfiguredForItsUrl) {
  WebhookReceiver receiver;
  WebhookReceiver other;
  enqueue({webhook("ntf_a", receiver.url())});
  auto dispatch =
      dispatcher(nullptr, {{other.url(), "another secret, of 32 bytes or more"}, {receiver.url(), kSecret}});
  clock_.advance(seconds(7));
  EXPECT_EQ(dispatch->run_once().value(), (Report{.delivered = 1}));
  ASSERT_EQ(receiver.calls().size(), 1U);
  EXPECT_TRUE(other.calls().empty());
  const auto call = receiver.calls()[0];
  EXPECT_EQ(call.header("webhook-id"), "ntf_a");
  EXPECT_EQ(call.header("webhook-timestamp"), "1772323207");  // 2026-03-01T00:00:07Z
  EXPECT_EQ(call.header("webhook-signature"), signature_of("ntf_a", "1772323207", call.body));
  EXPECT_EQ(call.body, stored("ntf_a").body);
  // The secret is the configuration's only: nothing stored holds it.
  const auto all = store_->outbox().list("", store::Page{}).value();
  for (const auto& n : all) {
    for (const std::string* field : {&n.destination, &n.subject, &n.body, &n.last_error}) {
      EXPECT_EQ(field->find(kSecret), std::string::npos);
    }
  }
}

TEST_P(DispatcherTest, AWebhookAnswering500IsRetriedWithBackoffAndGivenUpAfterItsLastAttempt) {
  WebhookReceiver receiver;
  receiver.fail_next(100, 500);
  enqueue({webhook("ntf_a", receiver.url())});
  DispatcherSettings settings;
  settings.retry = {.base = seconds(30), .factor = 2, .max_delay = seconds(100), .max_attempts = 4};
  auto dispatch = dispatcher(nullptr, {{receiver.url(), kSecret}}, settings);

  for (const auto wait : {seconds(30), seconds(60), seconds(100)}) {  // the third capped at max_delay
    EXPECT_EQ(dispatch->run_once().value(), (Report{.retried = 1}));
    EXPECT_EQ(stored("ntf_a").due, clock_.now() + wait);
    EXPECT_NE(stored("ntf_a").last_error.find("HTTP 500"), std::string::npos) << stored("ntf_a").last_error;
    clock_.advance(wait - seconds(1));
    EXPECT_EQ(dispatch->run_once().value(), Report{});
    clock_.advance(seconds(1));
  }
  EXPECT_EQ(dispatch->run_once().value(), (Report{.given_up = 1}));
  const auto a = stored("ntf_a");
  EXPECT_EQ(a.given_up, std::optional(clock_.now()));
  EXPECT_EQ(a.attempts, 4U);
  clock_.advance(std::chrono::hours(24));
  EXPECT_EQ(dispatch->run_once().value(), Report{});
  // Four calls, one notification: the same webhook-id each time, for the receiver to tell repeats.
  const auto calls = receiver.calls();
  ASSERT_EQ(calls.size(), 4U);
  for (const auto& call : calls) EXPECT_EQ(call.header("webhook-id"), "ntf_a");
}

TEST_P(DispatcherTest, AWebhookWhoseUrlIsNoLongerConfiguredIsGivenUp) {
  WebhookReceiver receiver;
  enqueue({webhook("ntf_a", receiver.url("/old"))});
  auto dispatch = dispatcher(nullptr, {{receiver.url("/new"), kSecret}});
  EXPECT_EQ(dispatch->run_once().value(), (Report{.given_up = 1}));
  EXPECT_TRUE(receiver.calls().empty());
  EXPECT_NE(stored("ntf_a").last_error.find("no webhook"), std::string::npos);
}

// A sender that died mid-delivery (it claimed, and never reported): once the lease has run out another
// dispatcher delivers.
TEST_P(DispatcherTest, WhenALeaseRunsOutAnotherDispatcherDelivers) {
  WebhookReceiver receiver;
  enqueue({webhook("ntf_a", receiver.url())});
  ASSERT_EQ(store_->outbox().claim(clock_.now(), minutes(2), 10).value().size(), 1U);  // and died
  auto other = GetParam().open(place_);
  auto dispatch = dispatcher(nullptr, {{receiver.url(), kSecret}}, {}, other.get());
  clock_.advance(minutes(2) - seconds(1));
  EXPECT_EQ(dispatch->run_once().value(), Report{});
  clock_.advance(seconds(1));
  EXPECT_EQ(dispatch->run_once().value(), (Report{.delivered = 1}));
  EXPECT_EQ(receiver.calls().size(), 1U);
  EXPECT_EQ(stored("ntf_a").attempts, 2U);
}

// Two nodes, each with its dispatcher on its own store of one database, run at once: every notification
// is delivered, and none twice.
TEST_P(DispatcherTest, TwoDispatchersOnTwoStoresOfOneDatabaseDeliverEachNotificationOnce) {
  WebhookReceiver receiver;
  std::vector<Notification> list;
  for (int i = 0; i < 40; ++i) list.push_back(webhook("ntf_" + std::to_string(100 + i), receiver.url()));
  enqueue(list);
  auto other = GetParam().open(place_);
  DispatcherSettings settings;
  settings.batch = 1000;
  auto first = dispatcher(nullptr, {{receiver.url(), kSecret}}, settings);
  auto second = dispatcher(nullptr, {{receiver.url(), kSecret}}, settings, other.get());
  std::promise<Result<Report>> first_report;
  std::thread runner([&] { first_report.set_value(first->run_once()); });
  const auto second_report = second->run_once();
  runner.join();
  const auto a = first_report.get_future().get();
  ASSERT_TRUE(a.has_value()) << a.error().message;
  ASSERT_TRUE(second_report.has_value()) << second_report.error().message;
  EXPECT_EQ(a->delivered + second_report->delivered, 40U);
  std::multiset<std::string> ids;
  for (const auto& call : receiver.calls()) ids.insert(call.header("webhook-id"));
  EXPECT_EQ(ids.size(), 40U);
  EXPECT_EQ(std::set<std::string>(ids.begin(), ids.end()).size(), 40U);
  EXPECT_EQ(store_->outbox().counts().value().delivered, 40U);
}

// The background thread runs at once when woken, and stops at once though its interval is an hour.
TEST_P(DispatcherTest, TheBackgroundThreadRunsWhenWokenAndStopsAtOnce) {
  WebhookReceiver receiver;
  std::promise<void> called;
  const WebhookSender real = http_webhook_sender();
  auto dispatch = std::make_unique<Dispatcher>(
      store_->outbox(), clock_, EmailSender(),
      [&](const WebhookSettings& webhook, const std::string& id, const std::string& type,
          const std::string& body, Timestamp now) {
        auto result = real(webhook, id, type, body, now);
        called.set_value();
        return result;
      },
      std::vector<WebhookSettings>{{receiver.url(), kSecret}},
      DispatcherSettings{.poll_interval = std::chrono::hours(1)});
  dispatch->start();
  dispatch->start();  // started already: nothing more
  enqueue({webhook("ntf_a", receiver.url())});
  dispatch->wake();
  ASSERT_EQ(called.get_future().wait_for(seconds(30)), std::future_status::ready);
  dispatch->stop();
  EXPECT_EQ(receiver.calls().size(), 1U);
  EXPECT_TRUE(stored("ntf_a").delivered.has_value());
}

INSTANTIATE_TEST_SUITE_P(Backends, DispatcherTest, ::testing::ValuesIn(ssad::testing::backends()),
                         ssad::testing::backend_name);

TEST(RetryPolicyTest, WaitsGrowByTheFactorUpToTheMaximumAndEndAfterTheLastAttempt) {
  const RetryPolicy policy;  // 30 s, doubling, at most an hour, 12 attempts
  const Timestamp now = at("2026-03-01T00:00:00Z");
  const std::vector<seconds> waits = {seconds(30),   seconds(60),   seconds(120),  seconds(240),
                                      seconds(480),  seconds(960),  seconds(1920), seconds(3600),
                                      seconds(3600), seconds(3600), seconds(3600)};
  for (unsigned attempt = 1; attempt <= waits.size(); ++attempt) {
    EXPECT_EQ(policy.next_attempt(attempt, now), std::optional(now + waits[attempt - 1])) << attempt;
  }
  EXPECT_EQ(policy.next_attempt(12, now), std::nullopt);
  EXPECT_EQ(policy.next_attempt(13, now), std::nullopt);
  // No overflow however many attempts are allowed; a factor of 1 keeps the wait.
  const RetryPolicy patient{
      .base = seconds(30), .factor = 1000, .max_delay = seconds(7200), .max_attempts = 1000};
  EXPECT_EQ(patient.next_attempt(999, now), std::optional(now + seconds(7200)));
  const RetryPolicy steady{.base = seconds(45), .factor = 1, .max_delay = seconds(3600), .max_attempts = 5};
  EXPECT_EQ(steady.next_attempt(4, now), std::optional(now + seconds(45)));
}

TEST(DispatcherSettingsTest, TheConfigSetsTheRetriesAndALeaseLongerThanAnyDelivery) {
  auto config =
      config::parse_config(
          "[notify]\npoll_seconds = 3\nmax_attempts = 5\nretry_base_seconds = 10\nretry_max_seconds = 90\n"
          "[smtp]\ntimeout_seconds = 100\n")
          .value();
  const DispatcherSettings settings = dispatcher_settings(config);
  EXPECT_EQ(settings.poll_interval, seconds(3));
  EXPECT_EQ(settings.retry.max_attempts, 5U);
  EXPECT_EQ(settings.retry.base, seconds(10));
  EXPECT_EQ(settings.retry.max_delay, seconds(90));
  EXPECT_EQ(settings.lease, seconds(200));
  EXPECT_EQ(dispatcher_settings(config::parse_config("").value()).lease, minutes(2));

  EXPECT_TRUE(webhook_settings(config.webhook).empty());
  config.webhook.url = "https://hooks.operator.example/ssad";
  config.webhook.secret = kSecret;
  const auto webhooks = webhook_settings(config.webhook);
  ASSERT_EQ(webhooks.size(), 1U);
  EXPECT_EQ(webhooks[0].secret, kSecret);
  EXPECT_EQ(webhooks[0].timeout, seconds(10));
  config.smtp.starttls = "opportunistic";
  EXPECT_EQ(smtp_settings(config.smtp).value().starttls, StartTls::opportunistic);
  EXPECT_EQ(smtp_settings(config.smtp).value().timeout, seconds(100));
}

}  // namespace
}  // namespace ssad::notify
