// The server with ServerOptions::tls: real listeners on port 0, a certificate made at test time, and a
// blocking Asio TLS client whose offers (protocol versions, cipher suites) each test chooses.

#include <array>
#include <atomic>
#include <chrono>
#include <fstream>
#include <future>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include "http/asio.hpp"
#include "http/server.hpp"
#include "support/temp_dir.hpp"

namespace ssad::http {
namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
using tcp = net::ip::tcp;
using ::testing::HasSubstr;

struct FreeKey {
  void operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }
};
struct FreeCertificate {
  void operator()(X509* certificate) const { X509_free(certificate); }
};
struct FreeBio {
  void operator()(BIO* bio) const { BIO_free(bio); }
};
using KeyPtr = std::unique_ptr<EVP_PKEY, FreeKey>;
using CertificatePtr = std::unique_ptr<X509, FreeCertificate>;
using BioPtr = std::unique_ptr<BIO, FreeBio>;

// A certificate and its key as PEM files.
struct Credentials {
  std::string certificate;
  std::string key;
};

void check(bool ok, const char* what) {
  if (!ok) throw std::runtime_error(std::string("test certificate: ") + what + " failed");
}

// A self-signed certificate for "localhost" with `key`, valid from a minute ago for a day.
CertificatePtr self_signed(EVP_PKEY* key) {
  CertificatePtr certificate(X509_new());
  check(certificate != nullptr, "X509_new");
  X509* x509 = certificate.get();
  check(X509_set_version(x509, 2) == 1, "X509_set_version");  // 2 means v3
  check(ASN1_INTEGER_set(X509_get_serialNumber(x509), 1) == 1, "ASN1_INTEGER_set");
  check(X509_gmtime_adj(X509_getm_notBefore(x509), -60) != nullptr, "X509_gmtime_adj");
  check(X509_gmtime_adj(X509_getm_notAfter(x509), 24L * 3600) != nullptr, "X509_gmtime_adj");
  check(X509_set_pubkey(x509, key) == 1, "X509_set_pubkey");
  X509_NAME* name = X509_get_subject_name(x509);
  const std::string common_name = "localhost";
  check(
      X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                                 reinterpret_cast<const unsigned char*>(common_name.c_str()), -1, -1, 0) == 1,
      "X509_NAME_add_entry_by_txt");
  check(X509_set_issuer_name(x509, name) == 1, "X509_set_issuer_name");
  check(X509_sign(x509, key, EVP_sha256()) > 0, "X509_sign");
  return certificate;
}

// Writes `key` as PEM to `path`, encrypted with `passphrase` unless it is empty.
void write_key(EVP_PKEY* key, const std::string& path, const std::string& passphrase = {}) {
  BioPtr out(BIO_new_file(path.c_str(), "w"));
  check(out != nullptr, "BIO_new_file");
  const bool written =
      passphrase.empty()
          ? PEM_write_bio_PrivateKey(out.get(), key, nullptr, nullptr, 0, nullptr, nullptr) == 1
          : PEM_write_bio_PrivateKey(out.get(), key, EVP_aes_128_cbc(),
                                     reinterpret_cast<const unsigned char*>(passphrase.data()),
                                     static_cast<int>(passphrase.size()), nullptr, nullptr) == 1;
  check(written, "PEM_write_bio_PrivateKey");
}

void write_certificate(X509* certificate, const std::string& path) {
  BioPtr out(BIO_new_file(path.c_str(), "w"));
  check(out != nullptr, "BIO_new_file");
  check(PEM_write_bio_X509(out.get(), certificate) == 1, "PEM_write_bio_X509");
}

Credentials write_credentials(const ssad::testing::TempDir& dir, EVP_PKEY* key, const std::string& name) {
  check(key != nullptr, "key generation");
  Credentials files{dir.file(name + ".crt"), dir.file(name + ".key")};
  write_certificate(self_signed(key).get(), files.certificate);
  write_key(key, files.key);
  return files;
}

// An ECDSA (P-256) and an RSA (2048 bits) certificate, made once per test run because an RSA key takes
// a noticeable time to generate; the files live until the process exits. Each stands for one family of
// TLS 1.2 suites: ECDHE-ECDSA-* needs the first, ECDHE-RSA-* the second.
struct TestCertificates {
  TestCertificates()
      : ecdsa_key(EVP_EC_gen("P-256")),
        rsa_key(EVP_RSA_gen(2048)),
        ecdsa(write_credentials(dir, ecdsa_key.get(), "ecdsa")),
        rsa(write_credentials(dir, rsa_key.get(), "rsa")) {}
  ssad::testing::TempDir dir;
  KeyPtr ecdsa_key;
  KeyPtr rsa_key;
  Credentials ecdsa;
  Credentials rsa;
};

