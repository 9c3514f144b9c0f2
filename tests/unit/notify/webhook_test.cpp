// Signed webhooks (notify/webhook.hpp) to an in-process receiver (tests/support/webhook_receiver.hpp): the
// Standard Webhooks headers, the signature checked here with OpenSSL's HMAC and base64 and with the Python
// example of docs/notifications.md, the body, and what counts as delivered.

#include "notify/webhook.hpp"

#include <array>
#include <fstream>
#include <sstream>
#include <string>

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <rapidjson/document.h>

#include "support/smtp_sink.hpp"
#include "support/temp_dir.hpp"
#include "support/webhook_receiver.hpp"

namespace ssad::notify {
namespace {

using ssad::testing::WebhookReceiver;

constexpr const char* kSecret = "an operator secret of more than 32 bytes";

Timestamp at(const char* rfc3339) { return parse_rfc3339(rfc3339).value(); }

// Standard base64, by OpenSSL (not the code under test).
std::string base64_of(const unsigned char* bytes, std::size_t size) {
  std::string out(4 * ((size + 2) / 3) + 1, '\0');
  const int length =
      EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), bytes, static_cast<int>(size));
  out.resize(static_cast<std::size_t>(length));
  return out;
}

// "v1," + base64(HMAC-SHA256(key, id.timestamp.body)), computed here.
std::string expected_signature(std::string_view key, const std::string& id, const std::string& timestamp,
                               const std::string& body) {
  const std::string signed_content = id + "." + timestamp + "." + body;
  std::array<unsigned char, EVP_MAX_MD_SIZE> mac{};
  unsigned int length = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(signed_content.data()), signed_content.size(), mac.data(),
       &length);
  return "v1," + base64_of(mac.data(), length);
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// The Python `verify` of docs/notifications.md, run on a call: its exit status (0: verified).
int python_verdict(const std::string& secret, const WebhookReceiver::Call& call, const std::string& body) {
  const ssad::testing::TempDir dir;
  const std::string doc = read_file(std::string(SSAD_TEST_DATA_DIR) + "/../../docs/notifications.md");
  const auto start = doc.find("```python\n");
  const auto end = doc.find("```", start + 10);
  if (start == std::string::npos || end == std::string::npos) throw std::runtime_error("no Python example");
  std::ofstream(dir.file("verify.py"))
      << doc.substr(start + 10, end - start - 10)
      << "\nimport sys\n"
         "headers = {'webhook-id': sys.argv[2], 'webhook-timestamp': sys.argv[3], 'webhook-signature': "
         "sys.argv[4]}\n"
         "body = open(sys.argv[5], 'rb').read()\n"
         "sys.exit(0 if verify(sys.argv[1], headers, body, now=int(sys.argv[3]) + 60) else 1)\n";
  std::ofstream(dir.file("body"), std::ios::binary) << body;
  std::vector<std::string> args = {SSAD_PYTHON3,
                                   dir.file("verify.py"),
                                   secret,
                                   call.header("webhook-id"),
                                   call.header("webhook-timestamp"),
                                   call.header("webhook-signature"),
                                   dir.file("body")};
  std::vector<char*> argv;
  for (std::string& arg : args) argv.push_back(arg.data());
  argv.push_back(nullptr);
  pid_t pid = -1;
  if (posix_spawn(&pid, argv[0], nullptr, nullptr, argv.data(), environ) != 0)
    throw std::runtime_error("spawn");
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

TEST(WebhookTest, ACallCarriesTheStandardWebhooksHeadersAndASignatureThatVerifies) {
  WebhookReceiver receiver;
  const Timestamp now = at("2026-03-01T09:08:07.250Z");
  const std::string event =
      R"({"type":"request.decided","time":"2026-03-01T09:08:07Z","data":{"request":"req_1","status":"decided"}})";
  const auto sent = post_webhook({receiver.url(), kSecret}, "ntf_abc", "request.decided", event, now);
  ASSERT_TRUE(sent.has_value()) << sent.error().message;
  const auto calls = receiver.calls();
  ASSERT_EQ(calls.size(), 1U);
  const auto& call = calls[0];
  EXPECT_EQ(call.method, "POST");
  EXPECT_EQ(call.target, "/hooks/ssad");
  EXPECT_EQ(call.header("content-type"), "application/json");
  EXPECT_EQ(call.header("webhook-id"), "ntf_abc");
  EXPECT_EQ(call.header("webhook-timestamp"), "1772356087");
  EXPECT_EQ(call.header("webhook-signature"),
            expected_signature(kSecret, "ntf_abc", "1772356087", call.body));
  // The event, byte for byte: what is signed is what the receiver parses.
  EXPECT_EQ(call.body, event);
  rapidjson::Document body;
  body.Parse(call.body.c_str(), call.body.size());
  ASSERT_FALSE(body.HasParseError()) << call.body;
  EXPECT_STREQ(body["data"]["request"].GetString(), "req_1");

  // The documentation's Python verifies it, and refuses it with one byte of the body changed.
  EXPECT_EQ(python_verdict(kSecret, call, call.body), 0);
  std::string tampered = call.body;
  tampered[tampered.find("decided\"}")] = 'D';
  EXPECT_EQ(python_verdict(kSecret, call, tampered), 1);
  EXPECT_EQ(python_verdict(std::string(kSecret) + "!", call, call.body), 1);
}

TEST(WebhookTest, AStandardWebhooksSecretSignsWithTheBytesItsBase64StandsFor) {
  WebhookReceiver receiver;
  const std::string key = "0123456789abcdef0123456789abcdef";
  const std::string secret =
      "whsec_" + base64_of(reinterpret_cast<const unsigned char*>(key.data()), key.size());
  ASSERT_TRUE(
      post_webhook({receiver.url(), secret}, "ntf_1", "request.filed", "{}", at("2026-03-01T00:00:00Z"))
          .has_value());
  const auto call = receiver.calls().at(0);
  EXPECT_EQ(call.header("webhook-signature"),
            expected_signature(key, "ntf_1", call.header("webhook-timestamp"), call.body));
  EXPECT_EQ(python_verdict(secret, call, call.body), 0);
}

TEST(WebhookTest, OnlyA2xxAnswerIsADeliveryAndAFailureNamesNoPathOrQuery) {
  WebhookReceiver receiver;
  const std::string url = receiver.url("/hooks/ssad?token=t0p-s3cret-token");
  receiver.fail_next(1, 500);
  const auto failed =
      post_webhook({url, kSecret}, "ntf_1", "request.filed", "{}", at("2026-03-01T00:00:00Z"));
  ASSERT_FALSE(failed.has_value());
  EXPECT_EQ(failed.error().code, ErrorCode::unavailable);
  EXPECT_NE(failed.error().message.find("500"), std::string::npos) << failed.error().message;
  EXPECT_NE(failed.error().message.find("request.filed"), std::string::npos) << failed.error().message;
  EXPECT_EQ(failed.error().message.find("t0p-s3cret"), std::string::npos) << failed.error().message;
  EXPECT_EQ(failed.error().message.find("/hooks"), std::string::npos) << failed.error().message;

  receiver.fail_next(1, 200);
  EXPECT_TRUE(
      post_webhook({url, kSecret}, "ntf_1", "request.filed", "{}", at("2026-03-01T00:00:00Z")).has_value());
  EXPECT_TRUE(
      post_webhook({url, kSecret}, "ntf_1", "request.filed", "{}", at("2026-03-01T00:00:00Z")).has_value());
  EXPECT_EQ(receiver.calls().size(), 3U);
}

TEST(WebhookTest, ARedirectIsAFailureAndIsNotFollowed) {
  WebhookReceiver receiver;
  receiver.fail_next(1, 307, receiver.url("/elsewhere"));
  const auto failed =
      post_webhook({receiver.url(), kSecret}, "ntf_1", "request.filed", "{}", at("2026-03-01T00:00:00Z"));
  ASSERT_FALSE(failed.has_value());
  EXPECT_EQ(failed.error().code, ErrorCode::unavailable);
  EXPECT_NE(failed.error().message.find("redirects are not followed"), std::string::npos);
  const auto calls = receiver.calls();
  ASSERT_EQ(calls.size(), 1U);
  EXPECT_EQ(calls[0].target, "/hooks/ssad");
}

TEST(WebhookTest, WhatNoAttemptCouldChangeIsRefusedBeforeAnyCall) {
  WebhookReceiver receiver;
  const Timestamp now = at("2026-03-01T00:00:00Z");
  const std::vector<std::pair<WebhookSettings, std::pair<std::string, std::string>>> refused = {
      {{"http://hooks.operator.example/ssad", kSecret}, {"ntf_1", "{}"}},  // plain http off loopback
      {{"ftp://127.0.0.1/ssad", kSecret}, {"ntf_1", "{}"}},
      {{"not a url", kSecret}, {"ntf_1", "{}"}},
      {{receiver.url(), ""}, {"ntf_1", "{}"}},                          // no secret
      {{receiver.url(), kSecret}, {"ntf_1\r\nX-Injected: yes", "{}"}},  // an id a header cannot carry
      {{receiver.url(), kSecret}, {"ntf_1", "[1, 2]"}},                 // data not an object
      {{receiver.url(), kSecret}, {"ntf_1", "{\"a\": "}},               // not JSON
      {{receiver.url(), kSecret}, {"ntf_1", "{\"a\": \"\xff\"}"}},      // not UTF-8
  };
  for (const auto& [settings, call] : refused) {
    const auto result = post_webhook(settings, call.first, "request.filed", call.second, now);
    ASSERT_FALSE(result.has_value()) << settings.url << " " << call.first << " " << call.second;
    EXPECT_EQ(result.error().code, ErrorCode::invalid_input) << result.error().message;
  }
  EXPECT_EQ(post_webhook({receiver.url(), kSecret}, "ntf_1", "line\nbreak", "{}", now).error().code,
            ErrorCode::invalid_input);
  EXPECT_TRUE(receiver.calls().empty());
}

TEST(WebhookTest, AReceiverThatIsDownIsUnavailable) {
  std::string url;
  {
    const WebhookReceiver gone;
    url = gone.url();
  }
  const auto failed =
      post_webhook({url, kSecret}, "ntf_1", "request.filed", "{}", at("2026-03-01T00:00:00Z"));
  ASSERT_FALSE(failed.has_value());
  EXPECT_EQ(failed.error().code, ErrorCode::unavailable);
}

}  // namespace
}  // namespace ssad::notify
