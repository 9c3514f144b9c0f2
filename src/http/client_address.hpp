#pragma once
// Who the client is when a reverse proxy stands in front: the address rate limits, connection limits and
// the access log count. Only the peers listed as trusted proxies (server.trusted_proxies) are believed
// about the client they forward for (X-Forwarded-For, RFC 7239 Forwarded); nobody else's header changes
// anything, so a client cannot make itself someone else by sending one.

// clang-format off
#include <utility>  // before Boost: see http/asio.hpp

#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/network_v4.hpp>
#include <boost/asio/ip/network_v6.hpp>
// clang-format on

#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"
#include "http/message.hpp"

namespace ssad::http {

/// A set of networks (CIDRs) whose peers are trusted proxies. Empty: nobody is.
class TrustedProxies {
 public:
  TrustedProxies() = default;

  /// Reads CIDRs ("10.0.0.0/8", "2001:db8::/32") or single addresses ("192.0.2.1", "::1"). Errors:
  /// invalid_input naming the entry that is not one ("trusted proxy '10.0.0.0/33' is not an IP address or
  /// CIDR"), also for a CIDR with bits set after its prefix ("10.1.0.0/8").
  ///
  /// `header` is the one header the proxies write: "x-forwarded-for" or "forwarded" (RFC 7239), any case.
  /// Only that one is read: a proxy that appends to one passes the other through as the client sent it,
  /// so believing both would let a client name its own address. Errors: invalid_input for another name.
  [[nodiscard]] static Result<TrustedProxies> parse(const std::vector<std::string>& entries,
                                                    std::string_view header = "x-forwarded-for");

  [[nodiscard]] bool empty() const { return v4_.empty() && v6_.empty(); }
  /// Whether `address` lies in one of the networks (an IPv4-mapped IPv6 address as its IPv4 address).
  [[nodiscard]] bool contains(const boost::asio::ip::address& address) const;

  /// The client's address as logs and limits know it (IPv4-mapped IPv6 as IPv4): the peer's, unless the
  /// peer is a trusted proxy. Then the forwarding chain — the configured header's addresses (Forwarded's
  /// `for=` values, or X-Forwarded-For's), all fields of the name in order — is read from the right,
  /// skipping trusted proxies; the first address that is not one is the client. An entry that is not a
  /// plain address (RFC 7239's "unknown" and obfuscated identifiers, an IPv6 zone "fe80::1%eth0",
  /// garbage) stops the walk and the peer is the client; a chain of trusted proxies only yields its
  /// leftmost address.
  [[nodiscard]] std::string client_address(const boost::asio::ip::address& peer,
                                           const Headers& headers) const;

 private:
  std::vector<boost::asio::ip::network_v4> v4_;
  std::vector<boost::asio::ip::network_v6> v6_;
  bool forwarded_ = false;  // read Forwarded (RFC 7239), not X-Forwarded-For
};

/// `address` with an IPv4-mapped IPv6 address (every IPv4 client of a dual-stack "::" listener) as IPv4.
[[nodiscard]] boost::asio::ip::address unmapped(const boost::asio::ip::address& address);

}  // namespace ssad::http
