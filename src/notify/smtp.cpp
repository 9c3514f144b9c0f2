#include "notify/smtp.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdio>
#include <cstring>
#include <random>

#include "config/config.hpp"
#include "core/text_check.hpp"
#include "core/utf8.hpp"
#include "notify/transfer.hpp"
#include "tlog/hash.hpp"

namespace ssad::notify {
namespace {

constexpr std::string_view kCrlf = "\r\n";
constexpr std::size_t kMaxAddress = 254;  // RFC 5321 §4.5.3.1.3, less the angle brackets
constexpr std::size_t kQuotedPrintableLine = 76;

Error header_injection(std::string_view what) {
  return Error{ErrorCode::invalid_input,
               std::string(what) + " holds a line break (CR or LF): refused, as it would add headers"};
}

// A plain addr-spec of printable ASCII: local@domain, no quoting, no comments, no display name, no
// second address, and nothing a header or an SMTP command would read as syntax. The address itself is
// not repeated in the error: it may be a person's.
Result<void> check_address(std::string_view address, std::string_view what) {
  if (address.find_first_of("\r\n") != std::string_view::npos) return std::unexpected(header_injection(what));
  const auto at = address.rfind('@');
  if (address.empty() || address.size() > kMaxAddress || at == std::string_view::npos || at == 0 ||
      at + 1 == address.size()) {
    return fail(ErrorCode::invalid_input, std::string(what) + " is not an email address (local@domain)");
  }
  for (std::size_t i = 0; i < address.size(); ++i) {
    const auto c = static_cast<unsigned char>(address[i]);
    const bool printable = c > 0x20 && c < 0x7f && std::strchr("<>()[],;:\\\"", c) == nullptr;
    const bool domain_char = i <= at || std::isalnum(c) != 0 || c == '-' || c == '.';
    if (!printable || (c == '@' && i != at) || !domain_char) {
      return fail(ErrorCode::invalid_input,
                  std::string(what) +
                      " is not a plain email address of printable ASCII (no spaces, quotes, brackets, "
                      "display name or second address)");
    }
  }
  return {};
}

Result<void> check_subject(std::string_view subject) {
  if (subject.find_first_of("\r\n") != std::string_view::npos) {
    return std::unexpected(header_injection("the subject"));
  }
  if (auto checked = check_text_value(subject); !checked) {
    return std::unexpected(with_context(checked.error(), "the subject"));
  }
  return {};
}

bool plain_ascii_header(std::string_view value, std::size_t room) {
  if (value.size() > room || value.find("=?") != std::string_view::npos) return false;
  return std::all_of(value.begin(), value.end(), [](char c) { return c >= 0x20 && c < 0x7f; });
}

// RFC 2047 encoded-words ("=?UTF-8?B?…?="), each at most 75 characters and cut between characters,
// folded onto lines of their own.
std::string encoded_words(std::string_view value) {
  // base64 of 39 bytes is 52 characters: 64 with the delimiters, and the first word still fits after
  // "Subject: " within 78.
  constexpr std::size_t kMaxBytes = 39;
  std::string out;
  std::size_t pos = 0;
  while (pos < value.size()) {
    std::size_t end = pos;
    while (end < value.size()) {
      std::size_t next = end;
      if (!decode_utf8(value, next)) next = end + 1;  // checked before: not reached
      if (next - pos > kMaxBytes) break;
      end = next;
    }
    if (!out.empty()) out.append(kCrlf).append(" ");
    out.append("=?UTF-8?B?").append(tlog::base64(value.substr(pos, end - pos))).append("?=");
    pos = end;
  }
  return out;
}

void append_hex(std::string& out, unsigned char c) {
  static constexpr std::string_view kHex = "0123456789ABCDEF";
  out += '=';
  out += kHex[c >> 4U];
  out += kHex[c & 0xfU];
}

// Quoted-printable (RFC 2045 §6.7) of one line of text, without its line break: soft breaks keep every
// line within 76 characters, and a line never starts with "." (which SMTP would read as the end of the
// message, or strip).
void append_quoted_printable_line(std::string& out, std::string_view line) {
  std::size_t column = 0;
  for (std::size_t i = 0; i < line.size(); ++i) {
    const auto c = static_cast<unsigned char>(line[i]);
    const bool last = i + 1 == line.size();
    // Spaces as they are but at the end of a line (where transports strip them), printable ASCII but
    // '=' and a line's leading '.' as they are; everything else as =XX.
    const bool blank = (c == ' ' || c == '\t') && !last;
    const bool printable = c > 0x20 && c < 0x7f && c != '=' && !(c == '.' && column == 0);
    std::string token;
    if (blank || printable) {
      token = static_cast<char>(c);
    } else {
      append_hex(token, c);
    }
    // A soft break ("=" at the end of a line) when the token would not fit with room for it.
    if (column + token.size() > kQuotedPrintableLine - 1) {
      out.append("=").append(kCrlf);
      column = 0;
      if (token == ".") {
        token.clear();
        append_hex(token, c);
      }
    }
    out.append(token);
    column += token.size();
  }
}

std::string quoted_printable(std::string_view text) {
  std::string out;
  std::size_t start = 0;
  while (start <= text.size()) {
    const auto end = text.find_first_of("\r\n", start);
    const std::string_view line = text.substr(start, end == std::string_view::npos ? text.npos : end - start);
    append_quoted_printable_line(out, line);
    out.append(kCrlf);
    if (end == std::string_view::npos) break;
    start = end + (text.compare(end, 2, "\r\n") == 0 ? 2 : 1);
    if (start == text.size()) break;  // the text's last line break ends its last line
  }
  return out;
}

// RFC 5322 §3.3: "Sun, 01 Mar 2026 00:00:00 +0000".
std::string rfc5322_date(Timestamp instant) {
  using namespace std::chrono;
  static constexpr std::array<const char*, 7> kDays = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static constexpr std::array<const char*, 12> kMonths = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                          "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  const auto day = floor<days>(instant);
  const year_month_day date{day};
  const hh_mm_ss time{floor<seconds>(instant - day)};
  std::array<char, 40> text{};
  std::snprintf(text.data(), text.size(), "%s, %02u %s %04d %02d:%02d:%02d +0000",
                kDays[weekday{day}.c_encoding()], static_cast<unsigned>(date.day()),
                kMonths[static_cast<unsigned>(date.month()) - 1], static_cast<int>(date.year()),
                static_cast<int>(time.hours().count()), static_cast<int>(time.minutes().count()),
                static_cast<int>(time.seconds().count()));
  return text.data();
}

bool is_dot_atom_text(std::string_view text) {
  if (text.empty() || text.size() > 128 || text.front() == '.' || text.back() == '.') return false;
  return std::all_of(text.begin(), text.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '.' || c == '_' || c == '-';
  });
}

std::string random_id() {
  std::random_device random;
  std::string id = "ssad.";
  for (int i = 0; i < 4; ++i) {
    std::array<char, 9> part{};
    std::snprintf(part.data(), part.size(), "%08x", random());
    id += part.data();
  }
  return id;
}

// The password where it might appear in a message of libcurl's, replaced: none of its messages is known
// to quote it, and none shall.
std::string without_password(std::string message, const std::string& password) {
  if (password.size() < 4) return message;
  for (auto at = message.find(password); at != std::string::npos; at = message.find(password, at)) {
    message.replace(at, password.size(), "***");
  }
  return message;
}

struct Upload {
  std::string_view data;
  std::size_t sent = 0;
};

std::size_t read_upload(char* buffer, std::size_t size, std::size_t count, void* user) {
  auto* upload = static_cast<Upload*>(user);
  const std::size_t length = std::min(size * count, upload->data.size() - upload->sent);
  std::memcpy(buffer, upload->data.data() + upload->sent, length);
  upload->sent += length;
  return length;
}

std::size_t ignore_output(char* /*data*/, std::size_t size, std::size_t count, void* /*user*/) {
  return size * count;
}

}  // namespace

