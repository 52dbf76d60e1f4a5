#include "compiler/constant_values.hpp"

#include "compiler/decimal.hpp"
#include "compiler/postgres_catalog.hpp"

#include <fmt/format.h>

#include <arpa/inet.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cctype>
#include <charconv>
#include <climits>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <map>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <utility>

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
  // Exactly, as numeric rounds into the type (half away from zero): a long double would round
  // 2147483647.499999999999 up to 2147483647.5.
  const auto value = Decimal::parse(text);
  if (!value) return std::nullopt;
  const Decimal whole = value->rounded(0);
  if (whole < Decimal::of(static_cast<long long>(min)) || whole > Decimal::of(static_cast<long long>(max))) {
    return fmt::format("{} is out of range for type {}", constant.value, type);
  }
  return std::nullopt;
}

std::optional<std::string> number_refused(const SqlConstant& constant, const std::string& type) {
  if (constant.kind == Kind::boolean || constant.kind == Kind::bits) return fmt::format("a {} is not a {}", kind_name(constant.kind), type);
  if (constant.kind != Kind::string) return std::nullopt;
  const std::string text = trimmed_lower(constant.value);
  static const std::regex number(R"([+-]?([0-9]+\.?[0-9]*|\.[0-9]+)(e[+-]?[0-9]+)?)");
  if (std::regex_match(text, number)) return std::nullopt;
  // real and double precision are read by strtod(), which takes hexadecimal too.
  static const std::regex hexadecimal(R"([+-]?0x([0-9a-f]+\.?[0-9a-f]*|\.[0-9a-f]+)(p[+-]?[0-9]+)?)");
  if (type != "numeric" && std::regex_match(text, hexadecimal)) return std::nullopt;
  for (const char* special : {"nan", "infinity", "+infinity", "-infinity", "inf", "+inf", "-inf"}) {
    if (text == special) return std::nullopt;
  }
  return invalid_syntax(type, constant.value);
}

// float4in()/float8in(): strtof()/strtod() of the text; a value that overflows, or underflows to
// zero, is out of range (one that underflows to a subnormal is taken).
std::optional<std::string> float_refused(const SqlConstant& constant, const std::string& type) {
  if (auto refused = number_refused(constant, type)) return refused;
  if (constant.kind == Kind::integer && constant.value.empty()) return std::nullopt;
  const std::string text = trimmed_lower(constant.value);
  if (text.find_first_of("0123456789") == std::string::npos) return std::nullopt;  // nan, infinity
  errno = 0;
  const double value = type == "real" ? static_cast<double>(std::strtof(text.c_str(), nullptr)) : std::strtod(text.c_str(), nullptr);
  if (errno == ERANGE && (value == 0.0 || std::isinf(value))) return fmt::format("\"{}\" is out of range for type {}", constant.value, type);
  return std::nullopt;
}

// interval_in() takes many spellings (`1 day`, `P1D`, `01:02`, `1.5`): none without a digit
// but ISO 8601's empty `PT`, exactly so.
std::optional<std::string> interval_refused(const SqlConstant& constant) {
  if (constant.kind == Kind::boolean || constant.kind == Kind::bits) return fmt::format("a {} is not an interval", kind_name(constant.kind));
  if (constant.kind != Kind::string) return std::nullopt;
  if (constant.value.find_first_of("0123456789") == std::string::npos && constant.value != "PT") return invalid_syntax("interval", constant.value);
  // Each unit once (`1 day 1 day` is no interval); days and months are 32-bit counts.
  static const std::regex unit(R"(([0-9]+)(\.[0-9]*)?\s*([a-z]+))");
  static const std::map<std::string, std::string, std::less<>> units{
      {"year", "year"}, {"years", "year"}, {"y", "year"}, {"yr", "year"}, {"yrs", "year"},
      {"month", "month"}, {"months", "month"}, {"mon", "month"}, {"mons", "month"},
      {"week", "week"}, {"weeks", "week"}, {"w", "week"},
      {"day", "day"}, {"days", "day"}, {"d", "day"},
      {"hour", "hour"}, {"hours", "hour"}, {"h", "hour"}, {"hr", "hour"}, {"hrs", "hour"},
      {"minute", "minute"}, {"minutes", "minute"}, {"min", "minute"}, {"mins", "minute"}, {"m", "minute"},
      {"second", "second"}, {"seconds", "second"}, {"sec", "second"}, {"secs", "second"}, {"s", "second"},
      {"millisecond", "millisecond"}, {"milliseconds", "millisecond"}, {"ms", "millisecond"}, {"msec", "millisecond"},
      {"msecs", "millisecond"}, {"microsecond", "microsecond"}, {"microseconds", "microsecond"}, {"us", "microsecond"},
      {"usec", "microsecond"}, {"usecs", "microsecond"}, {"decade", "decade"}, {"decades", "decade"},
      {"century", "century"}, {"centuries", "century"}, {"millennium", "millennium"}, {"millennia", "millennium"}};
  std::string text = constant.value;
  std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  // ISO 8601 (`P1D`) and SQL's `1-2` spellings are read by other rules.
  if (text.find('p') != std::string::npos && text.find_first_of("0123456789") > text.find('p')) return std::nullopt;
  // Every word is a unit (PostgreSQL's deltatktbl, matched on its first 10 letters) or `ago`.
  static const std::set<std::string, std::less<>> words{
      "ago", "c", "cent", "centuries", "century", "d", "day", "days", "dec", "decade", "decades", "decs", "h", "hour", "hours", "hr",
      "hrs", "m", "microsecon", "mil", "millennia", "millennium", "millisecon", "mils", "min", "mins", "minute", "minutes", "mon",
      "mons", "month", "months", "ms", "msec", "msecond", "mseconds", "msecs", "s", "sec", "second", "seconds", "secs", "us", "usec",
      "usecond", "useconds", "usecs", "w", "week", "weeks", "y", "year", "years", "yr", "yrs"};
  static const std::regex word(R"([a-z]+)");
  for (std::sregex_iterator it(text.begin(), text.end(), word), end; it != end; ++it) {
    if (!words.contains(it->str().substr(0, 10))) return invalid_syntax("interval", constant.value);
  }
  std::set<std::string> seen;
  for (std::sregex_iterator it(text.begin(), text.end(), unit), end; it != end; ++it) {
    const auto found = units.find((*it)[3].str());
    if (found == units.end()) continue;
    if (!seen.insert(found->second).second) return invalid_syntax("interval", constant.value);
    const std::string digits = (*it)[1].str();
    const bool counted = found->second == "day" || found->second == "month" || found->second == "year";
    if (counted && !(*it)[2].matched && (digits.size() > 10 || (digits.size() == 10 && digits > "2147483647"))) {
      return fmt::format("interval field value out of range: \"{}\"", constant.value);
    }
    // Years are kept as months.
    if (found->second == "year" && !(*it)[2].matched && (digits.size() > 9 || (digits.size() == 9 && digits > "178956970"))) {
      return std::string("interval out of range");
    }
  }
  return std::nullopt;
}

