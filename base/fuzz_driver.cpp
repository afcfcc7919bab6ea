// Drives a libFuzzer entry point without clang: a seeded mutation loop over the target's seed
// inputs (clearway_fuzz_seeds, optional). Usage: <fuzzer> [--runs N]; CLEARWAY_SEED replays a run.
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "base/test_seed.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);
// A target may provide seed inputs (valid messages) so mutations reach deep code paths.
extern "C" __attribute__((weak)) void clearway_fuzz_seeds(std::vector<std::vector<std::uint8_t>>* out);

namespace {

void mutate(std::vector<std::uint8_t>& input, std::mt19937_64& rng,
            const std::vector<std::vector<std::uint8_t>>& corpus) {
  const int rounds = 1 + static_cast<int>(rng() % 4);
  for (int r = 0; r < rounds; ++r) {
    switch (rng() % 7) {
      case 0:  // flip a bit
        if (!input.empty()) input[rng() % input.size()] ^= static_cast<std::uint8_t>(1u << (rng() % 8));
        break;
      case 1:  // set a byte to an interesting value
        if (!input.empty()) {
          static constexpr std::uint8_t interesting[] = {0x00, 0x01, 0x7f, 0x80, 0xff, 0xfe};
          input[rng() % input.size()] = interesting[rng() % sizeof(interesting)];
        }
        break;
      case 2:  // insert random bytes
        input.insert(input.begin() + static_cast<std::ptrdiff_t>(input.empty() ? 0 : rng() % input.size()),
                     static_cast<std::size_t>(1 + rng() % 8), static_cast<std::uint8_t>(rng()));
        break;
      case 3:  // erase a range
        if (!input.empty()) {
          const std::size_t at = rng() % input.size();
          const std::size_t n = std::min<std::size_t>(1 + rng() % 16, input.size() - at);
          input.erase(input.begin() + static_cast<std::ptrdiff_t>(at), input.begin() + static_cast<std::ptrdiff_t>(at + n));
        }
        break;
      case 4:  // truncate
        if (!input.empty()) input.resize(rng() % input.size());
        break;
      case 5:  // splice with another corpus entry
        if (!corpus.empty()) {
          const auto& other = corpus[rng() % corpus.size()];
          if (!other.empty()) {
            const std::size_t from = rng() % other.size();
            input.insert(input.end(), other.begin() + static_cast<std::ptrdiff_t>(from), other.end());
          }
        }
        break;
      default:  // overwrite 8 bytes with a random word (lengths, counts)
        if (input.size() >= 8) {
          const std::uint64_t word = rng();
          std::memcpy(input.data() + rng() % (input.size() - 7), &word, 8);
        }
        break;
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  long runs = 100000;
  for (int i = 1; i + 1 < argc; ++i) {
    if (std::strcmp(argv[i], "--runs") == 0) runs = std::strtol(argv[i + 1], nullptr, 10);
  }
  std::mt19937_64 rng(clearway::test_seed("fuzz"));
  std::vector<std::vector<std::uint8_t>> corpus;
  if (clearway_fuzz_seeds != nullptr) clearway_fuzz_seeds(&corpus);
  if (corpus.empty()) corpus.emplace_back();
  for (const auto& seed_input : corpus) LLVMFuzzerTestOneInput(seed_input.data(), seed_input.size());
  for (long i = 0; i < runs; ++i) {
    std::vector<std::uint8_t> input = corpus[rng() % corpus.size()];
    if (rng() % 8 == 0) {  // occasionally pure noise
      input.resize(rng() % 512);
      for (auto& b : input) b = static_cast<std::uint8_t>(rng());
    } else {
      mutate(input, rng, corpus);
    }
    LLVMFuzzerTestOneInput(input.data(), input.size());
  }
  std::printf("fuzz: %ld runs, no crash\n", runs);
  return 0;
}