std::string_view to_string(StartTls starttls) {
  switch (starttls) {
    case StartTls::off:
      return "off";
    case StartTls::opportunistic:
      return "opportunistic";
    case StartTls::required:
      return "required";
  }
  return "required";
}

Result<StartTls> parse_starttls(std::string_view text) {
  if (text == "off") return StartTls::off;
  if (text == "opportunistic") return StartTls::opportunistic;
  if (text == "required") return StartTls::required;
  return fail(ErrorCode::invalid_input, "starttls must be off, opportunistic or required");
}

Result<std::string> compose_email(std::string_view from, std::string_view to, std::string_view subject,
                                  std::string_view text, Timestamp date, std::string_view message_id,
                                  std::string_view reply_to) {
  SSAD_CHECK(check_address(from, "the sender's address"));
  SSAD_CHECK(check_address(to, "the recipient's address"));
  if (!reply_to.empty()) SSAD_CHECK(check_address(reply_to, "the reply-to address"));
  SSAD_CHECK(check_subject(subject));
  if (!is_utf8(text)) return fail(ErrorCode::invalid_input, "the text is not UTF-8");

  constexpr std::string_view kSubject = "Subject: ";
  std::string message;
  message.append("From: ").append(from).append(kCrlf);
  message.append("To: ").append(to).append(kCrlf);
  if (!reply_to.empty()) message.append("Reply-To: ").append(reply_to).append(kCrlf);
  message.append(kSubject);
  message.append(plain_ascii_header(subject, 78 - kSubject.size()) ? std::string(subject)
                                                                   : encoded_words(subject));
  message.append(kCrlf);
  message.append("Date: ").append(rfc5322_date(date)).append(kCrlf);
  const std::string left = is_dot_atom_text(message_id) ? std::string(message_id) : random_id();
  message.append("Message-ID: <")
      .append(left)
      .append("@")
      .append(from.substr(from.rfind('@') + 1))
      .append(">")
      .append(kCrlf);
  message.append("MIME-Version: 1.0").append(kCrlf);
  message.append("Content-Type: text/plain; charset=utf-8").append(kCrlf);
  message.append("Content-Transfer-Encoding: quoted-printable").append(kCrlf);
  message.append("Auto-Submitted: auto-generated").append(kCrlf);
  message.append(kCrlf);
  message.append(quoted_printable(text));
  return message;
}