// inet_in()/cidr_in(): an IPv4 or IPv6 address, then `/bits` or not; no space around it. IPv4
// takes abbreviations (`10/8`) that are not checked here, but four parts must be bytes; a cidr
// has no bit set right of its mask.
std::optional<std::string> network_refused(const SqlConstant& constant, const std::string& type) {
  if (constant.kind != Kind::string) return fmt::format("a {} is not an {} address: write it as a string", kind_name(constant.kind), type);
  const std::string& text = constant.value;
  const auto refused = [&] { return invalid_syntax(type, text); };
  if (text.empty() || text.find_first_not_of("0123456789abcdefABCDEF.:/") != std::string::npos) return refused();
  const std::size_t slash = text.find('/');
  const std::string address = text.substr(0, slash);
  const bool ipv6 = address.find(':') != std::string::npos;
  int bits = ipv6 ? 128 : 32;
  if (slash != std::string::npos) {
    const std::string written = text.substr(slash + 1);
    if (written.empty() || written.size() > 3 || written.find_first_not_of("0123456789") != std::string::npos) return refused();
    bits = std::stoi(written);
    if (bits > (ipv6 ? 128 : 32)) return refused();
  }
  unsigned char bytes[16] = {};
  if (ipv6) {
    if (inet_pton(AF_INET6, address.c_str(), bytes) != 1) return refused();
  } else {
    std::vector<std::string> parts{""};
    for (const char c : address) {
      if (c == '.') {
        parts.emplace_back();
      } else if (std::isdigit(static_cast<unsigned char>(c)) == 0) {
        return refused();
      } else {
        parts.back() += c;
      }
    }
    if (parts.size() > 4) return refused();
    for (const auto& part : parts) {
      if (part.empty() || part.size() > 3 || std::stoi(part) > 255) return refused();
    }
    // An abbreviation (`10/8`) needs its mask, but for a cidr, whose rules are inet_net_pton's.
    if (parts.size() < 4) {
      if (type == "inet" && slash == std::string::npos) return refused();
      return std::nullopt;
    }
    for (std::size_t i = 0; i < 4; ++i) bytes[i] = static_cast<unsigned char>(std::stoi(parts[i]));
  }
  if (type == "cidr") {
    const int size = ipv6 ? 16 : 4;
    for (int bit = bits; bit < size * 8; ++bit) {
      if ((bytes[bit / 8] & (0x80 >> (bit % 8))) != 0) return fmt::format("invalid cidr value: \"{}\"", text);
    }
  }
  return std::nullopt;
}

// macaddr_in(): six bytes in hex, in one of its groupings, one separator throughout: six groups
// of one or two digits (`:` or `-`), three of three or four (`.` or `-`), two of five or six
// (`:` or `-`), or twelve digits.
std::optional<std::string> macaddr_refused(const SqlConstant& constant) {
  if (constant.kind != Kind::string) return fmt::format("a {} is not a macaddr: write it as a string", kind_name(constant.kind));
  const std::string text = trimmed_lower(constant.value);
  const auto refused = [&] { return invalid_syntax("macaddr", constant.value); };
  if (text.empty() || text.find_first_not_of("0123456789abcdef:-.") != std::string::npos) return refused();
  char separator = '\0';
  std::vector<std::size_t> groups{0};
  for (const char c : text) {
    if (std::isxdigit(static_cast<unsigned char>(c)) != 0) {
      ++groups.back();
      continue;
    }
    if (separator != '\0' && c != separator) return refused();
    separator = c;
    groups.push_back(0);
  }
  const auto all = [&](std::size_t least, std::size_t most) {
    return std::all_of(groups.begin(), groups.end(), [&](std::size_t digits) { return digits >= least && digits <= most; });
  };
  const bool fits = (groups.size() == 6 && (separator == ':' || separator == '-') && all(1, 2)) ||
                    (groups.size() == 3 && (separator == '.' || separator == '-') && all(3, 4)) ||
                    (groups.size() == 2 && (separator == ':' || separator == '-') && all(5, 6)) || (groups.size() == 1 && all(12, 12));
  if (fits) return std::nullopt;
  return refused();
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
  // jsonb keeps text as PostgreSQL's text, which holds no NUL: `\u0000` is refused (json keeps it as written).
  if (type == "jsonb") {
    for (std::size_t at = constant.value.find("\\u0000"); at != std::string::npos; at = constant.value.find("\\u0000", at + 1)) {
      std::size_t backslashes = 0;
      while (backslashes < at && constant.value[at - 1 - backslashes] == '\\') ++backslashes;
      if (backslashes % 2 == 0) return std::string("unsupported Unicode escape sequence");
    }
  }
  return std::nullopt;
}

// PostgreSQL's date/time keywords (datetktbl): months, days, `am`, `at`, units, special days.
bool date_time_keyword(std::string_view word) {
  static const std::set<std::string_view> keywords = {
      "ad",     "allballs", "am",      "apr",       "april",    "at",   "aug",      "august",   "bc",       "d",       "dec",
      "december", "dow",    "doy",     "dst",       "epoch",    "feb",  "february", "fri",      "friday",   "h",       "infinity",
      "isodow", "isoyear",  "j",       "jan",       "january",  "jd",   "jul",      "julian",   "july",     "jun",     "june",
      "m",      "mar",      "march",   "may",       "mm",       "mon",  "monday",   "nov",      "november", "now",     "oct",
      "october", "on",      "pm",      "s",         "sat",      "saturday", "sep",  "sept",     "september", "sun",    "sunday",
      "t",      "thu",      "thur",    "thurs",     "thursday", "today", "tomorrow", "tue",     "tues",     "tuesday", "wed",
      "wednesday", "weds",  "y",       "yesterday", "z",        "zulu"};
  return keywords.contains(word);
}

