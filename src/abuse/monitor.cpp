#include "abuse/monitor.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <deque>
#include <random>

#include <spdlog/spdlog.h>

#include "abuse/distinct.hpp"
#include "abuse/rate_limiter.hpp"
#include "json/json_writer.hpp"

namespace ssad::abuse {
namespace {

using std::chrono::hours;
using std::chrono::milliseconds;

constexpr std::size_t kShards = 16;
constexpr std::size_t kDayHours = 24;
constexpr std::size_t kMaxFingerprints = 256;  // filings remembered for duplicates, per requestor
constexpr std::size_t kMaxCredentials = 8;     // credentials tracked per requestor (least recent dropped)
constexpr std::size_t kMaxCountries = 16;      // countries kept per hour in a usage row's sketch
constexpr unsigned kDistinctEvery = 32;        // lookups between two estimates of the day's distinct domains
// Names one requestor's exact count of the day holds at most (about 40 bytes each), whatever
// abuse.enumeration.distinct_per_day says: beyond, the shared sketch's estimate counts.
constexpr std::uint64_t kMaxExactDistinct = 100000;
constexpr auto kMemo = std::chrono::hours(1);  // a finding carried out is not tried again for this long
constexpr std::uint8_t kSketchVersion = 1;

Timestamp hour_of(Timestamp instant) { return std::chrono::floor<hours>(instant); }

std::string random_node() {
  std::random_device device;
  constexpr std::string_view kDigits = "0123456789abcdef";
  std::string node = "node-";
  for (int i = 0; i < 12; ++i) node += kDigits[device() % kDigits.size()];
  return node;
}

using Countries = std::vector<std::array<char, 2>>;

void add_country(Countries& countries, std::string_view code) {
  if (code.size() != 2) return;
  const std::array<char, 2> c{code[0], code[1]};
  if (std::find(countries.begin(), countries.end(), c) == countries.end() &&
      countries.size() < kMaxCountries) {
    countries.push_back(c);
  }
}

// The opaque sketch of a usage row: version, the distinct domains' and addresses' registers, and the
// countries seen.
std::string encode_sketch(const DistinctCounter& domains, const DistinctCounter& addresses,
                          const Countries& countries) {
  std::string out;
  out.reserve(2 + 2 * DistinctCounter::kRegisters + 2 * countries.size());
  out += static_cast<char>(kSketchVersion);
  for (const std::uint8_t r : domains.registers()) out += static_cast<char>(r);
  for (const std::uint8_t r : addresses.registers()) out += static_cast<char>(r);
  out += static_cast<char>(countries.size());
  for (const auto& c : countries) out.append(c.data(), 2);
  return out;
}

bool decode_sketch(std::string_view in, DistinctCounter& domains, DistinctCounter& addresses,
                   Countries& countries) {
  constexpr std::size_t kRegs = DistinctCounter::kRegisters;
  if (in.size() < 2 + 2 * kRegs || static_cast<std::uint8_t>(in[0]) != kSketchVersion) return false;
  std::array<std::uint8_t, kRegs> regs{};
  for (std::size_t i = 0; i < kRegs; ++i) regs[i] = static_cast<std::uint8_t>(in[1 + i]);
  domains = DistinctCounter::from_registers(regs);
  for (std::size_t i = 0; i < kRegs; ++i) regs[i] = static_cast<std::uint8_t>(in[1 + kRegs + i]);
  addresses = DistinctCounter::from_registers(regs);
  const std::size_t count = static_cast<std::uint8_t>(in[1 + 2 * kRegs]);
  std::string_view codes = in.substr(2 + 2 * kRegs);
  countries.clear();
  for (std::size_t i = 0; i < count && codes.size() >= 2; ++i, codes.remove_prefix(2)) {
    add_country(countries, codes.substr(0, 2));
  }
  return true;
}

// "z" → "aa" is a step of a generated sweep as much as "a" → "b": either order counts.
bool sorts_after(std::string_view name, std::string_view previous) {
  if (name.size() != previous.size()) return name.size() > previous.size() || name > previous;
  return name > previous;
}

std::string subject_of(std::string_view user_id, std::string_view credential_id) {
  return std::string(credential_id.empty() ? user_id : credential_id);
}

std::string dedupe_key(std::string_view detector, store::AbuseAction action, std::string_view subject) {
  std::string key(detector);
  key += ':';
  key += to_string(action);
  key += ':';
  key += subject;
  return key;
}

}  // namespace

struct Monitor::Usage {
  // Counts of one hour.
  struct Counts {
    std::uint64_t lookups = 0;
    std::uint64_t not_found = 0;
    std::uint64_t filings = 0;
    std::uint64_t malformed = 0;
    std::uint64_t duplicates = 0;
    std::uint64_t purpose_refusals = 0;
    DistinctCounter domains;
    DistinctCounter addresses;
    Countries countries;

