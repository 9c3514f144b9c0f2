// The audit log over HTTP (http/audit_endpoint.hpp): what a generic transparency-log verifier reads,
// checked against the RFC 9162 definitions and against /v1/openapi.json.

#include "http/audit_endpoint.hpp"

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include "audit/checkpoints.hpp"
#include "audit/log.hpp"
#include "audit/proofs.hpp"
#include "core/embedded.hpp"
#include "store/sqlite/sqlite_store.hpp"
#include "support/fake_clock.hpp"
#include "support/openapi.hpp"
#include "support/temp_dir.hpp"

namespace ssad::embedded {
std::span<const EmbeddedFile> openapi_document();
}

namespace ssad::http {
namespace {

Request get(std::string target) {
  Request r;
  r.method = "GET";
  r.target = target;
  const auto q = target.find('?');
  r.path = target.substr(0, q);
  if (q != std::string::npos) r.query = target.substr(q + 1);
  r.remote_address = "192.0.2.1";
  return r;
}

tlog::SigningKey key() {
  std::array<std::uint8_t, 32> seed{};
  seed[0] = 42;
  return tlog::signing_key_from_seed("audit.test/log", seed).value();
}

std::vector<tlog::Hash> hashes_of(const rapidjson::Value& list) {
  std::vector<tlog::Hash> out;
  for (const auto& item : list.GetArray()) out.push_back(tlog::hash_from_base64(item.GetString()).value());
  return out;
}

class AuditEndpointTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = store::sqlite::open_sqlite_store(dir_.file("store.db")).value();
    clock_.set_wall(parse_rfc3339("2026-03-01T00:00:00Z").value());
    routes();
    openapi_.emplace(embedded::openapi_document().front().text);
    ASSERT_TRUE(openapi_->parsed());
  }

  void append(int count) {
    audit::Appender appender(*store_);
    for (int i = 0; i < count; ++i) {
      audit::Entry e;
      e.time = clock_.now();
      e.actor = {"system", "test"};
      e.action = "test.append";
      e.object = {"store", ""};
      e.detail = {{"n", std::to_string(i)}};
      ASSERT_TRUE(appender.append(e).has_value());
    }
  }

  void routes(bool with_key = true) {
    endpoint_.emplace(store_->audit_log(), with_key ? std::optional(tlog::verifier_of(key())) : std::nullopt);
  }

  // GET through the endpoint; every answer is checked against the OpenAPI document.
  Response fetch(const std::string& target) {
    const Request request = get(target);
    Response response = endpoint_->handle(request);
    if (openapi_) {
      EXPECT_EQ(openapi_->check("GET", request.path, response), "") << target;
    }
    return response;
  }

  static rapidjson::Document json(const Response& response) {
    rapidjson::Document doc;
    doc.Parse(response.body.c_str());
    EXPECT_FALSE(doc.HasParseError()) << response.body;
    return doc;
  }

  ssad::testing::TempDir dir_;
  std::unique_ptr<store::Store> store_;
  ssad::testing::FakeClock clock_;
  std::optional<AuditEndpoint> endpoint_;
  std::optional<ssad::testing::OpenApi> openapi_;
};

TEST_F(AuditEndpointTest, TheCheckpointIsTheSignedNoteAsStoredAndTheKeyVerifiesIt) {
  EXPECT_EQ(fetch("/v1/audit/checkpoint").status, 404U);  // nothing signed yet
  append(5);
  audit::Checkpointer signer(*store_, key(), clock_, std::chrono::seconds(60));
  const auto made = signer.sign_now().value();
  const Response note = fetch("/v1/audit/checkpoint");
  EXPECT_EQ(note.status, 200U);
  EXPECT_EQ(note.header("Content-Type"), "text/plain; charset=utf-8");
  EXPECT_EQ(note.body, made.note);
  const Response vkey = fetch("/v1/audit/key");
  EXPECT_EQ(vkey.status, 200U);
  ASSERT_TRUE(vkey.body.ends_with("\n"));
  const auto verifier = tlog::parse_verifier_key(vkey.body.substr(0, vkey.body.size() - 1)).value();
  const auto checkpoint = tlog::parse_checkpoint(tlog::open_note(note.body, verifier).value()).value();
  EXPECT_EQ(checkpoint.size, 5U);
  EXPECT_EQ(checkpoint.root, store_->audit_log().head().value().root);
}

TEST_F(AuditEndpointTest, WithoutAKeyTheKeyIsNotFoundAndNoCheckpointIsUnavailable) {
  routes(false);
  append(1);
  EXPECT_EQ(fetch("/v1/audit/key").status, 404U);
  const Response none = fetch("/v1/audit/checkpoint");
  EXPECT_EQ(none.status, 503U);
  EXPECT_EQ(none.header("Content-Type"), "application/problem+json");
}

