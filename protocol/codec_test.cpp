#include "protocol/codec.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <new>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "base/test_seed.hpp"
#include "protocol/byte_reader.hpp"
#include "protocol/byte_writer.hpp"

// Records the largest single heap request while `track_allocations` is set, so a test can check
// that decoding never allocates more than its input justifies.
namespace {
std::atomic<bool> track_allocations{false};
std::atomic<std::size_t> largest_allocation{0};
}  // namespace

// noinline: inlined into callers, GCC would see new/free pairs and warn (-Wmismatched-new-delete).
__attribute__((noinline)) void* operator new(std::size_t size) {
  if (track_allocations.load(std::memory_order_relaxed)) {
    std::size_t seen = largest_allocation.load(std::memory_order_relaxed);
    while (size > seen && !largest_allocation.compare_exchange_weak(seen, size)) {
    }
  }
  if (void* p = std::malloc(size == 0 ? 1 : size)) return p;
  throw std::bad_alloc();
}
__attribute__((noinline)) void operator delete(void* p) noexcept { std::free(p); }
__attribute__((noinline)) void operator delete(void* p, std::size_t) noexcept { std::free(p); }

namespace clearway::protocol {
namespace {

// ---------- helpers ----------

// The largest single allocation decode(b) makes.
std::size_t largest_allocation_decoding(const byte_vector& b) {
  largest_allocation = 0;
  track_allocations = true;
  auto r = decode(b);
  track_allocations = false;
  (void)r;
  return largest_allocation;
}

byte_vector hex(std::string_view h) {
  auto raw = from_hex(h);
  EXPECT_TRUE(raw.has_value()) << h;
  return raw.value_or(byte_vector{});
}

// `n` copies of the byte written as two hex digits, e.g. rep("11", 20).
std::string rep(std::string_view byte_hex, int n) {
  std::string out;
  for (int i = 0; i < n; ++i) out += byte_hex;
  return out;
}

template <class Fixed>
Fixed filled(std::uint8_t b) {
  Fixed f;
  f.bytes.fill(b);
  return f;
}

amount units(std::uint64_t u) { return amount::from_base_units(u); }

codec_error decode_error(const byte_vector& b) {
  auto r = decode(b);
  EXPECT_FALSE(r.has_value()) << "accepted " << to_hex(b);
  return r.has_value() ? codec_error{} : r.error();
}

// ---------- random valid messages ----------

class message_gen {
 public:
  explicit message_gen(std::uint64_t seed) : rng_(seed) {}

  message any() { return of_index(rng_() % std::variant_size_v<message>); }

  message of_index(std::size_t i) {
    switch (i) {
      case 0: {
        open_channel m;
        m.bank = fixed<address>();
        m.parties = {fixed<address>(), fixed<address>()};
        m.deposits = {amt(), amt()};
        m.freeze_time_s = u64();
        m.first_locks = locks();
        return m;
      }
      case 1: return accept_channel{fixed<address>(), locks()};
      case 2: return add_htlc{id(), amt(), fixed<bytes32>(), u64()};
      case 3: return fulfill_htlc{id(), id(), fixed<bytes32>()};
      case 4: return fail_htlc{id(), id(), reason()};
      case 5: return pay{id(), amt()};
      case 6:
        return commit{static_cast<std::uint32_t>(u64()),
                      rng_() % 2 == 0 ? commit_kind::initiate : commit_kind::countersign, u64(), u64(),
                      fixed<signature>()};
      case 7: return revoke{static_cast<std::uint32_t>(u64()), fixed<bytes32>(), fixed<address>()};
      case 8: return close_request{{amt(), amt()}, fixed<signature>()};
      case 10:
        return reestablish{u64(), static_cast<std::uint32_t>(u64()), rng_() % 2 == 0, static_cast<std::uint32_t>(u64()),
                           static_cast<std::uint32_t>(u64()), rng_() % 2 == 0};
      default: {
        error_message m;
        m.code = static_cast<std::uint16_t>(rng_());
        // Any bytes (NULs, invalid UTF-8), lengths biased to the edges 0 and the cap.
        const std::size_t length = pick_edge() ? (rng_() % 2 == 0 ? 0 : max_error_text_bytes)
                                               : rng_() % (max_error_text_bytes + 1);
        for (std::size_t k = 0; k < length; ++k) m.text.push_back(static_cast<char>(rng_()));
        return m;
      }
    }
  }

