#include "compiler/constant_values.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <climits>
#include <cmath>
#include <limits>
#include <nlohmann/json.hpp>
#include <regex>

namespace migc {
namespace {

using Kind = SqlConstant::Kind;

std::string trimmed_lower(const std::string& text) {
  std::size_t begin = 0;
  std::size_t end = text.size();
  while (begin < end && std::isspace(static_cast<unsigned char>(text[begin]))) ++begin;
  while (end > begin && std::isspace(static_cast<unsigned char>(text[end - 1]))) --end;
  std::string out = text.substr(begin, end - begin);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string kind_name(Kind kind) {
  switch (kind) {
    case Kind::integer: return "integer";
    case Kind::number: return "numeric";
    case Kind::boolean: return "boolean";
    case Kind::bits: return "bit";
    default: return "text";
  }
}

std::string invalid_syntax(const std::string& type, const std::string& value) {
  return fmt::format("invalid input syntax for type {}: \"{}\"", type, value);
}

// Integers: PostgreSQL's int2in/int4in/int8in (no underscores before 16).
std::optional<std::string> integer_refused(const SqlConstant& constant, const std::string& type, long double min, long double max) {
  if (constant.kind == Kind::boolean || constant.kind == Kind::bits) return fmt::format("a {} is not a {}", kind_name(constant.kind), type);
  if (constant.kind == Kind::integer && constant.value.empty()) return std::nullopt;
  const std::string text = trimmed_lower(constant.value);
  if (constant.kind == Kind::string) {
    static const std::regex digits(R"([+-]?[0-9]+)");
    if (!std::regex_match(text, digits)) return invalid_syntax(type, constant.value);
  }
  const long double value = std::strtold(text.c_str(), nullptr);
  if (value < min - 0.5L || value >= max + 0.5L) return fmt::format("{} is out of range for type {}", constant.value, type);
  return std::nullopt;
}

std::optional<std::string> number_refused(const SqlConstant& constant, const std::string& type) {
  if (constant.kind == Kind::boolean || constant.kind == Kind::bits) return fmt::format("a {} is not a {}", kind_name(constant.kind), type);
  if (constant.kind != Kind::string) return std::nullopt;
  const std::string text = trimmed_lower(constant.value);
  static const std::regex number(R"([+-]?([0-9]+\.?[0-9]*|\.[0-9]+)(e[+-]?[0-9]+)?)");
  if (std::regex_match(text, number)) return std::nullopt;
  for (const char* special : {"nan", "infinity", "+infinity", "-infinity", "inf", "+inf", "-inf"}) {
    if (text == special) return std::nullopt;
  }
  return invalid_syntax(type, constant.value);
}

// parse_bool(): a prefix of true/false/yes/no, on/off (two letters at least), 1 or 0.
std::optional<std::string> boolean_refused(const SqlConstant& constant) {
  if (constant.kind == Kind::boolean || constant.kind == Kind::null) return std::nullopt;
  if (constant.kind != Kind::string) return fmt::format("a {} is not a boolean: write true or false", kind_name(constant.kind));
  const std::string text = trimmed_lower(constant.value);
  const auto prefix_of = [&](std::string_view word, std::size_t at_least) {
    return text.size() >= at_least && text.size() <= word.size() && word.substr(0, text.size()) == text;
  };
  if (text == "1" || text == "0" || prefix_of("true", 1) || prefix_of("false", 1) || prefix_of("yes", 1) || prefix_of("no", 1) ||
      prefix_of("on", 2) || prefix_of("off", 2)) {
    return std::nullopt;
  }
  return invalid_syntax("boolean", constant.value);
}

// uuid_in(): 32 hex digits, in braces or not, a hyphen allowed after any group of four.
std::optional<std::string> uuid_refused(const SqlConstant& constant) {
  if (constant.kind != Kind::string) return fmt::format("a {} is not a uuid", kind_name(constant.kind));
  std::string_view text = constant.value;
  if (text.size() >= 2 && text.front() == '{' && text.back() == '}') text = text.substr(1, text.size() - 2);
  std::size_t digits = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (std::isxdigit(static_cast<unsigned char>(text[i]))) {
      ++digits;
    } else if (!(text[i] == '-' && digits > 0 && digits % 4 == 0 && digits < 32 && i + 1 < text.size() && text[i + 1] != '-')) {
      return invalid_syntax("uuid", constant.value);
    }
  }
  if (digits != 32) return invalid_syntax("uuid", constant.value);
  return std::nullopt;
}

// The text with every exponent's digits made `0`: PostgreSQL's json keeps a number as written
// (`1e999999` included) where nlohmann's reader turns it into a double and refuses what
// overflows one. Inside a string the change keeps the string a string, so syntax is unchanged.
std::string with_small_exponents(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    out += text[i];
    if ((text[i] != 'e' && text[i] != 'E') || i == 0 || !std::isdigit(static_cast<unsigned char>(text[i - 1]))) continue;
    std::size_t digits = i + 1;
    if (digits < text.size() && (text[digits] == '+' || text[digits] == '-')) out += text[digits++];
    std::size_t end = digits;
    while (end < text.size() && std::isdigit(static_cast<unsigned char>(text[end]))) ++end;
    if (end > digits) out += '0';
    i = end - 1;
  }
  return out;
}

// Whether jsonb, which stores a number as a numeric, refuses one of valid JSON text's numbers:
// "value overflows numeric format" past 131072 digits before the point or 16383 after it,
// counted as written (1.0e-16383 needs 16384; 0.0001e131075 has 131072 before it). Measured on
// PostgreSQL 15.
bool jsonb_number_overflows(const std::string& text) {
  bool in_string = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (c == '\\') ++i;
      else if (c == '"') in_string = false;
      continue;
    }
    if (c == '"') {
      in_string = true;
      continue;
    }
    if (!std::isdigit(static_cast<unsigned char>(c))) continue;
    // A number: integer digits, fraction digits, exponent.
    long long magnitude = LLONG_MIN;  // of its first non-zero digit, 0 for the units
    long long integer_digits = 0;
    long long fraction_digits = 0;
    for (; i < text.size() && std::isdigit(static_cast<unsigned char>(text[i])); ++i, ++integer_digits) {
      if (magnitude == LLONG_MIN && text[i] != '0') magnitude = integer_digits;  // fixed below
    }
    if (magnitude != LLONG_MIN) magnitude = integer_digits - 1 - magnitude;
    if (i < text.size() && text[i] == '.') {
      for (++i; i < text.size() && std::isdigit(static_cast<unsigned char>(text[i])); ++i) {
        ++fraction_digits;
        if (magnitude == LLONG_MIN && text[i] != '0') magnitude = -fraction_digits;
      }
    }
    long long exponent = 0;
    if (i < text.size() && (text[i] == 'e' || text[i] == 'E')) {
      ++i;
      const bool negative = i < text.size() && text[i] == '-';
      if (i < text.size() && (text[i] == '-' || text[i] == '+')) ++i;
      for (; i < text.size() && std::isdigit(static_cast<unsigned char>(text[i])); ++i) {
        exponent = std::min<long long>(exponent * 10 + (text[i] - '0'), 1'000'000'000);
      }
      if (negative) exponent = -exponent;
    }
    --i;
    if (fraction_digits - exponent > 16383) return true;
    if (magnitude != LLONG_MIN && magnitude + exponent > 131071) return true;
  }
  return false;
}

