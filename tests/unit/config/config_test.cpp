#include "config/config.hpp"

#include <gtest/gtest.h>

namespace ssad::config {
namespace {

TEST(ConfigTest, AnEmptyFileGivesTheDocumentedDefaults) {
  auto c = parse_config("");
  ASSERT_TRUE(c.has_value()) << c.error().message;
  EXPECT_EQ(c->store.path, "ssad.db");
  EXPECT_EQ(c->server.http, "127.0.0.1:8080");
  EXPECT_EQ(c->server.threads, 2U);
  EXPECT_TRUE(c->log.access_log);
}

TEST(ConfigTest, ReadsEveryKey) {
  auto c = parse_config(R"(
[store]
path = "/var/lib/ssad/ssad.db"
[server]
http = "[::1]:9090"
threads = 4
read_timeout_seconds = 5
idle_timeout_seconds = 60
header_limit_bytes = 16384
body_limit_bytes = 1024
[log]
level = "debug"
access_log = false
)");
  ASSERT_TRUE(c.has_value()) << c.error().message;
  EXPECT_EQ(c->store.path, "/var/lib/ssad/ssad.db");
  EXPECT_EQ(c->server.threads, 4U);
  EXPECT_EQ(c->server.header_limit_bytes, 16384U);
  EXPECT_EQ(c->log.level, "debug");
  EXPECT_FALSE(c->log.access_log);
}

TEST(ConfigTest, ReadsTheRdapWhoisAndTlsKeys) {
  auto c = parse_config(R"(
[server]
http = ""
https = "0.0.0.0:443"
tls_certificate = "/etc/ssad/cert.pem"
tls_private_key = "/etc/ssad/key.pem"
[rdap]
mode = "registrar"
base_url = "https://rdap.registrar.example/rdap/"
terms_of_service_url = "https://registrar.example/terms"
port43 = "whois.registrar.example"
cursor_secret = "s3cret-s3cret-s3cret-s3cret-s3cret"
page_size = 20
cache_megabytes = 0
rate_limit_per_second = 5
rate_limit_burst = 10
[whois]
listen = "0.0.0.0:43"
query_limit_bytes = 128
timeout_seconds = 3
)");
  ASSERT_TRUE(c.has_value()) << c.error().message;
  EXPECT_EQ(c->server.http, "");
  EXPECT_EQ(c->server.tls_private_key, "/etc/ssad/key.pem");
  EXPECT_EQ(c->rdap.mode, "registrar");
  EXPECT_EQ(c->rdap.cursor_secret, "s3cret-s3cret-s3cret-s3cret-s3cret");
  EXPECT_EQ(c->rdap.page_size, 20U);
  EXPECT_EQ(c->rdap.cache_megabytes, 0U);
  EXPECT_EQ(c->whois.listen, "0.0.0.0:43");
  EXPECT_EQ(c->whois.query_limit_bytes, 128U);
}

TEST(ConfigTest, RefusesInconsistentRdapWhoisAndTlsSettings) {
  const std::pair<const char*, const char*> cases[] = {
      {"[rdap]\nmode = \"registrant\"\n", "rdap.mode"},
      {"[rdap]\nbase_url = \"ftp://x/\"\n", "rdap.base_url"},
      {"[rdap]\npage_size = 0\n", "rdap.page_size"},
      {"[rdap]\ncursor_secret = \"0123456789abcdef0123456789abcde\"\n",
       "rdap.cursor_secret: must be at least 32"},
      {"[server]\nhttps = \"0.0.0.0:443\"\n", "server.https: needs server.tls_certificate"},
      {"[whois]\nlisten = \"nowhere\"\n", "whois.listen"},
      {"[whois]\nquery_limit_bytes = 1\n", "whois.query_limit_bytes"},
  };
  for (const auto& [text, key] : cases) {
    auto c = parse_config(text);
    ASSERT_FALSE(c.has_value()) << text;
    EXPECT_NE(c.error().message.find(key), std::string::npos) << c.error().message;
  }
}

TEST(ConfigTest, NamesTheKeyThatIsWrong) {
  EXPECT_EQ(parse_config("[store]\npaht = 'x'\n").error().message, "ssad.toml: store.paht: unknown key");
  EXPECT_EQ(parse_config("[sever]\n").error().message, "ssad.toml: sever: unknown key");
  EXPECT_EQ(parse_config("[server]\nthreads = 0\n").error().message,
            "ssad.toml: server.threads: must be a whole number from 1 to 256");
  EXPECT_EQ(parse_config("[server]\nthreads = 'many'\n").error().message,
            "ssad.toml: server.threads: must be a whole number from 1 to 256");
  EXPECT_EQ(parse_config("[log]\nlevel = 'loud'\n").error().message,
            "ssad.toml: log.level: must be trace, debug, info, warn or error");
  EXPECT_EQ(parse_config("[server]\nhttp = 'localhost'\n").error().message,
            "ssad.toml: server.http: expected HOST:PORT, not 'localhost'");
}

TEST(ConfigTest, AFloatIsNotAWholeNumberHoweverLarge) {
  EXPECT_EQ(parse_config("[whois]\nquery_limit_bytes = 300.0\n").error().message,
            "ssad.toml: whois.query_limit_bytes: must be a whole number from 16 to 4096");
  EXPECT_EQ(parse_config("[whois]\nquery_limit_bytes = 1.5e81\n").error().message,
            "ssad.toml: whois.query_limit_bytes: must be a whole number from 16 to 4096");
}

TEST(ConfigTest, ReportsTomlSyntaxErrorsWithTheLine) {
  auto c = parse_config("[store]\npath = \n");
  ASSERT_FALSE(c.has_value());
  EXPECT_EQ(c.error().code, ErrorCode::invalid_input);
  EXPECT_TRUE(c.error().message.starts_with("ssad.toml line 2: ")) << c.error().message;
}

TEST(ConfigTest, AMissingFileIsUnavailable) {
  EXPECT_EQ(load_config("/nonexistent/ssad.toml").error().code, ErrorCode::unavailable);
}

TEST(HostPortTest, SplitsIpv4Ipv6AndNames) {
  EXPECT_EQ(parse_host_port("127.0.0.1:8080").value().port, 8080);
  EXPECT_EQ(parse_host_port("[::1]:43").value().host, "::1");
  EXPECT_EQ(parse_host_port("rdap.example:0").value().port, 0);
  EXPECT_FALSE(parse_host_port("host:99999").has_value());
  EXPECT_FALSE(parse_host_port("[::1]8080").has_value());
  EXPECT_FALSE(parse_host_port(":80").has_value());
}

}  // namespace
}  // namespace ssad::config

