#pragma once
// Disclosure requests over /v1 in process (http/requests_endpoint.hpp, disclosure/requests.hpp), on the
// V1 fixture (v1_fixture.hpp): its store holds the RDAP fixture's registrations (unit/rdap/rdap_fixture.hpp)
// and its directory requestor organisation A (a network operator) and B (a CERT), each accredited, and the
// operator's staff. Every /v1/ answer is checked against the OpenAPI document.
//
// A test files a Filing (every member valid unless it changes one), reads what the API answers, and looks
// for the registration's values where they may and may not be: natural.test's registrant "nat1" (Nadia
// Natural), technical contact "tec1" (Tess Tech) and administrative contact "adm1" (Adam Admin) each have
// values unique to them.

#include <algorithm>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include "audit/entry.hpp"
#include "json/json_writer.hpp"
#include "unit/http/v1_fixture.hpp"

namespace ssad::http {

class RequestsApiTest : public V1ApiTest {
 protected:
  // One evidence item as submitted.
  struct EvidenceItem {
    std::string kind = "log_excerpt";
    std::string description = "Flow records of the attack, 02:00 to 03:00 UTC";
    std::string sha256 = std::string(64, 'a');
    std::string media_type;  // with an attachment
    std::string content;     // its base64
  };

  // What a requestor submits; every member valid by default (seed 000: a network under attack asks for
  // the registrant's email).
  struct Filing {
    std::string domain = "natural.test";
    std::string purpose = "technicalIssueResolution";
    std::string lawful_basis = "6(1)(f)";
    std::string priority = "P3";
    std::optional<std::pair<std::string, std::string>> urgent;  // criterion, statement
    std::string abuse_type;
    std::string justification = "Hosts under this domain take part in a DDoS attack on our network.";
    std::vector<std::string> fields = {"registrant.email"};
    std::vector<EvidenceItem> evidence;
    std::optional<std::pair<std::string, std::string>> confidentiality;  // legal reference, until
    unsigned retention_days = 30;
    std::string incident_end;
    std::string accreditation;
    std::string terms_version = kTermsVersion;

    [[nodiscard]] std::string json() const {
      json::JsonWriter out;
      out.begin_object();
      out.member("domain", domain);
      out.member("purpose", purpose);
      out.member("lawful_basis", lawful_basis);
      out.member("priority", priority);
      if (urgent) {
        out.key("urgent");
        out.begin_object();
        out.member("criterion", urgent->first);
        out.member("statement", urgent->second);
        out.end_object();
      }
      if (!abuse_type.empty()) out.member("abuse_type", abuse_type);
      out.member("justification", justification);
      out.key("fields");
      out.begin_array();
      for (const std::string& key : fields) {
        out.begin_object();
        out.member("key", key);
        out.member("why", "To reach whoever runs the domain about " + key);
        out.end_object();
      }
      out.end_array();
      if (!evidence.empty()) {
        out.key("evidence");
        out.begin_array();
        for (const EvidenceItem& item : evidence) {
          out.begin_object();
          out.member("kind", item.kind);
          out.member("description", item.description);
          out.member("sha256", item.sha256);
          if (!item.media_type.empty()) {
            out.key("attachment");
            out.begin_object();
            out.member("media_type", item.media_type);
            out.member("content", item.content);
            out.end_object();
          }
          out.end_object();
        }
        out.end_array();
      }
      out.key("terms");
      out.begin_object();
      out.member("version", terms_version);
      out.key("good_faith");
      out.boolean(true);
      out.key("lawful_processing");
      out.boolean(true);
      out.end_object();
      if (confidentiality) {
        out.key("confidentiality");
        out.begin_object();
        out.member("legal_reference", confidentiality->first);
        out.member("until", confidentiality->second);
        out.end_object();
      }
      out.key("retention");
      out.begin_object();
      out.key("days");
      out.integer(retention_days);
      if (!incident_end.empty()) out.member("incident_end", incident_end);
      out.end_object();
      if (!accreditation.empty()) out.member("accreditation", accreditation);
      out.end_object();
      return std::string(out.view());
    }
  };