    [[nodiscard]] std::uint64_t volume() const { return lookups + filings; }
    void add(const Counts& other, bool sketches) {
      lookups += other.lookups;
      not_found += other.not_found;
      filings += other.filings;
      malformed += other.malformed;
      duplicates += other.duplicates;
      purpose_refusals += other.purpose_refusals;
      if (!sketches) return;
      domains.merge(other.domains);
      addresses.merge(other.addresses);
      for (const auto& c : other.countries) add_country(countries, std::string_view(c.data(), 2));
    }
  };
  struct Hour {
    Timestamp start;
    Counts counts;
    bool dirty = false;  // changed since written to the store
  };
  struct Remote {
    std::string node;
    Timestamp hour;
    Counts counts;
  };
  struct Seen {
    std::uint64_t key = 0;  // stable_hash of the address's client key, or of a country code
    Timestamp last;
  };
  struct Credential {
    std::string id;
    std::vector<Seen> addresses;
    std::vector<Seen> countries;
    Timestamp last;
  };

  std::string org_id;
  std::string group;
  std::string accreditation_id;
  std::string credential_id;   // the latest
  std::deque<Hour> hours;      // this node's, oldest first, the last 25 hours at most
  std::vector<Remote> remote;  // the other nodes' rows of the last 25 hours
  // The not-found ratio of the latest lookups: a ring of `sample` bits.
  std::vector<std::uint64_t> sample_bits;
  std::uint32_t sample_next = 0;
  std::uint32_t sample_seen = 0;
  std::uint32_t sample_ones = 0;
  // The sweep: the run of lookups each sorting after the last (direction 1), or each before it (-1).
  std::string last_domain;
  std::uint32_t run = 0;
  int direction = 0;
  // The distinct names of the last 24 hours as this node saw them, exactly (up to the threshold): keyed
  // with this process's secret, so that no choice of names hides them, as the shared sketch's fixed hash
  // could be gamed. Name → the hour (since the epoch) it was last looked up.
  std::unordered_map<std::uint64_t, std::uint32_t> distinct;
  std::uint32_t until_distinct = 0;
  std::deque<std::pair<std::uint64_t, Timestamp>> fingerprints;  // recent filings
  std::vector<Credential> credentials;
  std::vector<std::pair<std::string, Timestamp>> memo;  // dedupe keys carried out, until when
  Timestamp last_use;

  /// The sum of every node's counts of the hours from `from`; the sketches merged only when asked for
  /// (that is the costly part).
  [[nodiscard]] Counts window(Timestamp from, bool sketches) const {
    Counts sum;
    for (const Hour& hour : hours) {
      if (hour.start >= from) sum.add(hour.counts, sketches);
    }
    for (const Remote& row : remote) {
      if (row.hour >= from) sum.add(row.counts, sketches);
    }
    return sum;
  }

  /// Whether `finding` is to be carried out: not when the same detector took the same action on this
  /// requestor within the last kMemo. The counting detectors judge the requestor's counts, whichever of
  /// its credentials it used: a second key does not earn a second case on the counts a case has used
  /// already. The detectors of how a credential is used (enumeration, shared credentials) remember per
  /// credential, and an enumeration finding that does more than flag uses its evidence up: the sweep and
  /// the not-found sample start again, so that another credential of the requestor is judged by what is
  /// done with it from now on, and suspended in turn if it goes on.
  [[nodiscard]] bool take(const Finding& finding, Timestamp now) {
    std::string key = finding.detector;
    key += ':';
    key += to_string(finding.action);
    if (finding.detector == "enumeration" || finding.detector == "shared_credential") {
      key += ':';
      key += finding.credential_id;
    }
    if (std::any_of(memo.begin(), memo.end(),
                    [&](const auto& entry) { return entry.first == key && entry.second > now; })) {
      return false;
    }
    std::erase_if(memo, [&](const auto& entry) { return entry.first == key; });
    memo.emplace_back(std::move(key), now + kMemo);
    if (finding.detector == "enumeration" && finding.action != store::AbuseAction::flag) {
      std::fill(sample_bits.begin(), sample_bits.end(), 0);
      sample_next = sample_seen = sample_ones = 0;
      run = 0;
      direction = 0;
      last_domain.clear();
    }
    return true;
  }

  [[nodiscard]] std::size_t bytes() const {
    std::size_t total = sizeof(Usage) + org_id.capacity() + group.capacity() + accreditation_id.capacity() +
                        credential_id.capacity() + last_domain.capacity();
    total += hours.size() * sizeof(Hour) + remote.size() * (sizeof(Remote) + 16);
    total += sample_bits.capacity() * sizeof(std::uint64_t);
    total += distinct.size() * 32 + distinct.bucket_count() * sizeof(void*);  // libstdc++ nodes and buckets
    total += fingerprints.size() * sizeof(std::pair<std::uint64_t, Timestamp>);
    for (const Credential& c : credentials) {
      total += sizeof(Credential) + c.id.capacity() +
               (c.addresses.capacity() + c.countries.capacity()) * sizeof(Seen);
    }
    for (const auto& m : memo) total += sizeof(m) + m.first.capacity();
    return total;
  }
};

namespace {

// The detectors that look at one requestor's merged counts (this node's and the other nodes'), and at
// what this node alone saw of it (the sweep, the not-found sample, the addresses of each credential).
class Detectors {
 public:
  Detectors(const MonitorSettings& settings, Timestamp now, double volume_threshold)
      : settings_(settings), now_(now), volume_threshold_(volume_threshold) {}

