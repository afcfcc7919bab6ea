// Secret files and the data directory: a new secret is written 0600 and read back the same; a
// malformed file is refused by name and left byte for byte as it was; the data_dir lock is
// exclusive while held and free again once released.
#include "tools/daemon/secret_file.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "crypto/keys.hpp"
#include "tools/daemon/data_dir.hpp"

namespace {

using namespace clearway;
using namespace clearway::daemon;

std::string temp_dir() {
  std::string pattern = ::testing::TempDir() + "clearway_secret_XXXXXX";
  EXPECT_NE(::mkdtemp(pattern.data()), nullptr);
  return pattern;
}

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

void spit(const std::string& path, const std::string& text) { std::ofstream(path, std::ios::binary) << text; }

bool any(const bytes32&) { return true; }

TEST(SecretFile, CreatedPrivateThenReadBack) {
  const std::string path = temp_dir() + "/identity.key";
  bool created = false;
  auto first = load_or_create_secret(path, daemon_error::identity_key_malformed, any, created);
  ASSERT_TRUE(first.has_value()) << first.error().message();
  EXPECT_TRUE(created);
  struct stat st {};
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  EXPECT_EQ(slurp(path), to_hex(*first) + "\n");
  EXPECT_NE(::access((path + ".tmp").c_str(), F_OK), 0);
  auto again = load_or_create_secret(path, daemon_error::identity_key_malformed, any, created);
  ASSERT_TRUE(again.has_value());
  EXPECT_FALSE(created);
  EXPECT_EQ(*again, *first);
  // Two draws differ (a CSPRNG, not a constant).
  auto other = random_bytes32();
  ASSERT_TRUE(other.has_value());
  EXPECT_NE(*other, *first);
}

TEST(SecretFile, MalformedIsRefusedAndUntouched) {
  const std::string dir = temp_dir();
  const std::string hex64(64, 'a');
  for (const std::string& text : {std::string(""), std::string("abc\n"), hex64 + "\n\n", hex64.substr(0, 63) + "g\n",
                                  "0x" + hex64.substr(2), hex64 + " ", std::string(1000, '0')}) {
    const std::string path = dir + "/bad.key";
    spit(path, text);
    bool created = true;
    auto r = load_or_create_secret(path, daemon_error::rpc_token_malformed, any, created);
    ASSERT_FALSE(r.has_value()) << text;
    EXPECT_EQ(r.error().code, daemon_error::rpc_token_malformed) << text;
    EXPECT_FALSE(created);
    EXPECT_EQ(r.error().message().find(hex64.substr(0, 8)), std::string::npos) << "contents in the message";
    EXPECT_EQ(slurp(path), text);
  }
  // Upper-case hex and no trailing newline are accepted.
  const std::string path = dir + "/ok.key";
  spit(path, std::string(64, 'F'));
  auto ok = read_secret_file(path, daemon_error::identity_key_malformed);
  ASSERT_TRUE(ok.has_value());
  EXPECT_EQ(ok->bytes[0], 0xff);
  // All-ones is above the curve order: a valid file, not a valid key.
  EXPECT_FALSE(crypto::secret_key::from_bytes(*ok).has_value());
}

TEST(SecretFile, WriteNeverReplaces) {
  const std::string path = temp_dir() + "/k";
  spit(path, "x");
  auto r = write_secret_file(path, bytes32{});
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, daemon_error::secret_file_write_failed);
  EXPECT_EQ(slurp(path), "x");
}

TEST(DataDir, CreatedPrivateAndLockedExclusively) {
  const std::string dir = temp_dir() + "/a/b";
  ASSERT_TRUE(prepare_data_dir(dir).has_value());
  struct stat st {};
  ASSERT_EQ(::stat(dir.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0700u);
  EXPECT_EQ(under_data_dir(dir, "x.sock"), dir + "/x.sock");
  EXPECT_EQ(under_data_dir(dir, "/abs/x"), "/abs/x");
  {
    auto held = data_dir_lock::acquire(dir);
    ASSERT_TRUE(held.has_value());
    auto second = data_dir_lock::acquire(dir);
    ASSERT_FALSE(second.has_value());
    EXPECT_EQ(second.error().code, daemon_error::data_dir_locked);
    EXPECT_NE(second.error().detail.find(std::to_string(::getpid())), std::string::npos);
  }
  EXPECT_TRUE(data_dir_lock::acquire(dir).has_value());
  spit(dir + "/file", "");
  auto not_dir = prepare_data_dir(dir + "/file");
  ASSERT_FALSE(not_dir.has_value());
  EXPECT_EQ(not_dir.error().code, daemon_error::data_dir_failed);
}

}  // namespace