// The words of a date/time text (PostgreSQL's ParseDateTime() fields): a word of letters alone
// must be one of its keywords (months, days, `am`, `at`, ...), a zone abbreviation or a zone's
// name; a word from a letter through a `/` (`Europe/London`) after the first, a zone's name, and
// not in a time of day. The server's tzdata names the zones, as the catalog snapshot read them.
std::optional<std::string> zone_word_refused(const std::string& text, const std::string& written, const std::string& type) {
  std::vector<std::string> words;
  std::string word;
  // Punctuation a field cannot hold separates fields, as spaces do.
  for (const char c : text + " ") {
    if (c == ' ' || c == ',' || c == '\t' || c == '\n' || std::string_view("()[]{}!\"#$%&*;<=>?@\\^`|~'").find(c) != std::string_view::npos) {
      if (!word.empty()) words.push_back(std::move(word));
      word.clear();
    } else {
      word += c;
    }
  }
  const auto letters = [](const std::string& w) {
    return std::all_of(w.begin(), w.end(), [](char c) { return std::isalpha(static_cast<unsigned char>(c)) != 0; });
  };
  const bool time_of_day = type == "time without time zone" || type == "time with time zone";
  for (std::size_t i = 0; i < words.size(); ++i) {
    const std::string& w = words[i];
    if (!std::isalpha(static_cast<unsigned char>(w[0]))) continue;
    if (letters(w)) {
      if (!date_time_keyword(w) && !catalog_time_zone(w)) return invalid_syntax(type, written);
    } else if (i > 0 && w.find('.') != std::string::npos && std::none_of(w.begin(), w.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)) != 0; })) {
      // Letters and dots (`a.m.`): one field, which after the date only a zone's name can be.
      if (!catalog_time_zone(w)) return fmt::format("time zone \"{}\" not recognized", w);
    } else if (i > 0 && w.find('/') != std::string::npos) {
      // A time of day takes no zone by name: which offset it has depends on the date.
      if (time_of_day) return invalid_syntax(type, written);
      if (!catalog_time_zone(w)) return fmt::format("time zone \"{}\" not recognized", w);
    }
  }
  return std::nullopt;
}

// Which of a date's year, month and day a date/time text gives, read as PostgreSQL's
// ParseDateTime() splits it into fields and DecodeDate()/DecodeNumber() assign them under the
// migrator's DateStyle (ISO, MDY). A date or timestamp needs all three (else DTERR_BAD_FORMAT),
// and a date field read month first needs a month and a day in range. Nothing where a field is
// one this does not follow (fractions, Julian days, run-together digits, special words).
std::optional<std::string> date_fields_refused(const std::string& text, const std::string& written, const std::string& type) {
  static const std::set<std::string_view> months = {"jan", "january", "feb", "february", "mar", "march", "apr", "april", "may",
                                                    "jun", "june", "jul", "july", "aug", "august", "sep", "sept", "september",
                                                    "oct", "october", "nov", "november", "dec", "december"};
  const auto digit = [](char c) { return std::isdigit(static_cast<unsigned char>(c)) != 0; };
  const auto alpha = [](char c) { return std::isalpha(static_cast<unsigned char>(c)) != 0; };
  int given = 0;  // of year, month and day
  int zones = 0;  // a time zone is one field: an offset, an abbreviation or a name, once
  std::size_t i = 0;
  while (i < text.size()) {
    const char c = text[i];
    if (digit(c)) {
      const std::size_t start = i;
      while (i < text.size() && digit(text[i])) ++i;
      const std::size_t length = i - start;
      if (i < text.size() && text[i] == ':') {  // a time of day
        while (i < text.size() && (digit(text[i]) || text[i] == ':' || text[i] == '.')) ++i;
        continue;
      }
      if (i < text.size() && (text[i] == '-' || text[i] == '/' || text[i] == '.')) {
        const char delimiter = text[i];
        std::vector<std::string> parts{text.substr(start, length)};
        std::string part;
        while (i < text.size() && (std::isalnum(static_cast<unsigned char>(text[i])) || text[i] == delimiter)) {
          if (text[i] == delimiter) {
            if (!part.empty() || parts.size() > 1) parts.push_back(part);
            part.clear();
          } else {
            part += text[i];
          }
          ++i;
        }
        if (!part.empty()) parts.push_back(part);
        // Digits, `.` and digits once: a fraction, which this does not follow.
        if (delimiter == '.' && parts.size() < 3) return std::nullopt;
        const bool numeric = std::all_of(parts.begin(), parts.end(), [&](const std::string& p) {
          return !p.empty() && std::all_of(p.begin(), p.end(), digit);
        });
        if (!numeric || parts.size() > 3) return std::nullopt;
        if (parts.size() == 3 && parts[0].size() <= 2) {
          // Month, day, year, as DateStyle MDY orders a date whose first field has two digits.
          const int month = std::stoi(parts[0].substr(0, 6));
          const int day = std::stoi(parts[1].substr(0, 6));
          if (month < 1 || month > 12 || day < 1 || day > 31) return fmt::format("date/time field value out of range: \"{}\"", written);
        }
        // Year and day of the year (`1999-008`): a whole date.
        given += parts.size() == 2 && parts[0].size() >= 4 && parts[1].size() == 3 ? 3 : static_cast<int>(parts.size());
        continue;
      }
      if (length > 4 || (i < text.size() && text[i] == '.')) return std::nullopt;  // run-together digits, a fraction
      ++given;
      continue;
    }
    if (c == '+' || c == '-') {  // a zone's offset, or `-infinity`
      ++i;
      while (i < text.size() && std::isspace(static_cast<unsigned char>(text[i]))) ++i;
      if (i < text.size() && alpha(text[i])) return std::nullopt;
      const std::size_t hours = i;
      while (i < text.size() && digit(text[i])) ++i;
      // DecodeTimezone(): `+hh`, `+hhmm` or `+hh:mm...`, at most 15 hours either way.
      const std::size_t length = i - hours;
      if ((length == 1 || length == 2 || length == 4) && std::stoi(text.substr(hours, 2 - (length == 1 ? 1 : 0))) > 15) {
        return fmt::format("time zone displacement out of range: \"{}\"", written);
      }
      while (i < text.size() && (digit(text[i]) || text[i] == ':' || text[i] == '.' || text[i] == '-')) ++i;
      ++zones;
      continue;
    }
    if (alpha(c)) {
      const std::size_t start = i;
      while (i < text.size() && alpha(text[i])) ++i;
      const std::string word = text.substr(start, i - start);
      if (i < text.size() && (text[i] == '-' || text[i] == '/' || text[i] == '.' || text[i] == '+' || text[i] == '_' || digit(text[i]))) {
        // `jan-08-1999`, a Julian day, a zone's name or rule: one field this does not follow,
        // unless it is a zone's, which gives no date.
        if (word == "j" || word == "t" || months.contains(word) || given < 2) return std::nullopt;
        while (i < text.size() && (std::isalnum(static_cast<unsigned char>(text[i])) || std::string_view("+-/_.:").find(text[i]) != std::string_view::npos)) ++i;
        ++zones;
        continue;
      }
      if (months.contains(word)) {
        ++given;
      } else if (word == "epoch" || word == "now" || word == "today" || word == "tomorrow" || word == "yesterday" || word == "infinity" ||
                 word == "j" || word == "julian" || word == "jd" || word == "y" || word == "m" || word == "d") {
        return std::nullopt;  // a special date, or units this does not follow
      } else if (!date_time_keyword(word) && catalog_time_zone(word)) {
        ++zones;
      }
      continue;
    }
    ++i;  // spaces, commas: between fields
  }
  if (given < 3 || zones > 1) return invalid_syntax(type, written);
  return std::nullopt;
}

