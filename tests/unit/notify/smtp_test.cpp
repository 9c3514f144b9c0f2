// Email through SMTP (notify/smtp.hpp) to a real SMTP server (tests/support/smtp_sink.py, aiosmtpd), which
// keeps what it receives and reads it with Python's email package: the envelope, the headers, the
// encodings, TLS and login, and what is refused before anything is sent.

#include "notify/smtp.hpp"

#include <string>

#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "support/smtp_sink.hpp"
#include "support/temp_dir.hpp"

namespace ssad::notify {
namespace {

using ssad::testing::SmtpSink;

Timestamp at(const char* rfc3339) { return parse_rfc3339(rfc3339).value(); }

SmtpSettings plain(const SmtpSink& sink) {
  SmtpSettings settings;
  settings.url = sink.url();
  settings.from = "ssad@operator.example";
  settings.starttls = StartTls::off;
  settings.timeout = std::chrono::seconds(20);
  return settings;
}

// Text with every line break as CRLF: what a message carries.
std::string crlf(std::string_view text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\r' && i + 1 < text.size() && text[i + 1] == '\n') continue;
    if (text[i] == '\n' || text[i] == '\r') {
      out += "\r\n";
    } else {
      out += text[i];
    }
  }
  return out;
}

// A port on 127.0.0.1 where nothing listens: bound (so no one else takes it) but not listening, so a
// connection is refused at once.
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

TEST(SmtpTest, AnEmailArrivesWithItsEnvelopeAndEveryHeaderOnce) {
  SmtpSink sink;
  const auto sent = send_email(plain(sink), "analyst@cert.example", "Request req_1 was decided",
                               "Your request req_1 was decided.\nSee the portal.\n",
                               at("2026-03-01T09:08:07.500Z"), "ntf_abc123");
  ASSERT_TRUE(sent.has_value()) << sent.error().message;
  const auto mail = sink.next_message();
  EXPECT_EQ(mail.mail_from, "ssad@operator.example");
  EXPECT_EQ(mail.recipients, std::vector<std::string>{"analyst@cert.example"});
  EXPECT_FALSE(mail.tls);
  EXPECT_EQ(mail.header("From"), "ssad@operator.example");
  EXPECT_EQ(mail.header("To"), "analyst@cert.example");
  EXPECT_EQ(mail.header("Subject"), "Request req_1 was decided");
  EXPECT_EQ(mail.header("Date"), "Sun, 01 Mar 2026 09:08:07 +0000");
  EXPECT_EQ(mail.header("Message-ID"), "<ntf_abc123@operator.example>");
  EXPECT_EQ(mail.header("MIME-Version"), "1.0");
  EXPECT_EQ(mail.header("Content-Type"), "text/plain; charset=utf-8");
  EXPECT_EQ(mail.header("Content-Transfer-Encoding"), "quoted-printable");
  EXPECT_EQ(mail.header("Auto-Submitted"), "auto-generated");
  for (const char* name : {"From", "To", "Subject", "Date", "Message-ID", "MIME-Version", "Content-Type"}) {
    EXPECT_EQ(mail.count_header(name), 1) << name;
  }
  EXPECT_EQ(mail.defects, 0);
  EXPECT_EQ(mail.decoded_subject, "Request req_1 was decided");
  EXPECT_EQ(crlf(mail.decoded_text), "Your request req_1 was decided.\r\nSee the portal.\r\n");
  EXPECT_FALSE(sink.has_message());
}

TEST(SmtpTest, ANonAsciiOrLongSubjectIsEncodedAndReadsBackTheSame) {
  SmtpSink sink;
  const std::string subjects[] = {
      "Anfrage req_1: Entscheidung über die Offenlegung — bitte prüfen ✓",
      "Request req_1: " + std::string(120, 'x') + " and a very long tail of plain ASCII words",
      "=?UTF-8?B?not-really?= left as written",
  };
  for (const std::string& subject : subjects) {
    ASSERT_TRUE(
        send_email(plain(sink), "analyst@cert.example", subject, "text", at("2026-03-01T00:00:00Z"), "")
            .has_value());
    const auto mail = sink.next_message();
    EXPECT_EQ(mail.decoded_subject, subject);
    EXPECT_EQ(mail.defects, 0) << subject;
    // Every header line is 7-bit and within 78 characters.
    const std::string head(mail.head());
    for (std::size_t at = 0; at < head.size();) {
      const auto end = head.find("\r\n", at);
      EXPECT_LE(end - at, 78U) << head.substr(at, end - at);
      at = end + 2;
    }
    EXPECT_TRUE(std::all_of(head.begin(), head.end(), [](char c) { return c > 0 && c < 0x7f; }));
    EXPECT_NE(mail.header("Message-ID").value_or("").find("@operator.example>"), std::string::npos);
  }
}

TEST(SmtpTest, LinesStartingWithADotLongLinesAndAnyCharacterArriveIntact) {
  SmtpSink sink;
  const std::string text = ".\n..\n.hidden line\nend = here  \n" + std::string(300, 'y') + "\n" +
                           std::string(74, 'z') +
                           ".after the wrap\r\nGrüße, Réviseur — ☎\rlast line without a break";
  ASSERT_TRUE(send_email(plain(sink), "analyst@cert.example", "dots", text, at("2026-03-01T00:00:00Z"), "")
                  .has_value());
  const auto mail = sink.next_message();
  EXPECT_EQ(crlf(mail.decoded_text), crlf(text) + "\r\n");
  EXPECT_EQ(mail.defects, 0);
  // On the wire: 7-bit, no line over 76 characters, none starting with a dot.
  const std::string body(mail.body());
  for (std::size_t at = 0; at < body.size();) {
    const auto end = body.find("\r\n", at);
    EXPECT_LE(end - at, 76U);
    EXPECT_NE(body[at], '.') << body.substr(at, end - at);
    at = end + 2;
  }
  EXPECT_TRUE(std::all_of(body.begin(), body.end(), [](char c) { return c > 0 && c < 0x7f; }));
}

TEST(SmtpTest, ALineBreakInAnAddressOrTheSubjectIsRefusedAndNothingIsSent) {
  SmtpSink sink;
  const Timestamp date = at("2026-03-01T00:00:00Z");
  const SmtpSettings settings = plain(sink);
  for (const auto& [to, subject] : std::vector<std::pair<std::string, std::string>>{
           {"analyst@cert.example", "Decided\r\nBcc: everyone@elsewhere.example"},
           {"analyst@cert.example", "Decided\nX-Injected: yes"},
           {"analyst@cert.example\r\nBcc: everyone@elsewhere.example", "Decided"},
           {"analyst@cert.example>\r\nRCPT TO:<everyone@elsewhere.example", "Decided"}}) {
    const auto refused = send_email(settings, to, subject, "text", date, "");
    ASSERT_FALSE(refused.has_value()) << subject;
    EXPECT_EQ(refused.error().code, ErrorCode::invalid_input);
    EXPECT_NE(refused.error().message.find("line break"), std::string::npos) << refused.error().message;
  }
  SmtpSettings bad_from = settings;
  bad_from.from = "ssad@operator.example\nBcc: x@y.example";
  EXPECT_EQ(send_email(bad_from, "a@b.example", "s", "t", date, "").error().code, ErrorCode::invalid_input);
  for (const char* to : {"two@a.example,three@b.example", "Someone <a@b.example>", "no-at-sign",
                         "a@b@c.example", "sp ace@a.example", "a@exa_mple.example"}) {
    EXPECT_EQ(send_email(settings, to, "s", "t", date, "").error().code, ErrorCode::invalid_input) << to;
  }
  EXPECT_EQ(send_email(settings, "a@b.example", "s", "not UTF-8: \xff", date, "").error().code,
            ErrorCode::invalid_input);
  EXPECT_FALSE(sink.has_message());
}

TEST(SmtpTest, AServerThatIsDownIsUnavailableNamingItsAddress) {
  const ClosedPort closed;
  SmtpSettings settings;
  settings.url = closed.url();
  settings.from = "ssad@operator.example";
  settings.starttls = StartTls::off;
  const auto failed = send_email(settings, "a@b.example", "s", "t", at("2026-03-01T00:00:00Z"), "");
  ASSERT_FALSE(failed.has_value());
  EXPECT_EQ(failed.error().code, ErrorCode::unavailable);
  EXPECT_NE(failed.error().message.find(closed.url().substr(7)), std::string::npos) << failed.error().message;
}

TEST(SmtpTest, StartTlsRequiredAgainstAServerWithoutItFailsClearlyAndSendsNothing) {
  SmtpSink sink;
  SmtpSettings settings = plain(sink);
  settings.starttls = StartTls::required;
  const auto failed = send_email(settings, "a@b.example", "s", "t", at("2026-03-01T00:00:00Z"), "");
  ASSERT_FALSE(failed.has_value());
  EXPECT_EQ(failed.error().code, ErrorCode::unavailable);
  EXPECT_NE(failed.error().message.find("does not offer STARTTLS"), std::string::npos)
      << failed.error().message;
  EXPECT_FALSE(sink.has_message());
  // Opportunistic: sent in plain text.
  settings.starttls = StartTls::opportunistic;
  ASSERT_TRUE(send_email(settings, "a@b.example", "s", "t", at("2026-03-01T00:00:00Z"), "").has_value());
  EXPECT_FALSE(sink.next_message().tls);
}

TEST(SmtpTest, OverStartTlsTheServersCertificateIsVerified) {
  const ssad::testing::TempDir dir;
  const auto certificate = ssad::testing::make_certificate(dir);
  SmtpSink sink({.tls = certificate, .require_tls = true});
  SmtpSettings settings = plain(sink);
  settings.starttls = StartTls::required;
  // Not signed by anyone the system trusts: refused.
  const auto untrusted = send_email(settings, "a@b.example", "s", "t", at("2026-03-01T00:00:00Z"), "");
  ASSERT_FALSE(untrusted.has_value());
  EXPECT_EQ(untrusted.error().code, ErrorCode::unavailable);
  EXPECT_NE(untrusted.error().message.find("certificate"), std::string::npos) << untrusted.error().message;
  EXPECT_FALSE(sink.has_message());
  // Trusted through ca_file: sent over TLS.
  settings.ca_file = certificate.certificate;
  const auto sent = send_email(settings, "a@b.example", "s", "t", at("2026-03-01T00:00:00Z"), "");
  ASSERT_TRUE(sent.has_value()) << sent.error().message;
  EXPECT_TRUE(sink.next_message().tls);
  // A server that demands STARTTLS refuses mail from a client that does not use it.
  settings.starttls = StartTls::off;
  EXPECT_EQ(send_email(settings, "a@b.example", "s", "t", at("2026-03-01T00:00:00Z"), "").error().code,
            ErrorCode::unavailable);
  EXPECT_FALSE(sink.has_message());
}

TEST(SmtpTest, CredentialsLogInOverTlsAndAWrongPasswordIsNeverInTheError) {
  const ssad::testing::TempDir dir;
  const auto certificate = ssad::testing::make_certificate(dir);
  SmtpSink sink({.tls = certificate, .auth = "ssad:correct-horse-battery"});
  SmtpSettings settings = plain(sink);
  settings.starttls = StartTls::required;
  settings.ca_file = certificate.certificate;
  settings.username = "ssad";
  settings.password = "correct-horse-battery";
  ASSERT_TRUE(send_email(settings, "a@b.example", "s", "t", at("2026-03-01T00:00:00Z"), "").has_value());
  EXPECT_EQ(sink.next_message().login, "ssad");

  settings.password = "wrong-staple-guess";
  const auto denied = send_email(settings, "a@b.example", "s", "t", at("2026-03-01T00:00:00Z"), "");
  ASSERT_FALSE(denied.has_value());
  EXPECT_EQ(denied.error().code, ErrorCode::unavailable);
  EXPECT_NE(denied.error().message.find("Login denied"), std::string::npos) << denied.error().message;
  EXPECT_EQ(denied.error().message.find("wrong-staple-guess"), std::string::npos) << denied.error().message;
  EXPECT_FALSE(sink.has_message());
}

TEST(SmtpTest, ThePasswordNeverCrossesTheNetworkUnencryptedNorSitsInTheUrl) {
  SmtpSettings settings;
  settings.url = "smtp://mail.operator.example:587";
  settings.from = "ssad@operator.example";
  settings.username = "ssad";
  settings.password = "hunter2-hunter2";
  for (const StartTls starttls : {StartTls::off, StartTls::opportunistic}) {
    settings.starttls = starttls;
    const auto refused = send_email(settings, "a@b.example", "s", "t", at("2026-03-01T00:00:00Z"), "");
    ASSERT_FALSE(refused.has_value());
    EXPECT_EQ(refused.error().code, ErrorCode::invalid_input);
    EXPECT_NE(refused.error().message.find("unencrypted"), std::string::npos);
  }
  settings.url = "smtp://ssad:hunter2-hunter2@mail.operator.example:587";
  settings.starttls = StartTls::required;
  const auto in_url = send_email(settings, "a@b.example", "s", "t", at("2026-03-01T00:00:00Z"), "");
  ASSERT_FALSE(in_url.has_value());
  EXPECT_EQ(in_url.error().code, ErrorCode::invalid_input);
  EXPECT_EQ(in_url.error().message.find("hunter2"), std::string::npos);
  settings.url = "http://mail.operator.example";
  EXPECT_EQ(send_email(settings, "a@b.example", "s", "t", at("2026-03-01T00:00:00Z"), "").error().code,
            ErrorCode::invalid_input);
}

TEST(SmtpTest, StartTlsSettingsSpellAndParseBothWays) {
  for (const StartTls value : {StartTls::off, StartTls::opportunistic, StartTls::required}) {
    EXPECT_EQ(parse_starttls(to_string(value)).value(), value);
  }
  EXPECT_EQ(parse_starttls("yes").error().code, ErrorCode::invalid_input);
}

}  // namespace
}  // namespace ssad::notify
