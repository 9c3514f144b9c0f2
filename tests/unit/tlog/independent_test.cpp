// Our notes, keys, checkpoints, roots and proofs against an implementation that shares no code with
// ours: Go's golang.org/x/mod/sumdb/note and sumdb/tlog, run as tests/support/tlogcheck (built by CMake
// into SSAD_TLOGCHECK). Each side must read what the other writes, and write the same bytes.

#include <cstdint>
#include <fstream>
#include <iterator>
#include <span>
#include <sstream>
#include <string>
#include <vector>

#include <fcntl.h>
#include <gtest/gtest.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include "support/temp_dir.hpp"
#include "tlog/merkle.hpp"
#include "tlog/note.hpp"

extern char** environ;  // NOLINT(readability-identifier-naming): POSIX names it

namespace ssad::tlog {
namespace {

struct Outcome {
  int status = -1;  // the exit status; -1 when it did not exit normally
  std::string out;
  std::string err;
};

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// Runs tlogcheck with `args` (no shell: each is one argv entry) and `input` on stdin. Files, not pipes,
// hold stdin and the output, so that neither side can block on a full pipe.
Outcome tlogcheck(const std::vector<std::string>& args, std::string_view input) {
  const testing::TempDir dir;
  const std::string in = dir.file("in");
  const std::string out = dir.file("out");
  const std::string err = dir.file("err");
  std::ofstream(in, std::ios::binary) << input;
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, in.c_str(), O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  std::vector<std::string> argv_strings{SSAD_TLOGCHECK};
  argv_strings.insert(argv_strings.end(), args.begin(), args.end());
  std::vector<char*> argv;
  argv.reserve(argv_strings.size() + 1);
  for (std::string& arg : argv_strings) argv.push_back(arg.data());
  argv.push_back(nullptr);
  pid_t pid = 0;
  Outcome run;
  const int spawned = posix_spawn(&pid, SSAD_TLOGCHECK, &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (spawned != 0) {
    run.err = "posix_spawn " + std::string(SSAD_TLOGCHECK) + " failed: " + std::to_string(spawned);
    return run;
  }
  int wait_status = 0;
  while (waitpid(pid, &wait_status, 0) < 0) {
  }
  if (WIFEXITED(wait_status)) run.status = WEXITSTATUS(wait_status);
  run.out = read_file(out);
  run.err = read_file(err);
  return run;
}

// Go's note.GenerateKey for `name`: the signer key and the verifier key.
std::pair<std::string, std::string> go_genkey(const std::string& name) {
  const Outcome run = tlogcheck({"genkey", name}, "");
  EXPECT_EQ(run.status, 0) << run.err;
  std::istringstream lines(run.out);
  std::string signer;
  std::string verifier;
  std::getline(lines, signer);
  std::getline(lines, verifier);
  return {signer, verifier};
}

// Go's note.Sign of `text` with the signer key `skey`.
Outcome go_sign(const std::string& skey, std::string_view text) {
  const testing::TempDir dir;
  const std::string file = dir.file("skey");
  std::ofstream(file, std::ios::binary) << skey;
  return tlogcheck({"sign", file}, text);
}

SigningKey our_key(std::string_view name) {
  auto key = generate_signing_key(name);
  EXPECT_TRUE(key.has_value());
  return key ? *key : SigningKey{};
}

const std::vector<std::string>& texts() {
  static const std::vector<std::string> texts = {
      "example.com/log42\n5\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\n",
      "one line\n",
      "\n",
      "blank\n\nlines\n\n",
      "\xE6\x97\xA5\xE6\x9C\xAC\xE8\xAA\x9E \xE2\x80\x94 and DEL \x7F\n",
      "looks like a signature\n\n\xE2\x80\x94 example.com/x AAAAAAA=\n",
  };
  return texts;
}

TEST(IndependentNoteTest, GoOpensWhatWeSign) {
  const SigningKey key = our_key("audit.example/log");
  const std::string vkey = format_verifier_key(verifier_of(key));
  for (const std::string& text : texts()) {
    const auto note = sign_note(text, key);
    ASSERT_TRUE(note.has_value()) << note.error().message;
    const Outcome run = tlogcheck({"open", vkey}, *note);
    EXPECT_EQ(run.status, 0) << run.err;
    EXPECT_EQ(run.out, text);
  }
}

TEST(IndependentNoteTest, WeOpenWhatGoSigns) {
  const auto [skey, vkey] = go_genkey("witness.example/w1");
  const auto verifier = parse_verifier_key(vkey);
  ASSERT_TRUE(verifier.has_value()) << verifier.error().message;
  for (const std::string& text : texts()) {
    const Outcome run = go_sign(skey, text);
    ASSERT_EQ(run.status, 0) << run.err;
    const auto opened = open_note(run.out, *verifier);
    ASSERT_TRUE(opened.has_value()) << opened.error().message;
    EXPECT_EQ(*opened, text);
  }
}

TEST(IndependentNoteTest, GoKeysAreOursByteForByteAndSignTheSameBytes) {
  const auto [skey, vkey] = go_genkey("witness.example/w1");
  const auto key = parse_signing_key(skey);
  ASSERT_TRUE(key.has_value()) << key.error().message;
  EXPECT_EQ(format_signing_key(*key), skey);
  EXPECT_EQ(format_verifier_key(verifier_of(*key)), vkey);
  EXPECT_TRUE(parse_signing_key(skey + "\n").has_value());
  for (const std::string& text : texts()) {
    const Outcome run = go_sign(skey, text);
    ASSERT_EQ(run.status, 0) << run.err;
    EXPECT_EQ(sign_note(text, *key), run.out);  // Ed25519 is deterministic
  }
}

TEST(IndependentNoteTest, OurKeysAreReadByGoAndSignTheSameBytes) {
  for (const char* name : {"audit.example/log", "\xE6\x97\xA5\xE6\x9C\xAC", "a=b/c"}) {
    const SigningKey key = our_key(name);
    for (const std::string& text : texts()) {
      const Outcome run = go_sign(format_signing_key(key), text);
      ASSERT_EQ(run.status, 0) << run.err;
      EXPECT_EQ(sign_note(text, key), run.out) << name;
    }
  }
}

TEST(IndependentNoteTest, GoRefusesWhatWeRefuse) {
  const SigningKey key = our_key("audit.example/log");
  const std::string vkey = format_verifier_key(verifier_of(key));
  const auto note = sign_note("tree 5\n", key);
  ASSERT_TRUE(note.has_value());
  std::string forged = *note;
  forged[forged.size() - 10] = forged[forged.size() - 10] == 'A' ? 'B' : 'A';
  std::string edited = *note;
  edited[0] = 'T';
  const std::string crlf = "tree 5\r\n\r\n" + note->substr(note->rfind("\n\n") + 2);
  const std::string no_blank_line = "tree 5\n" + note->substr(note->rfind("\n\n") + 2);
  VerifierKey renamed = verifier_of(key);
  renamed.name = "audit.example/other";
  renamed.key_id = key_id(renamed.name, renamed.public_key);
  for (const std::string& bad : {forged, edited, crlf, no_blank_line}) {
    EXPECT_FALSE(open_note(bad, verifier_of(key)).has_value()) << bad;
    EXPECT_NE(tlogcheck({"open", vkey}, bad).status, 0) << bad;
  }
  EXPECT_FALSE(open_note(*note, renamed).has_value());
  EXPECT_NE(tlogcheck({"open", format_verifier_key(renamed)}, *note).status, 0);
}

TEST(IndependentCheckpointTest, GoReadsOurSignedCheckpoints) {
  const SigningKey key = our_key("example.com/log42");
  for (const std::uint64_t size : {std::uint64_t{0}, std::uint64_t{1}, std::uint64_t{20852163}, UINT64_MAX}) {
    const Checkpoint checkpoint{"example.com/log42", size, sha256(std::to_string(size))};
    const auto note = sign_note(checkpoint_text(checkpoint), key);
    ASSERT_TRUE(note.has_value());
    const Outcome run = tlogcheck({"checkpoint", format_verifier_key(verifier_of(key))}, *note);
    EXPECT_EQ(run.status, 0) << run.err;
    EXPECT_EQ(run.out, "example.com/log42\n" + std::to_string(size) + "\n" + base64(checkpoint.root) + "\n");
  }
}

// Merkle roots and proofs (tlog/merkle.hpp) against Go's sumdb/tlog, for every tree of 1 to 70 leaves and
// every index or earlier size in it.

constexpr std::uint64_t kLargestTree = 70;

std::vector<Hash> leaves(std::uint64_t n) {
  std::vector<Hash> out;
  out.reserve(n);
  for (std::uint64_t i = 0; i < n; ++i) out.push_back(leaf_hash("entry " + std::to_string(i)));
  return out;
}

// Every perfect node over `leaves`, as a store keeps them.
NodeHashes perfect_nodes(std::span<const Hash> leaves) {
  NodeHashes nodes;
  for (std::uint64_t i = 0; i < leaves.size(); ++i) nodes[NodeId{0, i}] = leaves[i];
  for (int level = 1; (std::uint64_t{1} << level) <= leaves.size(); ++level) {
    for (std::uint64_t i = 0; (i + 1) << level <= leaves.size(); ++i) {
      nodes[NodeId{level, i}] =
          node_hash(nodes.at(NodeId{level - 1, 2 * i}), nodes.at(NodeId{level - 1, 2 * i + 1}));
    }
  }
  return nodes;
}

std::string json_hashes(std::span<const Hash> hashes) {
  std::string out = "[";
  for (const Hash& hash : hashes) out += (out.size() > 1 ? ",\"" : "\"") + base64(hash) + "\"";
  return out + "]";
}

TEST(IndependentMerkleTest, RootsAgreeWithGoForEverySize) {
  const std::vector<Hash> all = leaves(kLargestTree);
  for (std::uint64_t size = 0; size <= kLargestTree; ++size) {
    const auto some = std::span(all).first(size);
    const Outcome run = tlogcheck({"root"}, "{\"leaf_hashes\":" + json_hashes(some) + "}");
    ASSERT_EQ(run.status, 0) << run.err;
    EXPECT_EQ(run.out, base64(root_of(some)) + "\n") << "size " << size;
  }
}

TEST(IndependentMerkleTest, InclusionProofsAgreeWithGoForEveryIndex) {
  const std::vector<Hash> all = leaves(kLargestTree);
  const NodeHashes nodes = perfect_nodes(all);
  for (std::uint64_t size = 1; size <= kLargestTree; ++size) {
    const std::string leaf_hashes = json_hashes(std::span(all).first(size));
    std::string cases = "[";
    for (std::uint64_t index = 0; index < size; ++index) {
      const auto proof = assemble(inclusion_ranges(index, size), nodes);
      ASSERT_TRUE(proof.has_value()) << proof.error().message;
      ASSERT_TRUE(verify_inclusion(all[index], index, size, *proof, root_of(std::span(all).first(size))));
      cases += std::string(index > 0 ? "," : "") + "{\"leaf_hashes\":" + leaf_hashes +
               ",\"index\":" + std::to_string(index) + ",\"tree_size\":" + std::to_string(size) +
               ",\"audit_path\":" + json_hashes(*proof) + "}";
    }
    const Outcome run = tlogcheck({"inclusion"}, cases + "]");
    EXPECT_EQ(run.status, 0) << "size " << size << ": " << run.err;
  }
}

TEST(IndependentMerkleTest, ConsistencyProofsAgreeWithGoForEveryEarlierSize) {
  const std::vector<Hash> all = leaves(kLargestTree);
  const NodeHashes nodes = perfect_nodes(all);
  for (std::uint64_t second = 1; second <= kLargestTree; ++second) {
    const std::string leaf_hashes = json_hashes(std::span(all).first(second));
    std::string cases = "[";
    for (std::uint64_t first = 1; first <= second; ++first) {
      const auto proof = assemble(consistency_ranges(first, second), nodes);
      ASSERT_TRUE(proof.has_value()) << proof.error().message;
      ASSERT_TRUE(verify_consistency(first, second, root_of(std::span(all).first(first)),
                                     root_of(std::span(all).first(second)), *proof));
      cases += std::string(first > 1 ? "," : "") + "{\"leaf_hashes\":" + leaf_hashes +
               ",\"first\":" + std::to_string(first) + ",\"second\":" + std::to_string(second) +
               ",\"consistency\":" + json_hashes(*proof) + "}";
    }
    const Outcome run = tlogcheck({"consistency"}, cases + "]");
    EXPECT_EQ(run.status, 0) << "second " << second << ": " << run.err;
  }
}

TEST(IndependentMerkleTest, GoRefusesAProofWeWouldRefuse) {
  const std::vector<Hash> all = leaves(9);
  const NodeHashes nodes = perfect_nodes(all);
  auto proof = assemble(inclusion_ranges(3, 9), nodes);
  ASSERT_TRUE(proof.has_value());
  (*proof)[1][0] ^= 1U;
  EXPECT_FALSE(verify_inclusion(all[3], 3, 9, *proof, root_of(all)));
  const Outcome run = tlogcheck(
      {"inclusion"}, "{\"leaf_hashes\":" + json_hashes(all) +
                         ",\"index\":3,\"tree_size\":9,\"audit_path\":" + json_hashes(*proof) + "}");
  EXPECT_NE(run.status, 0);
  EXPECT_NE(run.err.find("tlog.CheckRecord refuses"), std::string::npos) << run.err;
}

}  // namespace
}  // namespace ssad::tlog