const TestCertificates& certificates() {
  static const TestCertificates made;
  return made;
}

ServerOptions tls_options(const Credentials& credentials) {
  ServerOptions options;
  options.port = 0;
  options.threads = 2;  // so that the sanitizer builds see sessions on several threads
  options.header_limit = 1024;
  options.body_limit = 1024;
  options.tls =
      TlsOptions{.certificate_chain_file = credentials.certificate, .private_key_file = credentials.key};
  return options;
}

// An HTTPS server on a free port, serving on its own threads; nullptr (and a test failure) if it fails.
std::unique_ptr<Server> start(Handler handler, ServerOptions options, ServerHooks hooks = {}) {
  auto server = Server::create(std::move(options), std::move(handler), std::move(hooks));
  if (!server) {
    ADD_FAILURE() << server.error().message;
    return nullptr;
  }
  (*server)->start_background();
  return std::move(*server);
}

Response echo_path(const Request& request) {
  Response response;
  response.headers.emplace_back("Content-Type", "text/plain");
  response.body = request.path;
  return response;
}

// What a client offers: the range of protocol versions and, below TLS 1.3, the cipher suites.
struct ClientOffer {
  int min_version = TLS1_2_VERSION;
  int max_version = TLS1_3_VERSION;
  std::string tls12_ciphers;  // an OpenSSL cipher list; empty: OpenSSL's default
  bool legacy = false;        // security level 0, without which OpenSSL 3 itself refuses TLS 1.0 and 1.1
};

// A client context that trusts only `certificate`, so a handshake also proves the server presents it.
net::ssl::context client_context(const ClientOffer& offer, const std::string& certificate) {
  net::ssl::context context(net::ssl::context::tls_client);
  SSL_CTX* ctx = context.native_handle();
  if (offer.legacy) SSL_CTX_set_security_level(ctx, 0);
  EXPECT_EQ(SSL_CTX_set_min_proto_version(ctx, offer.min_version), 1);
  EXPECT_EQ(SSL_CTX_set_max_proto_version(ctx, offer.max_version), 1);
  if (!offer.tls12_ciphers.empty()) {
    EXPECT_EQ(SSL_CTX_set_cipher_list(ctx, offer.tls12_ciphers.c_str()), 1);
  }
  context.set_verify_mode(net::ssl::verify_peer);
  context.load_verify_file(certificate);
  return context;
}

// A blocking HTTPS client on one connection. Its reads wait for the server, which is the only
// synchronisation the tests use.
class TlsClient {
 public:
  TlsClient(std::uint16_t port, const std::string& trusted_certificate, const ClientOffer& offer = {})
      : context_(client_context(offer, trusted_certificate)), stream_(ioc_, context_) {
    stream_.next_layer().connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), port));
  }

  [[nodiscard]] beast::error_code handshake() {
    beast::error_code ec;
    stream_.handshake(net::ssl::stream_base::client, ec);
    return ec;
  }

  // The negotiated protocol version (TLS1_2_VERSION, TLS1_3_VERSION) and cipher suite.
  [[nodiscard]] int version() { return SSL_version(stream_.native_handle()); }
  [[nodiscard]] std::string cipher() {
    return SSL_CIPHER_get_name(SSL_get_current_cipher(stream_.native_handle()));
  }
  // Whether the server gave the session a ticket, or anything else to resume it with.
  [[nodiscard]] bool has_ticket() {
    return SSL_SESSION_has_ticket(SSL_get_session(stream_.native_handle())) == 1;
  }
  [[nodiscard]] bool resumable() {
    return SSL_SESSION_is_resumable(SSL_get_session(stream_.native_handle())) == 1;
  }

  void send(bhttp::verb method, const std::string& target, const Headers& headers = {},
            std::string body = {}) {
    bhttp::request<bhttp::string_body> request{method, target, 11};
    request.set(bhttp::field::host, "localhost");
    for (const auto& [name, value] : headers) request.insert(name, value);
    request.body() = std::move(body);
    request.prepare_payload();
    bhttp::write(stream_, request);
  }

  // The next response; `head` when it answers a HEAD request (a Content-Length but no body follows).
  bhttp::response<bhttp::string_body> read(bool head = false) {
    bhttp::response_parser<bhttp::string_body> parser;
    parser.skip(head);
    bhttp::read(stream_, buffer_, parser);
    return parser.release();
  }

  // The error that ends an attempt to read another response: end_of_stream when the server closed the
  // connection with a TLS close_notify, stream_truncated when it just dropped it.
  beast::error_code read_error() {
    bhttp::response_parser<bhttp::string_body> parser;
    beast::error_code ec;
    bhttp::read(stream_, buffer_, parser, ec);
    return ec;
  }

 private:
  net::io_context ioc_;
  net::ssl::context context_;
  net::ssl::stream<tcp::socket> stream_;
  beast::flat_buffer buffer_;
};

