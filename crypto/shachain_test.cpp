#include "crypto/shachain.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <bit>
#include <random>
#include <vector>

#include "base/test_seed.hpp"
#include "crypto/hash.hpp"

namespace clearway::crypto {
namespace {

bytes32 b32(std::string_view hex) { return *fixed_from_hex<bytes32>(hex); }

static_assert(shachain_store::max_entries == 49);
// Millions of channel ends each hold one: an empty store is one small handle.
static_assert(sizeof(shachain_store) <= 32);

// BOLT 3 Appendix D, "Generation Tests".
TEST(shachain_derive, bolt3_generation_vectors) {
  struct vector {
    const char* seed;
    std::uint64_t index;
    const char* output;
  };
  const vector vectors[] = {
      {"0000000000000000000000000000000000000000000000000000000000000000", 281474976710655,
       "02a40c85b6f28da08dfdbe0926c53fab2de6d28c10301f8f7c4073d5e42e3148"},  // 0 final node
      {"FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF", 281474976710655,
       "7cc854b54e3e0dcdb010d7a3fee464a9687be6e8db3be6854c475621e007a5dc"},  // FF final node
      {"FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF", 0xaaaaaaaaaaa,
       "56f4008fb007ca9acf0e15b054d5c9fd12ee06cea347914ddbaed70d1c13a528"},  // FF alternate bits 1
      {"FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF", 0x555555555555,
       "9015daaeb06dba4ccc05b91b2f73bd54405f2be9f217fbacd3c5ac2e62327d31"},  // FF alternate bits 2
      {"0101010101010101010101010101010101010101010101010101010101010101", 1,
       "915c75942a26bb3a433a8ce2cb0427c29ec6c1775cfc78328b57f6ba7bfeaa9c"},  // 01 last nontrivial node
  };
  for (const auto& v : vectors) {
    const auto out = shachain_derive(b32(v.seed), v.index);
    ASSERT_TRUE(out);
    EXPECT_EQ(to_hex(*out), v.output) << v.index;
  }
}

TEST(shachain_derive, index_zero_is_the_seed_and_2_pow_48_is_out_of_range) {
  const bytes32 seed = b32("0101010101010101010101010101010101010101010101010101010101010101");
  EXPECT_EQ(*shachain_derive(seed, 0), seed);
  EXPECT_EQ(shachain_derive(seed, shachain_max_index + 1).error(), error::shachain_index_out_of_range);
  EXPECT_EQ(shachain_index_of_sequence(0), shachain_max_index);
}

// BOLT 3 Appendix D, "Storage Tests": each step is (index, secret, accepted?).
struct step {
  std::uint64_t index;
  const char* secret;
  bool ok;
};

void run_storage_case(const char* name, const std::vector<step>& steps) {
  SCOPED_TRACE(name);
  shachain_store store;
  for (const step& s : steps) {
    const auto before_lowest = store.lowest_index();
    const auto got = store.insert(s.index, b32(s.secret));
    EXPECT_EQ(got.has_value(), s.ok) << s.index;
    if (!got) {
      EXPECT_EQ(got.error(), error::shachain_secret_mismatch);
      EXPECT_EQ(store.lowest_index(), before_lowest);  // nothing changed
      EXPECT_FALSE(store.get(s.index));
      return;
    }
    EXPECT_EQ(*store.get(s.index), b32(s.secret));
  }
}

constexpr std::uint64_t top = 281474976710655;

TEST(shachain_store, bolt3_correct_sequence) {
  const std::vector<step> steps = {
      {top, "7cc854b54e3e0dcdb010d7a3fee464a9687be6e8db3be6854c475621e007a5dc", true},
      {top - 1, "c7518c8ae4660ed02894df8976fa1a3659c1a8b4b5bec0c4b872abeba4cb8964", true},
      {top - 2, "2273e227a5b7449b6e70f1fb4652864038b1cbf9cd7c043a7d6456b7fc275ad8", true},
      {top - 3, "27cddaa5624534cb6cb9d7da077cf2b22ab21e9b506fd4998a51d54502e99116", true},
      {top - 4, "c65716add7aa98ba7acb236352d665cab17345fe45b55fb879ff80e6bd0c41dd", true},
      {top - 5, "969660042a28f32d9be17344e09374b379962d03db1574df5a8a5a47e19ce3f2", true},
      {top - 6, "a5a64476122ca0925fb344bdc1854c1c0a59fc614298e50a33e331980a220f32", true},
      {top - 7, "05cde6323d949933f7f7b78776bcc1ea6d9b31447732e3802e1f7ac44b650e17", true},
  };
  run_storage_case("correct sequence", steps);
  // Every earlier secret comes back, derived from the last one stored.
  shachain_store store;
  for (const step& s : steps) ASSERT_TRUE(store.insert(s.index, b32(s.secret)));
  for (const step& s : steps) EXPECT_EQ(*store.get(s.index), b32(s.secret)) << s.index;
  EXPECT_EQ(store.lowest_index(), top - 7);
  EXPECT_EQ(store.get(top - 8).error(), error::shachain_unknown_index);
}

TEST(shachain_store, bolt3_incorrect_1) {
  run_storage_case("#1 incorrect",
                   {{top, "02a40c85b6f28da08dfdbe0926c53fab2de6d28c10301f8f7c4073d5e42e3148", true},
                    {top - 1, "c7518c8ae4660ed02894df8976fa1a3659c1a8b4b5bec0c4b872abeba4cb8964", false}});
}

TEST(shachain_store, bolt3_incorrect_2) {
  run_storage_case("#2 incorrect (#1 derived from incorrect)",
                   {{top, "02a40c85b6f28da08dfdbe0926c53fab2de6d28c10301f8f7c4073d5e42e3148", true},
                    {top - 1, "dddc3a8d14fddf2b68fa8c7fbad2748274937479dd0f8930d5ebb4ab6bd866a3", true},
                    {top - 2, "2273e227a5b7449b6e70f1fb4652864038b1cbf9cd7c043a7d6456b7fc275ad8", true},
                    {top - 3, "27cddaa5624534cb6cb9d7da077cf2b22ab21e9b506fd4998a51d54502e99116", false}});
}

TEST(shachain_store, bolt3_incorrect_3) {
  run_storage_case("#3 incorrect",
                   {{top, "7cc854b54e3e0dcdb010d7a3fee464a9687be6e8db3be6854c475621e007a5dc", true},
                    {top - 1, "c7518c8ae4660ed02894df8976fa1a3659c1a8b4b5bec0c4b872abeba4cb8964", true},
                    {top - 2, "c51a18b13e8527e579ec56365482c62f180b7d5760b46e9477dae59e87ed423a", true},
                    {top - 3, "27cddaa5624534cb6cb9d7da077cf2b22ab21e9b506fd4998a51d54502e99116", false}});
}

TEST(shachain_store, bolt3_incorrect_4) {
  run_storage_case("#4 incorrect (1,2,3 derived from incorrect)",
                   {{top, "02a40c85b6f28da08dfdbe0926c53fab2de6d28c10301f8f7c4073d5e42e3148", true},
                    {top - 1, "dddc3a8d14fddf2b68fa8c7fbad2748274937479dd0f8930d5ebb4ab6bd866a3", true},
                    {top - 2, "c51a18b13e8527e579ec56365482c62f180b7d5760b46e9477dae59e87ed423a", true},
                    {top - 3, "ba65d7b0ef55a3ba300d4e87af29868f394f8f138d78a7011669c79b37b936f4", true},
                    {top - 4, "c65716add7aa98ba7acb236352d665cab17345fe45b55fb879ff80e6bd0c41dd", true},
                    {top - 5, "969660042a28f32d9be17344e09374b379962d03db1574df5a8a5a47e19ce3f2", true},
                    {top - 6, "a5a64476122ca0925fb344bdc1854c1c0a59fc614298e50a33e331980a220f32", true},
                    {top - 7, "05cde6323d949933f7f7b78776bcc1ea6d9b31447732e3802e1f7ac44b650e17", false}});
}

TEST(shachain_store, bolt3_incorrect_5) {
  run_storage_case("#5 incorrect",
                   {{top, "7cc854b54e3e0dcdb010d7a3fee464a9687be6e8db3be6854c475621e007a5dc", true},
                    {top - 1, "c7518c8ae4660ed02894df8976fa1a3659c1a8b4b5bec0c4b872abeba4cb8964", true},
                    {top - 2, "2273e227a5b7449b6e70f1fb4652864038b1cbf9cd7c043a7d6456b7fc275ad8", true},
                    {top - 3, "27cddaa5624534cb6cb9d7da077cf2b22ab21e9b506fd4998a51d54502e99116", true},
                    {top - 4, "631373ad5f9ef654bb3dade742d09504c567edd24320d2fcd68e3cc47e2ff6a6", true},
                    {top - 5, "969660042a28f32d9be17344e09374b379962d03db1574df5a8a5a47e19ce3f2", false}});
}

TEST(shachain_store, bolt3_incorrect_6) {
  run_storage_case("#6 incorrect (5 derived from incorrect)",
                   {{top, "7cc854b54e3e0dcdb010d7a3fee464a9687be6e8db3be6854c475621e007a5dc", true},
                    {top - 1, "c7518c8ae4660ed02894df8976fa1a3659c1a8b4b5bec0c4b872abeba4cb8964", true},
                    {top - 2, "2273e227a5b7449b6e70f1fb4652864038b1cbf9cd7c043a7d6456b7fc275ad8", true},
                    {top - 3, "27cddaa5624534cb6cb9d7da077cf2b22ab21e9b506fd4998a51d54502e99116", true},
                    {top - 4, "631373ad5f9ef654bb3dade742d09504c567edd24320d2fcd68e3cc47e2ff6a6", true},
                    {top - 5, "b7e76a83668bde38b373970155c868a653304308f9896692f904a23731224bb1", true},
                    {top - 6, "a5a64476122ca0925fb344bdc1854c1c0a59fc614298e50a33e331980a220f32", true},
                    {top - 7, "05cde6323d949933f7f7b78776bcc1ea6d9b31447732e3802e1f7ac44b650e17", false}});
}

TEST(shachain_store, bolt3_incorrect_7) {
  run_storage_case("#7 incorrect",
                   {{top, "7cc854b54e3e0dcdb010d7a3fee464a9687be6e8db3be6854c475621e007a5dc", true},
                    {top - 1, "c7518c8ae4660ed02894df8976fa1a3659c1a8b4b5bec0c4b872abeba4cb8964", true},
                    {top - 2, "2273e227a5b7449b6e70f1fb4652864038b1cbf9cd7c043a7d6456b7fc275ad8", true},
                    {top - 3, "27cddaa5624534cb6cb9d7da077cf2b22ab21e9b506fd4998a51d54502e99116", true},
                    {top - 4, "c65716add7aa98ba7acb236352d665cab17345fe45b55fb879ff80e6bd0c41dd", true},
                    {top - 5, "969660042a28f32d9be17344e09374b379962d03db1574df5a8a5a47e19ce3f2", true},
                    {top - 6, "e7971de736e01da8ed58b94c2fc216cb1dca9e326f3a96e7194fe8ea8af6c0a3", true},
                    {top - 7, "05cde6323d949933f7f7b78776bcc1ea6d9b31447732e3802e1f7ac44b650e17", false}});
}

TEST(shachain_store, bolt3_incorrect_8) {
  run_storage_case("#8 incorrect",
                   {{top, "7cc854b54e3e0dcdb010d7a3fee464a9687be6e8db3be6854c475621e007a5dc", true},
                    {top - 1, "c7518c8ae4660ed02894df8976fa1a3659c1a8b4b5bec0c4b872abeba4cb8964", true},
                    {top - 2, "2273e227a5b7449b6e70f1fb4652864038b1cbf9cd7c043a7d6456b7fc275ad8", true},
                    {top - 3, "27cddaa5624534cb6cb9d7da077cf2b22ab21e9b506fd4998a51d54502e99116", true},
                    {top - 4, "c65716add7aa98ba7acb236352d665cab17345fe45b55fb879ff80e6bd0c41dd", true},
                    {top - 5, "969660042a28f32d9be17344e09374b379962d03db1574df5a8a5a47e19ce3f2", true},
                    {top - 6, "a5a64476122ca0925fb344bdc1854c1c0a59fc614298e50a33e331980a220f32", true},
                    {top - 7, "a7efbc61aac46d34f77778bac22c8a20c6a46ca460addc49009bda875ec88fa4", false}});
}

const bytes32 ff_seed = b32("FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF");

TEST(shachain_store, rejects_out_of_order_and_out_of_range_without_change) {
  shachain_store store;
  EXPECT_EQ(store.get(top).error(), error::shachain_unknown_index);
  EXPECT_FALSE(store.lowest_index());
  EXPECT_EQ(store.insert(top + 1, ff_seed).error(), error::shachain_index_out_of_range);
  ASSERT_TRUE(store.insert(top - 1, *shachain_derive(ff_seed, top - 1)));
  EXPECT_EQ(store.insert(top - 1, *shachain_derive(ff_seed, top - 1)).error(), error::shachain_out_of_order);
  EXPECT_EQ(store.insert(top, *shachain_derive(ff_seed, top)).error(), error::shachain_out_of_order);
  EXPECT_EQ(store.lowest_index(), top - 1);
  // top - 1 has one trailing zero, so it derives top too.
  EXPECT_EQ(*store.get(top), *shachain_derive(ff_seed, top));
  EXPECT_EQ(store.get(top + 1).error(), error::shachain_index_out_of_range);
}

TEST(shachain_store, a_gap_is_rejected_without_change) {
  // Skipping top - 1 would overwrite top's bucket (both odd) and lose it for good.
  shachain_store store;
  ASSERT_TRUE(store.insert(top, *shachain_derive(ff_seed, top)));
  EXPECT_EQ(store.insert(top - 2, *shachain_derive(ff_seed, top - 2)).error(), error::shachain_out_of_order);
  EXPECT_EQ(store.lowest_index(), top);
  EXPECT_EQ(*store.get(top), *shachain_derive(ff_seed, top));
  EXPECT_EQ(store.get(top - 2).error(), error::shachain_unknown_index);
  ASSERT_TRUE(store.insert(top - 1, *shachain_derive(ff_seed, top - 1)));
  ASSERT_TRUE(store.insert(top - 2, *shachain_derive(ff_seed, top - 2)));
  EXPECT_EQ(*store.get(top), *shachain_derive(ff_seed, top));
}

TEST(shachain_store, first_insert_may_start_below_the_top) {
  // A store can start at any index; indexes above the first one were never revealed.
  shachain_store store;
  ASSERT_TRUE(store.insert(top - 6, *shachain_derive(ff_seed, top - 6)));  // ...1001
  EXPECT_EQ(store.get(top - 5).error(), error::shachain_unknown_index);
  bytes32 wrong = *shachain_derive(ff_seed, top - 7);  // ...1000 derives ...1001
  wrong.bytes[5] ^= 0x40;
  EXPECT_EQ(store.insert(top - 7, wrong).error(), error::shachain_secret_mismatch);
  EXPECT_EQ(store.lowest_index(), top - 6);
  ASSERT_TRUE(store.insert(top - 7, *shachain_derive(ff_seed, top - 7)));
  EXPECT_EQ(*store.get(top - 6), *shachain_derive(ff_seed, top - 6));
  // ...1000 is the parent of ...1001 to ...1111, so those are derivable now.
  EXPECT_EQ(*store.get(top - 5), *shachain_derive(ff_seed, top - 5));
}

TEST(shachain_store, ten_thousand_consecutive_secrets) {
  std::mt19937_64 rng(test_seed("shachain.ten_thousand"));
  bytes32 seed;
  for (auto& b : seed.bytes) b = static_cast<std::uint8_t>(rng());
  // Start anywhere, so the buckets that fill are not always the same ones.
  const std::uint64_t start = shachain_max_index - (rng() % 1'000'000);
  shachain_store store;
  constexpr std::uint64_t count = 10'000;
  for (std::uint64_t k = 0; k < count; ++k) {
    const std::uint64_t index = start - k;
    ASSERT_TRUE(store.insert(index, *shachain_derive(seed, index))) << index;
    if (k % 97 == 0) {
      // Every secret revealed so far, in [index, start], must still be derivable.
      for (int probe = 0; probe < 5; ++probe) {
        const std::uint64_t earlier = index + rng() % (k + 1);
        const auto got = store.get(earlier);
        ASSERT_TRUE(got) << earlier;
        EXPECT_EQ(*got, *shachain_derive(seed, earlier)) << earlier;
      }
    }
  }
  EXPECT_EQ(store.lowest_index(), start - count + 1);
}

TEST(shachain_store, a_corrupt_secret_is_caught_at_once_or_by_the_next_insert) {
  std::mt19937_64 rng(test_seed("shachain.corrupt"));
  bytes32 seed;
  for (auto& b : seed.bytes) b = static_cast<std::uint8_t>(rng());
  for (int trial = 0; trial < 200; ++trial) {
    const std::uint64_t start = shachain_max_index - (rng() % 4096);
    const std::uint64_t bad = start - 1 - (rng() % 200);  // at least one secret before it
    shachain_store store;
    for (std::uint64_t index = start; index > bad; --index) {
      ASSERT_TRUE(store.insert(index, *shachain_derive(seed, index)));
    }
    bytes32 corrupt = *shachain_derive(seed, bad);
    corrupt.bytes[rng() % 32] ^= static_cast<std::uint8_t>(1U << (rng() % 8));
    const auto first = store.insert(bad, corrupt);
    if ((bad & 1) == 0) {
      // An even index derives bad + 1, which was just stored: rejected on arrival.
      ASSERT_FALSE(first) << bad;
      EXPECT_EQ(first.error(), error::shachain_secret_mismatch);
      EXPECT_EQ(store.lowest_index(), bad + 1);
    } else {
      // An odd index derives nothing else, so the lie is only visible from its parent bad - 1.
      ASSERT_TRUE(first) << bad;
      const auto next = store.insert(bad - 1, *shachain_derive(seed, bad - 1));
      ASSERT_FALSE(next) << bad;
      EXPECT_EQ(next.error(), error::shachain_secret_mismatch);
      EXPECT_EQ(store.lowest_index(), bad);
    }
  }
}

// floor(log2(n)) + 2 for n >= 1.
std::size_t entry_bound(std::uint64_t n) { return static_cast<std::size_t>(std::bit_width(n)) + 1; }

TEST(shachain_store, empty_store_is_small_and_has_no_heap) {
  const shachain_store store;
  EXPECT_EQ(store.entry_count(), 0u);
  EXPECT_EQ(store.memory_bytes(), sizeof(shachain_store));
}

TEST(shachain_store, memory_stays_within_log2_of_the_secrets_revealed) {
  std::mt19937_64 rng(test_seed("shachain.memory_bound"));
  bytes32 seed;
  for (auto& b : seed.bytes) b = static_cast<std::uint8_t>(rng());
  // The top (BOLT 3's start), random starts, and starts just above an index with many trailing
  // zeros, where the extra high bucket fills early.
  std::vector<std::uint64_t> starts = {top, (std::uint64_t{1} << 40) + 3, std::uint64_t{1} << 47, 4099};
  for (int i = 0; i < 4; ++i) starts.push_back(shachain_max_index - rng() % (std::uint64_t{1} << 47));
  for (const std::uint64_t start : starts) {
    SCOPED_TRACE(start);
    shachain_store store;
    const std::uint64_t count = std::min<std::uint64_t>(start + 1, 3000);
    std::size_t most = 0;
    for (std::uint64_t n = 1; n <= count; ++n) {
      ASSERT_TRUE(store.insert(start - (n - 1), *shachain_derive(seed, start - (n - 1))));
      ASSERT_LE(store.entry_count(), entry_bound(n)) << n;
      ASSERT_LE(store.entry_count(), shachain_store::max_entries);
      // Exact capacity: 40 bytes (secret + index) per stored entry and nothing else.
      ASSERT_EQ(store.memory_bytes(), sizeof(shachain_store) + store.entry_count() * 40) << n;
      most = std::max(most, store.entry_count());
    }
    EXPECT_GE(most, 2u);  // it does grow past one entry
    EXPECT_EQ(*store.get(start), *shachain_derive(seed, start));
  }
  // 1,000 secrets from the top: far below the old fixed 49 x 48 bytes.
  shachain_store store;
  for (std::uint64_t k = 0; k < 1000; ++k) ASSERT_TRUE(store.insert(top - k, *shachain_derive(seed, top - k)));
  EXPECT_LE(store.entry_count(), 11u);
  EXPECT_LE(store.memory_bytes(), 32u + 11u * 40u);
}

TEST(shachain_store, the_bound_is_reached_when_the_first_index_has_many_trailing_zeros) {
  // 2^40, 2^40 - 1, ..., 2^40 - 64: 65 secrets occupy buckets 0..6 (2^40 - 64 has six trailing
  // zeros) plus bucket 40, which is floor(log2(65)) + 2 = 8 entries.
  shachain_store store;
  const std::uint64_t start = std::uint64_t{1} << 40;
  for (std::uint64_t n = 1; n <= 65; ++n) {
    ASSERT_TRUE(store.insert(start - (n - 1), *shachain_derive(ff_seed, start - (n - 1))));
    ASSERT_LE(store.entry_count(), entry_bound(n)) << n;
  }
  EXPECT_EQ(store.entry_count(), 8u);
  EXPECT_EQ(store.entry_count(), entry_bound(65));
  EXPECT_EQ(*store.get(start), *shachain_derive(ff_seed, start));
}

TEST(shachain_store, equal_iff_same_lowest_index_and_entries) {
  shachain_store a;
  shachain_store b;
  EXPECT_EQ(a, b);
  ASSERT_TRUE(a.insert(top, *shachain_derive(ff_seed, top)));
  EXPECT_NE(a, b);
  ASSERT_TRUE(b.insert(top, *shachain_derive(ff_seed, top)));
  EXPECT_EQ(a, b);
  for (std::uint64_t k = 1; k < 20; ++k) {
    ASSERT_TRUE(a.insert(top - k, *shachain_derive(ff_seed, top - k)));
    EXPECT_NE(a, b);
    ASSERT_TRUE(b.insert(top - k, *shachain_derive(ff_seed, top - k)));
    EXPECT_EQ(a, b);
  }
  // A copy is equal, and stays independent of the original.
  shachain_store c = a;
  EXPECT_EQ(c, a);
  ASSERT_TRUE(c.insert(top - 20, *shachain_derive(ff_seed, top - 20)));
  EXPECT_NE(c, a);
  EXPECT_EQ(a.lowest_index(), top - 19);
  // Same lowest index, but one started lower, so it lacks top's entry in bucket 0...
  shachain_store two;
  shachain_store one;
  ASSERT_TRUE(two.insert(top, *shachain_derive(ff_seed, top)));
  ASSERT_TRUE(two.insert(top - 1, *shachain_derive(ff_seed, top - 1)));
  ASSERT_TRUE(one.insert(top - 1, *shachain_derive(ff_seed, top - 1)));
  EXPECT_EQ(one.lowest_index(), two.lowest_index());
  EXPECT_NE(one, two);
  // ...until top - 2 (also bucket 0) replaces it: equality is about what is stored, not history.
  ASSERT_TRUE(two.insert(top - 2, *shachain_derive(ff_seed, top - 2)));
  ASSERT_TRUE(one.insert(top - 2, *shachain_derive(ff_seed, top - 2)));
  EXPECT_EQ(one, two);
  // Same indexes, one odd secret that nothing checked yet differs (from another seed).
  shachain_store e;
  shachain_store f;
  const bytes32 other = b32("0101010101010101010101010101010101010101010101010101010101010101");
  ASSERT_TRUE(e.insert(top, *shachain_derive(ff_seed, top)));
  ASSERT_TRUE(f.insert(top, *shachain_derive(other, top)));
  EXPECT_EQ(e.lowest_index(), f.lowest_index());
  EXPECT_NE(e, f);
}

TEST(shachain_store, a_rejected_insert_changes_neither_equality_nor_memory) {
  shachain_store store;
  for (std::uint64_t k = 0; k < 7; ++k) ASSERT_TRUE(store.insert(top - k, *shachain_derive(ff_seed, top - k)));
  const shachain_store before = store;
  const std::size_t bytes = store.memory_bytes();
  bytes32 wrong = *shachain_derive(ff_seed, top - 7);  // ...1000: a new bucket, checked against all
  wrong.bytes[0] ^= 1;
  EXPECT_EQ(store.insert(top - 7, wrong).error(), error::shachain_secret_mismatch);
  EXPECT_EQ(store.insert(top - 9, *shachain_derive(ff_seed, top - 9)).error(), error::shachain_out_of_order);
  EXPECT_EQ(store.insert(top + 1, ff_seed).error(), error::shachain_index_out_of_range);
  EXPECT_EQ(store, before);
  EXPECT_EQ(store.memory_bytes(), bytes);
}

TEST(shachain_store, a_moved_from_store_is_empty_and_usable) {
  shachain_store a;
  ASSERT_TRUE(a.insert(top, *shachain_derive(ff_seed, top)));
  shachain_store b = std::move(a);
  EXPECT_EQ(b.lowest_index(), top);
  // NOLINTNEXTLINE(bugprone-use-after-move): the state after a move is part of the contract.
  EXPECT_EQ(a, shachain_store{});
  EXPECT_FALSE(a.lowest_index());
  ASSERT_TRUE(a.insert(top - 3, *shachain_derive(ff_seed, top - 3)));
}

TEST(revocation_secret_key, uses_a_valid_secret_as_is_and_rehashes_an_invalid_one) {
  const bytes32 secret = *shachain_derive(ff_seed, top);
  EXPECT_EQ(revocation_secret_key(secret).bytes(), secret);
  // Zero and n are not scalars: both must map to a valid key (sha256 of them, which are valid).
  bytes32 zero;
  EXPECT_EQ(revocation_secret_key(zero).bytes(), sha256(zero.span()));
  const bytes32 n = b32("fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141");
  EXPECT_EQ(revocation_secret_key(n).bytes(), sha256(n.span()));
}

}  // namespace
}  // namespace clearway::crypto
