#include "policy/rules.hpp"

#include <algorithm>
#include <set>
#include <span>

#include <toml++/toml.h>

#include "core/embedded.hpp"
#include "tlog/hash.hpp"

namespace ssad::embedded {
std::span<const EmbeddedFile> default_policy();
}

namespace ssad::policy {
namespace {

// Collects every problem of a file with its line, so that `ssad policy check` shows them all at once.
class Problems {
 public:
  explicit Problems(std::string_view source) : source_(source) {}

  void add(const toml::node& at, const std::string& what) { add(line_of(at), what); }
  void add(unsigned line, const std::string& what) {
    lines_.emplace_back(line, std::string(source_) + ":" + std::to_string(line) + ": " + what);
  }
  [[nodiscard]] bool empty() const { return lines_.empty(); }
  /// Every problem, one per line, in the order of the file.
  [[nodiscard]] std::string text() {
    // By line, and in the order found within one: a sort by (line, position), as std::stable_sort's
    // temporary buffer is deprecated in libstdc++ 12 under clang's -Werror.
    std::vector<std::size_t> order(lines_.size());
    for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
      return lines_[a].first != lines_[b].first ? lines_[a].first < lines_[b].first : a < b;
    });
    std::string all;
    for (const std::size_t i : order) {
      if (!all.empty()) all += '\n';
      all += lines_[i].second;
    }
    return all;
  }
  static unsigned line_of(const toml::node& node) { return node.source().begin.line; }

 private:
  std::string_view source_;
  std::vector<std::pair<unsigned, std::string>> lines_;
};

std::string quoted(std::string_view text) { return "'" + std::string(text) + "'"; }

std::string joined(std::span<const std::string_view> names) {
  std::string all;
  for (const std::string_view name : names) {
    if (!all.empty()) all += ", ";
    all += name;
  }
  return all;
}

// Reads one table's keys, reporting unknown keys and wrong types with the line of the value.
class TableReader {
 public:
  TableReader(const toml::table& table, std::string where, Problems& problems)
      : table_(table), where_(std::move(where)), problems_(problems) {}

  void only(std::initializer_list<std::string_view> known) {
    for (const auto& [key, value] : table_) {
      if (std::find(known.begin(), known.end(), key.str()) == known.end()) {
        problems_.add(value, where_ + ": unknown key " + quoted(key.str()) +
                                 " (known: " + joined(std::vector<std::string_view>(known)) + ")");
      }
    }
  }

  std::optional<std::string> text(std::string_view key, bool required = false) {
    const toml::node* node = table_.get(key);
    if (node == nullptr) {
      if (required) problems_.add(table_, where_ + ": " + std::string(key) + " is required");
      return std::nullopt;
    }
    if (const auto* value = node->as_string()) return value->get();
    problems_.add(*node, where_ + ": " + std::string(key) + " must be a string");
    return std::nullopt;
  }

  std::optional<bool> boolean(std::string_view key) {
    const toml::node* node = table_.get(key);
    if (node == nullptr) return std::nullopt;
    if (const auto* value = node->as_boolean()) return value->get();
    problems_.add(*node, where_ + ": " + std::string(key) + " must be true or false");
    return std::nullopt;
  }

  /// The strings of an array (nullopt when absent), each with its node for the line of a problem.
  std::optional<std::vector<std::pair<std::string, const toml::node*>>> texts(std::string_view key) {
    const toml::node* node = table_.get(key);
    if (node == nullptr) return std::nullopt;
    const auto* array = node->as_array();
    if (array == nullptr) {
      problems_.add(*node, where_ + ": " + std::string(key) + " must be an array of strings");
      return std::vector<std::pair<std::string, const toml::node*>>{};
    }
    std::vector<std::pair<std::string, const toml::node*>> out;
    for (const toml::node& element : *array) {
      if (const auto* value = element.as_string()) {
        out.emplace_back(value->get(), &element);
      } else {
        problems_.add(element, where_ + ": " + std::string(key) + " must be an array of strings");
      }
    }
    return out;
  }

