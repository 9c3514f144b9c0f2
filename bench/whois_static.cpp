// The reference for bench/whois.sh: the least a WHOIS (RFC 3912) server must do. One thread, one
// io_context; per connection it reads until the query line's LF, writes a fixed answer (the bytes of
// ANSWER_FILE, one real answer of ssad's), and closes. No look-up, no limit, no timeout, no log.
//
// Usage: bench_whois_static HOST PORT ANSWER_FILE   (runs until killed; prints "listening" once bound)

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <memory>
#include <string>

#include <boost/asio/read_until.hpp>
#include <boost/asio/write.hpp>

#include "http/asio.hpp"

namespace {

namespace net = boost::asio;
using tcp = net::ip::tcp;

net::awaitable<void> answer(tcp::socket socket, std::shared_ptr<const std::string> text) {
  boost::system::error_code ec;
  std::string line;
  co_await net::async_read_until(socket, net::dynamic_buffer(line, 4096), '\n',
                                 net::redirect_error(net::use_awaitable, ec));
  if (ec) co_return;
  co_await net::async_write(socket, net::buffer(*text), net::redirect_error(net::use_awaitable, ec));
  socket.close(ec);
}

net::awaitable<void> accept_loop(tcp::acceptor& acceptor, std::shared_ptr<const std::string> text) {
  for (;;) {
    boost::system::error_code ec;
    tcp::socket socket = co_await acceptor.async_accept(net::redirect_error(net::use_awaitable, ec));
    if (ec) continue;
    net::co_spawn(acceptor.get_executor(), answer(std::move(socket), text), net::detached);
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 4) {
    std::fprintf(stderr, "usage: %s HOST PORT ANSWER_FILE\n", argv[0]);
    return 2;
  }
  std::ifstream in(argv[3], std::ios::binary);
  if (!in) {
    std::fprintf(stderr, "cannot read %s\n", argv[3]);
    return 1;
  }
  auto text = std::make_shared<const std::string>(std::istreambuf_iterator<char>(in),
                                                  std::istreambuf_iterator<char>());
  net::io_context ioc(1);
  tcp::acceptor acceptor(ioc,
                         {net::ip::make_address(argv[1]), static_cast<unsigned short>(std::atoi(argv[2]))});
  net::co_spawn(ioc, accept_loop(acceptor, text), net::detached);
  std::printf("listening on %s:%s, answer %zu bytes\n", argv[1], argv[2], text->size());
  std::fflush(stdout);
  ioc.run();
  return 0;
}