std::optional<std::string> json_refused(const SqlConstant& constant, const std::string& type) {
  if (constant.kind != Kind::string) return fmt::format("a {} is not {}: write it as a string, '{}'", kind_name(constant.kind), type, constant.value);
  if (!nlohmann::json::accept(with_small_exponents(constant.value))) return invalid_syntax(type, constant.value);
  if (type == "jsonb" && jsonb_number_overflows(constant.value)) return std::string("value overflows numeric format");
  return std::nullopt;
}

// Dates and times take many spellings (and DateStyle decides some): only what no spelling takes
// is refused: no digit and no special word, or an ISO date with no such day.
std::optional<std::string> datetime_refused(const SqlConstant& constant, const std::string& type) {
  if (constant.kind != Kind::string) return fmt::format("a {} is not a {}", kind_name(constant.kind), type);
  const std::string text = trimmed_lower(constant.value);
  const bool time_of_day = type == "time without time zone" || type == "time with time zone";
  for (const char* special : {"epoch", "infinity", "-infinity", "now", "today", "tomorrow", "yesterday", "allballs"}) {
    // `allballs` is midnight: a time's word only.
    if (text == special && (time_of_day || std::string_view(special) != "allballs")) return std::nullopt;
  }
  if (std::none_of(text.begin(), text.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); })) {
    return invalid_syntax(type, constant.value);
  }
  static const std::regex iso(R"(([0-9]{4})-([0-9]{2})-([0-9]{2})([ t].*)?)");
  std::smatch parts;
  if (type != "time without time zone" && type != "time with time zone" && std::regex_match(text, parts, iso)) {
    const int year = std::stoi(parts[1]);
    const int month = std::stoi(parts[2]);
    const int day = std::stoi(parts[3]);
    constexpr int days[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    if (month < 1 || month > 12 || day < 1 || day > days[month - 1] || (month == 2 && day == 29 && !leap)) {
      return fmt::format("date/time field value out of range: \"{}\"", constant.value);
    }
  }
  // A time of day: 24:00:00 is the latest PostgreSQL takes (and a leap second, :60).
  static const std::regex clock(R"((^|[ t])([0-9]{1,2}):([0-9]{2})(:([0-9]{2})(\.[0-9]+)?)?)");
  if (type != "date" && std::regex_search(text, parts, clock)) {
    const int hour = std::stoi(parts[2]);
    const int minute = std::stoi(parts[3]);
    const int second = parts[5].matched ? std::stoi(parts[5]) : 0;
    const bool fraction = parts[6].matched && parts[6].str().find_first_not_of(".0") != std::string::npos;
    if (hour > 24 || minute > 59 || second > 60 || (hour == 24 && (minute > 0 || second > 0 || fraction))) {
      return fmt::format("date/time field value out of range: \"{}\"", constant.value);
    }
  }
  return std::nullopt;
}

