#pragma once
// The tests' SMTP server (tests/support/smtp_sink.py, a real one on aiosmtpd) as a child process: started
// on construction, which waits for its port, and ended on destruction. If the test process dies first,
// the server sees its standard input close and exits too. It announces each message it accepted on its
// standard output before it answers the client, so a test reads what a completed send delivered without
// waiting; next_message() waits at most 10 s, so that a missing message fails instead of hanging.
// Failures to start or to talk to it throw std::runtime_error, which GoogleTest reports as a failure.
//
// make_certificate() writes a self-signed certificate for 127.0.0.1 and localhost with the openssl
// command, for the server's STARTTLS and the client's ca_file.

#include <cerrno>
#include <csignal>
#include <fstream>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include "support/temp_dir.hpp"
#include "tlog/hash.hpp"

#ifndef SSAD_SMTP_SINK
#error "SSAD_SMTP_SINK must name tests/support/smtp_sink.py (tests/unit/CMakeLists.txt)"
#endif
#ifndef SSAD_PYTHON3
#error "SSAD_PYTHON3 must name the Python that has aiosmtpd (tests/unit/CMakeLists.txt)"
#endif

extern char** environ;  // NOLINT(readability-identifier-naming): POSIX names it

namespace ssad::testing {

/// A message as the server received it.
struct ReceivedMail {
  std::string mail_from;                // the envelope's sender
  std::vector<std::string> recipients;  // the envelope's recipients
  bool tls = false;                     // it came over TLS
  std::string login;                    // who logged in; "" = nobody
  // As Python's email package reads the message (an independent MIME parser): the Subject and the text,
  // decoded, and how many defects it found.
  std::string decoded_subject;
  std::string decoded_text;
  int defects = -1;
  std::string data;  // the message, headers and body, as sent (CRLF line ends)

  /// The headers, up to the blank line.
  [[nodiscard]] std::string_view head() const {
    const auto end = data.find("\r\n\r\n");
    return std::string_view(data).substr(0, end == std::string::npos ? data.size() : end + 2);
  }
  /// The body, after the blank line.
  [[nodiscard]] std::string_view body() const {
    const auto end = data.find("\r\n\r\n");
    return end == std::string::npos ? std::string_view() : std::string_view(data).substr(end + 4);
  }
  /// The value of the one header `name` (exact case), unfolded; nullopt when absent.
  [[nodiscard]] std::optional<std::string> header(std::string_view name) const {
    const std::string_view h = head();
    const std::string start = std::string(name) + ":";
    for (std::size_t at = 0; at < h.size();) {
      const auto end = h.find("\r\n", at);
      if (h.substr(at).starts_with(start)) {
        std::string value(h.substr(at + start.size(), end - at - start.size()));
        // Continuation lines start with a space or a tab.
        for (auto next = end + 2; next < h.size() && (h[next] == ' ' || h[next] == '\t');) {
          const auto line_end = h.find("\r\n", next);
          value += h.substr(next, line_end - next);
          next = line_end + 2;
        }
        const auto first = value.find_first_not_of(' ');
        return first == std::string::npos ? std::string() : value.substr(first);
      }
      at = end + 2;
    }
    return std::nullopt;
  }
  /// How many times header `name` appears.
  [[nodiscard]] int count_header(std::string_view name) const {
    int count = 0;
    const std::string start = "\r\n" + std::string(name) + ":";
    const std::string h = "\r\n" + std::string(head());
    for (auto at = h.find(start); at != std::string::npos; at = h.find(start, at + 1)) ++count;
    return count;
  }
};

/// Runs `argv` (argv[0] looked up in PATH) and waits for it; throws unless it exits with 0.
inline void run_program(std::vector<std::string> args) {
  std::vector<char*> argv;
  for (std::string& arg : args) argv.push_back(arg.data());
  argv.push_back(nullptr);
  // Its output (progress, notes) would clutter the test's; its exit status says whether it worked.
  posix_spawn_file_actions_t quiet;
  posix_spawn_file_actions_init(&quiet);
  posix_spawn_file_actions_addopen(&quiet, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&quiet, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
  pid_t pid = -1;
  const int spawned = posix_spawnp(&pid, argv[0], &quiet, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&quiet);
  if (spawned != 0) throw std::runtime_error("cannot start " + args[0]);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) throw std::runtime_error(args[0] + " failed");
}

/// A self-signed certificate (P-256, a day long) for 127.0.0.1 and localhost: the server's certificate
/// and key, and the client's trust anchor.
struct Certificate {
  std::string certificate;
  std::string key;
};
inline Certificate make_certificate(const TempDir& dir) {
  Certificate made{dir.file("cert.pem"), dir.file("key.pem")};
  run_program({"openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
               "-keyout", made.key, "-out", made.certificate, "-days", "1", "-subj", "/CN=localhost",
               "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost"});
  return made;
}

struct SmtpSinkOptions {
  std::optional<Certificate> tls;  // offer STARTTLS with it
  bool require_tls = false;        // refuse mail before STARTTLS
  std::string auth;                // "login:password" the client must log in with; "" = none
};

class SmtpSink {
 public:
  explicit SmtpSink(const SmtpSinkOptions& options = {}) {
    std::vector<std::string> args = {SSAD_PYTHON3, SSAD_SMTP_SINK, "--dir", dir_.path().string()};
    if (options.tls) args.insert(args.end(), {"--tls", options.tls->certificate, options.tls->key});
    if (options.require_tls) args.emplace_back("--require-tls");
    if (!options.auth.empty()) args.insert(args.end(), {"--auth", options.auth});
    std::vector<char*> argv;
    for (std::string& arg : args) argv.push_back(arg.data());
    argv.push_back(nullptr);

    int in[2];
    int out[2];
    if (pipe2(in, O_CLOEXEC) != 0 || pipe2(out, O_CLOEXEC) != 0) throw std::runtime_error("smtp_sink: pipe");
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, in[0], STDIN_FILENO);
    posix_spawn_file_actions_adddup2(&actions, out[1], STDOUT_FILENO);
    const int spawned = posix_spawn(&pid_, argv[0], &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    close(in[0]);
    close(out[1]);
    stdin_ = in[1];
    stdout_ = out[0];
    if (spawned != 0) {
      stop();
      throw std::runtime_error("smtp_sink: cannot start " + std::string(SSAD_PYTHON3));
    }
    const auto first = next_line(std::chrono::seconds(30));
    if (!first || !first->starts_with("PORT ")) {
      stop();
      throw std::runtime_error("smtp_sink did not start (it printed '" + first.value_or("") + "')");
    }
    port_ = std::stoi(first->substr(5));
  }

