// Notifications of disclosure requests (issue 13 item 9) end to end: steps taken over /v1 write them to
// the outbox with the change, and the dispatcher (notify::Dispatcher::run_once, run here when a test wants
// it) delivers them by email to a real SMTP server (tests/support/smtp_sink.py on aiosmtpd) and by signed
// webhook to an in-process receiver. The requestor hears that its request was acknowledged, that
// information is asked for and that it is decided; the reviewers that one waits; the operator's webhook
// gets signed events. A mail server that is down delays an email and never the change it announces.
// Neither an email nor a webhook carries a value of the registration.

#include <array>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <sys/socket.h>
#include <unistd.h>

#include "notify/dispatcher.hpp"
#include "notify/smtp.hpp"
#include "support/smtp_sink.hpp"
#include "support/webhook_receiver.hpp"
#include "unit/http/requests_fixture.hpp"

namespace ssad::http {
namespace {

using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using ::testing::UnorderedElementsAre;
using Report = notify::Dispatcher::Report;

constexpr const char* kSecret = "the registry's webhook secret, long enough";
constexpr const char* kPublicUrl = "https://ssad.example.test/";

// Standard Webhooks' signature of a call, computed here with OpenSSL alone.
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

// An SMTP URL on 127.0.0.1 where nothing answers: a port bound but not listening.
class DeadMailServer {
 public:
  DeadMailServer() : fd_(socket(AF_INET, SOCK_STREAM, 0)) {
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof address;
    if (fd_ < 0 || bind(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
        getsockname(fd_, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
      throw std::runtime_error("cannot bind a port");
    }
    url_ = "smtp://127.0.0.1:" + std::to_string(ntohs(address.sin_port));
  }
  ~DeadMailServer() { close(fd_); }
  DeadMailServer(const DeadMailServer&) = delete;
  DeadMailServer& operator=(const DeadMailServer&) = delete;
  [[nodiscard]] const std::string& url() const { return url_; }

 private:
  int fd_;
  std::string url_;
};

class RequestNotificationTest : public RequestsApiTest {
 protected:
  // As `ssad serve` with [smtp] url set, the operator's [webhook] and requests.public_url.
  disclosure::RequestSettings request_settings() override {
    disclosure::RequestSettings settings = RequestsApiTest::request_settings();
    settings.notifications.email = true;
    settings.notifications.webhook_url = hook_.url();
    settings.notifications.public_url = kPublicUrl;
    return settings;
  }

  void SetUp() override {
    RequestsApiTest::SetUp();
    smtp_.url = sink_.url();
    smtp_.from = "ssad@registry.example";
    smtp_.starttls = notify::StartTls::off;
    smtp_.timeout = std::chrono::seconds(20);
    // The sender reads smtp_ when it sends, so that a test can take the server down and up again.
    auto email = [this](const std::string& to, const std::string& subject, const std::string& text,
                        Timestamp date, const std::string& message_id) {
      return notify::send_email(smtp_, to, subject, text, date, message_id);
    };
    dispatcher_ = std::make_unique<notify::Dispatcher>(
        store_->outbox(), clock_, email, notify::http_webhook_sender(),
        std::vector<notify::WebhookSettings>{{.url = hook_.url(), .secret = kSecret}});
  }

  // Runs the dispatcher once; the mails it delivered join mails_.
  Report deliver() {
    auto report = dispatcher_->run_once();
    EXPECT_TRUE(report.has_value());
    while (sink_.has_message()) mails_.push_back(sink_.next_message());
    return report.value_or(Report{});
  }

  // "recipient: event" for each mail delivered since the last call, the event read from the subject.
  std::vector<std::string> new_mails(const std::string& id) {
    std::vector<std::string> out;
    for (; seen_ < mails_.size(); ++seen_) {
      const testing::ReceivedMail& mail = mails_[seen_];
      const std::string prefix = "[OpenSSAD] " + id + " (natural.test): ";
      EXPECT_TRUE(mail.decoded_subject.starts_with(prefix)) << mail.decoded_subject;
      EXPECT_EQ(mail.recipients.size(), 1U);
      out.push_back(mail.recipients.at(0) + ": " + mail.decoded_subject.substr(prefix.size()));
    }
    return out;
  }

  // The type of each webhook call received since the last call, each checked for its signature.
  std::vector<std::string> new_calls(const std::string& id) {
    std::vector<std::string> out;
    const auto calls = hook_.calls();
    for (; called_ < calls.size(); ++called_) {
      const auto& call = calls[called_];
      EXPECT_EQ(call.method, "POST");
      EXPECT_EQ(call.target, "/hooks/ssad");
      EXPECT_EQ(call.header("webhook-signature"),
                signature_of(call.header("webhook-id"), call.header("webhook-timestamp"), call.body));
      EXPECT_FALSE(call.header("webhook-id").empty());
      rapidjson::Document event;
      event.Parse(call.body.c_str());
      EXPECT_TRUE(event.IsObject()) << call.body;
      if (!event.IsObject()) continue;
      EXPECT_EQ(text(event["data"], "request"), id);
      EXPECT_EQ(text(event["data"], "domain"), "natural.test");
      EXPECT_EQ(text(event["data"], "organisation"), a_org_);
      expect_no_values(call.body);
      out.push_back(text(event, "type"));
    }
    return out;
  }

  testing::SmtpSink sink_;
  testing::WebhookReceiver hook_;
  notify::SmtpSettings smtp_;
  std::unique_ptr<notify::Dispatcher> dispatcher_;
  std::vector<testing::ReceivedMail> mails_;
  std::size_t seen_ = 0;
  std::size_t called_ = 0;
};

TEST_F(RequestNotificationTest, EachStepIsAnnouncedToWhoMustKnowWithoutARegistrationValue) {
  clock_.set_wall(testing::at("2026-03-02T09:00:00Z"));
  const std::string id = file_id(a_, reviewed_filing());
  EXPECT_EQ(deliver(), (Report{.delivered = 3}));
  EXPECT_THAT(new_mails(id),
              UnorderedElementsAre(a_.email + ": acknowledged", reviewer_.email + ": submitted"));
  EXPECT_THAT(new_calls(id), UnorderedElementsAre("request.submitted"));

  // Claiming is nobody else's business; asking for information is the requestor's.
  ASSERT_EQ(act(id, "claim", reviewer_).status, 200U);
  EXPECT_EQ(deliver(), Report{});
  ASSERT_EQ(act(id, "information", reviewer_, R"({"question":"When did you first see the page?"})").status,
            200U);
  EXPECT_EQ(deliver(), (Report{.delivered = 1}));
  EXPECT_THAT(new_mails(id), UnorderedElementsAre(a_.email + ": information_requested"));

  // The answer goes to the reviewer holding it, and the webhook.
  clock_.advance(std::chrono::hours(3));
  ASSERT_EQ(act(id, "messages", a_, R"({"body":"On 1 March at 08:00."})").status, 200U);
  EXPECT_EQ(deliver(), (Report{.delivered = 2}));
  EXPECT_THAT(new_mails(id), UnorderedElementsAre(reviewer_.email + ": information_provided"));
  EXPECT_THAT(new_calls(id), UnorderedElementsAre("request.information_provided"));

  ASSERT_EQ(act(id, "decision", reviewer_, decision({{"registrant.email", "disclose"}})).status, 200U);
  EXPECT_EQ(deliver(), (Report{.delivered = 2}));
  EXPECT_THAT(new_mails(id), UnorderedElementsAre(a_.email + ": decided"));
  EXPECT_THAT(new_calls(id), UnorderedElementsAre("request.decided"));
  EXPECT_EQ(deliver(), Report{});  // each once

  // Every email names the request, links to it and says it carries no registration data — and doesn't.
  ASSERT_EQ(mails_.size(), 5U);
  for (const testing::ReceivedMail& mail : mails_) {
    EXPECT_EQ(mail.mail_from, "ssad@registry.example");
    EXPECT_EQ(mail.defects, 0);
    EXPECT_THAT(mail.decoded_text, HasSubstr("Request:  " + id));
    EXPECT_THAT(mail.decoded_text, HasSubstr(std::string(kPublicUrl) + "v1/requests/" + id));
    EXPECT_THAT(mail.decoded_text, HasSubstr("This message carries no registration data"));
    expect_no_values(mail.data);
    expect_no_values(mail.decoded_text);
  }
  const auto waiting = store_->outbox().counts().value();
  EXPECT_EQ(waiting.waiting, 0U);
  EXPECT_EQ(waiting.delivered, 8U);
}

TEST_F(RequestNotificationTest, AnAutomatedAnswerIsAcknowledgedWithoutItsValues) {
  Filing filing;
  filing.fields = {"registrant.name", "registrant.email"};
  const std::string id = file_id(a_, filing);
  EXPECT_EQ(deliver(), (Report{.delivered = 2}));
  EXPECT_THAT(new_mails(id), UnorderedElementsAre(a_.email + ": acknowledged"));
  EXPECT_THAT(new_calls(id), UnorderedElementsAre("request.decided"));
  ASSERT_EQ(mails_.size(), 1U);
  EXPECT_THAT(mails_[0].decoded_text, HasSubstr("Fields:   2 disclosed, 0 refused, 0 under review"));
  expect_no_values(mails_[0].data);
  expect_no_values(mails_[0].decoded_text);
}

TEST_F(RequestNotificationTest, WithdrawalsMessagesAndDeadlinesReachTheReviewers) {
  clock_.set_wall(testing::at("2026-03-02T09:00:00Z"));
  const std::string id = file_id(a_, reviewed_filing());
  deliver();
  (void)new_mails(id);
  (void)new_calls(id);
  // On a request nobody holds, a requestor's message goes to the queue's webhook, not to every
  // reviewer's mailbox (a requestor must not be able to mail the whole staff at will).
  ASSERT_EQ(act(id, "messages", a_, R"({"body":"Any news?"})").status, 200U);
  EXPECT_EQ(deliver(), (Report{.delivered = 1}));
  EXPECT_THAT(new_mails(id), IsEmpty());
  EXPECT_THAT(new_calls(id), UnorderedElementsAre("request.message"));
  // Once a reviewer holds it, that reviewer is emailed.
  ASSERT_EQ(act(id, "claim", reviewer_, "").status, 200U);
  ASSERT_EQ(act(id, "messages", a_, R"({"body":"Any news now?"})").status, 200U);
  EXPECT_EQ(deliver(), (Report{.delivered = 2}));
  EXPECT_THAT(new_mails(id), UnorderedElementsAre(reviewer_.email + ": message"));
  EXPECT_THAT(new_calls(id), UnorderedElementsAre("request.message"));
  ASSERT_EQ(act(id, "messages", reviewer_, R"({"body":"Soon."})").status, 200U);
  EXPECT_EQ(deliver(), (Report{.delivered = 1}));
  EXPECT_THAT(new_mails(id), UnorderedElementsAre(a_.email + ": message"));

  // The deadline approaches, then passes: announced once each, however often the watch runs.
  clock_.set_wall(testing::at("2026-03-09T06:00:00Z"));
  ASSERT_EQ(requests_->watch_deadlines().value(), 1U);
  ASSERT_EQ(requests_->watch_deadlines().value(), 0U);
  EXPECT_EQ(deliver(), (Report{.delivered = 2}));
  EXPECT_THAT(new_mails(id), UnorderedElementsAre(reviewer_.email + ": deadline_near"));
  EXPECT_THAT(new_calls(id), UnorderedElementsAre("request.deadline_near"));
  clock_.set_wall(testing::at("2026-03-09T09:00:00Z"));
  ASSERT_EQ(requests_->watch_deadlines().value(), 1U);
  ASSERT_EQ(requests_->watch_deadlines().value(), 0U);
  EXPECT_EQ(deliver(), (Report{.delivered = 2}));
  EXPECT_THAT(new_mails(id), UnorderedElementsAre(reviewer_.email + ": deadline_breached"));
  EXPECT_THAT(new_calls(id), UnorderedElementsAre("request.deadline_breached"));

  ASSERT_EQ(act(id, "cancel", a_, R"({"reason":"The page is gone."})").status, 200U);
  EXPECT_EQ(deliver(), (Report{.delivered = 2}));
  EXPECT_THAT(new_mails(id), UnorderedElementsAre(reviewer_.email + ": cancelled"));
  EXPECT_THAT(new_calls(id), UnorderedElementsAre("request.cancelled"));
}

TEST_F(RequestNotificationTest, AMailServerThatIsDownDelaysTheEmailAndNeverTheChange) {
  const DeadMailServer down;
  smtp_.url = down.url();
  hook_.fail_next(1);
  clock_.set_wall(testing::at("2026-03-02T09:00:00Z"));
  const Response filed = file(a_, reviewed_filing());
  ASSERT_EQ(filed.status, 201U) << filed.body;
  const std::string id = json(filed)["request"]["id"].GetString();

  // Nothing is delivered: every notification waits for its next attempt, the request stands filed.
  EXPECT_EQ(deliver(), (Report{.retried = 3}));
  EXPECT_TRUE(mails_.empty());
  EXPECT_EQ(text(read(id, a_), "status"), "pending");
  EXPECT_EQ(json(get("/v1/requests?status=pending", reviewer_.key))["items"].Size(), 1U);
  for (const store::Notification& n : outbox()) {
    EXPECT_EQ(n.attempts, 1U);
    EXPECT_FALSE(n.delivered.has_value());
    EXPECT_FALSE(n.last_error.empty());
    EXPECT_EQ(n.request_id, id);
  }
  // A step taken meanwhile is not held up either.
  ASSERT_EQ(act(id, "claim", reviewer_).status, 200U);

  // The server is back: at the next attempt (30 s on), each is delivered, once.
  smtp_.url = sink_.url();
  EXPECT_EQ(deliver(), Report{});  // not due yet
  clock_.advance(std::chrono::seconds(30));
  EXPECT_EQ(deliver(), (Report{.delivered = 3}));
  EXPECT_THAT(new_mails(id),
              UnorderedElementsAre(a_.email + ": acknowledged", reviewer_.email + ": submitted"));
  EXPECT_THAT(new_calls(id), UnorderedElementsAre("request.submitted", "request.submitted"));  // retried
  EXPECT_EQ(hook_.calls()[0].header("webhook-id"), hook_.calls()[1].header("webhook-id"));
  EXPECT_EQ(deliver(), Report{});
  EXPECT_EQ(text(read(id, a_), "status"), "in_review");
}

}  // namespace
}  // namespace ssad::http
