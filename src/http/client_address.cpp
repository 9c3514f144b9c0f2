#include "http/client_address.hpp"

#include <algorithm>
#include <optional>

namespace ssad::http {
namespace {

namespace ip = boost::asio::ip;

char ascii_lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(),
                                            [](char x, char y) { return ascii_lower(x) == ascii_lower(y); });
}

std::string_view trim(std::string_view text) {
  const auto first = text.find_first_not_of(" \t");
  if (first == std::string_view::npos) return {};
  return text.substr(first, text.find_last_not_of(" \t") - first + 1);
}

// Splits at `separator` outside double quotes (a quoted-string may hold one).
std::vector<std::string_view> split_unquoted(std::string_view text, char separator) {
  std::vector<std::string_view> parts;
  bool quoted = false;
  std::size_t start = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '"') quoted = !quoted;
    if (text[i] == '\\' && quoted) ++i;
    if (!quoted && i < text.size() && text[i] == separator) {
      parts.push_back(trim(text.substr(start, i - start)));
      start = i + 1;
    }
  }
  parts.push_back(trim(text.substr(start)));
  return parts;
}

// A node as X-Forwarded-For and Forwarded's for= write it: "192.0.2.1", "192.0.2.1:4711", "2001:db8::1",
// "[2001:db8::1]", "[2001:db8::1]:4711". nullopt for anything else ("unknown", "_hidden", garbage).
std::optional<ip::address> node_address(std::string_view node) {
  if (node.size() >= 2 && node.front() == '"' && node.back() == '"') node = node.substr(1, node.size() - 2);
  if (node.starts_with('[')) {
    const auto close = node.find(']');
    if (close == std::string_view::npos) return std::nullopt;
    const std::string_view rest = node.substr(close + 1);
    if (!rest.empty() && !rest.starts_with(':')) return std::nullopt;
    node = node.substr(1, close - 1);
  } else if (std::count(node.begin(), node.end(), ':') == 1) {
    node = node.substr(0, node.find(':'));  // IPv4 with a port
  }
  boost::system::error_code ec;
  const ip::address address = ip::make_address(std::string(node), ec);
  if (ec) return std::nullopt;
  // A zone ("%eth0") means nothing beyond the sender's host, and each spelling would be a bucket of its own.
  if (address.is_v6() && address.to_v6().scope_id() != 0) return std::nullopt;
  return unmapped(address);
}

// The Forwarded elements' for= values, left to right; an element without one counts as "unknown".
std::vector<std::string_view> forwarded_for(std::string_view value) {
  std::vector<std::string_view> nodes;
  for (const std::string_view element : split_unquoted(value, ',')) {
    std::string_view node = "unknown";
    for (const std::string_view pair : split_unquoted(element, ';')) {
      const auto equals = pair.find('=');
      if (equals != std::string_view::npos && iequals(trim(pair.substr(0, equals)), "for")) {
        node = trim(pair.substr(equals + 1));
      }
    }
    nodes.push_back(node);
  }
  return nodes;
}

}  // namespace

ip::address unmapped(const ip::address& address) {
  if (address.is_v6() && address.to_v6().is_v4_mapped()) {
    return ip::make_address_v4(ip::v4_mapped, address.to_v6());
  }
  return address;
}

Result<TrustedProxies> TrustedProxies::parse(const std::vector<std::string>& entries,
                                             std::string_view header) {
  TrustedProxies proxies;
  if (iequals(header, "forwarded")) {
    proxies.forwarded_ = true;
  } else if (!iequals(header, "x-forwarded-for")) {
    return fail(ErrorCode::invalid_input, "the forwarded header must be x-forwarded-for or forwarded");
  }
  for (const std::string& entry : entries) {
    const auto bad = [&] {
      return fail(ErrorCode::invalid_input, "trusted proxy '" + entry +
                                                "' is not an IP address or CIDR (such as 10.0.0.0/8 or "
                                                "2001:db8::/32) without host bits");
    };
    boost::system::error_code ec;
    const auto slash = entry.find('/');
    if (slash == std::string::npos) {
      const ip::address address = ip::make_address(entry, ec);
      if (ec) return bad();
      if (address.is_v4()) {
        proxies.v4_.emplace_back(address.to_v4(), 32);
      } else {
        proxies.v6_.emplace_back(address.to_v6(), 128);
      }
      continue;
    }
    if (entry.find(':') == std::string::npos) {
      const ip::network_v4 network = ip::make_network_v4(entry, ec);
      if (ec || network.network() != network.address()) return bad();
      proxies.v4_.push_back(network);
    } else {
      const ip::network_v6 network = ip::make_network_v6(entry, ec);
      if (ec || network.network() != network.address()) return bad();
      proxies.v6_.push_back(network);
    }
  }
  return proxies;
}

bool TrustedProxies::contains(const ip::address& address) const {
  const ip::address plain = unmapped(address);
  if (plain.is_v4()) {
    const ip::network_v4 host(plain.to_v4(), 32);
    return std::any_of(v4_.begin(), v4_.end(),
                       [&](const auto& net) { return host.is_subnet_of(net) || host == net; });
  }
  const ip::network_v6 host(plain.to_v6(), 128);
  return std::any_of(v6_.begin(), v6_.end(),
                     [&](const auto& net) { return host.is_subnet_of(net) || host == net; });
}

std::string TrustedProxies::client_address(const ip::address& peer, const Headers& headers) const {
  const ip::address plain_peer = unmapped(peer);
  if (empty() || !contains(plain_peer)) return plain_peer.to_string();
  std::vector<std::string_view> chain;
  for (const auto& [name, value] : headers) {
    if (forwarded_ && iequals(name, "forwarded")) {
      for (const std::string_view node : forwarded_for(value)) chain.push_back(node);
    } else if (!forwarded_ && iequals(name, "x-forwarded-for")) {
      for (const std::string_view node : split_unquoted(value, ',')) chain.push_back(node);
    }
  }
  std::optional<ip::address> client;
  for (auto it = chain.rbegin(); it != chain.rend(); ++it) {
    client = node_address(*it);
    if (!client) return plain_peer.to_string();
    if (!contains(*client)) break;
  }
  return client ? client->to_string() : plain_peer.to_string();
}

}  // namespace ssad::http
