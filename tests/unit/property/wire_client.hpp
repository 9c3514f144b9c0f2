#pragma once
// A blocking HTTP/1.1 client over one keep-alive loopback connection, for the privacy property test's
// requests that go through a real http::Server. Kept apart from the test itself: that file uses
// RapidJSON's DOM, whose clang flag (-fdelayed-template-parsing) Boost.Asio does not build under.

#include <cstdint>
#include <memory>

#include "http/message.hpp"

namespace ssad::testing {

class WireClient {
 public:
  /// Connects to 127.0.0.1:`port`. Throws when it cannot (a test failure).
  explicit WireClient(std::uint16_t port);
  ~WireClient();
  WireClient(const WireClient&) = delete;
  WireClient& operator=(const WireClient&) = delete;

  /// Sends `request` (its method, target, headers and body; a Host header is added when it has none) and
  /// returns the response as received: status, every header field and the body.
  [[nodiscard]] http::Response exchange(const http::Request& request);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace ssad::testing
