#include "http/listener.hpp"

namespace ssad::http {

Result<boost::asio::ip::tcp::endpoint> open_listener(boost::asio::ip::tcp::acceptor& acceptor,
                                                     const std::string& host, std::uint16_t port) {
  namespace net = boost::asio;
  using tcp = net::ip::tcp;
  auto cannot = [&](const boost::system::error_code& ec) {
    return fail(ErrorCode::unavailable,
                "cannot listen on " + host + ":" + std::to_string(port) + ": " + ec.message());
  };
  boost::system::error_code ec;
  tcp::resolver resolver(acceptor.get_executor());
  const auto endpoints = resolver.resolve(host, std::to_string(port),
                                          tcp::resolver::passive | tcp::resolver::numeric_service, ec);
  if (ec) return cannot(ec);
  if (endpoints.empty()) return cannot(net::error::host_not_found);
  const tcp::endpoint endpoint = *endpoints.begin();

  tcp::endpoint local;
  acceptor.open(endpoint.protocol(), ec);
  if (!ec) acceptor.set_option(net::socket_base::reuse_address(true), ec);
  if (!ec) acceptor.bind(endpoint, ec);
  if (!ec) acceptor.listen(net::socket_base::max_listen_connections, ec);
  if (!ec) local = acceptor.local_endpoint(ec);
  if (ec) return cannot(ec);
  return local;
}

std::string peer_address(const boost::asio::ip::tcp::endpoint& peer) {
  const auto address = peer.address();
  if (address.is_v6() && address.to_v6().is_v4_mapped()) {
    return boost::asio::ip::make_address_v4(boost::asio::ip::v4_mapped, address.to_v6()).to_string();
  }
  return address.to_string();
}

std::string endpoint_text(const boost::asio::ip::tcp::endpoint& endpoint) {
  const auto& address = endpoint.address();
  const std::string host = address.is_v6() ? "[" + address.to_string() + "]" : address.to_string();
  return host + ":" + std::to_string(endpoint.port());
}

}  // namespace ssad::http