std::string field(const bhttp::response<bhttp::string_body>& response, const std::string& name) {
  const auto value = response[name];
  return {value.data(), value.size()};
}

TEST(TlsServerTest, GetOverTls13ReachesTheHandlerAndIsAccessLogged) {
  auto logged = std::make_shared<std::promise<std::string>>();
  ServerHooks hooks;
  hooks.access_log = [logged](std::string_view line) { logged->set_value(std::string(line)); };
  const auto& credentials = certificates().ecdsa;
  auto server = start(echo_path, tls_options(credentials), hooks);
  ASSERT_NE(server, nullptr);

  TlsClient client(server->port(), credentials.certificate, {.min_version = TLS1_3_VERSION});
  ASSERT_EQ(client.handshake(), beast::error_code{});
  client.send(bhttp::verb::get, "/rdap/help");
  const auto response = client.read();

  EXPECT_EQ(client.version(), TLS1_3_VERSION);
  EXPECT_EQ(response.result_int(), 200U);
  EXPECT_EQ(response.body(), "/rdap/help");
  EXPECT_THAT(logged->get_future().get(), HasSubstr(R"("target":"/rdap/help","status":200)"));
}

TEST(TlsServerTest, EachOfTheFourTls12SuitesOfTheGuideIsAccepted) {
  struct Case {
    const char* suite;
    const Credentials* credentials;
  };
  const std::vector<Case> cases{{"ECDHE-ECDSA-AES128-GCM-SHA256", &certificates().ecdsa},
                                {"ECDHE-ECDSA-AES256-GCM-SHA384", &certificates().ecdsa},
                                {"ECDHE-RSA-AES128-GCM-SHA256", &certificates().rsa},
                                {"ECDHE-RSA-AES256-GCM-SHA384", &certificates().rsa}};
  for (const auto& [suite, credentials] : cases) {
    SCOPED_TRACE(suite);
    auto server = start(echo_path, tls_options(*credentials));
    ASSERT_NE(server, nullptr);

    TlsClient client(server->port(), credentials->certificate,
                     {.max_version = TLS1_2_VERSION, .tls12_ciphers = suite});
    ASSERT_EQ(client.handshake(), beast::error_code{});
    client.send(bhttp::verb::get, "/tls12");
    const auto response = client.read();

    EXPECT_EQ(client.version(), TLS1_2_VERSION);
    EXPECT_EQ(client.cipher(), suite);
    EXPECT_EQ(response.result_int(), 200U);
    EXPECT_EQ(response.body(), "/tls12");
  }
}

// Session tickets would outlive the sessions they resume under keys that never change: none is issued.
TEST(TlsServerTest, NoSessionTicketIsIssuedUnderTls12Or13) {
  const auto& credentials = certificates().ecdsa;
  auto server = start(echo_path, tls_options(credentials));
  ASSERT_NE(server, nullptr);
  for (const int version : {TLS1_2_VERSION, TLS1_3_VERSION}) {
    SCOPED_TRACE(version);
    TlsClient client(server->port(), credentials.certificate,
                     {.min_version = version, .max_version = version});
    ASSERT_EQ(client.handshake(), beast::error_code{});
    client.send(bhttp::verb::get, "/ticket");
    EXPECT_EQ(client.read().result_int(), 200U);  // TLS 1.3 tickets arrive after the handshake
    EXPECT_FALSE(client.has_ticket());
    EXPECT_FALSE(client.resumable());
  }
}

