#pragma once
// The server's route table: which front door answers which path. The composition root builds the front
// doors and hands them here; tests build the same table.

#include "cache/abuse_contact_gaps.hpp"
#include "http/rdap_endpoint.hpp"
#include "http/router.hpp"
#include "store/registration_store.hpp"

namespace ssad::http {

/// The front doors the routes lead to; each must outlive the router.
struct FrontDoors {
  RdapEndpoint& rdap;
  store::RegistrationReader& store;                       // for /readyz
  cache::AbuseContactGaps* abuse_contact_gaps = nullptr;  // for /readyz's detail; none: no detail
};

/// "/rdap" and below: RDAP; "/healthz", "/readyz": health; anything else: 404 (RFC 9457).
[[nodiscard]] Router make_routes(FrontDoors doors);

}  // namespace ssad::http
