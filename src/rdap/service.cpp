#include "rdap/service.hpp"

#include <spdlog/spdlog.h>

#include "rdap/use_cases.hpp"

namespace ssad::rdap {

Error query_timed_out() {
  return Error{ErrorCode::timed_out,
               "The query did not finish within this server's time budget. Narrow a search: a longer prefix, "
               "or a suffix (\"exam*.example\")."};
}

Context Environment::context(const Location& location) const {
  Context context;
  context.settings = &settings;
  context.base_url = location.base_url;
  context.query_url = location.query_url;
  context.database_updated = data_version.current().updated;
  return context;
}

Error store_failure(const Error& failure) {
  if (failure.code == ErrorCode::timed_out) return query_timed_out();
  spdlog::error("rdap: store error ({})", to_string(failure.code));
  return Error{ErrorCode::unavailable, "The registration data could not be read. Please try again later."};
}

struct Service::Impl {
  Impl(store::RegistrationReader& store, cache::DataVersion& data_version, Settings rdap_settings,
       policy::Settings policy_settings, const ServiceOptions& options)
      : clock(options.clock != nullptr ? *options.clock : system_clock),
        registrations(options.registration_cache_bytes),
        settings(std::move(rdap_settings)),
        policy(std::move(policy_settings)),
        cursors(options.cursor_key.empty() ? CursorCodec(options.cursor_lifetime)
                                           : CursorCodec(options.cursor_key, options.cursor_lifetime)),
        env{store,
            data_version,
            settings,
            policy,
            cursors,
            std::max<std::size_t>(1, options.page_size),
            options.min_search_prefix,
            options.query_budget,
            clock,
            options.audit,
            registrations,
            options.subjects} {}

  SystemClock system_clock;
  const Clock& clock;
  cache::RegistrationCache registrations;
  Settings settings;
  policy::Settings policy;
  CursorCodec cursors;
  Environment env;
};

Service::Service(store::RegistrationReader& store, cache::DataVersion& data_version, Settings settings,
                 policy::Settings policy, const ServiceOptions& options)
    : impl_(std::make_unique<Impl>(store, data_version, std::move(settings), std::move(policy), options)) {}

Service::~Service() = default;

Result<Answer> Service::answer(const Query& query, const identity::Caller& caller, Timestamp now,
                               const policy::Ask& ask) const {
  const Environment& env = impl_->env;
  const Location& at = query.location;
  struct Dispatch {
    const Environment& env;
    const Location& at;
    const identity::Caller& caller;
    const policy::Ask& ask;
    Timestamp now;
    Result<Answer> operator()(const DomainLookup& q) const { return lookup_domain(env, q, at, caller, ask); }
    Result<Answer> operator()(const NameserverLookup& q) const { return lookup_nameserver(env, q, at); }
    Result<Answer> operator()(const EntityLookup& q) const { return lookup_entity(env, q, at, caller, ask); }
    Result<Answer> operator()(const DomainSearch& q) const {
      return search_domains(env, q, at, caller, ask, now);
    }
    Result<Answer> operator()(const NameserverSearch& q) const { return search_nameservers(env, q, at, now); }
    Result<Answer> operator()(const Help&) const { return help(env, at); }
  };
  auto answer = std::visit(Dispatch{env, at, caller, ask, now}, query.request);
  if (answer) SSAD_CHECK(record_disclosures(env, caller, *answer, now));
  return answer;
}

const policy::Settings& Service::policy() const { return impl_->policy; }

}  // namespace ssad::rdap