TEST(TlsServerTest, Tls11ClientFailsTheHandshake) {
  const auto& credentials = certificates().rsa;
  auto server = start(echo_path, tls_options(credentials));
  ASSERT_NE(server, nullptr);

  TlsClient client(server->port(), credentials.certificate,
                   {.min_version = TLS1_VERSION, .max_version = TLS1_1_VERSION, .legacy = true});
  const auto ec = client.handshake();

  EXPECT_NE(ec, beast::error_code{});
  // Refused for its version, not for want of a common suite (the guide's suites need TLS 1.2 anyway).
  EXPECT_THAT(ec.message(), HasSubstr("protocol version"));
}

TEST(TlsServerTest, Tls12SuitesOutsideTheGuideFailTheHandshake) {
  // Each is in OpenSSL's default list and would be chosen with this RSA certificate: CBC modes, RSA key
  // exchange without forward secrecy, and an AEAD the guide does not list.
  const auto& credentials = certificates().rsa;
  auto server = start(echo_path, tls_options(credentials));
  ASSERT_NE(server, nullptr);

  for (const char* suite : {"AES128-SHA256", "ECDHE-RSA-AES128-SHA", "ECDHE-RSA-AES128-SHA256",
                            "AES128-GCM-SHA256", "ECDHE-RSA-CHACHA20-POLY1305"}) {
    SCOPED_TRACE(suite);
    TlsClient client(server->port(), credentials.certificate,
                     {.max_version = TLS1_2_VERSION, .tls12_ciphers = suite});
    EXPECT_NE(client.handshake(), beast::error_code{});
  }
}

TEST(TlsServerTest, PlainHttpOnTheTlsPortGetsNoAnswerFromTheHandler) {
  auto called = std::make_shared<std::atomic<bool>>(false);
  auto server = start(
      [called](const Request& request) {
        *called = true;
        return echo_path(request);
      },
      tls_options(certificates().ecdsa));
  ASSERT_NE(server, nullptr);

  net::io_context ioc;
  tcp::socket socket(ioc);
  socket.connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), server->port()));
  bhttp::request<bhttp::string_body> request{bhttp::verb::get, "/", 11};
  request.set(bhttp::field::host, "localhost");
  bhttp::write(socket, request);
  beast::flat_buffer buffer;
  bhttp::response<bhttp::string_body> response;
  beast::error_code ec;
  bhttp::read(socket, buffer, response, ec);

  EXPECT_TRUE(ec || response.result_int() != 200U) << "got a 200 over plain HTTP";
  EXPECT_FALSE(*called);
}

TEST(TlsServerTest, KeepAliveServesTwoRequestsOnOneConnection) {
  const auto& credentials = certificates().ecdsa;
  auto server = start(echo_path, tls_options(credentials));
  ASSERT_NE(server, nullptr);

  TlsClient client(server->port(), credentials.certificate);
  ASSERT_EQ(client.handshake(), beast::error_code{});
  client.send(bhttp::verb::get, "/one");
  const auto first = client.read();
  client.send(bhttp::verb::get, "/two");
  const auto second = client.read();

  EXPECT_EQ(first.body(), "/one");
  EXPECT_TRUE(first.keep_alive());
  EXPECT_EQ(second.body(), "/two");
}

TEST(TlsServerTest, ConnectionCloseEndsWithACloseNotify) {
  const auto& credentials = certificates().ecdsa;
  auto server = start(echo_path, tls_options(credentials));
  ASSERT_NE(server, nullptr);

  TlsClient client(server->port(), credentials.certificate);
  ASSERT_EQ(client.handshake(), beast::error_code{});
  client.send(bhttp::verb::get, "/bye", {{"Connection", "close"}});
  const auto response = client.read();

  EXPECT_EQ(response.body(), "/bye");
  EXPECT_FALSE(response.keep_alive());
  EXPECT_EQ(client.read_error(), bhttp::error::end_of_stream);
}

TEST(TlsServerTest, HeadAnswersWithTheLengthButNoBody) {
  const auto& credentials = certificates().ecdsa;
  auto server = start(echo_path, tls_options(credentials));
  ASSERT_NE(server, nullptr);

  TlsClient client(server->port(), credentials.certificate);
  ASSERT_EQ(client.handshake(), beast::error_code{});
  client.send(bhttp::verb::head, "/head");
  const auto response = client.read(/*head=*/true);
  // A second request on the connection proves no body bytes followed the header.
  client.send(bhttp::verb::get, "/again");
  const auto next = client.read();

  EXPECT_EQ(response.result_int(), 200U);
  EXPECT_EQ(field(response, "Content-Length"), "5");
  EXPECT_TRUE(response.body().empty());
  EXPECT_EQ(next.body(), "/again");
}

