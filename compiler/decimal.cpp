#include "compiler/decimal.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdlib>

namespace migc {

namespace {
// Beyond PostgreSQL's own limits on a numeric's weight; nothing past them is judged here.
constexpr long exponent_limit = 200000;

void normalize(Decimal& value) {
  const std::size_t first = value.digits.find_first_not_of('0');
  if (first == std::string::npos) {
    value = Decimal{};
    return;
  }
  value.digits.erase(0, first);
  value.point -= static_cast<long>(first);
  value.digits.erase(value.digits.find_last_not_of('0') + 1);
}
}  // namespace

std::optional<Decimal> Decimal::parse(std::string_view text) {
  const auto space = [](char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; };
  while (!text.empty() && space(text.front())) text.remove_prefix(1);
  while (!text.empty() && space(text.back())) text.remove_suffix(1);
  Decimal value;
  std::size_t at = 0;
  if (at < text.size() && (text[at] == '+' || text[at] == '-')) value.negative = text[at++] == '-';
  std::size_t whole = 0;
  while (at < text.size() && std::isdigit(static_cast<unsigned char>(text[at]))) {
    value.digits += text[at++];
    ++whole;
  }
  std::size_t fraction = 0;
  if (at < text.size() && text[at] == '.') {
    ++at;
    while (at < text.size() && std::isdigit(static_cast<unsigned char>(text[at]))) {
      value.digits += text[at++];
      ++fraction;
    }
  }
  if (whole + fraction == 0) return std::nullopt;
  long exponent = 0;
  if (at < text.size() && (text[at] == 'e' || text[at] == 'E')) {
    ++at;
    const bool minus = at < text.size() && text[at] == '-';
    if (at < text.size() && (text[at] == '+' || text[at] == '-')) ++at;
    const std::size_t start = at;
    while (at < text.size() && std::isdigit(static_cast<unsigned char>(text[at]))) ++at;
    if (at == start || at - start > 7) return std::nullopt;
    std::from_chars(text.data() + start, text.data() + at, exponent);
    if (exponent > exponent_limit) return std::nullopt;  // both ways
    if (minus) exponent = -exponent;
  }
  if (at != text.size()) return std::nullopt;
  value.point = static_cast<long>(whole) + exponent;
  const bool negative = value.negative;
  normalize(value);
  if (!value.digits.empty()) value.negative = negative;
  return value;
}

Decimal Decimal::of(long long value) {
  return *parse(std::to_string(value));
}

Decimal Decimal::rounded(long scale) const {
  const long keep = point + scale;  // significant digits that stay
  if (keep >= static_cast<long>(digits.size())) return *this;
  if (keep < 0) return Decimal{};
  Decimal result = *this;
  const bool up = digits[static_cast<std::size_t>(keep)] >= '5';
  result.digits.resize(static_cast<std::size_t>(keep));
  if (up) {
    long i = keep - 1;
    for (; i >= 0 && result.digits[static_cast<std::size_t>(i)] == '9'; --i) result.digits[static_cast<std::size_t>(i)] = '0';
    if (i >= 0) {
      ++result.digits[static_cast<std::size_t>(i)];
    } else {
      result.digits.insert(result.digits.begin(), '1');
      ++result.point;
    }
  }
  normalize(result);
  if (!result.digits.empty()) result.negative = negative;
  return result;
}

std::string Decimal::text() const {
  if (digits.empty()) return "0";
  std::string out = negative ? "-" : "";
  if (point <= 0) {
    out += "0.";
    out.append(static_cast<std::size_t>(-point), '0');
    out += digits;
  } else if (point >= static_cast<long>(digits.size())) {
    out += digits;
    out.append(static_cast<std::size_t>(point) - digits.size(), '0');
  } else {
    out += digits.substr(0, static_cast<std::size_t>(point));
    out += '.';
    out += digits.substr(static_cast<std::size_t>(point));
  }
  return out;
}

std::strong_ordering operator<=>(const Decimal& left, const Decimal& right) {
  const auto sign = [](const Decimal& value) { return value.digits.empty() ? 0 : value.negative ? -1 : 1; };
  if (sign(left) != sign(right)) return sign(left) <=> sign(right);
  if (sign(left) == 0) return std::strong_ordering::equal;
  // Same sign: compare magnitudes, then flip for negatives.
  std::strong_ordering magnitude = left.point <=> right.point;
  if (magnitude == std::strong_ordering::equal) {
    const int compared = left.digits.compare(right.digits);
    magnitude = compared <=> 0;
  }
  return left.negative ? 0 <=> magnitude : magnitude;
}

}  // namespace migc