  void run(const Monitor::Usage& usage, std::string_view user_id, bool distinct_due,
           std::vector<Finding>& out) const {
    const Timestamp hour = hour_of(now_);
    const Monitor::Usage::Counts this_hour = usage.window(hour, false);
    const Monitor::Usage::Counts day = usage.window(hour - hours(kDayHours - 1), distinct_due);
    const auto finding = [&](std::string detector, store::AbuseAction action, std::string summary,
                             std::string evidence) {
      Finding f;
      f.detector = std::move(detector);
      f.action = action;
      f.user_id = user_id;
      f.org_id = usage.org_id;
      f.credential_id = usage.credential_id;
      f.accreditation_id = usage.accreditation_id;
      f.summary = std::move(summary);
      f.evidence = std::move(evidence);
      out.push_back(std::move(f));
    };

    // Volume: only ever what the operator set (a flag by default), never a ceiling.
    if (static_cast<double>(this_hour.volume()) > volume_threshold_) {
      json::JsonWriter e(256);
      e.begin_object();
      e.member("window", "current hour");
      e.key("volume").unsigned_integer(this_hour.volume());
      e.key("threshold").number(volume_threshold_);
      e.key("factor").number(settings_.volume.factor);
      e.key("floor_per_hour").unsigned_integer(settings_.volume.floor_per_hour);
      e.end_object();
      finding("volume", settings_.volume.action,
              "volume of " + std::to_string(this_hour.volume()) + " this hour is far above the baselines",
              std::string(e.view()));
    }

    // Enumeration.
    const auto& en = settings_.enumeration;
    const bool sweep = en.sequence_run > 0 && usage.run >= en.sequence_run;
    const double ratio = usage.sample_seen == 0 ? 0
                                                : static_cast<double>(usage.sample_ones) /
                                                      static_cast<double>(usage.sample_seen);
    const bool not_found = en.sample > 0 && usage.sample_seen >= en.sample && ratio >= en.not_found_ratio;
    const double distinct =
        distinct_due ? std::max(day.domains.estimate(), static_cast<double>(usage.distinct.size())) : 0;
    const bool many =
        distinct_due && en.distinct_per_day > 0 && distinct >= static_cast<double>(en.distinct_per_day);
    const int signals = static_cast<int>(sweep) + static_cast<int>(not_found) + static_cast<int>(many);
    if (signals > 0) {
      json::JsonWriter e(512);
      e.begin_object();
      e.key("sequence_run").unsigned_integer(usage.run);
      e.key("sequence_threshold").unsigned_integer(en.sequence_run);
      e.key("sample").unsigned_integer(usage.sample_seen);
      e.key("not_found").unsigned_integer(usage.sample_ones);
      e.key("not_found_ratio").number(ratio);
      e.key("not_found_threshold").number(en.not_found_ratio);
      if (distinct_due) e.key("distinct_domains_24h").unsigned_integer(static_cast<std::uint64_t>(distinct));
      e.key("distinct_threshold").unsigned_integer(en.distinct_per_day);
      e.key("signals").begin_array();
      if (sweep) e.string("sequential_sweep");
      if (not_found) e.string("not_found_ratio");
      if (many) e.string("distinct_domains");
      e.end_array();
      e.end_object();
      std::string what = std::to_string(signals) + " enumeration signal" + (signals > 1 ? "s" : "") + ":";
      if (sweep) what += " a run of " + std::to_string(usage.run) + " names in sequence;";
      if (not_found) {
        what += " " + std::to_string(usage.sample_ones) + " of the last " +
                std::to_string(usage.sample_seen) + " lookups not found;";
      }
      if (many)
        what +=
            " about " + std::to_string(static_cast<std::uint64_t>(distinct)) + " distinct domains in 24 h;";
      what.pop_back();
      finding("enumeration", signals >= 2 ? en.two_signals : en.one_signal, what, std::string(e.view()));
    }

    const auto count_finding = [&](const char* detector, std::uint64_t count, std::uint64_t threshold,
                                   store::AbuseAction action, const char* window, const std::string& what) {
      if (threshold == 0 || count < threshold) return;
      json::JsonWriter e(256);
      e.begin_object();
      e.member("window", window);
      e.key("count").unsigned_integer(count);
      e.key("threshold").unsigned_integer(threshold);
      e.end_object();
      finding(detector, action, std::to_string(count) + " " + what, std::string(e.view()));
    };
    count_finding("malformed", this_hour.malformed, settings_.malformed.per_hour, settings_.malformed.action,
                  "current hour", "malformed requests this hour");
    count_finding("duplicates", day.duplicates, settings_.duplicates.per_day, settings_.duplicates.action,
                  "24 hours", "duplicate disclosure requests in 24 hours");
    count_finding("purposes", day.purpose_refusals, settings_.purposes.per_day, settings_.purposes.action,
                  "24 hours", "requests for a purpose or basis outside the accreditation in 24 hours");

    shared_credentials(usage, hour, out, finding);
  }