// Dates and times take many spellings (and DateStyle decides some): only what no spelling takes
// is refused: no digit and no special word, or an ISO date with no such day.
std::optional<std::string> datetime_refused(const SqlConstant& constant, const std::string& type) {
  if (constant.kind != Kind::string) return fmt::format("a {} is not a {}", kind_name(constant.kind), type);
  const std::string text = trimmed_lower(constant.value);
  const bool time_of_day = type == "time without time zone" || type == "time with time zone";
  for (const char* special : {"epoch", "infinity", "-infinity", "now", "today", "tomorrow", "yesterday", "allballs"}) {
    // `allballs` is midnight: a time's word only; a time of day takes `now` besides, no day's word.
    const std::string_view word = special;
    if (text == word && (time_of_day ? word == "now" || word == "allballs" : word != "allballs")) return std::nullopt;
  }
  // A time of day is written with its clock: `10:00`, or its digits run together (`040506`).
  static const std::regex run_together(R"(\s*[0-9]{4,6}(\.[0-9]*)?(\s*[+-][0-9:]+|\s+[a-z][a-z0-9/_+-]*)?\s*)");
  if (time_of_day && text.find(':') == std::string::npos && !std::regex_match(text, run_together)) return invalid_syntax(type, constant.value);
  // A special day followed by a time or a zone (`today Europe/London`, `epoch UTC`).
  static const std::regex special_day(R"((^|\s)-?(epoch|today|tomorrow|yesterday|infinity)(\s|$))");
  const bool special = !time_of_day && std::regex_search(text, special_day);
  if (!special && std::none_of(text.begin(), text.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); })) {
    return invalid_syntax(type, constant.value);
  }
  if (auto refused = zone_word_refused(text, constant.value, type)) return refused;
  if (!time_of_day) {
    if (auto refused = date_fields_refused(text, constant.value, type)) return refused;
  }
  static const std::regex iso(R"(([0-9]{4,9})-([0-9]{2})-([0-9]{2})([ t].*)?)");
  std::smatch parts;
  const bool before_christ = text.ends_with(" bc");
  if (type != "time without time zone" && type != "time with time zone" && std::regex_match(text, parts, iso)) {
    const int year = std::stoi(parts[1]);
    const int month = std::stoi(parts[2]);
    const int day = std::stoi(parts[3]);
    constexpr int days[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    if (year == 0 || month < 1 || month > 12 || day < 1 || day > days[month - 1] || (month == 2 && day == 29 && !leap)) {
      return fmt::format("date/time field value out of range: \"{}\"", constant.value);
    }
    // From Julian day 0, 24 November 4714 BC, to 294276 AD (a timestamp) or 5874897 AD (a date).
    const bool too_early = before_christ && (year > 4714 || (year == 4714 && (month < 11 || (month == 11 && day < 24))));
    const bool too_late = !before_christ && year > (type == "date" ? 5874897 : 294276);
    if (too_early || too_late) return fmt::format("{} out of range: \"{}\"", type == "date" ? "date" : "timestamp", constant.value);
  }
  // Month first, as the migrator's DateStyle (ISO, MDY) reads `1/18/1999`.
  static const std::regex month_first(R"(([0-9]{1,2})/([0-9]{1,2})/([0-9]{4})([ t].*)?)");
  if (type != "time without time zone" && type != "time with time zone" && std::regex_match(text, parts, month_first)) {
    const int month = std::stoi(parts[1]);
    const int day = std::stoi(parts[2]);
    const int year = std::stoi(parts[3]);
    constexpr int days[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    if (year == 0 || month < 1 || month > 12 || day < 1 || day > days[month - 1] || (month == 2 && day == 29 && !leap)) {
      return fmt::format("date/time field value out of range: \"{}\"", constant.value);
    }
  }
  // A month by its name, before or after the day: `Jan 8, 1999`, `08-Jan-1999`, `8 Jan 1999`.
  static const std::regex named_month_first(R"(([a-z]{3,9})\.?[ -]([0-9]{1,2}),?[ -]([0-9]{4})([ t].*)?)");
  static const std::regex named_month_second(R"(([0-9]{1,2})[ -]([a-z]{3,9})\.?[ -]([0-9]{4})([ t].*)?)");
  if (type != "time without time zone" && type != "time with time zone") {
    const bool first = std::regex_match(text, parts, named_month_first);
    if (first || std::regex_match(text, parts, named_month_second)) {
      static constexpr std::string_view names[] = {"jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"};
      const std::string written = parts[first ? 1 : 2].str();
      const auto name = std::find_if(std::begin(names), std::end(names), [&](std::string_view n) { return written.starts_with(n); });
      if (name != std::end(names)) {
        const int month = static_cast<int>(name - std::begin(names)) + 1;
        const int day = std::stoi(parts[first ? 2 : 1]);
        const int year = std::stoi(parts[3]);
        constexpr int days[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
        const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
        if (year == 0 || day < 1 || day > days[month - 1] || (month == 2 && day == 29 && !leap)) {
          return fmt::format("date/time field value out of range: \"{}\"", constant.value);
        }
      }
    }
  }
  // A time of day: 24:00:00 is the latest PostgreSQL takes (and a leap second, :60); a date
  // reads, and checks, the time a text gives before it drops it.
  static const std::regex clock(R"((^|[ t])([0-9]{1,2}):([0-9]{2})(:([0-9]{2})(\.[0-9]+)?)?)");
  if (std::regex_search(text, parts, clock)) {
    const int hour = std::stoi(parts[2]);
    const int minute = std::stoi(parts[3]);
    const int second = parts[5].matched ? std::stoi(parts[5]) : 0;
    // Seconds are kept to the microsecond: a fraction that rounds to none is none.
    const bool fraction = parts[6].matched && !Decimal::parse("0" + parts[6].str())->rounded(6).digits.empty();
    if (hour > 24 || minute > 59 || second > 60 || (hour == 24 && (minute > 0 || second > 0 || fraction))) {
      return fmt::format("date/time field value out of range: \"{}\"", constant.value);
    }
    // A time of day past 24:00:00 (a leap second's fraction), a timestamp's too.
    if (hour == 23 && minute == 59 && second == 60 && fraction) {
      return fmt::format("date/time field value out of range: \"{}\"", constant.value);
    }
    // A 12-hour clock: `16:05 PM` is no time.
    static const std::regex meridiem(R"(\s?[ap]\.?m\.?(\s|$))");
    if (hour > 12 && std::regex_search(text.substr(static_cast<std::size_t>(parts.position(0) + parts.length(0))), meridiem)) {
      return fmt::format("date/time field value out of range: \"{}\"", constant.value);
    }
    // A zone written as an offset right after the time: at most 15:59:59 either way.
    static const std::regex offset(R"(^\s*[+-]([0-9]{1,2})(:?[0-9]{2}(:?[0-9]{2})?)?(\s|$))");
    std::smatch zone;
    const std::string after = text.substr(static_cast<std::size_t>(parts.position(0) + parts.length(0)));
    // Every type reads the zone it drops, and refuses one out of range.
    if (std::regex_search(after, zone, offset) && std::stoi(zone[1]) > 15) {
      return fmt::format("time zone displacement out of range: \"{}\"", constant.value);
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

// varchar(n) and char(n) refuse a longer value, unless what is past n is only spaces (which they
// cut off).
std::optional<std::string> length_refused(const SqlConstant& constant, const ColumnType& type) {
  if (type.modifiers.empty()) return std::nullopt;
  const auto text = as_text(constant);
  if (!text) return std::nullopt;
  const auto limit = static_cast<std::size_t>(std::max(type.modifiers[0], 0));
  if (characters_in(*text) <= limit) return std::nullopt;
  // The bytes of the first `limit` characters.
  std::size_t kept = 0;
  for (std::size_t seen = 0; kept < text->size(); ++kept) {
    if ((static_cast<unsigned char>((*text)[kept]) & 0xc0) != 0x80 && seen++ == limit) break;
  }
  if (text->find_first_not_of(' ', kept) == std::string::npos) return std::nullopt;
  return fmt::format("value too long for type {}", type.sql());
}

// bit_in(): `B'1011'` (the tree's `b1011`), `X'1F'`, or a string of binary digits, `x` first
// for hexadecimal ones. bit(n) takes exactly n bits (`bit` is bit(1)), bit varying(n) at most n.
std::optional<std::string> bits_refused(const SqlConstant& constant, const ColumnType& type) {
  if (constant.kind != Kind::string && constant.kind != Kind::bits) return std::nullopt;
  std::string_view digits = constant.value;
  bool hexadecimal = false;
  if (!digits.empty() && (digits[0] == 'b' || digits[0] == 'B' || digits[0] == 'x' || digits[0] == 'X')) {
    hexadecimal = digits[0] == 'x' || digits[0] == 'X';
    digits.remove_prefix(1);
  }
  for (const char c : digits) {
    const bool valid = hexadecimal ? std::isxdigit(static_cast<unsigned char>(c)) != 0 : c == '0' || c == '1';
    if (!valid) return fmt::format("\"{}\" is not a valid {} digit", c, hexadecimal ? "hexadecimal" : "binary");
  }
  const std::size_t length = digits.size() * (hexadecimal ? 4 : 1);
  if (!type.modifiers.empty() && type.modifiers[0] < 0) return std::nullopt;  // a length not known
  if (type.name.name == "bit") {
    const std::size_t wanted = type.modifiers.empty() ? 1 : static_cast<std::size_t>(std::max(type.modifiers[0], 0));
    if (length != wanted) return fmt::format("bit string length {} does not match type bit({})", length, wanted);
  } else if (!type.modifiers.empty() && length > static_cast<std::size_t>(std::max(type.modifiers[0], 0))) {
    return fmt::format("bit string too long for type bit varying({})", type.modifiers[0]);
  }
  return std::nullopt;
}

// numeric(p, s): the value rounded to s decimals must have at most p - s digits before the point.
std::optional<std::string> precision_refused(const SqlConstant& constant, const ColumnType& type) {
  if (type.modifiers.empty() || (constant.kind != Kind::integer && constant.kind != Kind::number && constant.kind != Kind::string)) {
    return std::nullopt;
  }
  const std::int32_t precision = type.modifiers[0];
  const std::int32_t scale = type.modifiers.size() > 1 ? type.modifiers[1] : 0;
  std::string text = trimmed_lower(constant.value);
  // A numeric of limited precision holds no infinity (NaN it does).
  for (const char* infinite : {"infinity", "+infinity", "-infinity", "inf", "+inf", "-inf"}) {
    if (constant.kind == Kind::string && text == infinite) return std::string("numeric field overflow");
  }
  const auto number = Decimal::parse(text);
  if (!number) return std::nullopt;
  // Its absolute value must be below 10^(p - s) (below 1, 0.1, ... where s is p or more).
  const Decimal rounded = number->rounded(scale);
  if (rounded.digits.empty() || rounded.point <= precision - scale) return std::nullopt;
  return fmt::format("numeric field overflow: a field with precision {}, scale {} must round to an absolute value less than {}",
                     precision, scale, precision == scale ? std::string("1") : fmt::format("10^{}", precision - scale));
}

// array_in(): `{...}` (after `[1:2]=` bounds, or not), elements bare (spaces around them
// dropped, `NULL` in any case null) or in double quotes with backslash escapes, every element at
// one depth and every sub-array at a depth of one length. The elements, or why it is malformed.
struct ArrayElements {
  std::vector<std::optional<std::string>> elements;
  bool malformed = false;
  std::size_t dimensions = 0;
};
ArrayElements array_elements(const std::string& text) {
  ArrayElements out;
  const auto space = [](char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; };
  std::size_t at = 0;
  while (at < text.size() && space(text[at])) ++at;
  // `[1:3]=`: bounds, whose lengths the literal's must match; one pair for each dimension.
  std::vector<long> bounds;
  if (at < text.size() && text[at] == '[') {
    const std::size_t equals = text.find('=', at);
    if (equals == std::string::npos) return {{}, true};
    static const std::regex pair(R"(\[\s*([+-]?[0-9]{1,9})\s*(:\s*([+-]?[0-9]{1,9})\s*)?\])");
    std::string declared = text.substr(at, equals - at);
    while (!declared.empty() && space(declared.back())) declared.pop_back();
    for (std::sregex_iterator it(declared.begin(), declared.end(), pair), end; it != end; ++it) {
      const long lower = (*it)[3].matched ? std::stol((*it)[1]) : 1;
      const long upper = std::stol((*it)[3].matched ? (*it)[3].str() : (*it)[1].str());
      if (upper < lower) return {{}, true};
      bounds.push_back(upper - lower + 1);
    }
    if (bounds.empty()) return {{}, true};
    at = equals + 1;
    while (at < text.size() && space(text[at])) ++at;
  }
  if (at >= text.size() || text[at] != '{') return {{}, true};
  std::vector<std::size_t> counts;         // elements or sub-arrays so far, at each open depth
  std::vector<long> lengths;               // the length every sub-array at a depth has, -1 unknown
  std::vector<bool> holds_arrays;          // whether a depth's items are sub-arrays
  long leaf_depth = -1;
  bool expect_item = true;                 // after `{` or `,`
  for (; at < text.size(); ) {
    const char c = text[at];
    if (space(c)) {
      ++at;
      continue;
    }
    if (counts.empty() && !lengths.empty()) return {{}, true};  // text after the closing brace
    if (c == '{') {
      if (!expect_item && !counts.empty()) return {{}, true};
      if (!counts.empty()) {
        const std::size_t depth = counts.size() - 1;
        if (counts[depth] > 0 && !holds_arrays[depth]) return {{}, true};
        holds_arrays[depth] = true;
        ++counts[depth];
      }
      counts.push_back(0);
      if (lengths.size() < counts.size()) {
        lengths.push_back(-1);
        holds_arrays.push_back(false);
      }
      expect_item = true;
      ++at;
      continue;
    }
    if (counts.empty()) return {{}, true};
    const std::size_t depth = counts.size() - 1;
    if (c == '}') {
      if (expect_item && counts[depth] > 0) return {{}, true};  // `{1,}`
      if (counts[depth] == 0 && depth > 0) return {{}, true};   // `{{}}`: only the whole array may be empty
      long& length = lengths[depth];
      if (length == -1) {
        length = static_cast<long>(counts[depth]);
      } else if (length != static_cast<long>(counts[depth])) {
        return {{}, true};
      }
      counts.pop_back();
      expect_item = false;
      ++at;
      continue;
    }
    if (c == ',') {
      if (expect_item) return {{}, true};
      expect_item = true;
      ++at;
      continue;
    }
    // An element.
    if (!expect_item || holds_arrays[depth]) return {{}, true};
    if (leaf_depth == -1) leaf_depth = static_cast<long>(depth);
    if (leaf_depth != static_cast<long>(depth)) return {{}, true};
    std::string value;
    if (text[at] == '"') {
      // Quoted: everything to the closing quote, backslashes escaping; then only spaces.
      for (++at;; ++at) {
        if (at >= text.size()) return {{}, true};
        if (text[at] == '"') break;
        if (text[at] == '\\' && ++at >= text.size()) return {{}, true};
        value += text[at];
      }
      for (++at; at < text.size() && space(text[at]); ++at) {
      }
      if (at >= text.size() || (text[at] != ',' && text[at] != '}')) return {{}, true};
      out.elements.emplace_back(std::move(value));
    } else {
      std::size_t trailing_space = 0;  // dropped
      for (; at < text.size() && text[at] != ',' && text[at] != '}'; ++at) {
        if (text[at] == '{' || text[at] == '"') return {{}, true};
        if (text[at] == '\\' && ++at >= text.size()) return {{}, true};
        value += text[at];
        trailing_space = space(text[at]) && text[at - 1] != '\\' ? trailing_space + 1 : 0;
      }
      value.resize(value.size() - trailing_space);
      std::string lowered = value;
      for (char& l : lowered) l = static_cast<char>(std::tolower(static_cast<unsigned char>(l)));
      out.elements.push_back(lowered == "null" ? std::nullopt : std::optional<std::string>(std::move(value)));
    }
    ++counts[depth];
    expect_item = false;
  }
  if (!counts.empty() || lengths.empty()) return {{}, true};
  out.dimensions = lengths.size();
  // The bounds given, if any, are the literal's own dimensions.
  if (!bounds.empty()) {
    if (bounds.size() != lengths.size()) return {{}, true};
    for (std::size_t i = 0; i < bounds.size(); ++i) {
      if (bounds[i] != lengths[i]) return {{}, true};
    }
  }
  return out;
}

// Where a range bound sorts among its element type's values, when it is written in a form read
// here: a number (numeric sorts NaN above everything, infinity included), or an ISO date or
// timestamp, with a numeric zone offset counted for timestamptz only (timestamp and date drop
// it, as PostgreSQL does). Nothing for other spellings: those are not compared.
struct BoundOrder {
  bool known = false;
  bool nan = false;
  long double value = 0;
  auto key() const { return std::pair(nan, value); }
};

BoundOrder bound_order(const std::string& bound, const std::string& element) {
  const std::string text = trimmed_lower(bound);
  if (element == "integer" || element == "bigint" || element == "numeric") {
    const bool nan = text == "nan";
    return {true, nan, nan ? 0.0L : std::strtold(text.c_str(), nullptr)};
  }
  if (text == "infinity" || text == "-infinity") {
    const long double infinity = std::numeric_limits<long double>::infinity();
    return {true, false, text[0] == '-' ? -infinity : infinity};
  }
  static const std::regex iso(
      R"(([0-9]{4,9})-([0-9]{2})-([0-9]{2})(?:[ t]([0-9]{1,2}):([0-9]{2})(?::([0-9]{2}(?:\.[0-9]+)?))?)?\s*(z|utc|[+-][0-9]{1,2}(?::?[0-9]{2})?)?)");
  std::smatch parts;
  if (!std::regex_match(text, parts, iso)) return {};
  // Days since 1970-01-01 in the proleptic Gregorian calendar (Hinnant's days_from_civil).
  const long year = std::stol(parts[1]) - (std::stoi(parts[2]) <= 2 ? 1 : 0);
  const long month = std::stol(parts[2]);
  const long era = year / 400;
  const long year_of_era = year - era * 400;
  const long day_of_year = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + std::stol(parts[3]) - 1;
  const long day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
  long double seconds = static_cast<long double>(era * 146097 + day_of_era - 719468) * 86400.0L;
  if (element == "date") return {true, false, seconds};
  if (parts[4].matched) {
    seconds += std::stol(parts[4]) * 3600.0L + std::stol(parts[5]) * 60.0L;
    if (parts[6].matched) seconds += std::strtold(parts[6].str().c_str(), nullptr);
  }
  const std::string zone = parts[7].str();
  if (element == "timestamp with time zone" && !zone.empty() && zone != "z" && zone != "utc") {
    // +hh, +hhmm, +hh:mm: the local time is the offset ahead of UTC.
    std::string digits;
    for (const char c : zone.substr(1)) {
      if (c != ':') digits += c;
    }
    const long double hours = std::stol(digits.size() > 2 ? digits.substr(0, digits.size() - 2) : digits);
    const long double minutes = digits.size() > 2 ? std::stol(digits.substr(digits.size() - 2)) : 0;
    seconds -= (zone[0] == '-' ? -1 : 1) * (hours * 3600.0L + minutes * 60.0L);
  }
  return {true, false, seconds};
}

// range_in(): `empty`, or a bracket, two bounds (either may be left out: unbounded) with a
// comma between, and a bracket; a bound may be double-quoted, with backslash escapes. Each bound
// must be a value of the range's element type, and the lower no greater than the upper. A
// discrete range then moves an inclusive upper and an exclusive lower bound one step up, which
// the largest value cannot take.
std::optional<std::string> range_refused(const std::string& text, const std::string& element) {
  const auto malformed = [&] { return fmt::format("malformed range literal: \"{}\"", text); };
  const auto space = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'; };
  std::size_t at = 0;
  while (at < text.size() && space(text[at])) ++at;
  if (std::string rest = trimmed_lower(text.substr(at)); rest == "empty") return std::nullopt;
  if (at >= text.size() || (text[at] != '[' && text[at] != '(')) return malformed();
  const bool lower_inclusive = text[at] == '[';
  ++at;
  std::array<std::optional<std::string>, 2> bounds;
  bool upper_inclusive = false;
  for (std::size_t i = 0; i < 2; ++i) {
    const auto ends = [](char c) { return c == ',' || c == ')' || c == ']'; };
    if (at < text.size() && !ends(text[at])) {
      std::string value;
      for (bool quoted = false; at >= text.size() || quoted || !ends(text[at]);) {
        if (at >= text.size()) return malformed();
        const char c = text[at++];
        if (c == '\\') {
          if (at >= text.size()) return malformed();
          value += text[at++];
        } else if (c == '"' && quoted && at < text.size() && text[at] == '"') {
          value += text[at++];
        } else if (c == '"') {
          quoted = !quoted;
        } else {
          value += c;
        }
      }
      bounds[i] = std::move(value);
    }
    // A comma after the lower bound, a bracket after the upper.
    if (at >= text.size() || (i == 0 ? text[at] != ',' : text[at] == ',')) return malformed();
    if (i == 1) upper_inclusive = text[at] == ']';
    ++at;
  }
  while (at < text.size() && space(text[at])) ++at;
  if (at != text.size()) return malformed();
  ColumnType element_type;
  element_type.name.name = element;
  for (const auto& bound : bounds) {
    if (!bound) continue;
    if (auto refused = constant_refused(SqlConstant{Kind::string, *bound, {}}, element_type, nullptr)) return refused;
  }
  const BoundOrder lower = bounds[0] ? bound_order(*bounds[0], element) : BoundOrder{};
  const BoundOrder upper = bounds[1] ? bound_order(*bounds[1], element) : BoundOrder{};
  if (lower.known && upper.known) {
    if (lower.key() > upper.key()) return std::string("range lower bound must be less than or equal to range upper bound");
    if (lower.key() == upper.key() && !(lower_inclusive && upper_inclusive)) return std::nullopt;  // empty
  }
  const auto largest = [&]() -> std::optional<std::pair<long double, std::string>> {
    if (element == "integer") return std::pair(2147483647.0L, "integer out of range");
    if (element == "bigint") return std::pair(9223372036854775807.0L, "bigint out of range");
    if (element == "date") return std::pair(bound_order("5874897-12-31", "date").value, "date out of range");
    return std::nullopt;
  }();
  if (largest && ((lower.known && !lower_inclusive && lower.value == largest->first) ||
                  (upper.known && upper_inclusive && upper.value == largest->first))) {
    return largest->second;
  }
  return std::nullopt;
}

// multirange_in(): ranges, comma-separated, in braces.
std::optional<std::string> multirange_refused(const std::string& text, const std::string& element) {
  const auto malformed = [&] { return fmt::format("malformed multirange literal: \"{}\"", text); };
  const auto space = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'; };
  std::size_t at = 0;
  while (at < text.size() && space(text[at])) ++at;
  if (at >= text.size() || text[at] != '{') return malformed();
  ++at;
  for (bool first = true;; first = false) {
    while (at < text.size() && space(text[at])) ++at;
    if (first && at < text.size() && text[at] == '}') break;
    // One range: to its closing bracket outside quotes, or the word `empty`.
    const std::size_t start = at;
    for (bool quoted = false; at < text.size(); ++at) {
      const char c = text[at];
      if (c == '\\') {
        ++at;
      } else if (c == '"') {
        quoted = !quoted;
      } else if (!quoted && (c == ')' || c == ']')) {
        ++at;
        break;
      } else if (!quoted && (c == ',' || c == '}') && text[start] != '[' && text[start] != '(') {
        break;
      }
    }
    if (at > text.size() || at == start) return malformed();
    if (auto refused = range_refused(text.substr(start, at - start), element)) return refused;
    while (at < text.size() && space(text[at])) ++at;
    if (at >= text.size()) return malformed();
    if (text[at] == '}') break;
    if (text[at] != ',') return malformed();
    ++at;
  }
  ++at;
  while (at < text.size() && space(text[at])) ++at;
  if (at != text.size()) return malformed();
  return std::nullopt;
}

}  // namespace

std::optional<std::string> constant_refused(const SqlConstant& constant, const ColumnType& type,
                                            const std::vector<std::string>* enum_values) {
  if (constant.kind == Kind::null) return std::nullopt;
  if (type.array_dimensions > 0) {
    // box's elements are separated by `;`, and its values hold commas.
    if (constant.kind != Kind::string || type.name.name == "box") return std::nullopt;
    const ArrayElements array = array_elements(constant.value);
    if (array.malformed) return fmt::format("malformed array literal: \"{}\"", constant.value);
    if (array.dimensions > 6) return fmt::format("number of array dimensions ({}) exceeds the maximum allowed (6)", array.dimensions);
    ColumnType element = type;
    element.array_dimensions = 0;
    for (const auto& value : array.elements) {
      if (!value) continue;
      if (auto refused = constant_refused(SqlConstant{Kind::string, *value, {}}, element, enum_values)) return refused;
    }
    return std::nullopt;
  }
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
  if (name == "bit varying" || name == "bit") return bits_refused(constant, type);
  if (name == "character varying" || name == "character") {
    return length_refused(constant, type);
  }
  if (name == "numeric") {
    if (auto refused = number_refused(constant, name)) return refused;
    return precision_refused(constant, type);
  }
  if (name == "real" || name == "double precision") return float_refused(constant, name);
  if (name == "interval") return interval_refused(constant);
  if (name == "inet" || name == "cidr") return network_refused(constant, name);
  if (name == "macaddr") return macaddr_refused(constant);
  if (name == "boolean") return boolean_refused(constant);
  // oidin(): an unsigned 32-bit number, or a negative one a signed one would hold.
  const bool whole = constant.kind == Kind::number && !constant.value.empty() &&
                     constant.value.find_first_not_of("0123456789", constant.value[0] == '-' ? 1 : 0) == std::string::npos;
  if (name == "oid" && constant.kind == Kind::number && !whole) {
    return fmt::format("{} is a numeric, and PostgreSQL has no assignment cast from numeric to oid", constant.value);
  }
  if (name == "oid" && (constant.kind == Kind::string || constant.kind == Kind::integer || whole)) {
    return integer_refused(constant, name, -2147483648.0L, 4294967295.0L);
  }
  if (name == "pg_lsn" && constant.kind == Kind::string) {
    static const std::regex lsn(R"([0-9A-Fa-f]{1,8}/[0-9A-Fa-f]{1,8})");
    if (!std::regex_match(constant.value, lsn)) return invalid_syntax(name, constant.value);
    return std::nullopt;
  }
  if (name == "uuid") return uuid_refused(constant);
  if (name == "json" || name == "jsonb") return json_refused(constant, name);
  if (name == "date" || name.starts_with("timestamp") || name.starts_with("time ")) return datetime_refused(constant, name);
  static const std::map<std::string_view, std::string_view> range_elements = {
      {"int4range", "integer"}, {"int8range", "bigint"}, {"numrange", "numeric"}, {"daterange", "date"},
      {"tsrange", "timestamp without time zone"}, {"tstzrange", "timestamp with time zone"}};
  if (constant.kind != Kind::string) return std::nullopt;
  if (const auto range = range_elements.find(name); range != range_elements.end()) {
    return range_refused(constant.value, std::string(range->second));
  }
  if (name.ends_with("multirange")) {
    std::string range = name;
    range.replace(range.size() - std::string_view("multirange").size(), std::string_view("multi").size(), "");
    if (const auto element = range_elements.find(range); element != range_elements.end()) {
      return multirange_refused(constant.value, std::string(element->second));
    }
  }
  return std::nullopt;
}

bool names_its_zone(std::string_view text) {
  static const std::regex zoned(
      R"((^\s*[+-]?(infinity|epoch)\s*$)|([0-9]:[0-9]{2}(:[0-9]{2}(\.[0-9]*)?)?\s*(z|[+-][0-9]{1,2}(:?[0-9]{2}(:?[0-9]{2})?)?)\s*$))",
      std::regex::icase);
  if (std::regex_search(std::string(text), zoned)) return true;
  // Its last word a zone's name or abbreviation (`Europe/London`, `EST`, `UTC`).
  const std::string lowered = trimmed_lower(std::string(text));
  const std::size_t space = lowered.find_last_of(' ');
  return space != std::string::npos && catalog_time_zone(std::string_view(lowered).substr(space + 1));
}

RecordFields record_fields(std::string_view text, std::size_t columns) {
  RecordFields out;
  const auto malformed = [&](std::string_view detail) {
    out.refused = fmt::format("malformed record literal: \"{}\" ({})", text, detail);
    return out;
  };
  const auto space = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'; };
  std::size_t at = 0;
  while (at < text.size() && space(text[at])) ++at;
  if (at >= text.size() || text[at++] != '(') return malformed("Missing left parenthesis.");
  for (std::size_t column = 0; column < columns; ++column) {
    if (column > 0) {
      if (at >= text.size() || text[at] != ',') return malformed("Too few columns.");
      ++at;
    }
    // Nothing at all is NULL; quotes and backslashes only quote.
    if (at < text.size() && (text[at] == ',' || text[at] == ')')) {
      out.fields.emplace_back();
      continue;
    }
    std::string value;
    bool quoted = false;
    while (quoted || (at < text.size() && text[at] != ',' && text[at] != ')')) {
      if (at >= text.size()) return malformed("Unexpected end of input.");
      const char c = text[at++];
      if (c == '\\') {
        if (at >= text.size()) return malformed("Unexpected end of input.");
        value += text[at++];
      } else if (c == '"') {
        if (!quoted) {
          quoted = true;
        } else if (at < text.size() && text[at] == '"') {
          value += '"';
          ++at;
        } else {
          quoted = false;
        }
      } else {
        value += c;
      }
    }
    out.fields.emplace_back(std::move(value));
  }
  if (at >= text.size() || text[at++] != ')') return malformed("Too many columns.");
  while (at < text.size() && space(text[at])) ++at;
  if (at < text.size()) return malformed("Junk after right parenthesis.");
  return out;
}

}  // namespace migc
