#include "demo/demo_registry.hpp"

#include <array>
#include <unordered_set>

#include "core/domain_name.hpp"
#include "ingest/escrow_writer.hpp"
#include "model/registration.hpp"

namespace ssad::demo {
namespace {

using namespace std::chrono_literals;
using model::ContactRole;

// splitmix64: a small, portable generator, so the demo is identical under every standard library.
class Random {
 public:
  explicit Random(std::uint64_t seed) : state_(seed) {}
  std::uint64_t next() {
    std::uint64_t z = (state_ += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }
  std::uint64_t below(std::uint64_t n) { return next() % n; }
  bool percent(std::uint64_t p) { return below(100) < p; }
  template <class T, std::size_t N>
  const T& pick(const std::array<T, N>& items) {
    return items[below(N)];
  }

 private:
  std::uint64_t state_;
};

constexpr std::array<std::string_view, 96> kWords = {
    "blue",   "river",   "stone",  "cloud",  "maple",  "north",  "solar",  "pixel", "amber",  "cedar",
    "delta",  "ember",   "falcon", "garden", "harbor", "island", "jade",   "kite",  "lumen",  "meadow",
    "nova",   "orbit",   "pine",   "quartz", "raven",  "silver", "tiger",  "urban", "velvet", "willow",
    "yonder", "zephyr",  "alpine", "bright", "coral",  "dune",   "echo",   "forge", "glade",  "haven",
    "iron",   "jolly",   "karma",  "lotus",  "metro",  "nimbus", "oasis",  "prism", "quest",  "ridge",
    "sage",   "terra",   "ultra",  "vista",  "wave",   "xenon",  "yield",  "zen",   "acorn",  "bloom",
    "crest",  "drift",   "eagle",  "frost",  "grove",  "hollow", "indigo", "jetty", "kernel", "lunar",
    "mosaic", "nectar",  "olive",  "peak",   "quill",  "rustic", "spruce", "tidal", "unity",  "vivid",
    "wander", "yarrow",  "zinc",   "apex",   "bazaar", "cobalt", "dawn",   "fable", "gale",   "honey",
    "ivy",    "juniper", "koala",  "lake",   "mint",   "noble"};
constexpr std::array<std::string_view, 16> kIdnWords = {
    "bücher", "café", "straße", "münchen", "zürich",  "ñandú", "пример", "москва",
    "東京",   "北京", "δοκιμή", "crème",   "smörgås", "łódź",  "čaj",    "ålesund"};
constexpr std::array<std::string_view, 12> kSuffixes = {"shop",  "online", "tech",  "labs", "group", "studio",
                                                        "media", "cloud",  "store", "hub",  "net",   "works"};

struct Country {
  std::string_view code, dial, state, city, street, postal_pattern;  // '9' digit, 'A' letter
};
constexpr std::array<Country, 10> kCountries = {{
    {"US", "1", "CA", "San Francisco", "Market Street", "99999"},
    {"DE", "49", "BE", "Berlin", "Friedrichstraße", "99999"},
    {"GB", "44", "", "London", "Baker Street", "AA9 9AA"},
    {"FR", "33", "", "Paris", "Rue de Rivoli", "99999"},
    {"JP", "81", "Tokyo", "Chiyoda", "Marunouchi", "999-9999"},
    {"BR", "55", "SP", "São Paulo", "Avenida Paulista", "99999-999"},
    {"IN", "91", "MH", "Mumbai", "Marine Drive", "999999"},
    {"AU", "61", "NSW", "Sydney", "George Street", "9999"},
    {"SE", "46", "", "Stockholm", "Drottninggatan", "999 99"},
    {"NL", "31", "NH", "Amsterdam", "Damrak", "9999 AA"},
}};
constexpr std::array<std::string_view, 16> kFirstNames = {"Anna",  "Ben",  "Chloé", "David", "Emma", "Farid",
                                                          "Grace", "Hiro", "Ines",  "Jonas", "Kai",  "Lena",
                                                          "Marta", "Noah", "Olga",  "Priya"};
constexpr std::array<std::string_view, 16> kLastNames = {
    "Andersson", "Becker", "Costa",    "Dubois", "Evans",  "Fischer",  "García", "Haddad",
    "Ito",       "Jensen", "Kowalski", "López",  "Müller", "Nakamura", "Okafor", "Patel"};
constexpr std::array<std::string_view, 8> kCompanyKinds = {"Ltd", "GmbH", "Inc.",    "SAS",
                                                           "AB",  "B.V.", "Pty Ltd", "KK"};

struct RegistrarSpec {
  std::string_view handle, name, slug, country, dial;
  std::int64_t iana_id;
  int weight;
};
constexpr std::array<RegistrarSpec, 8> kRegistrars = {{
    {"nordicnames", "Nordic Names AB", "nordicnames", "SE", "46", 1901, 15},
    {"harbour", "Harbour Domains Ltd", "harbourdomains", "GB", "44", 1902, 20},
    {"cascade", "Cascade Registrar, LLC", "cascade-registrar", "US", "1", 1903, 25},
    {"tokionet", "Tokio Net KK", "tokionet", "JP", "81", 1904, 8},
    {"alpenhost", "Alpenhost GmbH", "alpenhost", "DE", "49", 1905, 12},
    {"lumen", "Lumen Registrar SAS", "lumen-registrar", "FR", "33", 1906, 8},
    {"southerncross", "Southern Cross Domains Pty Ltd", "southerncross", "AU", "61", 1907, 7},
    {"bulkreg", "BulkReg Inc.", "bulkreg", "PA", "507", 1908, 5},
}};
constexpr int kRegistrarWeightTotal = 100;
constexpr std::array<std::string_view, 12> kHosters = {
    "dnsmadeeasy-demo.net", "cloudhost-demo.net", "registrar-dns.net", "fastdns-demo.org",
    "hostpoint-demo.ch",    "ovh-demo.net",       "gandi-demo.net",    "nsone-demo.net",
    "route53-demo.com",     "azure-dns-demo.com", "ultradns-demo.net", "cheapns-demo.biz"};
constexpr std::string_view kPrivacyService = "Withheld for Privacy ehf";

constexpr std::string_view kClusterEmail = "ops.bulkmailer@protonmail.example";
constexpr std::array<std::string_view, 2> kClusterHosts = {"ns1.darkhoster-demo.net",
                                                           "ns2.darkhoster-demo.net"};
constexpr std::array<std::string_view, 8> kLookalikes = {"paypa1",          "g00gle",        "rnicrosoft",
                                                         "arnazon",         "app1e-support", "faceb00k-login",
                                                         "netfl1x-billing", "linkedln"};
constexpr std::int64_t kClusterSize = 25;
constexpr std::int64_t kMismatchStart = 30, kPostalStart = 34, kMissingEmailStart = 37, kLookalikeStart = 40;
constexpr std::int64_t kSpecialEnd = kLookalikeStart + static_cast<std::int64_t>(kLookalikes.size());

std::string fill_pattern(std::string_view pattern, Random& rng) {
  std::string out(pattern);
  for (char& c : out) {
    if (c == '9') c = static_cast<char>('0' + rng.below(10));
    if (c == 'A') c = static_cast<char>('A' + rng.below(26));
  }
  return out;
}

std::string digits(Random& rng, int n) {
  std::string out;
  for (int i = 0; i < n; ++i) out.push_back(static_cast<char>('0' + rng.below(10)));
  return out;
}

std::string hex(Random& rng, int n) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (int i = 0; i < n; ++i) out.push_back(kHex[rng.below(16)]);
  return out;
}

const RegistrarSpec& pick_registrar(Random& rng) {
  int roll = static_cast<int>(rng.below(kRegistrarWeightTotal));
  for (const auto& r : kRegistrars) {
    if (roll < r.weight) return r;
    roll -= r.weight;
  }
  return kRegistrars.back();
}

std::string roid(char kind, std::int64_t n, const DemoOptions& options) {
  std::string suffix;
  for (const char c : options.tld.substr(0, 8)) suffix.push_back(static_cast<char>(std::toupper(c)));
  return std::string(1, kind) + std::to_string(n) + "-" + suffix;
}

model::Registrar make_registrar(const RegistrarSpec& spec, const DemoOptions& options) {
  model::Registrar r;
  r.handle = spec.handle;
  r.name = spec.name;
  r.iana_id = spec.iana_id;
  r.status = "ok";
  r.address.street[0] = "1 Registrar Way";
  r.address.city = "Capital City";
  r.address.country_code = spec.country;
  r.voice = "+" + std::string(spec.dial) + ".5550100";
  r.email = "info@" + std::string(spec.slug) + ".example";
  r.url = "https://www." + std::string(spec.slug) + ".example";
  r.whois_server = "whois." + std::string(spec.slug) + ".example";
  r.rdap_base_url = "https://rdap." + std::string(spec.slug) + ".example/";
  r.abuse_email = "abuse@" + std::string(spec.slug) + ".example";
  r.abuse_phone = "+" + std::string(spec.dial) + ".5550199";
  r.created = options.watermark - std::chrono::days(3650 + spec.iana_id % 1000);
  r.updated = options.watermark - std::chrono::days(30);
  return r;
}

// The registrar's own technical contact, which many of its domains use.
model::Contact registrar_tech_contact(const RegistrarSpec& spec, const DemoOptions& options) {
  model::Contact c;
  c.handle = "tech-" + std::string(spec.handle);
  c.roid = roid('C', spec.iana_id, options);
  model::PostalInfo p;
  p.name = "Hostmaster";
  p.organization = spec.name;
  p.address.street[0] = "1 Registrar Way";
  p.address.city = "Capital City";
  p.address.country_code = spec.country;
  c.postal.push_back(p);
  c.voice = "+" + std::string(spec.dial) + ".5550150";
  c.email = "hostmaster@" + std::string(spec.slug) + ".example";
  c.registrar = spec.handle;
  c.person_type = model::PersonType::legal;
  c.statuses = {{"ok", ""}};
  c.created = options.watermark - std::chrono::days(3000);
  return c;
}

struct Person {
  model::PostalInfo postal;
  std::string voice, email;
  model::PersonType type;
};

Person make_person(Random& rng, std::string_view email_domain) {
  const Country& country = rng.pick(kCountries);
  Person p;
  const std::string first(rng.pick(kFirstNames));
  const std::string last(rng.pick(kLastNames));
  const int kind = static_cast<int>(rng.below(100));
  p.type = kind < 55   ? model::PersonType::natural
           : kind < 90 ? model::PersonType::legal
                       : model::PersonType::unknown;
  p.postal.type = "loc";
  p.postal.name = first + " " + last;
  if (p.type == model::PersonType::legal) {
    p.postal.organization = std::string(rng.pick(kWords)) + " " + std::string(rng.pick(kWords)) + " " +
                            std::string(rng.pick(kCompanyKinds));
    p.postal.organization[0] =
        static_cast<char>(std::toupper(static_cast<unsigned char>(p.postal.organization[0])));
  }
  p.postal.address.street[0] = std::to_string(1 + rng.below(300)) + " " + std::string(country.street);
  if (rng.percent(20)) p.postal.address.street[1] = "Apt " + std::to_string(1 + rng.below(90));
  p.postal.address.city = country.city;
  p.postal.address.state_province = country.state;
  p.postal.address.postal_code = fill_pattern(country.postal_pattern, rng);
  p.postal.address.country_code = country.code;
  p.voice = "+" + std::string(country.dial) + "." + digits(rng, 9);
  std::string local;
  std::string full_name = first;
  full_name += '.';
  full_name += last;
  for (const char c : full_name) {
    local.push_back(static_cast<unsigned char>(c) < 0x80 ? static_cast<char>(std::tolower(c)) : 'x');
  }
  p.email = local + digits(rng, 2) + "@" + std::string(email_domain);
  return p;
}

model::Contact make_contact(std::string handle, const Person& person, const std::string& registrar,
                            Timestamp created, const DemoOptions& options) {
  model::Contact c;
  c.handle = std::move(handle);
  c.roid = "C" + c.handle + roid('-', 0, options).substr(2);
  c.postal.push_back(person.postal);
  c.voice = person.voice;
  c.email = person.email;
  c.registrar = registrar;
  c.person_type = person.type;
  c.statuses = {{"ok", ""}};
  c.created = created;
  return c;
}

std::string hex_id(std::uint64_t id) {
  Random rng(id * 0x2545F4914F6CDD1DULL);
  return hex(rng, 12);
}

// Replaces a contact's data with its privacy/proxy service's, as such services register.
void behind_privacy_service(model::Contact& c, std::uint64_t id) {
  c.privacy_service = kPrivacyService;
  model::PostalInfo p;
  p.type = "int";
  p.name = "Redacted for Privacy";
  p.organization = std::string(kPrivacyService);
  p.address.street[0] = "Kalkofnsvegur 2";
  p.address.city = "Reykjavik";
  p.address.state_province = "Capital Region";
  p.address.postal_code = "101";
  p.address.country_code = "IS";
  c.postal = {p};
  c.voice = "+354.4212434";
  c.email = hex_id(id) + "@withheldforprivacy.example";
  c.person_type = model::PersonType::legal;
}

// The label of domain i: a pure function of i, so names are unique and demo_patterns() needs no RNG.
std::string label_of(std::int64_t i) {
  if (i < kClusterSize) return "secure-login-" + std::string(kWords[static_cast<std::size_t>(i)]);
  if (i >= kLookalikeStart && i < kSpecialEnd)
    return std::string(kLookalikes[static_cast<std::size_t>(i - kLookalikeStart)]);
  if (i % 20 == 7)
    return std::string(kIdnWords[static_cast<std::size_t>(i / 20) % kIdnWords.size()]) + std::to_string(i);
  constexpr std::int64_t kPairs = static_cast<std::int64_t>(kWords.size() * kWords.size());
  const std::int64_t pair = (i % kPairs) * 7919 % kPairs;  // 7919 is prime: a permutation of the pairs
  const std::int64_t block = i / kPairs;
  std::string label(kWords[static_cast<std::size_t>(pair / static_cast<std::int64_t>(kWords.size()))]);
  label += kWords[static_cast<std::size_t>(pair % static_cast<std::int64_t>(kWords.size()))];
  if (i % 9 == 4) label += kSuffixes[static_cast<std::size_t>(i / 9) % kSuffixes.size()];
  if (block > 0) label += std::to_string(block);
  return label;
}

std::string ldh_of(std::int64_t i, const DemoOptions& options) {
  return normalize_domain_name(label_of(i) + "." + options.tld).value().ldh;
}

class Generator {
 public:
  Generator(const DemoOptions& options, ingest::EscrowWriter& writer) : o_(options), w_(writer) {}