// The text a constant gives a character column: a string's own, or what the assignment cast
// of a number or boolean writes. Nothing for an integer the tree leaves unwritten.
std::optional<std::string> as_text(const SqlConstant& constant) {
  if (constant.kind == Kind::integer && constant.value.empty()) return std::nullopt;
  return constant.value;
}

std::size_t characters(std::string_view text) {
  return static_cast<std::size_t>(std::count_if(text.begin(), text.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xc0) != 0x80; }));
}

// varchar(n) and char(n) refuse a longer value, unless what is past n is only spaces (which they
// cut off).
std::optional<std::string> length_refused(const SqlConstant& constant, const ColumnType& type) {
  if (type.modifiers.empty()) return std::nullopt;
  const auto text = as_text(constant);
  if (!text) return std::nullopt;
  const auto limit = static_cast<std::size_t>(std::max(type.modifiers[0], 0));
  if (characters(*text) <= limit) return std::nullopt;
  // The bytes of the first `limit` characters.
  std::size_t kept = 0;
  for (std::size_t seen = 0; kept < text->size(); ++kept) {
    if ((static_cast<unsigned char>((*text)[kept]) & 0xc0) != 0x80 && seen++ == limit) break;
  }
  if (text->find_first_not_of(' ', kept) == std::string::npos) return std::nullopt;
  return fmt::format("value too long for type {}", type.sql());
}