 private:
  template <typename Make>
  void shared_credentials(const Monitor::Usage& usage, Timestamp hour, std::vector<Finding>& out,
                          const Make& finding) const {
    (void)out;
    const auto& sc = settings_.shared_credential;
    const Timestamp from = now_ - sc.window;
    // Every node's addresses of the requestor over the hours the window touches (a sketch), against this
    // node's exact count per credential: the larger counts.
    // Only worth merging when another node saw this requestor (else the exact count is the better one).
    const bool merged = !usage.remote.empty() && usage.credentials.size() == 1;
    const Monitor::Usage::Counts recent =
        merged ? usage.window(std::min(hour_of(from), hour), true) : Monitor::Usage::Counts{};
    for (const Monitor::Usage::Credential& credential : usage.credentials) {
      if (credential.last < from) continue;
      const auto live = [&](const std::vector<Monitor::Usage::Seen>& seen) {
        return static_cast<std::uint64_t>(
            std::count_if(seen.begin(), seen.end(), [&](const auto& s) { return s.last >= from; }));
      };
      const std::uint64_t addresses = std::max(
          live(credential.addresses),
          merged ? static_cast<std::uint64_t>(std::llround(recent.addresses.estimate())) : std::uint64_t{0});
      const std::uint64_t countries =
          std::max(live(credential.countries),
                   merged ? static_cast<std::uint64_t>(recent.countries.size()) : std::uint64_t{0});
      const bool by_address = sc.addresses > 0 && addresses >= sc.addresses;
      const bool by_country = sc.countries > 0 && countries >= sc.countries;
      if (!by_address && !by_country) continue;
      json::JsonWriter e(256);
      e.begin_object();
      e.key("window_minutes").integer(sc.window.count());
      e.key("addresses").unsigned_integer(addresses);
      e.key("address_threshold").unsigned_integer(sc.addresses);
      e.key("countries").unsigned_integer(countries);
      e.key("country_threshold").unsigned_integer(sc.countries);
      e.end_object();
      finding("shared_credential", sc.action,
              "one credential used from " + std::to_string(addresses) + " addresses and " +
                  std::to_string(countries) + " countries within " + std::to_string(sc.window.count()) +
                  " minutes",
              std::string(e.view()));
      out.back().credential_id = credential.id;
    }
  }