  void registry_objects() {
    for (const auto& spec : kRegistrars) {
      w_.add(make_registrar(spec, o_));
      w_.add(registrar_tech_contact(spec, o_));
    }
    std::int64_t n = 0;
    for (const auto hoster : kHosters) {
      for (const char* ns : {"ns1.", "ns2."}) add_host(ns + std::string(hoster), ++n, {}, {});
    }
    for (const auto host : kClusterHosts) add_host(std::string(host), ++n, {}, {});
    next_host_ = n;
  }

  void domain(std::int64_t i) {
    Random rng(o_.seed * 0x100000001B3ULL + static_cast<std::uint64_t>(i));
    rng.next();
    model::Domain d;
    d.name = normalize_domain_name(label_of(i) + "." + o_.tld).value();
    d.roid = roid('D', i + 1, o_);
    const bool cluster = i < kClusterSize;
    const bool lookalike = i >= kLookalikeStart && i < kSpecialEnd;
    const RegistrarSpec& registrar = (cluster || lookalike) ? kRegistrars.back() : pick_registrar(rng);
    d.registrar = registrar.handle;

    auto age = std::chrono::hours(std::int64_t{24} *
                                  (1 + static_cast<std::int64_t>(rng.below(std::uint64_t{20} * 365))));
    if (cluster) age = std::chrono::hours(24 * (1 + i));
    if (lookalike) age = std::chrono::hours(1 + static_cast<std::int64_t>(rng.below(72)));
    const Timestamp created = o_.watermark - age;
    d.created = created;
    d.updated = created + std::chrono::hours(
                              static_cast<std::int64_t>(rng.below(static_cast<std::uint64_t>(age.count()))));
    const auto years = age.count() / (std::int64_t{24} * 365) + 1 + static_cast<std::int64_t>(rng.below(3));
    d.expires = created + std::chrono::days(365 * years);
    const bool redemption = !cluster && !lookalike && rng.percent(1);
    if (redemption) d.expires = o_.watermark - std::chrono::days(40);

    // Contacts.
    const std::string email_domain = rng.percent(40) ? d.name.ldh : std::string(rng.pick(kEmailDomains));
    Person person = make_person(rng, email_domain);
    if (cluster) {
      person.email = kClusterEmail;
      person.postal.name = "Ivan Petrenko";
      person.type = model::PersonType::natural;
    } else if (i >= kMismatchStart && i < kPostalStart) {
      person.postal.address.country_code = "DE";
      person.postal.address.city = "Berlin";
      person.voice = "+1.202555" + digits(rng, 4);
    } else if (i >= kPostalStart && i < kMissingEmailStart) {
      person.postal.address.country_code = "US";
      person.postal.address.city = "Chicago";
      person.postal.address.state_province = "IL";
      person.postal.address.postal_code = i == kPostalStart       ? "ABCDE"
                                          : i == kPostalStart + 1 ? "606"
                                                                  : "60601-12345";
    } else if (i >= kMissingEmailStart && i < kLookalikeStart) {
      person.email = "owner@no-such-domain-" + digits(rng, 6) + ".invalid";
    }
    model::Contact registrant = make_contact("R" + std::to_string(i + 1), person, d.registrar, created, o_);
    if (lookalike ||
        (person.type == model::PersonType::natural && !cluster && i >= kSpecialEnd && rng.percent(30))) {
      behind_privacy_service(registrant, static_cast<std::uint64_t>(i));
    } else if (person.type == model::PersonType::natural && i >= kSpecialEnd && rng.percent(4)) {
      registrant.consent = model::kConsentName | model::kConsentEmail;
    }
    w_.add(registrant);
    d.contacts.push_back({ContactRole::registrant, registrant.handle});
    if (rng.percent(50)) {
      d.contacts.push_back({ContactRole::admin, registrant.handle});
    } else {
      const model::Contact admin =
          make_contact("A" + std::to_string(i + 1), make_person(rng, email_domain), d.registrar, created, o_);
      w_.add(admin);
      d.contacts.push_back({ContactRole::admin, admin.handle});
    }
    d.contacts.push_back(
        {ContactRole::tech, rng.percent(70) ? "tech-" + std::string(registrar.handle) : registrant.handle});

    // Statuses.
    if (redemption) {
      d.statuses = {{"pendingDelete", ""}, {"redemptionPeriod", ""}};
    } else {
      if (rng.percent(70)) d.statuses.push_back({"clientTransferProhibited", ""});
      if (rng.percent(15)) {
        d.statuses.push_back({"clientDeleteProhibited", ""});
        d.statuses.push_back({"clientUpdateProhibited", ""});
      }
      if (rng.percent(2)) d.statuses.push_back({"serverHold", "registry investigation"});
      if (age < std::chrono::hours(24 * 5)) d.statuses.push_back({"addPeriod", ""});
      if (d.statuses.empty()) d.statuses.push_back({"ok", ""});
    }

    // Nameservers: a hosting provider's, the cluster's, or the domain's own with glue.
    if (cluster) {
      for (const auto host : kClusterHosts) d.nameservers.emplace_back(host);
    } else if (rng.percent(2)) {
      for (const char* ns : {"ns1.", "ns2."}) {
        const std::string name = ns + d.name.ldh;
        const auto octet = std::to_string(1 + rng.below(254));
        add_host(name, ++next_host_, {"192.0.2." + octet}, {"2001:db8::" + octet});
        d.nameservers.push_back(name);
      }
    } else {
      const auto hoster = std::string(rng.pick(kHosters));
      d.nameservers = {"ns1." + hoster, "ns2." + hoster};
    }
    if (rng.percent(15)) {
      d.ds.push_back({static_cast<std::uint32_t>(rng.below(65536)), 13, 2, hex(rng, 64)});
    }
    if (d.registrar == "cascade" && rng.percent(10)) d.reseller = "Demo Reseller Co.";
    w_.add(d);
  }

