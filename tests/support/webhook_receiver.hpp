#pragma once
// An in-process HTTP server on 127.0.0.1 and a port the system picks, standing in for an operator's
// webhook receiver: it records every request it gets (method, target, headers, body) before it answers,
// so a test reads what a completed call delivered without waiting. It answers 204, or what fail_next()
// set for the next requests. One thread of its own runs it; destruction stops it.

#include <cctype>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "http/asio.hpp"

namespace ssad::testing {

class WebhookReceiver {
 public:
  /// One request received.
  struct Call {
    std::string method;
    std::string target;
    std::map<std::string, std::string> headers;  // names in lower case
    std::string body;

    [[nodiscard]] std::string header(const std::string& name) const {
      const auto it = headers.find(name);
      return it == headers.end() ? std::string() : it->second;
    }
  };

  WebhookReceiver() : acceptor_(io_, {boost::asio::ip::address_v4::loopback(), 0}) {
    port_ = acceptor_.local_endpoint().port();
    accept();
    thread_ = std::thread([this] { io_.run(); });
  }
  ~WebhookReceiver() {
    io_.stop();
    thread_.join();
  }
  WebhookReceiver(const WebhookReceiver&) = delete;
  WebhookReceiver& operator=(const WebhookReceiver&) = delete;

  /// "http://127.0.0.1:PORT" + `path`.
  [[nodiscard]] std::string url(const std::string& path = "/hooks/ssad") const {
    return "http://127.0.0.1:" + std::to_string(port_) + path;
  }

  /// The next `count` requests are answered `status` (with a Location header when `location` is set);
  /// later ones 204 again.
  void fail_next(int count, unsigned status = 500, std::string location = "") {
    const std::lock_guard lock(mutex_);
    failures_ = count;
    failure_status_ = status;
    location_ = std::move(location);
  }

  /// Every request so far, in the order received.
  [[nodiscard]] std::vector<Call> calls() const {
    const std::lock_guard lock(mutex_);
    return calls_;
  }

 private:
  struct Session : std::enable_shared_from_this<Session> {
    Session(boost::asio::ip::tcp::socket s, WebhookReceiver& r) : socket(std::move(s)), receiver(r) {}
    void start() {
      boost::beast::http::async_read(socket, buffer, request,
                                     [self = shared_from_this()](boost::beast::error_code ec, std::size_t) {
                                       if (!ec) self->answer();
                                     });
    }
    void answer() {
      response = receiver.record(request);
      boost::beast::http::async_write(
          socket, response, [self = shared_from_this()](boost::beast::error_code, std::size_t) {
            boost::beast::error_code ignored;
            self->socket.shutdown(boost::asio::ip::tcp::socket::shutdown_both, ignored);
          });
    }
    boost::asio::ip::tcp::socket socket;
    WebhookReceiver& receiver;
    boost::beast::flat_buffer buffer;
    boost::beast::http::request<boost::beast::http::string_body> request;
    boost::beast::http::response<boost::beast::http::string_body> response;
  };

  void accept() {
    acceptor_.async_accept([this](boost::beast::error_code ec, boost::asio::ip::tcp::socket socket) {
      if (ec) return;
      std::make_shared<Session>(std::move(socket), *this)->start();
      accept();
    });
  }

  boost::beast::http::response<boost::beast::http::string_body> record(
      const boost::beast::http::request<boost::beast::http::string_body>& request) {
    Call call;
    call.method = std::string(request.method_string());
    call.target = std::string(request.target());
    for (const auto& field : request) {
      std::string name(field.name_string());
      for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      call.headers[name] = std::string(field.value());
    }
    call.body = request.body();
    boost::beast::http::response<boost::beast::http::string_body> response;
    response.version(request.version());
    response.keep_alive(false);
    const std::lock_guard lock(mutex_);
    calls_.push_back(std::move(call));
    if (failures_ > 0) {
      --failures_;
      response.result(failure_status_);
      if (!location_.empty()) response.set(boost::beast::http::field::location, location_);
      response.body() = "not now";
    } else {
      response.result(boost::beast::http::status::no_content);
    }
    response.prepare_payload();
    return response;
  }

  boost::asio::io_context io_;
  boost::asio::ip::tcp::acceptor acceptor_;
  unsigned short port_ = 0;
  mutable std::mutex mutex_;  // guards what follows
  std::vector<Call> calls_;
  int failures_ = 0;
  unsigned failure_status_ = 500;
  std::string location_;
  std::thread thread_;  // last: runs once the rest is ready
};

}  // namespace ssad::testing
