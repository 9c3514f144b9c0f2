#pragma once
// The tests' OpenID Connect identity provider (tests/support/test_idp/main.go, built as SSAD_TEST_IDP)
// as a child process: started on construction, which waits for its base URL, and ended on destruction.
// If the test process dies first, the provider sees its standard input close and exits too.
// Failures to start or to talk to it throw std::runtime_error, which GoogleTest reports as a failure.

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include <curl/curl.h>
#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef SSAD_TEST_IDP
#error "SSAD_TEST_IDP must name the test_idp program (tests/CMakeLists.txt)"
#endif

extern char** environ;  // NOLINT(readability-identifier-naming): POSIX names it

namespace ssad::testing {

/// What the provider answered.
struct IdpResponse {
  long status = 0;
  std::string body;
};

class TestIdp {
 public:
  /// Starts the provider. `issuer`: its tokens' iss ("" = its base URL); `jwks_file`: where it also
  /// writes its JWK Set ("" = nowhere).
  explicit TestIdp(const std::string& issuer = "", const std::string& jwks_file = "") {
    std::vector<std::string> args = {SSAD_TEST_IDP};
    if (!issuer.empty()) args.insert(args.end(), {"--issuer", issuer});
    if (!jwks_file.empty()) args.insert(args.end(), {"--jwks-file", jwks_file});
    std::vector<char*> argv;
    for (std::string& arg : args) argv.push_back(arg.data());
    argv.push_back(nullptr);

    int in[2];
    int out[2];
    if (pipe2(in, O_CLOEXEC) != 0 || pipe2(out, O_CLOEXEC) != 0) throw std::runtime_error("test_idp: pipe");
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, in[0], STDIN_FILENO);
    posix_spawn_file_actions_adddup2(&actions, out[1], STDOUT_FILENO);
    const int spawned = posix_spawn(&pid_, argv[0], &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    close(in[0]);
    close(out[1]);
    stdin_ = in[1];
    if (spawned != 0) {
      close(out[0]);
      close(stdin_);
      throw std::runtime_error("test_idp: cannot start " + std::string(SSAD_TEST_IDP));
    }
    // The first line of its output is its base URL.
    char c = 0;
    while (read(out[0], &c, 1) == 1 && c != '\n') base_url_.push_back(c);
    close(out[0]);
    if (!base_url_.starts_with("http://")) {
      stop();
      throw std::runtime_error("test_idp did not start (it printed '" + base_url_ + "')");
    }
  }

  ~TestIdp() { stop(); }
  TestIdp(const TestIdp&) = delete;
  TestIdp& operator=(const TestIdp&) = delete;

  /// "http://127.0.0.1:PORT", also the issuer unless another was given.
  [[nodiscard]] const std::string& base_url() const { return base_url_; }
  [[nodiscard]] std::string jwks_url() const { return base_url_ + "/jwks"; }

  /// A token from GET /token?`query` (main.go lists the parameters).
  [[nodiscard]] std::string token(const std::string& query = "") const {
    const IdpResponse response = request("GET", "/token?" + query);
    if (response.status != 200) throw std::runtime_error("test_idp /token?" + query + ": " + response.body);
    return response.body;
  }

  /// POST /rotate?`query`: the kid of the key it added ("" when it only retired one).
  std::string rotate(const std::string& query) const {
    const IdpResponse response = request("POST", "/rotate?" + query);
    if (response.status != 200) throw std::runtime_error("test_idp /rotate?" + query + ": " + response.body);
    return response.body;
  }

  /// How many times its JWK Set has been asked for.
  [[nodiscard]] int jwks_requests() const {
    const IdpResponse response = request("GET", "/stats");
    const std::string_view name = "\"jwks_requests\":";
    const auto at = response.body.find(name);
    if (response.status != 200 || at == std::string::npos) throw std::runtime_error("test_idp /stats");
    return std::stoi(response.body.substr(at + name.size()));
  }

  /// Any request to it.
  [[nodiscard]] IdpResponse request(const std::string& method, const std::string& path) const {
    const std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> curl(curl_easy_init(), &curl_easy_cleanup);
    if (!curl) throw std::runtime_error("curl_easy_init");
    IdpResponse response;
    const std::string url = base_url_ + path;
    curl_easy_setopt(curl.get(), CURLOPT_URL, url.c_str());
    curl_easy_setopt(curl.get(), CURLOPT_CUSTOMREQUEST, method.c_str());
    curl_easy_setopt(curl.get(), CURLOPT_PROXY, "");
    curl_easy_setopt(curl.get(), CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl.get(), CURLOPT_TIMEOUT, 30L);
    curl_easy_setopt(curl.get(), CURLOPT_WRITEFUNCTION, &append);
    curl_easy_setopt(curl.get(), CURLOPT_WRITEDATA, &response.body);
    if (const CURLcode result = curl_easy_perform(curl.get()); result != CURLE_OK) {
      throw std::runtime_error("test_idp " + url + ": " + curl_easy_strerror(result));
    }
    curl_easy_getinfo(curl.get(), CURLINFO_RESPONSE_CODE, &response.status);
    return response;
  }

 private:
  static std::size_t append(char* data, std::size_t size, std::size_t count, void* body) {
    static_cast<std::string*>(body)->append(data, size * count);
    return size * count;
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
  }

  pid_t pid_ = -1;
  int stdin_ = -1;
  std::string base_url_;
};

}  // namespace ssad::testing