  ~SmtpSink() { stop(); }
  SmtpSink(const SmtpSink&) = delete;
  SmtpSink& operator=(const SmtpSink&) = delete;

  [[nodiscard]] int port() const { return port_; }
  /// "smtp://127.0.0.1:PORT".
  [[nodiscard]] std::string url() const { return "smtp://127.0.0.1:" + std::to_string(port_); }

  /// The next message the server accepted; throws when none comes within 10 s.
  [[nodiscard]] ReceivedMail next_message() {
    auto line = std::exchange(pending_, std::nullopt);
    if (!line) line = next_line(std::chrono::seconds(10));
    if (!line || !line->starts_with("MESSAGE ")) {
      throw std::runtime_error("smtp_sink: no message arrived (it printed '" + line.value_or("") + "')");
    }
    return read_message(line->substr(8));
  }

  /// True when the server has announced a message that next_message() has not returned: after a send
  /// that completed, whether it was delivered; after one that failed, whether anything arrived anyway.
  [[nodiscard]] bool has_message() {
    if (!pending_) pending_ = next_line(std::chrono::seconds(0));
    return pending_.has_value();
  }

 private:
  std::optional<std::string> next_line(std::chrono::milliseconds wait) {
    const auto deadline = std::chrono::steady_clock::now() + wait;
    for (;;) {
      if (const auto end = buffer_.find('\n'); end != std::string::npos) {
        std::string line = buffer_.substr(0, end);
        buffer_.erase(0, end + 1);
        return line;
      }
      const auto left =
          std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
      pollfd fd{stdout_, POLLIN, 0};
      const int ready = ::poll(&fd, 1, static_cast<int>(std::max<std::int64_t>(left.count(), 0)));
      if (ready < 0 && errno == EINTR) continue;
      if (ready <= 0) return std::nullopt;
      char chunk[4096];
      const ssize_t got = read(stdout_, chunk, sizeof chunk);
      if (got <= 0) return std::nullopt;
      buffer_.append(chunk, static_cast<std::size_t>(got));
    }
  }

  static ReceivedMail read_message(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    std::string all = text.str();
    ReceivedMail mail;
    std::size_t at = 0;
    for (;;) {
      const auto end = all.find('\n', at);
      if (end == std::string::npos) throw std::runtime_error("smtp_sink: a broken file " + path);
      const std::string line = all.substr(at, end - at);
      at = end + 1;
      if (line.empty()) break;
      if (line.starts_with("MAIL FROM:<")) mail.mail_from = line.substr(11, line.size() - 12);
      if (line.starts_with("RCPT TO:<")) mail.recipients.push_back(line.substr(9, line.size() - 10));
      if (line == "TLS:yes") mail.tls = true;
      if (line.starts_with("AUTH:") && line != "AUTH:-") mail.login = line.substr(5);
      if (line.starts_with("SUBJECT64:"))
        mail.decoded_subject = tlog::unbase64(line.substr(10)).value_or("?");
      if (line.starts_with("BODY64:")) mail.decoded_text = tlog::unbase64(line.substr(7)).value_or("?");
      if (line.starts_with("DEFECTS:")) mail.defects = std::stoi(line.substr(8));
    }
    mail.data = all.substr(at);
    return mail;
  }

  void stop() {
    if (stdin_ >= 0) close(stdin_);
    stdin_ = -1;
    if (pid_ > 0) {
      kill(pid_, SIGTERM);
      int status = 0;
      while (waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
      }
    }
    pid_ = -1;
    if (stdout_ >= 0) close(stdout_);
    stdout_ = -1;
  }

  TempDir dir_;
  pid_t pid_ = -1;
  int stdin_ = -1;
  int stdout_ = -1;
  int port_ = 0;
  std::string buffer_;                  // read, not yet a whole line
  std::optional<std::string> pending_;  // a line has_message() read ahead, for next_message()
};

}  // namespace ssad::testing