TEST(TlsServerTest, OversizedHeaderGets431) {
  const auto& credentials = certificates().ecdsa;
  auto server = start(echo_path, tls_options(credentials));
  ASSERT_NE(server, nullptr);

  TlsClient client(server->port(), credentials.certificate);
  ASSERT_EQ(client.handshake(), beast::error_code{});
  client.send(bhttp::verb::get, "/", {{"X-Padding", std::string(4000, 'a')}});
  const auto response = client.read();

  EXPECT_EQ(response.result_int(), 431U);
  EXPECT_FALSE(response.keep_alive());
  EXPECT_EQ(client.read_error(), bhttp::error::end_of_stream);
}

TEST(TlsServerTest, OversizedBodyGets413) {
  const auto& credentials = certificates().ecdsa;
  auto server = start(echo_path, tls_options(credentials));
  ASSERT_NE(server, nullptr);

  TlsClient client(server->port(), credentials.certificate);
  ASSERT_EQ(client.handshake(), beast::error_code{});
  client.send(bhttp::verb::post, "/v1/requests", {}, std::string(64 * 1024, 'b'));
  const auto response = client.read();

  EXPECT_EQ(response.result_int(), 413U);
  EXPECT_FALSE(response.keep_alive());
  EXPECT_EQ(client.read_error(), bhttp::error::end_of_stream);
}

TEST(TlsServerTest, StopClosesIdleAndHandshakingConnections) {
  const auto& credentials = certificates().ecdsa;
  ServerOptions options = tls_options(credentials);
  // Longer than the test may run: stop() must close these connections, not wait for them to time out.
  options.read_timeout = std::chrono::seconds(3600);
  options.idle_timeout = std::chrono::seconds(3600);
  auto server = start(echo_path, options);
  ASSERT_NE(server, nullptr);
  // Connected first, so accepted first: by the time the other client has its answer, the server is
  // waiting for this one's handshake.
  net::io_context ioc;
  tcp::socket silent(ioc);
  silent.connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), server->port()));
  TlsClient idle(server->port(), credentials.certificate);
  ASSERT_EQ(idle.handshake(), beast::error_code{});
  idle.send(bhttp::verb::get, "/");
  ASSERT_EQ(idle.read().result_int(), 200U);

  server->stop();

  EXPECT_NE(idle.read_error(), beast::error_code{});
  std::array<char, 16> byte{};
  beast::error_code ec;
  silent.read_some(net::buffer(byte), ec);
  EXPECT_NE(ec, beast::error_code{});
}

void copy_file(const std::string& from, const std::string& to) {
  std::ifstream in(from, std::ios::binary);
  std::ofstream out(to, std::ios::binary | std::ios::trunc);
  out << in.rdbuf();
}

// Issue 9 item 11: a renewed certificate is taken up without a restart (SIGHUP calls reload_tls()); the
// connections already open keep theirs, and a bad new file leaves the old certificate in place.
TEST(TlsServerTest, ReloadPresentsTheNewCertificateToNewConnectionsAndABadOneKeepsTheOld) {
  const ssad::testing::TempDir dir;
  const Credentials live{dir.file("live.crt"), dir.file("live.key")};
  copy_file(certificates().ecdsa.certificate, live.certificate);
  copy_file(certificates().ecdsa.key, live.key);
  auto server = start(echo_path, tls_options(live));
  ASSERT_NE(server, nullptr);
  // Each client trusts one certificate only: its handshake succeeds only if the server presents that one.
  TlsClient before(server->port(), certificates().ecdsa.certificate);
  ASSERT_EQ(before.handshake(), beast::error_code{});

  copy_file(certificates().rsa.certificate, live.certificate);
  copy_file(certificates().rsa.key, live.key);
  ASSERT_TRUE(server->reload_tls().has_value());
  TlsClient renewed(server->port(), certificates().rsa.certificate);
  EXPECT_EQ(renewed.handshake(), beast::error_code{});
  TlsClient stale(server->port(), certificates().ecdsa.certificate);
  EXPECT_NE(stale.handshake(), beast::error_code{});
  before.send(bhttp::verb::get, "/still-open");  // the connection opened before keeps working
  EXPECT_EQ(before.read().body(), "/still-open");

  std::ofstream(live.certificate, std::ios::trunc) << "not a certificate\n";
  const auto refused = server->reload_tls();
  ASSERT_FALSE(refused.has_value());
  EXPECT_THAT(refused.error().message, HasSubstr(live.certificate));
  copy_file(certificates().ecdsa.certificate, live.certificate);  // a certificate without its key
  EXPECT_FALSE(server->reload_tls().has_value());
  TlsClient after(server->port(), certificates().rsa.certificate);
  EXPECT_EQ(after.handshake(), beast::error_code{});
  after.send(bhttp::verb::get, "/after");
  EXPECT_EQ(after.read().body(), "/after");
}