  // Seed 001 as a network operator files it: a phishing investigation, which the default policy leaves
  // to a reviewer for the registrant's email (seed-001-review), refuses for the administrative contact
  // (seed-001-minimisation) and answers at once for the registrant's country (public).
  static Filing reviewed_filing() {
    Filing filing;
    filing.purpose = "criminalInvestigationAndDNSAbuseMitigation";
    filing.abuse_type = "phishing";
    filing.justification = "The domain hosts a phishing page imitating our customer portal.";
    filing.fields = {"registrant.email", "admin.email", "registrant.country_code"};
    return filing;
  }

  Response file(const Account& who, const Filing& filing) {
    return post("/v1/requests", who.key, filing.json());
  }
  // Files `filing` and expects it taken: the answer's document ({"request", "rdap"}).
  rapidjson::Document filed(const Account& who, const Filing& filing) {
    const Response response = file(who, filing);
    EXPECT_EQ(response.status, 201U) << response.body;
    return json(response);
  }
  // Files `filing` and expects it taken: the request's id.
  std::string file_id(const Account& who, const Filing& filing) {
    const rapidjson::Document created = filed(who, filing);
    if (!created.IsObject() || !created.HasMember("request")) return "";
    return created["request"]["id"].GetString();
  }

  // The request as `who` reads it (expects 200).
  rapidjson::Document read(const std::string& id, const Account& who) {
    const Response response = get("/v1/requests/" + id, who.key);
    EXPECT_EQ(response.status, 200U) << response.body;
    return json(response);
  }

  Response act(const std::string& id, std::string_view action, const Account& who, std::string body = "") {
    return post("/v1/requests/" + id + "/" + std::string(action), who.key, std::move(body));
  }
  // A balancing test that says something in every member.
  static std::string balancing_test() {
    return R"({"legitimate_interest":"Stopping a phishing campaign against our customers is lawful and real.",)"
           R"("necessity":"The registrar did not act on two abuse reports; only the holder can take it down.",)"
           R"("minimisation":"The email reaches the holder; nothing else is needed.",)"
           R"("risk":"Low: the address is used to notify, not to publish.",)"
           R"("safeguards":"Kept 30 days, read by the abuse desk only."})";
  }
  // A decision on `rulings` ({key, "disclose"} or {key, "refuse"}; refusals for not_necessary).
  static std::string decision(const std::vector<std::pair<std::string, std::string>>& rulings) {
    std::string fields;
    for (const auto& [key, outcome] : rulings) {
      fields += (fields.empty() ? "" : ",") + std::string(R"({"key":")") + key + R"(","outcome":")" +
                outcome + "\"";
      if (outcome == "refuse")
        fields += R"(,"reason":"not_necessary","explanation":"The public data answers your purpose.")";
      fields += "}";
    }
    return R"({"fields":[)" + fields + R"(],"balancing_test":)" + balancing_test() + "}";
  }

  // The member of a request's document for field `key`.
  static const rapidjson::Value& field(const rapidjson::Value& request, std::string_view key) {
    for (const auto& f : request["fields"].GetArray()) {
      if (std::string_view(f["key"].GetString()) == key) return f;
    }
    ADD_FAILURE() << "no field " << key;
    static const rapidjson::Value none;
    return none;
  }
  static std::string text(const rapidjson::Value& object, const char* member) {
    if (!object.IsObject() || !object.HasMember(member) || !object[member].IsString()) return "";
    return object[member].GetString();
  }
  // The `event` member of each step of a request's history, in order.
  static std::vector<std::string> events(const rapidjson::Value& request) {
    std::vector<std::string> out;
    for (const auto& e : request["history"].GetArray()) out.emplace_back(e["event"].GetString());
    return out;
  }
  // The redaction names of an RDAP document (RFC 9537: the registered type, "Registrant Email", else the
  // description), and the reason given for each.
  static std::map<std::string, std::string> redacted(const rapidjson::Value& rdap) {
    std::map<std::string, std::string> out;
    if (!rdap.HasMember("redacted")) return out;
    for (const auto& r : rdap["redacted"].GetArray()) {
      const rapidjson::Value& name = r["name"];
      out[name.HasMember("type") ? name["type"].GetString() : text(name, "description")] =
          r.HasMember("reason") ? text(r["reason"], "description") : "";
    }
    return out;
  }