Result<void> send_email(const SmtpSettings& settings, const std::string& to, const std::string& subject,
                        const std::string& text, Timestamp date, const std::string& message_id,
                        const std::string& reply_to) {
  SSAD_TRY(server, transfer::url_parts(settings.url, "smtp.url"));
  if (server.scheme != "smtp" && server.scheme != "smtps") {
    return fail(ErrorCode::invalid_input, "smtp.url must be an smtp:// or smtps:// URL");
  }
  if (server.has_credentials) {
    return fail(ErrorCode::invalid_input,
                "smtp.url must not hold credentials: set smtp.username and "
                "smtp.password");
  }
  const bool tls_certain = server.scheme == "smtps" || settings.starttls == StartTls::required;
  if (!settings.username.empty() && !tls_certain && !config::is_loopback(server.host)) {
    return fail(ErrorCode::invalid_input,
                "the SMTP password would cross the network unencrypted: use "
                "smtps:// or starttls = \"required\"");
  }
  SSAD_TRY(message, compose_email(settings.from, to, subject, text, date, message_id, reply_to));
  const std::string where = "SMTP server " + server.authority;

  transfer::init_curl_once();
  const transfer::Curl curl(curl_easy_init());
  if (!curl) return fail(ErrorCode::unavailable, where + ": libcurl did not start");
  transfer::CurlList recipients;
  if (!transfer::append(recipients, "<" + to + ">")) {
    return fail(ErrorCode::unavailable, where + ": out of memory");
  }
  const std::string envelope_from = "<" + settings.from + ">";
  Upload upload{message};
  std::array<char, CURL_ERROR_SIZE> detail{};
  const long timeout_ms = static_cast<long>(std::chrono::milliseconds(settings.timeout).count());
  const long use_ssl = settings.starttls == StartTls::off             ? CURLUSESSL_NONE
                       : settings.starttls == StartTls::opportunistic ? CURLUSESSL_TRY
                                                                      : CURLUSESSL_ALL;
  CURL* handle = curl.get();
  // Only the URL's own scheme; certificates verified; never a proxy the environment names (mail goes to
  // the server configured, or nowhere).
  bool set = curl_easy_setopt(handle, CURLOPT_URL, settings.url.c_str()) == CURLE_OK &&
             curl_easy_setopt(handle, CURLOPT_PROTOCOLS_STR, server.scheme.c_str()) == CURLE_OK &&
             curl_easy_setopt(handle, CURLOPT_USE_SSL, use_ssl) == CURLE_OK &&
             curl_easy_setopt(handle, CURLOPT_SSL_VERIFYPEER, 1L) == CURLE_OK &&
             curl_easy_setopt(handle, CURLOPT_SSL_VERIFYHOST, 2L) == CURLE_OK &&
             curl_easy_setopt(handle, CURLOPT_PROXY, "") == CURLE_OK &&
             curl_easy_setopt(handle, CURLOPT_NOSIGNAL, 1L) == CURLE_OK &&
             curl_easy_setopt(handle, CURLOPT_TIMEOUT_MS, timeout_ms) == CURLE_OK &&
             curl_easy_setopt(handle, CURLOPT_MAIL_FROM, envelope_from.c_str()) == CURLE_OK &&
             curl_easy_setopt(handle, CURLOPT_MAIL_RCPT, recipients.get()) == CURLE_OK &&
             curl_easy_setopt(handle, CURLOPT_UPLOAD, 1L) == CURLE_OK &&
             curl_easy_setopt(handle, CURLOPT_READFUNCTION, read_upload) == CURLE_OK &&
             curl_easy_setopt(handle, CURLOPT_READDATA, &upload) == CURLE_OK &&
             curl_easy_setopt(handle, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(message.size())) ==
                 CURLE_OK &&
             curl_easy_setopt(handle, CURLOPT_WRITEFUNCTION, ignore_output) == CURLE_OK &&
             curl_easy_setopt(handle, CURLOPT_ERRORBUFFER, detail.data()) == CURLE_OK;
  if (set && !settings.ca_file.empty()) {
    set = curl_easy_setopt(handle, CURLOPT_CAINFO, settings.ca_file.c_str()) == CURLE_OK;
  }
  if (set && !settings.username.empty()) {
    set = curl_easy_setopt(handle, CURLOPT_USERNAME, settings.username.c_str()) == CURLE_OK &&
          curl_easy_setopt(handle, CURLOPT_PASSWORD, settings.password.c_str()) == CURLE_OK;
  }
  if (!set) return fail(ErrorCode::unavailable, where + ": libcurl refused an option");

  const CURLcode result = curl_easy_perform(handle);
  if (result == CURLE_OK) return {};
  if (result == CURLE_USE_SSL_FAILED) {
    return fail(ErrorCode::unavailable,
                where + " does not offer STARTTLS, which smtp.starttls = \"required\" demands: not sent");
  }
  long code = 0;
  (void)curl_easy_getinfo(handle, CURLINFO_RESPONSE_CODE, &code);
  std::string why = detail[0] != '\0' ? std::string(detail.data()) : curl_easy_strerror(result);
  if (code >= 400 && why.find(std::to_string(code)) == std::string::npos) {
    why += " (the server answered " + std::to_string(code) + ")";
  }
  return fail(ErrorCode::unavailable, without_password(where + ": " + why, settings.password));
}

}  // namespace ssad::notify
