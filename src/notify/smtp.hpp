#pragma once
// Email through SMTP (issue 13): one plain-text message to one recipient, sent with libcurl to the
// operator's mail server. Notifications name a request and what happened, never a value of the
// registration, so a message is short text in UTF-8.

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/error.hpp"
#include "core/time.hpp"

namespace ssad::notify {

/// Whether an smtp:// connection is upgraded to TLS (STARTTLS, RFC 3207). smtps:// URLs are TLS from
/// the start, whatever this says.
enum class StartTls : std::uint8_t {
  off,            // never: plain text (a relay on the same machine)
  opportunistic,  // when the server offers it; plain text otherwise
  required,       // or the message is not sent
};
[[nodiscard]] std::string_view to_string(StartTls starttls);  // "off", "opportunistic", "required"
/// Errors: invalid_input naming the three values.
[[nodiscard]] Result<StartTls> parse_starttls(std::string_view text);

struct SmtpSettings {
  std::string url;       // "smtp://mail.example:587" or "smtps://mail.example:465"; no credentials in it
  std::string from;      // the sender's address (envelope and From header): "ssad@operator.example"
  std::string username;  // "" = no authentication
  std::string password;  // with username; never in a message, a log line or an error
  StartTls starttls = StartTls::required;
  std::string ca_file;               // PEM certificates the server's must chain to; "" = the system's
  std::chrono::seconds timeout{30};  // for the whole conversation
};

/// The RFC 5322 message send_email() sends: From, To, Subject (RFC 2047 encoded-words when not plain
/// short ASCII), Date (`date`), Message-ID (`<message_id@domain of from>`, random when `message_id` is
/// empty or not a dot-atom), MIME-Version, Content-Type text/plain; charset=utf-8, quoted-printable
/// text (7-bit, lines of at most 76 characters, no line starting with "."), Auto-Submitted (RFC 3834, so
/// that vacation responders stay quiet), and Reply-To when `reply_to` is not empty (a relayed message's
/// sender, issue 15). Lines end in CRLF. Errors: invalid_input when an address is
/// not a plain addr-spec of printable ASCII, when an address or the subject holds a CR or LF (header
/// injection) or another control character, or when the subject or text is not UTF-8.
[[nodiscard]] Result<std::string> compose_email(std::string_view from, std::string_view to,
                                                std::string_view subject, std::string_view text,
                                                Timestamp date, std::string_view message_id,
                                                std::string_view reply_to = {});

/// Sends `text` with `subject` to `to` through the server of `settings`, the message as compose_email()
/// writes it (the Date `date`, the Message-ID's left part `message_id`: the same for each attempt of one
/// notification, so that a receiver can tell a repeat). Certificates are verified (against `ca_file`
/// when set). Returns once the server accepted the message.
/// Errors: invalid_input for what no attempt could change (a bad address or subject, a URL that is not
/// smtp:// or smtps:// or holds credentials, credentials that would cross the network unencrypted: with
/// a username, a server off loopback must be smtps:// or `starttls` required); unavailable when the
/// server cannot be reached, refuses the message or the login, or does not offer the STARTTLS that
/// `required` demands. Messages name the server's host and port, never the password.
[[nodiscard]] Result<void> send_email(const SmtpSettings& settings, const std::string& to,
                                      const std::string& subject, const std::string& text, Timestamp date,
                                      const std::string& message_id, const std::string& reply_to = {});

}  // namespace ssad::notify