  // The values natural.test's contacts hold, by catalogue key: each unique to its field, so that a body
  // holding one has served that field.
  static std::map<std::string, std::string> natural_values() {
    std::map<std::string, std::string> out;
    const auto add = [&](const std::string& role, const std::string& handle, const std::string& name) {
      const std::string digits = std::to_string(std::hash<std::string>{}(handle) % 1000000 + 1000000);
      out[role + ".name"] = name;
      out[role + ".email"] = handle + "@mail.example";
      out[role + ".street"] = handle + " Main Street";
      out[role + ".city"] = handle + "ville";
      out[role + ".postal_code"] = "PC-" + handle;
      out[role + ".phone"] = "703" + digits;
      out[role + ".fax"] = "704" + digits;
      out[role + ".organization"] = handle + " Holdings";
    };
    add("registrant", "nat1", "Nadia Natural");
    add("tech", "tec1", "Tess Tech");
    add("admin", "adm1", "Adam Admin");
    return out;
  }
  // Expects `body` to hold the values of exactly the fields `disclosed` of natural.test's contacts.
  static void expect_served(std::string_view body, const std::set<std::string>& disclosed) {
    for (const auto& [key, value] : natural_values()) {
      EXPECT_EQ(body.find(value) != std::string_view::npos, disclosed.contains(key))
          << key << (disclosed.contains(key) ? " is not served" : " is served, but was not disclosed");
    }
  }
  // Expects `text` to hold no value of natural.test's contacts.
  static void expect_no_values(std::string_view text) { expect_served(text, {}); }

  // The audit entries about request `id`, in order, each with its stored record.
  struct Logged {
    audit::Entry entry;
    store::AuditRecord record;
    [[nodiscard]] std::string detail(std::string_view key) const {
      for (const auto& [k, v] : entry.detail) {
        if (k == key) return v;
      }
      return "";
    }
  };
  std::vector<Logged> logged(const std::string& id) {
    // Read as `audit verify` reads them: with the salts of their commitments, which entries() leaves out.
    std::vector<store::AuditRecord> records;
    const auto scanned = store_->audit_log().scan(
        0, [](const store::AuditScanStart&) -> Result<void> { return {}; },
        [&](const store::AuditRow& row) -> Result<void> {
          records.push_back(row.record);
          return {};
        });
    EXPECT_TRUE(scanned.has_value());
    std::vector<Logged> out;
    for (store::AuditRecord& record : records) {
      auto entry = audit::decode(record.encoding);
      EXPECT_TRUE(entry.has_value());
      if (entry && entry->object.kind == "request" && entry->object.id == id)
        out.push_back({std::move(*entry), std::move(record)});
    }
    return out;
  }
  std::vector<std::string> actions(const std::string& id) {
    std::vector<std::string> out;
    for (const Logged& l : logged(id)) out.push_back(l.entry.action);
    return out;
  }
  // Expects the entry to commit to exactly `values` (key, value) and to hold none of natural.test's values.
  static void expect_commitment(const Logged& logged,
                                std::vector<std::pair<std::string, std::string>> values) {
    std::vector<std::string> keys;
    for (const auto& [key, value] : values) keys.push_back(key);
    std::ranges::sort(keys);
    keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
    EXPECT_EQ(logged.entry.fields, keys);
    ASSERT_TRUE(logged.entry.values_commitment.has_value());
    EXPECT_EQ(*logged.entry.values_commitment, audit::commit_values(values, logged.record.values_salt));
    expect_no_values(logged.record.encoding);
  }

  // The notifications waiting in the outbox.
  std::vector<store::Notification> outbox() {
    return store_->outbox().list("", store::Page{"", 1000}).value();
  }
};

}  // namespace ssad::http
