#include "tools/bench/cli.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <set>
#include <sstream>

namespace clearway::tools::bench {

std::string_view to_string(number_error e) noexcept {
  switch (e) {
    case number_error::not_a_number:
      return "not_a_number";
    case number_error::out_of_range:
      return "out_of_range";
  }
  return "unknown";
}

result<std::uint64_t, number_error> parse_u64(std::string_view text) noexcept {
  if (text.empty() || !std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return number_error::not_a_number;
  }
  std::uint64_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec == std::errc::result_out_of_range) return number_error::out_of_range;
  if (ec != std::errc{} || end != text.data() + text.size()) return number_error::not_a_number;
  return value;
}

result<double, number_error> parse_real(std::string_view text) noexcept {
  // from_chars would accept "inf", "nan" and (with a format flag) hex; only plain decimals here.
  if (text.empty() || !std::all_of(text.begin(), text.end(), [](char c) {
        return (c >= '0' && c <= '9') || c == '.' || c == 'e' || c == 'E' || c == '-' || c == '+';
      })) {
    return number_error::not_a_number;
  }
  double value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value, std::chars_format::general);
  if (ec == std::errc::result_out_of_range) return number_error::out_of_range;
  if (ec != std::errc{} || end != text.data() + text.size()) return number_error::not_a_number;
  if (!std::isfinite(value)) return number_error::out_of_range;
  return value;
}

namespace {

std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

std::string format_real(double v) {
  // Whole numbers as integers ("1000000", not "1e+06"): defaults read like what one would type.
  if (std::isfinite(v) && v == std::floor(v) && std::fabs(v) < 1e15) {
    return std::to_string(static_cast<long long>(v));
  }
  char buf[64];
  const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  return ec == std::errc{} ? std::string(buf, end) : std::string("?");
}

// `text` as lines of at most `width` columns (longer words stay whole), each indented.
std::string wrap(std::string_view text, std::size_t indent, std::size_t width) {
  std::string out;
  std::string line(indent, ' ');
  std::size_t pos = 0;
  while (pos < text.size()) {
    const std::size_t end = std::min(text.find(' ', pos), text.size());
    const std::string_view word = text.substr(pos, end - pos);
    if (line.size() > indent && line.size() + 1 + word.size() > width) {
      out += line + "\n";
      line.assign(indent, ' ');
    }
    if (line.size() > indent) line += ' ';
    line += word;
    pos = end + 1;
  }
  if (line.size() > indent) out += line + "\n";
  return out;
}

std::string quoted(std::string_view s) {
  // Appended piecewise: g++ 12 warns falsely (-Wrestrict) on "'" + std::string(s) + "'".
  std::string out;
  out.reserve(s.size() + 2);
  out += '\'';
  out += s;
  out += '\'';
  return out;
}

}  // namespace

std::optional<std::string> closest_match(std::string_view word, std::span<const std::string> candidates) {
  std::optional<std::string> best;
  std::size_t best_distance = 0;
  for (const auto& c : candidates) {
    const std::size_t d = edit_distance(word, c);
    if (!best || d < best_distance) {
      best = c;
      best_distance = d;
    }
  }
  // A typo is a few edits away, relative to the word's length.
  if (best && best_distance <= std::max<std::size_t>(2, word.size() / 4)) return best;
  return std::nullopt;
}

flag_set::flag_set(std::string command, std::string about) : command_(std::move(command)), about_(std::move(about)) {}

flag_set& flag_set::add(flag f) {
  if (!f.name.starts_with("--")) f.name = "--" + f.name;
  flags_.push_back(std::move(f));
  return *this;
}

flag_set& flag_set::add_u64(std::string name, std::string value_name, std::string help, std::uint64_t& target,
                            std::uint64_t min, std::uint64_t max) {
  std::string range = std::to_string(min) + " .. " + std::to_string(max);
  return add({std::move(name), std::move(value_name), std::move(help), std::to_string(target),
              [&target, min, max, range](std::string_view text) -> std::optional<std::string> {
                auto v = parse_u64(text);
                if (!v && v.error() == number_error::not_a_number) return quoted(text) + " is not a whole number";
                if (!v || *v < min || *v > max) return quoted(text) + " is out of range (" + range + ")";
                target = *v;
                return std::nullopt;
              }});
}

flag_set& flag_set::add_u32(std::string name, std::string value_name, std::string help, std::uint32_t& target,
                            std::uint32_t min, std::uint32_t max) {
  std::string range = std::to_string(min) + " .. " + std::to_string(max);
  return add({std::move(name), std::move(value_name), std::move(help), std::to_string(target),
              [&target, min, max, range](std::string_view text) -> std::optional<std::string> {
                auto v = parse_u64(text);
                if (!v && v.error() == number_error::not_a_number) return quoted(text) + " is not a whole number";
                if (!v || *v < min || *v > max) return quoted(text) + " is out of range (" + range + ")";
                target = static_cast<std::uint32_t>(*v);
                return std::nullopt;
              }});
}