namespace ssad::config {
namespace {

TEST(ConfigTest, AListenerOffLoopbackNeedsTheBaseUrl) {
  Config config;
  for (const char* local : {"127.0.0.1:8080", "127.1.2.3:80", "localhost:8080", "[::1]:8080"}) {
    EXPECT_TRUE(check_http_listener(config, local).has_value()) << local;
  }
  for (const char* open : {"0.0.0.0:8080", "[::]:80", "192.0.2.1:80", "rdap.example:443", "127.example:80"}) {
    const auto refused = check_http_listener(config, open);
    ASSERT_FALSE(refused.has_value()) << open;
    EXPECT_EQ(refused.error().code, ErrorCode::invalid_input);
    EXPECT_NE(refused.error().message.find("rdap.base_url must be set"), std::string::npos);
  }
  config.rdap.base_url = "https://rdap.example/rdap/";
  EXPECT_TRUE(check_http_listener(config, "0.0.0.0:8080").has_value());
}

TEST(ConfigTest, TheExampleFileParsesAndHoldsTheDefaults) {
  auto c = load_config(std::string(SSAD_TEST_DATA_DIR) + "/../../ssad.example.toml");
  ASSERT_TRUE(c.has_value()) << c.error().message;
  auto defaults = parse_config("");
  EXPECT_EQ(c->rdap.page_size, defaults->rdap.page_size);
  EXPECT_EQ(c->rdap.rate_limit_per_second, defaults->rdap.rate_limit_per_second);
  EXPECT_EQ(c->whois.query_limit_bytes, defaults->whois.query_limit_bytes);
  EXPECT_EQ(c->server.https, defaults->server.https);
}

}  // namespace
}  // namespace ssad::config
