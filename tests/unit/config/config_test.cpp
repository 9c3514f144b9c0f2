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