  const MonitorSettings& settings_;
  Timestamp now_;
  double volume_threshold_;
};

}  // namespace

Monitor::Monitor(store::Store& store, const Clock& clock, MonitorSettings settings, Enforcement* enforcement,
                 const CountryLookup* countries)
    : store_(store),
      clock_(clock),
      settings_(std::move(settings)),
      enforcement_(enforcement),
      countries_(countries),
      node_(settings_.node.empty() ? random_node() : settings_.node),
      distinct_salt_(random_node()) {
  for (std::size_t i = 0; i < kShards; ++i) shards_.push_back(std::make_unique<Shard>());
}

Monitor::~Monitor() = default;

Monitor::Shard& Monitor::shard_of(std::string_view user_id) {
  return *shards_[std::hash<std::string_view>{}(user_id) % shards_.size()];
}

std::optional<Throttled> Monitor::admit(std::string_view user_id, std::string_view credential_id) {
  {
    const std::shared_lock lock(throttle_mutex_);
    if (!any_throttle_) return std::nullopt;
  }
  const std::unique_lock lock(throttle_mutex_);
  auto it = throttles_.find(std::string(credential_id));
  if (it == throttles_.end()) it = throttles_.find(std::string(user_id));
  if (it == throttles_.end()) return std::nullopt;
  ThrottleState& state = it->second;
  if (clock_.now() >= state.until) return std::nullopt;
  const double rate = settings_.throttle.per_minute / 60.0;  // per second
  const double burst = std::max(1.0, settings_.throttle.per_minute);
  const Clock::Monotonic now = clock_.monotonic();
  const std::chrono::duration<double> elapsed =
      std::max(Clock::Monotonic::duration::zero(), now - state.updated);
  state.tokens = std::min(burst, state.tokens + elapsed.count() * rate);
  state.updated = std::max(state.updated, now);
  if (state.tokens >= 1) {
    state.tokens -= 1;
    return std::nullopt;
  }
  const double wait = rate > 0 ? std::ceil((1 - state.tokens) / rate) : 3600.0;
  return Throttled{std::chrono::seconds(std::max<long long>(1, static_cast<long long>(wait))), state.case_id,
                   state.until};
}

void Monitor::record(const Use& use) {
  if (!settings_.enabled || use.user_id.empty()) return;
  const Timestamp now = clock_.now();
  const Timestamp hour = hour_of(now);
  double threshold = 0;
  {
    const std::shared_lock lock(baseline_mutex_);
    const auto own = own_mean_.find(std::string(use.user_id));
    const auto group = group_median_.find(std::string(use.group));
    const double baseline = std::max(own == own_mean_.end() ? 0.0 : own->second,
                                     group == group_median_.end() ? 0.0 : group->second);
    threshold =
        std::max(static_cast<double>(settings_.volume.floor_per_hour), settings_.volume.factor * baseline);
  }
  // Looked up before the lock: the country database is the slow part.
  std::string country_code;
  std::string_view country = use.country;
  if (country.empty() && countries_ != nullptr && !use.address.empty() && !use.credential_id.empty()) {
    country_code = countries_->country(use.address);
    country = country_code;
  }
  std::vector<Finding> findings;
  {
    Shard& shard = shard_of(use.user_id);
    const std::lock_guard lock(shard.mutex);
    auto& slot = shard.users[std::string(use.user_id)];
    if (!slot) slot = std::make_unique<Usage>();
    Usage& u = *slot;
    u.org_id = use.org_id;
    if (!use.group.empty() || !use.accreditation_id.empty()) {
      u.group = use.group;
      u.accreditation_id = use.accreditation_id;
    }
    u.credential_id = use.credential_id;
    u.last_use = now;
    if (u.hours.empty() || u.hours.back().start < hour) {
      u.hours.push_back(Usage::Hour{hour, {}, false});
      while (u.hours.size() > kDayHours + 1) u.hours.pop_front();
    }
    Usage::Hour& h = u.hours.back();
    h.dirty = true;
    Usage::Counts& c = h.counts;

    bool distinct_due = false;
    const bool looked_up = use.kind == Use::Kind::lookup || use.kind == Use::Kind::search;
    if (looked_up || use.kind == Use::Kind::read) ++c.lookups;
    if (use.kind == Use::Kind::filing) ++c.filings;
    if (use.outcome == Use::Outcome::malformed) ++c.malformed;
    if (use.outcome == Use::Outcome::purpose_refused) ++c.purpose_refusals;
    if (use.kind == Use::Kind::lookup && use.outcome != Use::Outcome::malformed &&
        use.outcome != Use::Outcome::purpose_refused && !use.domain.empty()) {
      const bool missing = use.outcome == Use::Outcome::not_found;
      if (missing) ++c.not_found;
      c.domains.add(stable_hash(use.domain));
      // The day's distinct names, exactly, up to the threshold (one past it is enough to tell).
      const auto hour_index =
          static_cast<std::uint32_t>(std::chrono::duration_cast<hours>(hour.time_since_epoch()).count());
      const std::uint64_t keyed = stable_hash(distinct_salt_ + std::string(use.domain));
      bool first_time = true;
      if (auto seen = u.distinct.find(keyed); seen != u.distinct.end()) {
        first_time = seen->second + kDayHours <= hour_index;  // last looked up over a day ago
        seen->second = hour_index;
      } else if (u.distinct.size() <=
                 std::min<std::uint64_t>(settings_.enumeration.distinct_per_day, kMaxExactDistinct)) {
        u.distinct.emplace(keyed, hour_index);
      }
      // The not-found sample, of names not looked up in the last day: repeating lookups of a name that
      // exists (a monitored attack domain) neither dilutes the ratio nor fills it.
      const unsigned sample = settings_.enumeration.sample;
      if (sample > 0 && first_time) {
        if (u.sample_bits.empty()) u.sample_bits.assign((sample + 63) / 64, 0);
        const std::uint32_t slot_index = u.sample_next;
        std::uint64_t& word = u.sample_bits[slot_index / 64];
        const std::uint64_t bit = std::uint64_t{1} << (slot_index % 64);
        if (u.sample_seen == sample && (word & bit) != 0) --u.sample_ones;
        if (missing) {
          word |= bit;
          ++u.sample_ones;
        } else {
          word &= ~bit;
        }
        u.sample_next = (slot_index + 1) % sample;
        u.sample_seen = std::min<std::uint32_t>(u.sample_seen + 1, sample);
      }
      // The sweep, upwards or downwards.
      if (use.domain != u.last_domain) {
        if (u.last_domain.empty()) {
          u.run = 1;
        } else {
          const int step = sorts_after(use.domain, u.last_domain) ? 1 : -1;
          u.run = u.direction == 0 || step == u.direction ? u.run + 1 : 2;
          u.direction = step;
        }
        u.last_domain = use.domain;
      }
      if (u.until_distinct == 0) {
        distinct_due = true;
        u.until_distinct = kDistinctEvery;
        std::erase_if(u.distinct, [&](const auto& entry) { return entry.second + kDayHours <= hour_index; });
      }
      --u.until_distinct;
    }
    if (use.fingerprint != 0) {
      const Timestamp day_ago = now - hours(kDayHours);
      while (!u.fingerprints.empty() && u.fingerprints.front().second < day_ago) u.fingerprints.pop_front();
      if (std::any_of(u.fingerprints.begin(), u.fingerprints.end(),
                      [&](const auto& f) { return f.first == use.fingerprint; })) {
        ++c.duplicates;
      }
      u.fingerprints.emplace_back(use.fingerprint, now);
      if (u.fingerprints.size() > kMaxFingerprints) u.fingerprints.pop_front();
    }
    // The addresses and countries of the credential.
    if (!use.address.empty() && !use.credential_id.empty()) {
      const ClientKey client = RateLimiter::client_key(use.address);
      const std::uint64_t address = stable_hash(
          std::string_view(reinterpret_cast<const char*>(client.bytes.data()), client.bytes.size()));
      c.addresses.add(address);
      add_country(c.countries, country);
      auto credential = std::find_if(u.credentials.begin(), u.credentials.end(),
                                     [&](const Usage::Credential& cr) { return cr.id == use.credential_id; });
      if (credential == u.credentials.end()) {
        if (u.credentials.size() >= kMaxCredentials) {
          u.credentials.erase(std::min_element(u.credentials.begin(), u.credentials.end(),
                                               [](const auto& a, const auto& b) { return a.last < b.last; }));
        }
        u.credentials.push_back(Usage::Credential{std::string(use.credential_id), {}, {}, now});
        credential = std::prev(u.credentials.end());
      }
      credential->last = now;
      const Timestamp from = now - settings_.shared_credential.window;
      const auto note = [&](std::vector<Usage::Seen>& seen, std::uint64_t key, std::uint64_t cap) {
        std::erase_if(seen, [&](const Usage::Seen& s) { return s.last < from; });
        auto found =
            std::find_if(seen.begin(), seen.end(), [&](const Usage::Seen& s) { return s.key == key; });
        if (found != seen.end()) {
          found->last = now;
        } else if (seen.size() < cap + 1) {  // one past the threshold is enough to tell
          seen.push_back(Usage::Seen{key, now});
        }
      };
      note(credential->addresses, address, std::max<std::uint64_t>(settings_.shared_credential.addresses, 1));
      if (country.size() == 2) {
        note(credential->countries, stable_hash(country),
             std::max<std::uint64_t>(settings_.shared_credential.countries, 1));
      }
    }

    Detectors(settings_, now, threshold).run(u, use.user_id, distinct_due, findings);
    std::erase_if(findings, [&](const Finding& f) { return !u.take(f, now); });
  }
  carry_out(std::move(findings));
}

void Monitor::note_false_urgent(std::string_view user_id, std::string_view org_id,
                                std::string_view accreditation_id, std::uint64_t in_window) {
  const auto& fu = settings_.false_urgent;
  if (!settings_.enabled || fu.count == 0 || in_window < fu.count) return;
  json::JsonWriter e(256);
  e.begin_object();
  e.key("window_days").unsigned_integer(fu.days);
  e.key("count").unsigned_integer(in_window);
  e.key("threshold").unsigned_integer(fu.count);
  e.end_object();
  Finding f;
  f.detector = "false_urgent";
  f.action = fu.action;
  f.user_id = user_id;
  f.org_id = org_id;
  f.accreditation_id = accreditation_id;
  f.summary =
      std::to_string(in_window) + " P1 requests found not urgent within " + std::to_string(fu.days) + " days";
  f.evidence = std::string(e.view());
  carry_out({std::move(f)});
}

void Monitor::note_overdue(const std::map<std::string, std::size_t>& overdue,
                           const std::function<std::string(const std::string&)>& org_of) {
  const auto& rt = settings_.retention;
  if (!settings_.enabled || rt.overdue == 0) return;
  std::vector<Finding> findings;
  for (const auto& [accreditation, count] : overdue) {
    if (accreditation.empty() || count < rt.overdue) continue;
    json::JsonWriter e(128);
    e.begin_object();
    e.key("overdue").unsigned_integer(count);
    e.key("threshold").unsigned_integer(rt.overdue);
    e.end_object();
    Finding f;
    f.detector = "retention";
    f.action = rt.action;
    f.org_id = org_of(accreditation);
    f.accreditation_id = accreditation;
    f.summary = std::to_string(count) + " disclosures past retention without a confirmed destruction";
    f.evidence = std::string(e.view());
    findings.push_back(std::move(f));
  }
  carry_out(std::move(findings));
}

void Monitor::carry_out(std::vector<Finding> findings) {
  for (Finding& f : findings) {
    const std::string subject =
        f.detector == "retention" ? f.accreditation_id : subject_of(f.user_id, f.credential_id);
    if (enforcement_ == nullptr) {
      spdlog::warn("abuse: {} would {} (user {}, {})", f.detector, to_string(f.action), f.user_id, f.summary);
      continue;
    }
    store::AbuseCase c;
    c.dedupe_key = dedupe_key(f.detector, f.action, subject);
    c.detector = f.detector;
    c.action = f.action;
    c.user_id = f.user_id;
    c.org_id = f.org_id;
    c.credential_id = f.credential_id;
    c.accreditation_id = f.accreditation_id;
    c.summary = f.summary;
    c.evidence = f.evidence;
    if (c.action == store::AbuseAction::throttle) c.until = clock_.now() + settings_.throttle.duration;
    auto opened = enforcement_->open(std::move(c));
    if (!opened) {
      spdlog::error("abuse: a {} case could not be opened ({})", f.detector, opened.error().message);
      continue;
    }
    if (const std::optional<store::AbuseCase>& made = *opened;
        made.has_value() && made->action == store::AbuseAction::throttle) {
      const store::AbuseCase& t = *made;
      const std::unique_lock lock(throttle_mutex_);
      throttles_[subject_of(t.user_id, t.credential_id)] =
          ThrottleState{t.id, t.until.value_or(clock_.now()), std::max(1.0, settings_.throttle.per_minute),
                        clock_.monotonic()};
      any_throttle_ = true;
    }
  }
}

Result<void> Monitor::sync() {
  if (!settings_.enabled) return {};
  const std::lock_guard lock(sync_mutex_);
  const Timestamp now = clock_.now();
  SSAD_CHECK(write_usage(now));
  SSAD_CHECK(read_usage(now));
  if (now - baselines_at_ >= hours(1) || baselines_at_ == Timestamp{}) SSAD_CHECK(refresh_baselines(now));
  if (enforcement_ != nullptr) {
    auto expired = enforcement_->expire_throttles();
    if (!expired) return std::unexpected(expired.error());
  }
  SSAD_CHECK(refresh_throttles(now));
  sweep_all(now);
  return {};
}

Result<void> Monitor::write_usage(Timestamp now) {
  std::vector<store::UsageRow> rows;
  for (const auto& shard : shards_) {
    const std::lock_guard lock(shard->mutex);
    for (auto& [user, usage] : shard->users) {
      for (Usage::Hour& hour : usage->hours) {
        if (!hour.dirty) continue;
        store::UsageRow row;
        row.user_id = user;
        row.org_id = usage->org_id;
        row.group = usage->group;
        row.node = node_;
        row.hour = hour.start;
        row.lookups = hour.counts.lookups;
        row.not_found = hour.counts.not_found;
        row.filings = hour.counts.filings;
        row.malformed = hour.counts.malformed;
        row.duplicates = hour.counts.duplicates;
        row.purpose_refusals = hour.counts.purpose_refusals;
        row.sketch = encode_sketch(hour.counts.domains, hour.counts.addresses, hour.counts.countries);
        row.updated = now;
        rows.push_back(std::move(row));
        hour.dirty = false;
      }
    }
  }
  const bool prune = now - baselines_at_ >= hours(1) || baselines_at_ == Timestamp{};
  if (rows.empty() && !prune) return {};
  auto written = [&]() -> Result<void> {
    SSAD_TRY(work, store_.begin_audit());
    if (!rows.empty()) SSAD_CHECK(work->abuse().put_usage(rows));
    if (prune) {
      const auto keep = std::max<unsigned>(settings_.volume.baseline_days, 1) + 1;
      auto pruned = work->abuse().prune_usage(hour_of(now) - std::chrono::days(keep));
      if (!pruned) return std::unexpected(pruned.error());
    }
    return work->commit(now);
  }();
  if (!written) {
    // Counted again next time: the rows are marked dirty once more.
    for (const store::UsageRow& row : rows) {
      Shard& shard = shard_of(row.user_id);
      const std::lock_guard lock(shard.mutex);
      const auto it = shard.users.find(row.user_id);
      if (it == shard.users.end()) continue;
      for (Usage::Hour& hour : it->second->hours) {
        if (hour.start == row.hour) hour.dirty = true;
      }
    }
  }
  return written;
}

Result<void> Monitor::read_usage(Timestamp now) {
  // Rows are stamped with their writer's clock and may commit a little after it: look back two intervals
  // (reading a row twice only replaces it with itself).
  const Timestamp since =
      last_read_ == Timestamp{} ? hour_of(now) - hours(kDayHours) : last_read_ - 2 * settings_.sync_interval;
  const Timestamp oldest = hour_of(now) - hours(kDayHours);
  std::vector<std::string> touched;
  constexpr std::size_t kBatch = 1000;
  std::optional<store::UsageRow> last;
  for (;;) {
    SSAD_TRY(rows, last ? store_.abuse().usage_updated_after(*last, node_, kBatch)
                        : store_.abuse().usage_updated_since(since, node_, kBatch));
    for (const store::UsageRow& row : rows) {
      if (row.hour < oldest) continue;
      Usage::Counts counts;
      counts.lookups = row.lookups;
      counts.not_found = row.not_found;
      counts.filings = row.filings;
      counts.malformed = row.malformed;
      counts.duplicates = row.duplicates;
      counts.purpose_refusals = row.purpose_refusals;
      (void)decode_sketch(row.sketch, counts.domains, counts.addresses, counts.countries);
      Shard& shard = shard_of(row.user_id);
      const std::lock_guard lock(shard.mutex);
      auto& slot = shard.users[row.user_id];
      if (!slot) {
        slot = std::make_unique<Usage>();
        slot->org_id = row.org_id;
        slot->group = row.group;
      }
      slot->last_use = std::max(slot->last_use, row.updated);
      auto existing = std::find_if(slot->remote.begin(), slot->remote.end(), [&](const Usage::Remote& r) {
        return r.node == row.node && r.hour == row.hour;
      });
      if (existing != slot->remote.end()) {
        existing->counts = std::move(counts);
      } else {
        slot->remote.push_back(Usage::Remote{row.node, row.hour, std::move(counts)});
      }
      touched.push_back(row.user_id);
    }
    if (rows.size() < kBatch) break;
    last = rows.back();
  }
  last_read_ = now;

  // The merged counts may cross a threshold no single node's did.
  std::sort(touched.begin(), touched.end());
  touched.erase(std::unique(touched.begin(), touched.end()), touched.end());
  std::vector<Finding> findings;
  for (const std::string& user : touched) {
    double threshold = 0;
    {
      const std::shared_lock lock(baseline_mutex_);
      const auto own = own_mean_.find(user);
      threshold = own == own_mean_.end() ? 0.0 : own->second;
    }
    Shard& shard = shard_of(user);
    const std::lock_guard lock(shard.mutex);
    const auto it = shard.users.find(user);
    if (it == shard.users.end()) continue;
    Usage& u = *it->second;
    {
      const std::shared_lock lock_baselines(baseline_mutex_);
      const auto group = group_median_.find(u.group);
      threshold = std::max(
          static_cast<double>(settings_.volume.floor_per_hour),
          settings_.volume.factor * std::max(threshold, group == group_median_.end() ? 0.0 : group->second));
    }
    std::vector<Finding> found;
    Detectors(settings_, now, threshold).run(u, user, true, found);
    for (Finding& f : found) {
      if (u.take(f, now)) findings.push_back(std::move(f));
    }
  }
  carry_out(std::move(findings));
  return {};
}

Result<void> Monitor::refresh_baselines(Timestamp now) {
  const Timestamp until = hour_of(now);
  const Timestamp from = until - std::chrono::days(std::max<unsigned>(settings_.volume.baseline_days, 1));
  SSAD_TRY(volumes, store_.abuse().usage_volumes(from, until));
  std::unordered_map<std::string, double> own;
  std::unordered_map<std::string, std::vector<double>> by_group;
  for (const store::UsageVolume& v : volumes) {
    if (v.hours == 0) continue;
    const double mean = static_cast<double>(v.volume) / static_cast<double>(v.hours);
    own[v.user_id] = mean;
    if (!v.group.empty()) by_group[v.group].push_back(mean);
  }
  std::unordered_map<std::string, double> medians;
  for (auto& [group, means] : by_group) {
    std::sort(means.begin(), means.end());
    const std::size_t n = means.size();
    medians[group] = n % 2 == 1 ? means[n / 2] : (means[n / 2 - 1] + means[n / 2]) / 2;
  }
  const std::unique_lock lock(baseline_mutex_);
  own_mean_ = std::move(own);
  group_median_ = std::move(medians);
  baselines_at_ = now;
  return {};
}

Result<void> Monitor::refresh_throttles(Timestamp now) {
  store::CaseFilter filter;
  filter.actions = {store::AbuseAction::throttle};
  filter.states = {store::CaseState::open};
  store::Page page;
  page.limit = 500;
  std::unordered_map<std::string, ThrottleState> fresh;
  for (;;) {
    SSAD_TRY(cases, store_.abuse().cases(filter, page));
    for (const store::AbuseCase& c : cases) {
      if (c.until && *c.until <= now) continue;
      fresh[subject_of(c.user_id, c.credential_id)] =
          ThrottleState{c.id, c.until.value_or(now + settings_.throttle.duration),
                        std::max(1.0, settings_.throttle.per_minute), clock_.monotonic()};
    }
    if (cases.size() < page.limit) break;
    page.after = cases.back().id;
  }
  const std::unique_lock lock(throttle_mutex_);
  for (auto& [subject, state] : fresh) {
    const auto known = throttles_.find(subject);
    if (known != throttles_.end() && known->second.case_id == state.case_id) state = known->second;
  }
  throttles_ = std::move(fresh);
  any_throttle_ = !throttles_.empty();
  return {};
}

void Monitor::sweep_all(Timestamp now) {
  const Timestamp oldest = hour_of(now) - hours(kDayHours);
  for (const auto& shard : shards_) {
    const std::lock_guard lock(shard->mutex);
    for (auto it = shard->users.begin(); it != shard->users.end();) {
      Usage& u = *it->second;
      while (!u.hours.empty() && u.hours.front().start < oldest && !u.hours.front().dirty)
        u.hours.pop_front();
      std::erase_if(u.remote, [&](const Usage::Remote& r) { return r.hour < oldest; });
      std::erase_if(u.memo, [&](const auto& m) { return m.second <= now; });
      const bool idle = u.last_use < oldest && u.hours.empty() && u.remote.empty();
      it = idle ? shard->users.erase(it) : std::next(it);
    }
  }
}

void Monitor::forget(std::string_view user_id) {
  Shard& shard = shard_of(user_id);
  const std::lock_guard lock(shard.mutex);
  const auto it = shard.users.find(std::string(user_id));
  if (it == shard.users.end()) return;
  Usage& u = *it->second;
  u.sample_bits.clear();
  u.sample_next = u.sample_seen = u.sample_ones = 0;
  u.run = 0;
  u.direction = 0;
  u.last_domain.clear();
  u.distinct.clear();
  u.fingerprints.clear();
  u.credentials.clear();
  u.memo.clear();
}

void Monitor::lifted(const store::AbuseCase& abuse_case) {
  if (!abuse_case.user_id.empty()) forget(abuse_case.user_id);
  const std::unique_lock lock(throttle_mutex_);
  std::erase_if(throttles_, [&](const auto& entry) { return entry.second.case_id == abuse_case.id; });
  any_throttle_ = !throttles_.empty();
}

Monitor::Footprint Monitor::footprint() const {
  Footprint f;
  for (const auto& shard : shards_) {
    const std::lock_guard lock(shard->mutex);
    f.requestors += shard->users.size();
    for (const auto& [user, usage] : shard->users) f.bytes += user.capacity() + 64 + usage->bytes();
  }
  return f;
}

}  // namespace ssad::abuse
