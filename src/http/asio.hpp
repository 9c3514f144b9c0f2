#pragma once
// The one place the project includes Boost.Asio and Boost.Beast, so that their quirks are handled once:
// Boost 1.74's <boost/asio/awaitable.hpp> uses std::exchange without including <utility>, which GCC 12
// rejects under -std=c++23 (DESIGN.md §5). Include this header instead of the Boost ones.

// clang-format off
#include <utility>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/ssl.hpp>
// clang-format on