  [[nodiscard]] const toml::table& table() const { return table_; }
  [[nodiscard]] const std::string& where() const { return where_; }
  Problems& problems() { return problems_; }

 private:
  const toml::table& table_;
  std::string where_;
  Problems& problems_;
};

std::vector<std::string_view> lawful_basis_names() {
  std::vector<std::string_view> names;
  for (const LawfulBasis basis : all_lawful_bases()) names.push_back(to_string(basis));
  return names;
}

std::vector<LawfulBasis> read_bases(TableReader& reader, std::string_view key) {
  std::vector<LawfulBasis> bases;
  for (const auto& [text, node] :
       reader.texts(key).value_or(std::vector<std::pair<std::string, const toml::node*>>{})) {
    if (auto basis = parse_lawful_basis(text)) {
      bases.push_back(*basis);
    } else {
      reader.problems().add(*node, reader.where() + ": " + quoted(text) + " is not a lawful basis (one of " +
                                       joined(lawful_basis_names()) + ")");
    }
  }
  return bases;
}

// Catalogue fields matching one pattern: a key, "role.*", "*.element" or "*". The wildcards "*" and
// "*.element" leave out the agent's fields (issue 15): the agent consented to its contact going to
// network defenders for technical issues, so a rule gives it only by naming it ("agent.*", "agent.email"),
// and a rule written before agents existed gives none of it.
catalog::FieldSet fields_matching(std::string_view pattern) {
  catalog::FieldSet set;
  const std::size_t dot = pattern.find('.');
  for (const catalog::Field& field : catalog::all_fields()) {
    bool match = false;
    const bool agent = field.role == catalog::Role::agent;
    if (pattern == "*") {
      match = !agent;
    } else if (dot != std::string_view::npos && pattern.substr(dot) == ".*") {
      const std::string_view prefix = pattern.substr(0, dot);
      match = field.key.starts_with(prefix) && field.key.size() > prefix.size() &&
              field.key[prefix.size()] == '.';
    } else if (pattern.starts_with("*.")) {
      const std::string_view suffix = pattern.substr(1);  // ".email"
      match = field.role != catalog::Role::none && !agent && field.key.ends_with(suffix);
    } else {
      match = field.key == pattern;
    }
    if (match) set.insert(field);
  }
  return set;
}

std::optional<AccreditationState> parse_accreditation_state(std::string_view text) {
  for (const AccreditationState state :
       {AccreditationState::active, AccreditationState::suspended, AccreditationState::revoked,
        AccreditationState::expired, AccreditationState::none}) {
    if (to_string(state) == text) return state;
  }
  return std::nullopt;
}

bool is_identifier(std::string_view text) {
  return !text.empty() && text.size() <= 64 && std::all_of(text.begin(), text.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '.';
  });
}

}  // namespace

std::string_view to_string(Outcome outcome) {
  switch (outcome) {
    case Outcome::disclose:
      return "disclose";
    case Outcome::review:
      return "review";
    case Outcome::refuse:
      return "refuse";
  }
  return "refuse";
}

std::string_view to_string(AccreditationState state) {
  switch (state) {
    case AccreditationState::active:
      return "active";
    case AccreditationState::suspended:
      return "suspended";
    case AccreditationState::revoked:
      return "revoked";
    case AccreditationState::expired:
      return "expired";
    case AccreditationState::none:
      return "none";
  }
  return "none";
}

std::optional<Retention> parse_retention(std::string_view text) {
  Retention retention;
  if (text.starts_with("incident+")) {
    retention.after_incident = true;
    text.remove_prefix(9);
  }
  if (text.size() < 2 || text.back() != 'd' || text.size() > 5) return std::nullopt;
  unsigned days = 0;
  for (const char c : text.substr(0, text.size() - 1)) {
    if (c < '0' || c > '9') return std::nullopt;
    days = days * 10 + static_cast<unsigned>(c - '0');
  }
  if (days == 0 || days > 3660) return std::nullopt;
  retention.days = days;
  return retention;
}

std::string to_string(const Retention& retention) {
  return (retention.after_incident ? "incident+" : "") + std::to_string(retention.days) + "d";
}