// numeric(p, s): the value rounded to s decimals must have at most p - s digits before the point.
std::optional<std::string> precision_refused(const SqlConstant& constant, const ColumnType& type) {
  if (type.modifiers.empty() || (constant.kind != Kind::integer && constant.kind != Kind::number && constant.kind != Kind::string)) {
    return std::nullopt;
  }
  const std::int32_t precision = type.modifiers[0];
  const std::int32_t scale = type.modifiers.size() > 1 ? type.modifiers[1] : 0;
  std::string text = trimmed_lower(constant.value);
  static const std::regex number(R"([+-]?([0-9]*)\.?([0-9]*)(e([+-]?[0-9]+))?)");
  std::smatch parts;
  if (!std::regex_match(text, parts, number) || (parts[1].length() == 0 && parts[2].length() == 0)) return std::nullopt;
  std::string digits = parts[1].str() + parts[2].str();
  long exponent = 0;
  if (parts[4].matched) {
    const std::string written = parts[4].str();
    std::from_chars(written.data() + (written[0] == '+' ? 1 : 0), written.data() + written.size(), exponent);
    if (std::abs(exponent) > 100000) return std::nullopt;  // PostgreSQL's own limits say more
  }
  long point = static_cast<long>(parts[1].length()) + exponent;  // digits before the decimal point
  // Rounded half away from zero at `scale` decimals.
  const long keep = point + scale;
  if (keep < 0) return std::nullopt;
  if (keep < static_cast<long>(digits.size())) {
    const bool up = digits[static_cast<std::size_t>(keep)] >= '5';
    digits.resize(static_cast<std::size_t>(keep));
    if (up) {
      long i = keep - 1;
      for (; i >= 0 && digits[static_cast<std::size_t>(i)] == '9'; --i) digits[static_cast<std::size_t>(i)] = '0';
      if (i >= 0) {
        ++digits[static_cast<std::size_t>(i)];
      } else {
        digits.insert(digits.begin(), '1');
        ++point;
      }
    }
  }
  const std::size_t first = digits.find_first_not_of('0');
  const long integer_digits = first == std::string::npos ? 0 : std::max(0L, point - static_cast<long>(first));
  if (integer_digits <= precision - scale) return std::nullopt;
  return fmt::format("numeric field overflow: a field with precision {}, scale {} must round to an absolute value less than {}",
                     precision, scale, precision - scale <= 0 ? std::string("1") : fmt::format("10^{}", precision - scale));
}

}  // namespace

std::optional<std::string> constant_refused(const SqlConstant& constant, const ColumnType& type,
                                            const std::vector<std::string>* enum_values) {
  if (constant.kind == Kind::null || type.array_dimensions > 0) return std::nullopt;
  if (type.user_defined) {
    if (enum_values == nullptr) return std::nullopt;
    if (constant.kind != Kind::string) return fmt::format("a {} is not a value of an enum type: write one of its values as a string", kind_name(constant.kind));
    if (std::find(enum_values->begin(), enum_values->end(), constant.value) == enum_values->end()) {
      return fmt::format("invalid input value for enum {}: \"{}\"", type.name, constant.value);
    }
    return std::nullopt;
  }
  const std::string& name = type.name.name;
  if (name == "smallint") return integer_refused(constant, name, -32768.0L, 32767.0L);
  if (name == "integer") return integer_refused(constant, name, -2147483648.0L, 2147483647.0L);
  if (name == "bigint") return integer_refused(constant, name, -9223372036854775808.0L, 9223372036854775807.0L);
  if (name == "character varying" || name == "character" || name == "bit varying" || name == "bit") {
    if (name.starts_with("bit")) return std::nullopt;
    return length_refused(constant, type);
  }
  if (name == "numeric") {
    if (auto refused = number_refused(constant, name)) return refused;
    return precision_refused(constant, type);
  }
  if (name == "real" || name == "double precision") return number_refused(constant, name);
  if (name == "boolean") return boolean_refused(constant);
  if (name == "uuid") return uuid_refused(constant);
  if (name == "json" || name == "jsonb") return json_refused(constant, name);
  if (name == "date" || name.starts_with("timestamp") || name.starts_with("time ")) return datetime_refused(constant, name);
  return std::nullopt;
}

}  // namespace migc