TEST_F(AuditEndpointTest, LeavesAndProofsRecomputeTheRootsAsRfc9162Defines) {
  append(13);
  const auto leaves_doc = json(fetch("/v1/audit/leaves?start=0&end=12"));
  const auto leaves = hashes_of(leaves_doc["leaf_hashes"]);
  ASSERT_EQ(leaves.size(), 13U);
  EXPECT_EQ(tlog::root_of(leaves), store_->audit_log().head().value().root);
  for (std::uint64_t size = 1; size <= 13; ++size) {
    const tlog::Hash root = tlog::root_of(std::span(leaves).first(size));
    for (std::uint64_t index = 0; index < size; ++index) {
      const auto proof = json(fetch("/v1/audit/proof/inclusion?index=" + std::to_string(index) +
                                    "&tree_size=" + std::to_string(size)));
      EXPECT_EQ(proof["leaf_index"].GetUint64(), index);
      EXPECT_TRUE(tlog::verify_inclusion(leaves[index], index, size, hashes_of(proof["audit_path"]), root));
    }
    const auto consistency =
        json(fetch("/v1/audit/proof/consistency?first=" + std::to_string(size) + "&second=13"));
    EXPECT_TRUE(tlog::verify_consistency(size, 13, root, tlog::root_of(leaves),
                                         hashes_of(consistency["consistency"])));
  }
}

TEST_F(AuditEndpointTest, ALeafRangeStopsAtTheLogsEndAndIsCacheableOnlyWhenComplete) {
  append(5);
  const Response part = fetch("/v1/audit/leaves?start=3&end=9");
  EXPECT_EQ(json(part)["end"].GetUint64(), 4U);
  EXPECT_EQ(part.header("Cache-Control"), "no-cache");
  const Response whole = fetch("/v1/audit/leaves?start=1&end=2");
  EXPECT_EQ(whole.header("Cache-Control"), "public, max-age=86400, immutable");
  EXPECT_EQ(fetch("/v1/audit/proof/inclusion?index=1&tree_size=5").header("Cache-Control"),
            "public, max-age=86400, immutable");
}

TEST_F(AuditEndpointTest, BadParametersAreProblemsThatSayWhich) {
  append(3);
  for (const char* target :
       {"/v1/audit/leaves?start=0", "/v1/audit/leaves?start=-1&end=2", "/v1/audit/leaves?start=01&end=2",
        "/v1/audit/leaves?start=+1&end=2", "/v1/audit/leaves?start=2&end=1",
        "/v1/audit/leaves?start=1x&end=2", "/v1/audit/leaves?start=99999999999999999999&end=2",
        "/v1/audit/leaves?start=18446744073709551615&end=18446744073709551615",
        "/v1/audit/leaves?start=9223372036854775808&end=9223372036854775808",
        "/v1/audit/proof/inclusion?index=18446744073709551615&tree_size=3",
        "/v1/audit/proof/inclusion?index=3&tree_size=3", "/v1/audit/proof/inclusion?index=0&tree_size=4",
        "/v1/audit/proof/consistency?first=0&second=3", "/v1/audit/proof/consistency?first=2&second=4",
        "/v1/audit/leaves?start=%ZZ&end=1"}) {
    const Response response = fetch(target);
    EXPECT_EQ(response.status, 400U) << target;
    EXPECT_EQ(response.header("Content-Type"), "application/problem+json") << target;
  }
  EXPECT_EQ(fetch("/v1/audit/leaves?start=3&end=5").status, 404U);
  EXPECT_EQ(fetch("/v1/audit/leaves?start=9223372036854775807&end=9223372036854775807").status, 404U);
  EXPECT_EQ(audit::leaf_hashes(store_->audit_log(), UINT64_MAX - 1, UINT64_MAX).error().code,
            ErrorCode::not_found);
  EXPECT_EQ(endpoint_->handle(get("/v1/audit/nothing")).status, 404U);
}

TEST_F(AuditEndpointTest, TheOpenApiCheckCatchesWhatTheDocumentDoesNotSay) {
  append(3);
  Response response = endpoint_->handle(get("/v1/audit/leaves?start=0&end=1"));
  EXPECT_EQ(openapi_->check("GET", "/v1/audit/leaves", response), "");
  response.body = R"({"start":0,"end":1,"leaf_hashes":["not a hash"]})";
  EXPECT_NE(openapi_->check("GET", "/v1/audit/leaves", response), "");
  response.body = R"({"start":0,"end":1,"leaf_hashes":[],"extra":1})";
  EXPECT_NE(openapi_->check("GET", "/v1/audit/leaves", response), "");
  response.status = 418;
  EXPECT_NE(openapi_->check("GET", "/v1/audit/leaves", response), "");
  EXPECT_NE(openapi_->check("POST", "/v1/audit/leaves", response), "");
}

TEST_F(AuditEndpointTest, EntriesAreConfidentialUntilAccountsExist) {
  append(2);
  for (const char* target : {"/v1/audit/entries?start=0&end=1", "/v1/audit/export?format=jsonl"}) {
    const Response response = fetch(target);
    EXPECT_EQ(response.status, 401U) << target;
    EXPECT_EQ(response.header("WWW-Authenticate"), "Bearer");
    EXPECT_EQ(response.body.find("test.append"), std::string::npos);
  }
}

TEST_F(AuditEndpointTest, OnlyGetIsAllowed) {
  Request post = get("/v1/audit/checkpoint");
  post.method = "POST";
  const Response response = endpoint_->handle(post);
  EXPECT_EQ(response.status, 405U);
  EXPECT_EQ(response.header("Allow"), "GET, HEAD");
}

}  // namespace
}  // namespace ssad::http