Result<Rules> Rules::parse(std::string_view file_text, std::string_view source) {
  // Debian's toml++ is built with exceptions: a syntax error is thrown, and caught here once.
  toml::table root;
  try {
    root = toml::parse(file_text, source);
  } catch (const toml::parse_error& e) {
    return fail(ErrorCode::invalid_input, std::string(source) + ":" + std::to_string(e.source().begin.line) +
                                              ": " + std::string(e.description()));
  }
  Problems problems(source);
  Rules rules;
  TableReader top(root, "policy", problems);
  top.only({"version", "settings", "group", "purpose", "rule"});
  if (const toml::node* version = root.get("version");
      version == nullptr || version->as_integer() == nullptr || version->as_integer()->get() != 1) {
    problems.add(version != nullptr ? Problems::line_of(*version) : 1U, "version = 1 is required");
  }

  // Arrays of tables: [[group]], [[purpose]], [[rule]].
  const auto tables = [&](std::string_view key) {
    std::vector<const toml::table*> out;
    const toml::node* node = root.get(key);
    if (node == nullptr) return out;
    const auto* array = node->as_array();
    if (array == nullptr) {
      problems.add(*node, std::string(key) + " must be written as [[" + std::string(key) + "]] tables");
      return out;
    }
    for (const toml::node& element : *array) {
      if (const auto* table = element.as_table()) {
        out.push_back(table);
      } else {
        problems.add(element, std::string(key) + " must be written as [[" + std::string(key) + "]] tables");
      }
    }
    return out;
  };

  if (const toml::node* node = root.get("settings")) {
    if (const auto* table = node->as_table()) {
      TableReader settings(*table, "[settings]", problems);
      settings.only({"publish_legal_person_contacts", "rdap_lawful_basis"});
      rules.switches_.publish_legal_person_contacts =
          settings.boolean("publish_legal_person_contacts").value_or(false);
      if (auto basis = settings.text("rdap_lawful_basis")) {
        if (auto parsed = parse_lawful_basis(*basis)) {
          rules.switches_.rdap_lawful_basis = *parsed;
        } else {
          problems.add(*table->get("rdap_lawful_basis"), "[settings]: rdap_lawful_basis " + quoted(*basis) +
                                                             " is not a lawful basis (one of " +
                                                             joined(lawful_basis_names()) + ")");
        }
      }
    } else {
      problems.add(*node, "settings must be a table ([settings])");
    }
  }

  for (const toml::table* table : tables("purpose")) {
    TableReader reader(*table, "[[purpose]]", problems);
    reader.only({"id", "description"});
    PurposeDefinition purpose;
    purpose.id = reader.text("id", true).value_or("");
    purpose.description = reader.text("description").value_or("");
    if (!purpose.id.empty() && !is_purpose_syntax(purpose.id)) {
      problems.add(*table, "[[purpose]] " + quoted(purpose.id) +
                               ": a purpose is 1 to 64 letters or '_' (RFC 9560 section 9.3)");
    } else if (rules.knows_purpose(purpose.id)) {
      problems.add(*table, "[[purpose]] " + quoted(purpose.id) + " is defined already");
    } else if (!purpose.id.empty()) {
      rules.purposes_.push_back(std::move(purpose));
    }
  }

  const auto check_purposes = [&](TableReader& reader, std::vector<std::string>& out) {
    for (auto& [purpose, node] :
         reader.texts("purposes").value_or(std::vector<std::pair<std::string, const toml::node*>>{})) {
      if (!rules.knows_purpose(purpose)) {
        problems.add(*node, reader.where() + ": unknown purpose " + quoted(purpose) +
                                " (an RFC 9560 purpose, or one defined in a [[purpose]] table)");
      } else {
        out.push_back(std::move(purpose));
      }
    }
  };

  for (const toml::table* table : tables("group")) {
    TableReader reader(*table, "[[group]]", problems);
    reader.only({"id", "name", "purposes", "lawful_bases"});
    Group group;
    group.id = reader.text("id", true).value_or("");
    group.name = reader.text("name").value_or(group.id);
    TableReader named(*table, "[[group]] " + quoted(group.id), problems);
    check_purposes(named, group.purposes);
    group.lawful_bases = read_bases(named, "lawful_bases");
    if (!group.id.empty() && !is_identifier(group.id)) {
      problems.add(
          *table, "[[group]] " + quoted(group.id) + ": an id is lower-case letters, digits, '_', '-' or '.'");
    } else if (rules.group(group.id) != nullptr) {
      problems.add(*table, "[[group]] " + quoted(group.id) + " is defined already");
    } else if (!group.id.empty()) {
      rules.groups_.push_back(std::move(group));
    }
  }

  for (const toml::table* table : tables("rule")) {
    TableReader first(*table, "[[rule]]", problems);
    Rule rule;
    rule.line = Problems::line_of(*table);
    rule.id = first.text("id", true).value_or("");
    TableReader reader(*table, "rule " + quoted(rule.id), problems);
    reader.only({"id", "description", "purposes", "lawful_bases", "groups", "authorities", "accreditation",
                 "subjects", "consent", "agent", "priorities", "abuse_types", "fields", "only_these_fields",
                 "outcome", "reason", "retention"});
    if (!rule.id.empty() && !is_identifier(rule.id)) {
      problems.add(*table,
                   "rule " + quoted(rule.id) + ": an id is lower-case letters, digits, '_', '-' or '.'");
    } else if (rules.rule(rule.id) != nullptr) {
      problems.add(*table, "rule " + quoted(rule.id) + " is defined already (rule ids are unique)");
    }
    rule.description = reader.text("description").value_or("");
    check_purposes(reader, rule.purposes);
    rule.lawful_bases = read_bases(reader, "lawful_bases");
    for (auto& [group, node] :
         reader.texts("groups").value_or(std::vector<std::pair<std::string, const toml::node*>>{})) {
      if (rules.group(group) == nullptr) {
        problems.add(
            *node, reader.where() + ": unknown group " + quoted(group) + " (define it in a [[group]] table)");
      } else {
        rule.groups.push_back(std::move(group));
      }
    }
    for (auto& [authority, node] :
         reader.texts("authorities").value_or(std::vector<std::pair<std::string, const toml::node*>>{})) {
      if (authority.empty()) {
        problems.add(*node, reader.where() + ": an authority is a non-empty name");
      } else {
        rule.authorities.push_back(std::move(authority));
      }
    }
    if (auto states = reader.texts("accreditation")) {
      rule.accreditation.clear();
      for (const auto& [text, node] : *states) {
        if (auto state = parse_accreditation_state(text)) {
          rule.accreditation.push_back(*state);
        } else {
          problems.add(*node, reader.where() + ": accreditation " + quoted(text) +
                                  " is not one of active, suspended, revoked, expired, none");
        }
      }
      if (states->empty())
        problems.add(*table->get("accreditation"),
                     reader.where() + ": accreditation must name at least one state");
    }
    for (const auto& [text, node] :
         reader.texts("subjects").value_or(std::vector<std::pair<std::string, const toml::node*>>{})) {
      if (auto kind = parse_subject_kind(text)) {
        rule.subjects.push_back(*kind);
      } else {
        problems.add(*node, reader.where() + ": subject " + quoted(text) +
                                " is not one of natural, legal, unknown, privacy_proxy");
      }
    }
    rule.consent = reader.boolean("consent");
    rule.agent = reader.boolean("agent");
    for (const auto& [text, node] :
         reader.texts("priorities").value_or(std::vector<std::pair<std::string, const toml::node*>>{})) {
      if (auto priority = parse_priority(text)) {
        rule.priorities.push_back(*priority);
      } else {
        problems.add(*node, reader.where() + ": priority " + quoted(text) + " is not one of P1, P2, P3");
      }
    }
    for (auto& [text, node] :
         reader.texts("abuse_types").value_or(std::vector<std::pair<std::string, const toml::node*>>{})) {
      if (is_abuse_type(text)) {
        rule.abuse_types.push_back(std::move(text));
      } else {
        problems.add(*node, reader.where() + ": abuse type " + quoted(text) + " is not one of " +
                                joined(abuse_types()));
      }
    }
    if (auto patterns = reader.texts("fields")) {
      for (auto& [pattern, node] : *patterns) {
        const catalog::FieldSet matched = fields_matching(pattern);
        if (matched.empty()) {
          problems.add(*node, reader.where() + ": " + quoted(pattern) +
                                  " names no catalogue field (a key such as 'registrant.email', 'tech.*', "
                                  "'*.email' or '*'; docs/policy.md lists the keys)");
          continue;
        }
        for (const catalog::Field& field : catalog::all_fields()) {
          if (matched.contains(field)) rule.fields.insert(field);
        }
        rule.field_patterns.push_back(std::move(pattern));
      }
      if (patterns->empty())
        problems.add(*table->get("fields"), reader.where() + ": fields must name at least one field");
    } else {
      problems.add(*table, reader.where() + ": fields is required");
    }
    rule.only_these_fields = reader.boolean("only_these_fields").value_or(false);
    const std::optional<std::string> outcome = reader.text("outcome", true);
    const std::optional<std::string> reason = reader.text("reason");
    const std::optional<std::string> retention = reader.text("retention");
    if (outcome == "disclose") {
      rule.outcome = Outcome::disclose;
      rule.reason = Reason::none;
    } else if (outcome == "review") {
      rule.outcome = Outcome::review;
      rule.reason = Reason::pending_review;
    } else if (outcome == "refuse") {
      rule.outcome = Outcome::refuse;
    } else if (outcome) {
      problems.add(*table->get("outcome"), reader.where() + ": outcome " + quoted(*outcome) +
                                               " is not one of disclose, review, refuse");
    }
    if (outcome == "refuse") {
      const std::optional<Reason> parsed = reason ? parse_reason(*reason) : std::nullopt;
      if (!parsed || !is_refusal_reason(*parsed)) {
        problems.add(reason ? *table->get("reason") : static_cast<const toml::node&>(*table),
                     reader.where() +
                         ": a refusing rule needs a reason: one of personal_data, no_policy, "
                         "not_necessary, subject_rights_override, legal_restriction, operator_policy");
      } else {
        rule.reason = *parsed;
      }
    } else if (reason) {
      problems.add(*table->get("reason"), reader.where() + ": only a refusing rule has a reason");
    }
    if (retention) {
      if (outcome != "disclose") {
        problems.add(*table->get("retention"), reader.where() + ": only a disclosing rule has a retention");
      } else if (auto parsed = parse_retention(*retention)) {
        rule.retention = parsed;
      } else {
        problems.add(*table->get("retention"), reader.where() + ": retention " + quoted(*retention) +
                                                   " is not 'Nd' or 'incident+Nd' (N from 1 to 3660 days)");
      }
    }
    if (!rule.id.empty() && rules.rule(rule.id) == nullptr) rules.rules_.push_back(std::move(rule));
  }

  if (!problems.empty()) return fail(ErrorCode::invalid_input, problems.text());
  rules.fingerprint_ = tlog::hex(tlog::sha256(file_text));
  return rules;
}

const Rules& Rules::builtin() {
  static const Rules builtin_rules = [] {
    auto parsed = parse(builtin_text(), "default_policy.toml");
    if (!parsed) throw std::logic_error("the built-in policy does not parse: " + parsed.error().message);
    return std::move(*parsed);
  }();
  return builtin_rules;
}

std::string_view Rules::builtin_text() { return embedded::default_policy().front().text; }

const Group* Rules::group(std::string_view id) const {
  for (const Group& group : groups_) {
    if (group.id == id) return &group;
  }
  return nullptr;
}

bool Rules::knows_purpose(std::string_view purpose) const {
  const auto registered = rfc9560_purposes();
  if (std::find(registered.begin(), registered.end(), purpose) != registered.end()) return true;
  return std::any_of(purposes_.begin(), purposes_.end(),
                     [&](const PurposeDefinition& own) { return own.id == purpose; });
}

const Rule* Rules::rule(std::string_view id) const {
  for (const Rule& rule : rules_) {
    if (rule.id == id) return &rule;
  }
  return nullptr;
}

}  // namespace ssad::policy
