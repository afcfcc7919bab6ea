// Flag parsing for clearway-bench's subcommands: each subcommand declares its flags once (name,
// value, help, bounds, where the value goes) and gets parsing, range checks, `--help` text and the
// one-line usage from that single table. Pure: no I/O; errors are values naming the flag.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.hpp"

namespace clearway::tools::bench {

// What went wrong with the command line, for people: one line that names the flag,
// e.g. "--payments: 'abc' is not a whole number".
struct usage_error {
  std::string message;
};

enum class number_error { not_a_number = 1, out_of_range };
[[nodiscard]] std::string_view to_string(number_error e) noexcept;

// Decimal digits only (no sign, spaces, suffixes or hex); overflow is out_of_range.
[[nodiscard]] result<std::uint64_t, number_error> parse_u64(std::string_view text) noexcept;
// A finite decimal number ("2.5", "1e6"); inf, nan and hex floats are not_a_number.
[[nodiscard]] result<double, number_error> parse_real(std::string_view text) noexcept;

// The closest of `candidates` to `word` by edit distance, if it is close enough to be a typo.
[[nodiscard]] std::optional<std::string> closest_match(std::string_view word, std::span<const std::string> candidates);

enum class parse_outcome { run, help };

class flag_set {
 public:
  // Turns a flag's text into its value; returns a message (without the flag name) on failure.
  using setter = std::function<std::optional<std::string>(std::string_view value)>;

  // `command` is the full command name ("clearway-bench simulate"); `about` a one-paragraph summary.
  flag_set(std::string command, std::string about);

  // Whole numbers in [min, max]; the target's value at registration is the documented default.
  flag_set& add_u64(std::string name, std::string value_name, std::string help, std::uint64_t& target,
                    std::uint64_t min, std::uint64_t max);
  flag_set& add_u32(std::string name, std::string value_name, std::string help, std::uint32_t& target,
                    std::uint32_t min, std::uint32_t max);
  // Finite reals in [min, max].
  flag_set& add_real(std::string name, std::string value_name, std::string help, double& target, double min,
                     double max);
  // Any non-empty text.
  flag_set& add_text(std::string name, std::string value_name, std::string help, std::string& target);
  // One of `choices`.
  flag_set& add_choice(std::string name, std::string help, std::string& target, std::vector<std::string> choices);
  // A flag without a value.
  flag_set& add_switch(std::string name, std::string help, bool& target);
  // Anything else: `set` validates and stores; `default_text` is shown in --help.
  flag_set& add_custom(std::string name, std::string value_name, std::string help, std::string default_text,
                       setter set);

  // Accepts `--flag value` and `--flag=value`; `--help`/`-h` anywhere gives parse_outcome::help.
  // Unknown flags, missing or malformed values, out-of-range numbers, repeated flags and stray
  // arguments are usage errors. Targets of flags that parsed before an error may have changed.
  [[nodiscard]] result<parse_outcome, usage_error> parse(std::span<const std::string_view> args) const;

  [[nodiscard]] std::string usage() const;  // "usage: clearway-bench simulate [--topology T] ..."
  [[nodiscard]] std::string help() const;   // the summary, the usage and one paragraph per flag
  [[nodiscard]] const std::string& command() const noexcept { return command_; }

 private:
  struct flag {
    std::string name;        // with the leading "--"
    std::string value_name;  // empty for a switch
    std::string help;
    std::string default_text;
    setter set;
  };
  flag_set& add(flag f);
  [[nodiscard]] const flag* find(std::string_view name) const noexcept;

  std::string command_;
  std::string about_;
  std::vector<flag> flags_;
};

}  // namespace clearway::tools::bench
