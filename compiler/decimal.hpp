// Decimal numbers as PostgreSQL's numeric holds them: exactly, rounded half away from zero.
// Binary floating point would call 0.1000000000000000001 equal to 0.1, and round 2.5 to 2.
#pragma once

#include <algorithm>
#include <compare>
#include <optional>
#include <string>
#include <string_view>

namespace migc {

struct Decimal {
  bool negative = false;
  std::string digits;  // significant digits, no leading or trailing zeros; empty for zero
  long point = 0;      // the value is 0.<digits> × 10^point

  // `[+-]digits[.digits][e[+-]digits]`, spaces around it allowed, as numeric_in() reads it.
  static std::optional<Decimal> parse(std::string_view text);
  static Decimal of(long long value);

  // Rounded to `scale` digits after the decimal point (negative: before it), half away from zero.
  Decimal rounded(long scale) const;
  // How many digits it has before the decimal point.
  long integer_digits() const { return digits.empty() ? 0 : std::max(0L, point); }
  bool is_whole() const { return static_cast<long>(digits.size()) <= point || digits.empty(); }
  std::string text() const;

  friend std::strong_ordering operator<=>(const Decimal& left, const Decimal& right);
  friend bool operator==(const Decimal& left, const Decimal& right) = default;
};

}  // namespace migc
