#include "core/error.hpp"

namespace ssad {

std::string_view to_string(ErrorCode code) {
  switch (code) {
    case ErrorCode::invalid_input:
      return "invalid_input";
    case ErrorCode::not_found:
      return "not_found";
    case ErrorCode::conflict:
      return "conflict";
    case ErrorCode::forbidden:
      return "forbidden";
    case ErrorCode::unsupported:
      return "unsupported";
    case ErrorCode::not_implemented:
      return "not_implemented";
    case ErrorCode::method_not_allowed:
      return "method_not_allowed";
    case ErrorCode::too_many_requests:
      return "too_many_requests";
    case ErrorCode::too_large:
      return "too_large";
    case ErrorCode::header_too_large:
      return "header_too_large";
    case ErrorCode::unauthenticated:
      return "unauthenticated";
    case ErrorCode::unavailable:
      return "unavailable";
    case ErrorCode::timed_out:
      return "timed_out";
    case ErrorCode::internal:
      return "internal";
  }
  return "internal";
}

Error with_context(Error error, std::string_view context) {
  error.message.insert(0, std::string(context) + ": ");
  return error;
}

}  // namespace ssad
