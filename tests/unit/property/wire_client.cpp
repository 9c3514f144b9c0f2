#include "unit/property/wire_client.hpp"

#include <string>

#include "http/asio.hpp"

namespace ssad::testing {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
using tcp = net::ip::tcp;

struct WireClient::Impl {
  net::io_context ioc;
  tcp::socket socket{ioc};
  beast::flat_buffer buffer;
};

WireClient::WireClient(std::uint16_t port) : impl_(std::make_unique<Impl>()) {
  impl_->socket.connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), port));
}

WireClient::~WireClient() = default;

http::Response WireClient::exchange(const http::Request& request) {
  bhttp::request<bhttp::string_body> out{bhttp::string_to_verb(request.method), request.target, 11};
  bool host = false;
  for (const auto& [name, value] : request.headers) {
    out.insert(name, value);
    host = host || beast::iequals(name, "host");
  }
  if (!host) out.set(bhttp::field::host, "localhost");
  out.body() = request.body;
  out.keep_alive(true);
  out.prepare_payload();
  bhttp::write(impl_->socket, out);

  bhttp::response_parser<bhttp::string_body> parser;
  parser.body_limit(std::uint64_t{64} << 20U);
  parser.skip(request.method == "HEAD");  // a HEAD response's Content-Length announces no body
  bhttp::read(impl_->socket, impl_->buffer, parser);
  bhttp::response<bhttp::string_body> in = parser.release();
  http::Response response;
  response.status = in.result_int();
  for (const auto& field : in) {
    response.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
  }
  response.body = std::move(in.body());
  return response;
}

}  // namespace ssad::testing