flag_set& flag_set::add_real(std::string name, std::string value_name, std::string help, double& target, double min,
                             double max) {
  std::string range = format_real(min) + " .. " + format_real(max);
  return add({std::move(name), std::move(value_name), std::move(help), format_real(target),
              [&target, min, max, range](std::string_view text) -> std::optional<std::string> {
                auto v = parse_real(text);
                if (!v && v.error() == number_error::not_a_number) return quoted(text) + " is not a number";
                if (!v || *v < min || *v > max) return quoted(text) + " is out of range (" + range + ")";
                target = *v;
                return std::nullopt;
              }});
}

flag_set& flag_set::add_text(std::string name, std::string value_name, std::string help, std::string& target) {
  return add({std::move(name), std::move(value_name), std::move(help), target.empty() ? "" : target,
              [&target](std::string_view text) -> std::optional<std::string> {
                if (text.empty()) return std::string("the value is empty");
                target = std::string(text);
                return std::nullopt;
              }});
}

flag_set& flag_set::add_choice(std::string name, std::string help, std::string& target,
                               std::vector<std::string> choices) {
  std::string value_name;
  for (const auto& c : choices) value_name += (value_name.empty() ? "" : "|") + c;
  return add({std::move(name), value_name, std::move(help), target,
              [&target, choices, value_name](std::string_view text) -> std::optional<std::string> {
                if (std::find(choices.begin(), choices.end(), text) == choices.end()) {
                  return quoted(text) + " is not one of " + value_name;
                }
                target = std::string(text);
                return std::nullopt;
              }});
}

flag_set& flag_set::add_switch(std::string name, std::string help, bool& target) {
  return add({std::move(name), "", std::move(help), "", [&target](std::string_view) -> std::optional<std::string> {
                target = true;
                return std::nullopt;
              }});
}

flag_set& flag_set::add_custom(std::string name, std::string value_name, std::string help, std::string default_text,
                               setter set) {
  return add({std::move(name), std::move(value_name), std::move(help), std::move(default_text), std::move(set)});
}

const flag_set::flag* flag_set::find(std::string_view name) const noexcept {
  for (const auto& f : flags_) {
    if (f.name == name) return &f;
  }
  return nullptr;
}

result<parse_outcome, usage_error> flag_set::parse(std::span<const std::string_view> args) const {
  for (std::string_view a : args) {
    if (a == "--help" || a == "-h") return parse_outcome::help;
    if (a == "--") break;
  }
  std::set<std::string, std::less<>> seen;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string_view arg = args[i];
    if (arg == "--") {
      if (i + 1 < args.size()) return usage_error{"unexpected argument " + quoted(args[i + 1])};
      break;
    }
    if (!arg.starts_with("--") || arg.size() == 2) {
      return usage_error{"unexpected argument " + quoted(arg) + (arg.starts_with("-") ? " (flags start with --)" : "")};
    }
    const std::size_t eq = arg.find('=');
    const std::string_view name = arg.substr(0, eq);
    const flag* f = find(name);
    if (f == nullptr) {
      std::vector<std::string> names;
      for (const auto& g : flags_) names.push_back(g.name);
      auto near = closest_match(name, names);
      return usage_error{"unknown flag " + quoted(name) + (near ? " (did you mean " + *near + "?)" : "")};
    }
    if (!seen.insert(std::string(name)).second) return usage_error{f->name + ": given more than once"};
    std::string_view value;
    if (f->value_name.empty()) {
      if (eq != std::string_view::npos) return usage_error{f->name + ": takes no value"};
    } else if (eq != std::string_view::npos) {
      value = arg.substr(eq + 1);
    } else {
      // A following flag is not taken as the value: `--json --seed 3` is a missing value.
      if (i + 1 >= args.size() || args[i + 1].starts_with("--")) {
        return usage_error{f->name + ": missing value (" + f->value_name + ")"};
      }
      value = args[++i];
    }
    if (auto problem = f->set(value)) return usage_error{f->name + ": " + *problem};
  }
  return parse_outcome::run;
}

std::string flag_set::usage() const {
  std::string out = "usage: " + command_;
  const std::size_t indent = out.size();
  std::size_t line_start = 0;
  for (const auto& f : flags_) {
    const std::string item = "[" + f.name + (f.value_name.empty() ? "" : " " + f.value_name) + "]";
    if (out.size() - line_start + 1 + item.size() > 100) {
      out += "\n";
      line_start = out.size();
      out += std::string(indent, ' ');
    }
    out += " " + item;
  }
  return out;
}

std::string flag_set::help() const {
  std::ostringstream out;
  out << about_ << "\n\n" << usage() << "\n\nflags:\n";
  for (const auto& f : flags_) {
    std::string text = f.help;
    if (!f.default_text.empty()) text += " (default: " + f.default_text + ")";
    out << "  " << f.name << (f.value_name.empty() ? "" : " " + f.value_name) << "\n" << wrap(text, 6, 100);
  }
  out << "  --help\n      this text\n";
  return out.str();
}

}  // namespace clearway::tools::bench