  std::mt19937_64& rng() { return rng_; }

 private:
  bool pick_edge() { return rng_() % 8 == 0; }
  // Full range, with 0, 1 and max often enough to catch width mistakes.
  std::uint64_t u64() {
    if (pick_edge()) {
      static constexpr std::uint64_t edges[] = {0, 1, 0xff, 0x100, 0xffffffffull, ~0ull};
      return edges[rng_() % std::size(edges)];
    }
    return rng_() >> (rng_() % 64);
  }
  std::uint64_t id() {
    const std::uint64_t v = u64();
    return v == 0 ? 1 : v;
  }
  amount amt() { return units(u64()); }
  template <class Fixed>
  Fixed fixed() {
    Fixed f;
    for (auto& b : f.bytes) b = static_cast<std::uint8_t>(rng_());
    return f;
  }
  std::vector<address> locks() {
    const std::size_t n = pick_edge() ? (rng_() % 2 == 0 ? min_first_locks : max_first_locks)
                                      : min_first_locks + rng_() % (max_first_locks - min_first_locks + 1);
    std::vector<address> out(n);
    for (auto& a : out) a = fixed<address>();
    return out;
  }
  fail_reason reason() {
    return static_cast<fail_reason>(1 + rng_() % static_cast<std::uint16_t>(fail_reason::temporary_failure));
  }
  std::mt19937_64 rng_;
};

// ---------- golden encodings: the layout, written out by hand ----------

struct golden {
  message msg;
  byte_vector bytes;
};

std::vector<golden> goldens() {
  std::vector<golden> out;
  {
    open_channel m;
    m.bank = filled<address>(0x11);
    m.parties = {filled<address>(0x22), filled<address>(0x33)};
    m.deposits = {units(100), units(200)};
    m.freeze_time_s = 86'400;
    m.first_locks = {filled<address>(0x44), filled<address>(0x55)};
    out.push_back({m, hex("01" "0020" + rep("11", 20) + rep("22", 20) + rep("33", 20) +
                          "0000000000000064" "00000000000000c8" "0000000000015180" "0002" + rep("44", 20) +
                          rep("55", 20))});
  }
  out.push_back({accept_channel{filled<address>(0x66), {filled<address>(0x77), filled<address>(0x88)}},
                 hex("01" "0021" + rep("66", 20) + "0002" + rep("77", 20) + rep("88", 20))});
  out.push_back({add_htlc{1, units(100'000'000), filled<bytes32>(0xab), 0x65000000},
                 hex("01" "0080" "0000000000000001" "0000000005f5e100" + rep("ab", 32) + "0000000065000000")});
  out.push_back({fulfill_htlc{2, 1, filled<bytes32>(0xcd)},
                 hex("01" "0082" "0000000000000002" "0000000000000001" + rep("cd", 32))});
  out.push_back({fail_htlc{3, 1, fail_reason::insufficient_balance},
                 hex("01" "0083" "0000000000000003" "0000000000000001" "0002")});
  out.push_back({pay{7, units(10)}, hex("01" "0081" "0000000000000007" "000000000000000a")});
  {
    signature sig = filled<signature>(0x5a);
    sig.bytes[64] = 0x1b;
    out.push_back({commit{5, commit_kind::countersign, 4, 0, sig},
                   hex("01" "0084" "00000005" "01" "0000000000000004" "0000000000000000" + rep("5a", 64) + "1b")});
  }
  out.push_back({revoke{4, filled<bytes32>(0xee), filled<address>(0x99)},
                 hex("01" "0085" "00000004" + rep("ee", 32) + rep("99", 20))});
  {
    signature sig = filled<signature>(0x12);
    sig.bytes[64] = 0x1c;
    out.push_back({close_request{{units(90), units(110)}, sig},
                   hex("01" "0026" "000000000000005a" "000000000000006e" + rep("12", 64) + "1c")});
  }
  out.push_back({error_message{1, "bad"}, hex("01" "0011" "0001" "0003" "626164")});
  out.push_back({reestablish{9, 4, true, 5, 4, false},
                 hex("01" "0088" "0000000000000009" "00000004" "01" "00000005" "00000004" "00")});
  return out;
}

// ---------- tests ----------

TEST(codec, golden_bytes_pin_the_layout_of_every_message_type) {
  const auto all = goldens();
  std::set<std::size_t> covered;
  for (const auto& g : all) {
    SCOPED_TRACE(message_name(g.msg));
    covered.insert(g.msg.index());
    EXPECT_EQ(to_hex(encode(g.msg)), to_hex(g.bytes));
    EXPECT_EQ(encoded_size(g.msg), g.bytes.size());
    auto back = decode(g.bytes);
    ASSERT_TRUE(back.has_value()) << to_string(back.error());
    EXPECT_EQ(*back, g.msg);
  }
  EXPECT_EQ(covered.size(), std::variant_size_v<message>);
}

TEST(codec, message_names_and_type_numbers_are_stable) {
  const auto all = goldens();
  const std::vector<std::pair<std::string_view, std::uint16_t>> expected = {
      {"open_channel", 32}, {"accept_channel", 33}, {"add_htlc", 128}, {"fulfill_htlc", 130},
      {"fail_htlc", 131},   {"pay", 129},           {"commit", 132},   {"revoke", 133},
      {"close_request", 38}, {"error_message", 17}, {"reestablish", 136}};
  ASSERT_EQ(all.size(), expected.size());
  for (std::size_t i = 0; i < all.size(); ++i) {
    EXPECT_EQ(message_name(all[i].msg), expected[i].first);
    EXPECT_EQ(static_cast<std::uint16_t>(type_of(all[i].msg)), expected[i].second);
    EXPECT_EQ(message_name(type_of(all[i].msg)), expected[i].first);
  }
  EXPECT_EQ(message_name(static_cast<message_type>(18)), "unknown");
}

TEST(codec, random_messages_round_trip) {
  message_gen gen(test_seed("codec_round_trip"));
  std::array<int, std::variant_size_v<message>> per_type{};
  for (int i = 0; i < 20'000; ++i) {
    const message m = gen.any();
    ++per_type[m.index()];
    ASSERT_TRUE(validate(m).has_value());
    const byte_vector bytes = encode(m);
    ASSERT_EQ(bytes.size(), encoded_size(m));
    ASSERT_EQ(bytes[0], wire_version);
    ASSERT_EQ((bytes[1] << 8) | bytes[2], static_cast<int>(type_of(m)));
    auto back = decode(bytes);
    ASSERT_TRUE(back.has_value()) << message_name(m) << ": " << to_string(back.error());
    ASSERT_EQ(*back, m) << message_name(m);
    ASSERT_EQ(encode(*back), bytes);
  }
  for (int n : per_type) EXPECT_GT(n, 1000);
}

TEST(codec, encode_reserves_exactly_once) {
  message_gen gen(test_seed("codec_reserve"));
  for (int i = 0; i < 500; ++i) {
    const message m = gen.any();
    const byte_vector bytes = encode(m);
    EXPECT_EQ(bytes.capacity(), bytes.size()) << message_name(m);
  }
}

TEST(codec, every_strict_prefix_is_truncated) {
  message_gen gen(test_seed("codec_prefix"));
  std::vector<byte_vector> encodings;
  for (const auto& g : goldens()) encodings.push_back(g.bytes);
  for (int i = 0; i < 300; ++i) encodings.push_back(encode(gen.any()));
  for (const auto& full : encodings) {
    for (std::size_t n = 0; n < full.size(); ++n) {
      const auto r = decode(byte_span(full.data(), n));
      ASSERT_FALSE(r.has_value()) << "prefix " << n << " of " << to_hex(full);
      ASSERT_EQ(r.error(), codec_error::truncated) << "prefix " << n << " of " << to_hex(full);
    }
  }
}

TEST(codec, one_extra_byte_is_trailing_bytes) {
  message_gen gen(test_seed("codec_trailing"));
  std::vector<byte_vector> encodings;
  for (const auto& g : goldens()) encodings.push_back(g.bytes);
  for (int i = 0; i < 300; ++i) encodings.push_back(encode(gen.any()));
  for (auto bytes : encodings) {
    for (std::uint8_t extra : {0x00, 0x01, 0xff}) {
      byte_vector longer = bytes;
      longer.push_back(extra);
      EXPECT_EQ(decode_error(longer), codec_error::trailing_bytes) << to_hex(bytes);
    }
  }
}

TEST(codec, rejects_other_versions) {
  const byte_vector good = hex("01" "0081" "0000000000000007" "000000000000000a");
  for (int v = 0; v < 256; ++v) {
    if (v == wire_version) continue;
    byte_vector b = good;
    b[0] = static_cast<std::uint8_t>(v);
    EXPECT_EQ(decode_error(b), codec_error::unsupported_version) << v;
  }
  EXPECT_EQ(decode_error(hex("02")), codec_error::unsupported_version);
}

TEST(codec, every_type_number_is_either_known_or_rejected_by_name) {
  std::set<std::uint16_t> known = {17, 32, 33, 38, 128, 129, 130, 131, 132, 133, 136};
  for (std::uint32_t t = 0; t <= 0xffff; ++t) {
    const byte_vector header = {wire_version, static_cast<std::uint8_t>(t >> 8), static_cast<std::uint8_t>(t)};
    const codec_error e = decode_error(header);
    if (known.count(static_cast<std::uint16_t>(t)) != 0) {
      ASSERT_EQ(e, codec_error::truncated) << t;
    } else {
      ASSERT_EQ(e, codec_error::unknown_message_type) << t;
    }
  }
}

TEST(codec, empty_and_short_headers_are_truncated) {
  EXPECT_EQ(decode_error({}), codec_error::truncated);
  EXPECT_EQ(decode_error(hex("01")), codec_error::truncated);
  EXPECT_EQ(decode_error(hex("0100")), codec_error::truncated);
}

TEST(codec, commit_kind_must_be_initiate_or_countersign) {
  const std::string head = "01" "0084" "00000005";
  const std::string tail = "0000000000000004" "0000000000000000" + rep("5a", 65);
  EXPECT_TRUE(decode(hex(head + "00" + tail)).has_value());
  EXPECT_TRUE(decode(hex(head + "01" + tail)).has_value());
  for (const char* kind : {"02", "7f", "80", "ff"}) {
    EXPECT_EQ(decode_error(hex(head + kind + tail)), codec_error::invalid_commit_kind) << kind;
  }
  // The kind is checked as soon as it is read, even if the rest is missing.
  EXPECT_EQ(decode_error(hex(head + "02")), codec_error::invalid_commit_kind);
}

TEST(codec, reestablish_flags_must_be_zero_or_one) {
  const std::string head = "01" "0088" "0000000000000000" "00000000";
  const std::string middle = "00000000" "00000000";
  for (const char* a : {"00", "01"}) {
    for (const char* b : {"00", "01"}) EXPECT_TRUE(decode(hex(head + a + middle + b)).has_value()) << a << b;
  }
  for (const char* bad : {"02", "7f", "80", "ff"}) {
    EXPECT_EQ(decode_error(hex(head + bad + middle + "00")), codec_error::invalid_flag) << bad;
    EXPECT_EQ(decode_error(hex(head + "01" + middle + bad)), codec_error::invalid_flag) << bad;
  }
  // The flag is checked as soon as it is read, even if the rest is missing.
  EXPECT_EQ(decode_error(hex(head + "02")), codec_error::invalid_flag);
}

TEST(codec, fail_reason_must_name_a_reason) {
  const std::string head = "01" "0083" "0000000000000003" "0000000000000001";
  for (int r = 1; r <= 9; ++r) {
    char buf[5];
    std::snprintf(buf, sizeof buf, "%04x", r);
    EXPECT_TRUE(decode(hex(head + buf)).has_value()) << r;
  }
  for (const char* r : {"0000", "000a", "0100", "ffff"}) {
    EXPECT_EQ(decode_error(hex(head + r)), codec_error::invalid_fail_reason) << r;
  }
}

TEST(codec, lock_counts_outside_two_to_sixty_four_are_rejected) {
  const std::string accept_head = "01" "0021" + rep("66", 20);
  auto with_locks = [&](int count_field, int present) {
    char count[5];
    std::snprintf(count, sizeof count, "%04x", count_field);
    return hex(accept_head + count + rep("77", 20 * present));
  };
  EXPECT_EQ(decode_error(with_locks(0, 0)), codec_error::too_few_locks);
  EXPECT_EQ(decode_error(with_locks(1, 1)), codec_error::too_few_locks);
  EXPECT_TRUE(decode(with_locks(2, 2)).has_value());
  EXPECT_TRUE(decode(with_locks(64, 64)).has_value());
  EXPECT_EQ(decode_error(with_locks(65, 65)), codec_error::too_many_locks);
  // A huge count is refused before anything is allocated for it.
  EXPECT_EQ(decode_error(with_locks(0xffff, 0)), codec_error::too_many_locks);
  // A count within the cap that the remaining bytes cannot hold is truncation.
  EXPECT_EQ(decode_error(with_locks(64, 2)), codec_error::truncated);

  // open_channel shares the rule.
  const std::string open_head = "01" "0020" + rep("11", 60) + rep("00", 24);
  EXPECT_EQ(decode_error(hex(open_head + "0001" + rep("44", 20))), codec_error::too_few_locks);
  EXPECT_EQ(decode_error(hex(open_head + "0041" + rep("44", 20 * 65))), codec_error::too_many_locks);
  EXPECT_TRUE(decode(hex(open_head + "0040" + rep("44", 20 * 64))).has_value());
}

TEST(codec, error_text_is_capped) {
  auto with_text = [](std::size_t length_field, std::size_t present) {
    byte_vector b = hex("01" "0011" "0001");
    b.push_back(static_cast<std::uint8_t>(length_field >> 8));
    b.push_back(static_cast<std::uint8_t>(length_field));
    b.insert(b.end(), present, 0xc3);  // not valid UTF-8 on its own: not checked
    return b;
  };
  EXPECT_TRUE(decode(with_text(0, 0)).has_value());
  EXPECT_TRUE(decode(with_text(max_error_text_bytes, max_error_text_bytes)).has_value());
  EXPECT_EQ(decode_error(with_text(max_error_text_bytes + 1, max_error_text_bytes + 1)), codec_error::text_too_long);
  EXPECT_EQ(decode_error(with_text(0xffff, 0)), codec_error::text_too_long);
  EXPECT_EQ(decode_error(with_text(10, 9)), codec_error::truncated);
}

TEST(codec, proposal_and_htlc_ids_start_at_one) {
  const std::string zero = "0000000000000000";
  const std::string one = "0000000000000001";
  EXPECT_EQ(decode_error(hex("01" "0080" + zero + "0000000005f5e100" + rep("ab", 32) + "0000000065000000")),
            codec_error::zero_proposal_id);
  EXPECT_EQ(decode_error(hex("01" "0081" + zero + "000000000000000a")), codec_error::zero_proposal_id);
  EXPECT_EQ(decode_error(hex("01" "0082" + zero + one + rep("cd", 32))), codec_error::zero_proposal_id);
  EXPECT_EQ(decode_error(hex("01" "0082" + one + zero + rep("cd", 32))), codec_error::zero_proposal_id);
  EXPECT_EQ(decode_error(hex("01" "0083" + zero + one + "0002")), codec_error::zero_proposal_id);
  EXPECT_EQ(decode_error(hex("01" "0083" + one + zero + "0002")), codec_error::zero_proposal_id);
  // commit's "upto" fields may be 0: nothing proposed yet.
  EXPECT_TRUE(decode(hex("01" "0084" "00000001" "00" + zero + zero + rep("00", 65))).has_value());
}

TEST(codec, inputs_over_the_frame_limit_are_too_large) {
  byte_vector big = hex("01" "0011" "0001" "0003" "626164");
  big.resize(max_message_bytes, 0);
  EXPECT_EQ(decode_error(big), codec_error::trailing_bytes);  // at the limit: judged on content
  big.push_back(0);
  EXPECT_EQ(decode_error(big), codec_error::message_too_large);
}

TEST(codec, validate_names_the_error_decode_would_give) {
  message_gen gen(test_seed("codec_validate"));
  std::vector<std::pair<message, codec_error>> bad;
  bad.emplace_back(add_htlc{0, units(1), {}, 1}, codec_error::zero_proposal_id);
  bad.emplace_back(fulfill_htlc{1, 0, {}}, codec_error::zero_proposal_id);
  bad.emplace_back(fail_htlc{0, 1, fail_reason::expired}, codec_error::zero_proposal_id);
  bad.emplace_back(fail_htlc{1, 1, static_cast<fail_reason>(0)}, codec_error::invalid_fail_reason);
  bad.emplace_back(fail_htlc{1, 1, static_cast<fail_reason>(10)}, codec_error::invalid_fail_reason);
  bad.emplace_back(pay{0, units(5)}, codec_error::zero_proposal_id);
  bad.emplace_back(commit{1, static_cast<commit_kind>(2), 0, 0, {}}, codec_error::invalid_commit_kind);
  bad.emplace_back(accept_channel{{}, {address{}}}, codec_error::too_few_locks);
  bad.emplace_back(accept_channel{{}, std::vector<address>(max_first_locks + 1)}, codec_error::too_many_locks);
  bad.emplace_back(open_channel{{}, {}, {}, 0, {}}, codec_error::too_few_locks);
  bad.emplace_back(error_message{1, std::string(max_error_text_bytes + 1, 'x')}, codec_error::text_too_long);
  for (const auto& [m, err] : bad) {
    SCOPED_TRACE(message_name(m));
    const auto v = validate(m);
    ASSERT_FALSE(v.has_value());
    EXPECT_EQ(v.error(), err);
    EXPECT_EQ(decode_error(encode(m)), err);
  }
  // Counts that do not even fit the u16 field still never decode (the whole is too large).
  EXPECT_EQ(decode_error(encode(accept_channel{{}, std::vector<address>(0x10001)})), codec_error::message_too_large);
  EXPECT_EQ(decode_error(encode(error_message{1, std::string(0x10000, 'x')})), codec_error::message_too_large);
  for (int i = 0; i < 1000; ++i) EXPECT_TRUE(validate(gen.any()).has_value());
}

// Canonical: whatever decode accepts re-encodes to exactly the input. Mutations of valid encodings
// reach far more accepted inputs than noise does.
TEST(codec, accepted_inputs_re_encode_to_themselves) {
  message_gen gen(test_seed("codec_canonical"));
  auto& rng = gen.rng();
  int accepted = 0;
  int rejected = 0;
  for (int i = 0; i < 30'000; ++i) {
    byte_vector b = encode(gen.any());
    const int flips = 1 + static_cast<int>(rng() % 3);
    for (int f = 0; f < flips; ++f) {
      switch (rng() % 3) {
        case 0: b[rng() % b.size()] ^= static_cast<std::uint8_t>(1u << (rng() % 8)); break;
        case 1: b[rng() % b.size()] = static_cast<std::uint8_t>(rng()); break;
        default:
          if (b.size() > 3 && rng() % 2 == 0) b.erase(b.begin() + 3 + static_cast<std::ptrdiff_t>(rng() % (b.size() - 3)));
          else b.insert(b.begin() + static_cast<std::ptrdiff_t>(rng() % b.size()), static_cast<std::uint8_t>(rng()));
          break;
      }
    }
    auto r = decode(b);
    if (!r.has_value()) {
      ++rejected;
      EXPECT_FALSE(to_string(r.error()).empty());
      continue;
    }
    ++accepted;
    ASSERT_TRUE(validate(*r).has_value());
    ASSERT_EQ(encode(*r), b) << to_hex(b);
  }
  EXPECT_GT(accepted, 1000);
  EXPECT_GT(rejected, 1000);
}

// A count or length is checked against the bytes left before anything is reserved for it.
TEST(codec, decoding_never_allocates_more_than_the_input_justifies) {
  const byte_vector claims_64_locks = hex("01" "0021" + rep("66", 20) + "0040" + rep("77", 40));
  const byte_vector claims_1024_text = hex("01" "0011" "0001" "0400");
  EXPECT_EQ(decode_error(claims_64_locks), codec_error::truncated);
  EXPECT_EQ(decode_error(claims_1024_text), codec_error::truncated);
  EXPECT_LE(largest_allocation_decoding(claims_64_locks), claims_64_locks.size());
  EXPECT_LE(largest_allocation_decoding(claims_1024_text), claims_1024_text.size());

  // The tracker itself works: an accepted 64-lock message does allocate its 1280 bytes.
  const byte_vector full = hex("01" "0021" + rep("66", 20) + "0040" + rep("77", 20 * 64));
  EXPECT_GE(largest_allocation_decoding(full), 64 * address::size());

  message_gen gen(test_seed("codec_allocation"));
  auto& rng = gen.rng();
  for (int i = 0; i < 2000; ++i) {
    byte_vector b = encode(gen.any());
    b.resize(rng() % (b.size() + 1));
    ASSERT_LE(largest_allocation_decoding(b), b.size() + 1) << to_hex(b);  // +1: a string's NUL
  }
}

TEST(codec, error_names_are_distinct) {
  std::set<std::string_view> names;
  for (int e = static_cast<int>(codec_error::unsupported_version);
       e <= static_cast<int>(codec_error::invalid_flag); ++e) {
    const auto name = to_string(static_cast<codec_error>(e));
    EXPECT_NE(name, "unknown_codec_error") << e;
    names.insert(name);
  }
  EXPECT_EQ(names.size(), 12u);
}

TEST(byte_reader, a_failed_read_does_not_advance) {
  const byte_vector data = hex("0102030405");
  byte_reader r(data);
  std::uint32_t v32 = 0;
  ASSERT_TRUE(r.read_u32(v32));
  EXPECT_EQ(v32, 0x01020304u);
  std::uint16_t v16 = 0;
  EXPECT_FALSE(r.read_u16(v16));
  EXPECT_EQ(r.remaining(), 1u);
  std::uint8_t v8 = 0;
  ASSERT_TRUE(r.read_u8(v8));
  EXPECT_EQ(v8, 5);
  EXPECT_EQ(r.remaining(), 0u);
}

TEST(byte_writer, writes_big_endian) {
  byte_vector out;
  byte_writer w(out);
  w.put_u8(0x01);
  w.put_u16(0x0203);
  w.put_u32(0x04050607);
  w.put_u64(0x08090a0b0c0d0e0full);
  EXPECT_EQ(to_hex(out), "0102030405060708090a0b0c0d0e0f");
}

}  // namespace
}  // namespace clearway::protocol