TEST(ServerTest, ReloadOnAPlainListenerIsRefused) {
  ServerOptions options;
  options.port = 0;
  auto server = Server::create(options, echo_path);
  ASSERT_TRUE(server.has_value());
  EXPECT_EQ((*server)->reload_tls().error().code, ErrorCode::invalid_input);
}

class TlsConfigTest : public ::testing::Test {
 protected:
  // create() with these files; the server is not started.
  static Result<std::unique_ptr<Server>> create(const std::string& certificate, const std::string& key) {
    return Server::create(tls_options({certificate, key}), echo_path);
  }

  ssad::testing::TempDir dir_;
};

TEST_F(TlsConfigTest, MissingKeyFileIsUnavailableAndNamed) {
  const std::string missing = dir_.file("missing.key");
  const auto created = create(certificates().ecdsa.certificate, missing);

  ASSERT_FALSE(created.has_value());
  EXPECT_EQ(created.error().code, ErrorCode::unavailable);
  EXPECT_THAT(created.error().message, HasSubstr("'" + missing + "'"));
  EXPECT_THAT(created.error().message, HasSubstr("No such file"));
}

TEST_F(TlsConfigTest, MissingCertificateFileIsUnavailableAndNamed) {
  const std::string missing = dir_.file("missing.crt");
  const auto created = create(missing, certificates().ecdsa.key);

  ASSERT_FALSE(created.has_value());
  EXPECT_EQ(created.error().code, ErrorCode::unavailable);
  EXPECT_THAT(created.error().message, HasSubstr("certificate chain '" + missing + "'"));
}

TEST_F(TlsConfigTest, FileWithoutPemIsInvalidInput) {
  const std::string garbage = dir_.file("garbage.crt");
  std::ofstream(garbage) << "not a certificate\n";
  const auto created = create(garbage, certificates().ecdsa.key);

  ASSERT_FALSE(created.has_value());
  EXPECT_EQ(created.error().code, ErrorCode::invalid_input);
  EXPECT_THAT(created.error().message, HasSubstr(garbage));
}

TEST_F(TlsConfigTest, KeyOfAnotherTypeIsInvalidInput) {
  const auto created = create(certificates().ecdsa.certificate, certificates().rsa.key);

  ASSERT_FALSE(created.has_value());
  EXPECT_EQ(created.error().code, ErrorCode::invalid_input);
  EXPECT_THAT(created.error().message, HasSubstr("'" + certificates().rsa.key + "' does not belong"));
}

TEST_F(TlsConfigTest, OtherKeyOfTheSameTypeIsInvalidInput) {
  const KeyPtr other(EVP_EC_gen("P-256"));
  ASSERT_NE(other, nullptr);
  const std::string other_key = dir_.file("other.key");
  write_key(other.get(), other_key);
  const auto created = create(certificates().ecdsa.certificate, other_key);

  ASSERT_FALSE(created.has_value());
  EXPECT_EQ(created.error().code, ErrorCode::invalid_input);
  EXPECT_THAT(created.error().message, HasSubstr("'" + other_key + "'"));
}

TEST_F(TlsConfigTest, EncryptedKeyIsRefusedWithoutAskingForAPassphrase) {
  const std::string encrypted = dir_.file("encrypted.key");
  write_key(certificates().ecdsa_key.get(), encrypted, "secret");
  const auto created = create(certificates().ecdsa.certificate, encrypted);

  ASSERT_FALSE(created.has_value());
  EXPECT_EQ(created.error().code, ErrorCode::invalid_input);
  EXPECT_THAT(created.error().message, HasSubstr(encrypted));
}

}  // namespace
}  // namespace ssad::http