 private:
  void add_host(const std::string& name, std::int64_t n, std::vector<std::string> v4,
                std::vector<std::string> v6) {
    model::Host h;
    h.name = normalize_domain_name(name).value();
    h.roid = roid('H', n, o_);
    h.registrar = kRegistrars[static_cast<std::size_t>(n) % kRegistrars.size()].handle;
    h.ipv4 = std::move(v4);
    h.ipv6 = std::move(v6);
    h.statuses = {{"ok", ""}};
    h.created = o_.watermark - std::chrono::days(1000);
    w_.add(h);
  }

  static constexpr std::array<std::string_view, 4> kEmailDomains = {
      "mail-demo.example", "inbox-demo.example", "post-demo.example", "webmail-demo.example"};
  const DemoOptions& o_;
  ingest::EscrowWriter& w_;
  std::int64_t next_host_ = 0;
};

}  // namespace

DemoPatterns demo_patterns(const DemoOptions& options) {
  DemoPatterns p;
  auto names = [&](std::int64_t from, std::int64_t to) {
    std::vector<std::string> out;
    for (std::int64_t i = from; i < std::min(to, options.domains); ++i) out.push_back(ldh_of(i, options));
    return out;
  };
  p.cluster_domains = names(0, kClusterSize);
  if (!p.cluster_domains.empty()) {
    p.cluster_email = kClusterEmail;
    for (const auto host : kClusterHosts) p.cluster_nameservers.emplace_back(host);
  }
  p.phone_country_mismatch = names(kMismatchStart, kPostalStart);
  p.malformed_postal_code = names(kPostalStart, kMissingEmailStart);
  p.email_domain_missing = names(kMissingEmailStart, kLookalikeStart);
  p.lookalikes = names(kLookalikeStart, kSpecialEnd);
  return p;
}

Result<std::filesystem::path> write_demo_deposit(const DemoOptions& options,
                                                 const std::filesystem::path& directory) {
  if (options.domains < 0 || options.domains > 100'000'000) {
    return fail(ErrorCode::invalid_input, "--domains must be between 0 and 100000000");
  }
  auto tld = normalize_domain_name("a." + options.tld);
  if (!tld || tld->is_idn() || options.tld.find('.') != std::string::npos) {
    return fail(ErrorCode::invalid_input, "demo TLD must be one LDH label, not '" + options.tld + "'");
  }
  const std::string id = options.deposit_id.empty()
                             ? "demo-" + std::to_string(options.domains) + "-" + std::to_string(options.seed)
                             : options.deposit_id;
  auto writer = ingest::EscrowWriter::create(directory, id, options.tld, options.watermark);
  if (!writer) return std::unexpected(writer.error());
  Generator generator(options, **writer);
  generator.registry_objects();
  for (std::int64_t i = 0; i < options.domains; ++i) generator.domain(i);
  return (*writer)->finish();
}

}  // namespace ssad::demo
