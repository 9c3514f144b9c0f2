// The decision engine alone (issue 12): decisions per second with the default policy, for the public and
// for requestors of both seed use cases, over a registration with a natural-person registrant and tech
// contact, a legal-person admin. Google Benchmark; run by bench/authorised.sh (or by hand:
// build/release/bench/bench_policy_decide). Results in docs/performance.md.

#include <benchmark/benchmark.h>

#include "policy/decision.hpp"

namespace {

using namespace ssad;

model::Contact contact(const char* handle, model::PersonType type) {
  model::Contact c;
  c.handle = handle;
  model::PostalInfo postal;
  postal.type = "int";
  postal.name = std::string("Name of ") + handle;
  postal.organization = "Example Org";
  postal.address.street[0] = "1 Example Street";
  postal.address.city = "Exampleton";
  postal.address.state_province = "EX";
  postal.address.postal_code = "12345";
  postal.address.country_code = "NL";
  c.postal.push_back(postal);
  c.voice = "+31.201234567";
  c.email = std::string(handle) + "@mail.example";
  c.person_type = type;
  return c;
}

model::Registration registration() {
  model::Registration r;
  r.domain.name = normalize_domain_name("example.test").value();
  r.contacts = {{model::ContactRole::registrant, contact("reg", model::PersonType::natural)},
                {model::ContactRole::admin, contact("adm", model::PersonType::legal)},
                {model::ContactRole::tech, contact("tec", model::PersonType::natural)}};
  return r;
}

identity::Caller requestor(const char* group, const char* purpose) {
  identity::Requestor r;
  model::Accreditation accreditation;
  accreditation.id = "acc_bench";
  accreditation.group = group;
  accreditation.authority = "Bench Authority";
  r.accreditation = accreditation;
  return identity::Caller::requestor(std::move(r), purpose);
}

void run(benchmark::State& state, const identity::Caller& caller, const policy::Ask& ask) {
  const model::Registration r = registration();
  const policy::Settings settings;
  for (auto _ : state) {
    policy::Decision decision = policy::decide(caller, r, settings, ask);
    benchmark::DoNotOptimize(decision);
  }
  state.SetItemsProcessed(state.iterations());
}

void Public(benchmark::State& state) { run(state, identity::Caller::anonymous(), {}); }
void Seed000NetworkOperator(benchmark::State& state) {
  run(state, requestor("network_operator", "technicalIssueResolution"), {});
}
void Seed001InvestigatorPhishing(benchmark::State& state) {
  policy::Ask ask;
  ask.abuse_type = "phishing";
  run(state, requestor("investigator", "criminalInvestigationAndDNSAbuseMitigation"), ask);
}
void ResearcherNoPolicy(benchmark::State& state) {
  run(state, requestor("researcher", "academicPublicInterestDNSResearch"), {});
}

BENCHMARK(Public);
BENCHMARK(Seed000NetworkOperator);
BENCHMARK(Seed001InvestigatorPhishing);
BENCHMARK(ResearcherNoPolicy);

}  // namespace

BENCHMARK_MAIN();
