#pragma once
// Opening a listening TCP socket, shared by the HTTP and WHOIS servers.

// clang-format off
#include <utility>  // before Boost: see http/asio.hpp

#include <boost/asio/ip/tcp.hpp>
// clang-format on

#include <cstdint>
#include <string>

#include "core/error.hpp"

namespace ssad::http {

/// Resolves `host` (passively; the port is numeric), then opens, binds (with SO_REUSEADDR) and listens on
/// the first address. Returns the bound endpoint, with the chosen port when `port` is 0. Errors:
/// unavailable "cannot listen on HOST:PORT: <reason>".
[[nodiscard]] Result<boost::asio::ip::tcp::endpoint> open_listener(boost::asio::ip::tcp::acceptor& acceptor,
                                                                   const std::string& host,
                                                                   std::uint16_t port);

/// A peer's address as logs and rate limits know it: IPv4-mapped IPv6 (every IPv4 client of a dual-stack
/// "::" listener) as the plain IPv4 address, anything else as Asio prints it.
[[nodiscard]] std::string peer_address(const boost::asio::ip::tcp::endpoint& peer);

/// "host:port", with IPv6 hosts in brackets ("[::1]:8080").
[[nodiscard]] std::string endpoint_text(const boost::asio::ip::tcp::endpoint& endpoint);

}  // namespace ssad::http
