#include "cache/registration_cache.hpp"

namespace ssad::cache {
namespace {

// A rough count: each string's characters plus its object, each element of a vector, per-object slack.
// It needs to be right within a factor of two or so: it only bounds the cache's memory.
constexpr std::size_t kString = sizeof(std::string);
constexpr std::size_t kObject = 64;

std::size_t text(const std::string& s) { return kString + (s.size() > 15 ? s.size() + 1 : 0); }

std::size_t address(const model::PostalAddress& a) {
  return text(a.street[0]) + text(a.street[1]) + text(a.street[2]) + text(a.city) + text(a.state_province) +
         text(a.postal_code) + text(a.country_code);
}

std::size_t statuses(const std::vector<model::Status>& list) {
  std::size_t n = 0;
  for (const model::Status& s : list) n += text(s.value) + text(s.description);
  return n;
}

}  // namespace

std::size_t approximate_bytes(const model::Registration& r) {
  std::size_t n = sizeof(model::Registration) + kObject;
  n += text(r.domain.name.ldh) + text(r.domain.name.unicode) + text(r.domain.roid) +
       text(r.domain.registrar) + text(r.domain.reseller) + statuses(r.domain.statuses);
  for (const auto& c : r.domain.contacts) n += sizeof(c) + text(c.handle);
  for (const auto& ns : r.domain.nameservers) n += text(ns);
  for (const auto& ds : r.domain.ds) n += sizeof(ds) + text(ds.digest);
  for (const auto& key : r.domain.keys) n += sizeof(key) + text(key.public_key);
  n += text(r.registrar.handle) + text(r.registrar.name) + address(r.registrar.address) +
       text(r.registrar.email) + text(r.registrar.url) + text(r.registrar.whois_server) +
       text(r.registrar.rdap_base_url) + text(r.registrar.abuse_email) + text(r.registrar.abuse_phone) +
       5 * kString;
  for (const auto& [role, c] : r.contacts) {
    n += sizeof(c) + kObject + text(c.handle) + text(c.roid) + text(c.voice) + text(c.voice_ext) +
         text(c.fax) + text(c.fax_ext) + text(c.email) + text(c.registrar) + text(c.privacy_service) +
         statuses(c.statuses);
    for (const auto& p : c.postal) n += sizeof(p) + text(p.name) + text(p.organization) + address(p.address);
  }
  for (const auto& h : r.nameservers) {
    n += sizeof(h) + kObject + text(h.name.ldh) + text(h.name.unicode) + text(h.roid) + text(h.registrar) +
         statuses(h.statuses);
    for (const auto& a : h.ipv4) n += text(a);
    for (const auto& a : h.ipv6) n += text(a);
  }
  return n;
}

void RegistrationCache::insert(std::string name, std::shared_ptr<const model::Registration> registration,
                               std::uint64_t generation) {
  if (!registration) return;
  const std::size_t bytes = approximate_bytes(*registration);
  cache_.insert(std::move(name), std::move(registration), bytes, generation);
}

}  // namespace ssad::cache
