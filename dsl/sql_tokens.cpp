#include "dsl/sql_tokens.hpp"

#include <pg_query.h>
#include <pg_query/pg_query.pb-c.h>

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace migc::grammar {
namespace {

struct Token {
  std::size_t start = 0;
  std::size_t end = 0;
  PgQuery__Token kind = PG_QUERY__TOKEN__NUL;
  bool keyword = false;
};

std::string folded(std::string_view text) {
  std::string word(text);
  for (char& letter : word) letter = static_cast<char>(std::tolower(static_cast<unsigned char>(letter)));
  return word;
}

// Where a Unicode-escaped string or name (`U&'...'`, `U&"..."`) that begins at `start` ends:
// libpg_query reports such a token as ending where it begins, or a byte on. Its quotes are
// doubled inside it; a backslash there starts an escape, never ends it.
std::size_t unicode_escaped_end(std::string_view text, std::size_t start) {
  std::size_t i = start + 2;
  if (i >= text.size()) return text.size();
  const char quote = text[i];
  for (++i; i < text.size(); ++i) {
    if (text[i] != quote) continue;
    if (i + 1 < text.size() && text[i + 1] == quote) {
      ++i;
      continue;
    }
    return i + 1;
  }
  return text.size();
}

void append_utf8(std::string& out, std::uint32_t code) {
  if (code < 0x80) {
    out += static_cast<char>(code);
  } else if (code < 0x800) {
    out += static_cast<char>(0xc0 | (code >> 6));
    out += static_cast<char>(0x80 | (code & 0x3f));
  } else if (code < 0x10000) {
    out += static_cast<char>(0xe0 | (code >> 12));
    out += static_cast<char>(0x80 | ((code >> 6) & 0x3f));
    out += static_cast<char>(0x80 | (code & 0x3f));
  } else {
    out += static_cast<char>(0xf0 | (code >> 18));
    out += static_cast<char>(0x80 | ((code >> 12) & 0x3f));
    out += static_cast<char>(0x80 | ((code >> 6) & 0x3f));
    out += static_cast<char>(0x80 | (code & 0x3f));
  }
}

// The name `U&"..."` stands for, with its escapes (`\XXXX`, `\+XXXXXX`, `\\`) as UTF-8. (A
// `UESCAPE` character of its own is left as written: such a name is compared as written.)
std::string decoded_unicode_name(std::string_view token) {
  std::string name;
  const std::string_view inside = token.size() >= 4 ? token.substr(3, token.size() - 4) : std::string_view();
  const auto hex = [&](std::size_t at, std::size_t digits, std::uint32_t& code) {
    if (at + digits > inside.size()) return false;
    code = 0;
    for (std::size_t i = at; i < at + digits; ++i) {
      const char c = inside[i];
      if (!std::isxdigit(static_cast<unsigned char>(c))) return false;
      code = code * 16 + static_cast<std::uint32_t>(std::isdigit(static_cast<unsigned char>(c)) ? c - '0' : std::tolower(c) - 'a' + 10);
    }
    return true;
  };
  for (std::size_t i = 0; i < inside.size(); ++i) {
    std::uint32_t code = 0;
    if (inside[i] == '"' && i + 1 < inside.size() && inside[i + 1] == '"') {
      name += '"';
      ++i;
    } else if (inside[i] != '\\' || i + 1 >= inside.size()) {
      name += inside[i];
    } else if (inside[i + 1] == '\\') {
      name += '\\';
      ++i;
    } else if (inside[i + 1] == '+' && hex(i + 2, 6, code)) {
      append_utf8(name, code);
      i += 7;
    } else if (hex(i + 1, 4, code)) {
      append_utf8(name, code);
      i += 4;
    } else {
      name += inside[i];
    }
  }
  return name;
}

// The scanner's answer read straight from its protobuf encoding, by pg_query.proto's field
// numbers (ScanResult: tokens = 2; ScanToken: start = 1, end = 2, token = 4, keyword_kind = 5;
// a field at its default is left out): protobuf-c's generic unpacking cost one and a half times
// the scan itself, a fifth of a long chain's compile. Nothing when the encoding is not that.
class ScanResultReader {
 public:
  explicit ScanResultReader(std::string_view encoded)
      : at_(reinterpret_cast<const std::uint8_t*>(encoded.data())), end_(at_ + encoded.size()) {}

  std::optional<std::vector<Token>> tokens(std::string_view text) {
    std::vector<Token> tokens;
    while (at_ < end_) {
      const auto key = varint();
      if (!key) return std::nullopt;
      if (*key != (2u << 3 | 2u)) {
        if (!skip(*key & 7u)) return std::nullopt;
        continue;
      }
      const auto length = varint();
      if (!length || *length > static_cast<std::uint64_t>(end_ - at_)) return std::nullopt;
      const std::uint8_t* const message_end = at_ + *length;
      std::uint64_t start = 0;
      std::uint64_t end = 0;
      std::uint64_t kind = PG_QUERY__TOKEN__NUL;
      std::uint64_t keyword = PG_QUERY__KEYWORD_KIND__NO_KEYWORD;
      while (at_ < message_end) {
        const auto field = varint();
        if (!field) return std::nullopt;
        std::uint64_t* value = *field == (1u << 3) ? &start : *field == (2u << 3) ? &end : *field == (4u << 3) ? &kind : *field == (5u << 3) ? &keyword : nullptr;
        if (value == nullptr) {
          if (!skip(*field & 7u)) return std::nullopt;
          continue;
        }
        const auto read = varint();
        if (!read) return std::nullopt;
        *value = *read;
      }
      if (at_ != message_end || end < start || end > text.size()) return std::nullopt;
      const auto token = static_cast<PgQuery__Token>(kind);
      if (token == PG_QUERY__TOKEN__SQL_COMMENT || token == PG_QUERY__TOKEN__C_COMMENT) continue;
      const bool unicode_escaped = token == PG_QUERY__TOKEN__USCONST || token == PG_QUERY__TOKEN__UIDENT;
      tokens.push_back({start, unicode_escaped ? unicode_escaped_end(text, start) : end, token, keyword != PG_QUERY__KEYWORD_KIND__NO_KEYWORD});
    }
    return tokens;
  }

 private:
  std::optional<std::uint64_t> varint() {
    std::uint64_t value = 0;
    for (int shift = 0; shift < 64 && at_ < end_; shift += 7) {
      const std::uint8_t byte = *at_++;
      value |= static_cast<std::uint64_t>(byte & 0x7fu) << shift;
      if ((byte & 0x80u) == 0) return value;
    }
    return std::nullopt;
  }

  bool skip(std::uint64_t wire_type) {
    std::uint64_t length = 0;
    switch (wire_type) {
      case 0: return varint().has_value();
      case 1: length = 8; break;
      case 2: {
        const auto read = varint();
        if (!read) return false;
        length = *read;
        break;
      }
      case 5: length = 4; break;
      default: return false;
    }
    if (length > static_cast<std::uint64_t>(end_ - at_)) return false;
    at_ += length;
    return true;
  }

  const std::uint8_t* at_;
  const std::uint8_t* end_;
};

// The tokens of `text`; where the lexer fails (an unterminated string or comment), those before
// the failure, and `complete` false.
std::vector<Token> scan(std::string_view text, bool& complete) {
  complete = true;
  std::string input(text);
  for (int attempt = 0; attempt < 2; ++attempt) {
    const PgQueryScanResult result = pg_query_scan(input.c_str());
    std::vector<Token> tokens;
    std::size_t failed_at = std::string::npos;
    if (result.error != nullptr) {
      const int cursor = result.error->cursorpos;
      failed_at = cursor > 0 ? static_cast<std::size_t>(cursor - 1) : 0;
    } else if (auto read = ScanResultReader({result.pbuf.data, result.pbuf.len}).tokens(text)) {
      tokens = std::move(*read);
    } else {
      complete = false;  // an encoding this does not read: nothing taken as lexed
    }
    pg_query_free_scan_result(result);
    if (failed_at == std::string::npos || attempt == 1) return tokens;
    complete = false;
    // What lies before the failure lexes as it would have; a fragment reaching it is left open.
    input.resize(std::min(failed_at, input.size()));
  }
  return {};
}

// The last file scanned: the fragments of a file are captured in order, each the rest of the
// file from where it begins, so one scan serves them all. The grammar runs on one thread.
struct ScannedFile {
  const char* begin = nullptr;
  const char* end = nullptr;
  std::vector<Token> tokens;
  bool complete = true;  // the lexer reached the end of the file
};
thread_local ScannedFile scanned_file;

// The tokens from `text`'s beginning on, and `offset`, that of `text` in what was scanned.
const ScannedFile& tokens_from(std::string_view text, std::span<const Token>& tokens, std::size_t& offset) {
  ScannedFile& file = scanned_file;
  const char* begin = text.data();
  const char* end = text.data() + text.size();
  if (file.end == end && file.begin != nullptr && file.begin <= begin) {
    const std::size_t at = static_cast<std::size_t>(begin - file.begin);
    const auto first = std::lower_bound(file.tokens.begin(), file.tokens.end(), at,
                                        [](const Token& token, std::size_t position) { return token.start < position; });
    // Only where the earlier scan has a token begin here does it lex the rest as this would.
    if (first != file.tokens.end() && first->start == at) {
      offset = at;
      tokens = {&*first, static_cast<std::size_t>(file.tokens.end() - first)};
      return file;
    }
  }
  file.begin = begin;
  file.end = end;
  file.tokens = scan(text, file.complete);
  offset = 0;
  tokens = file.tokens;
  return file;
}

// A stop is a keyword of PostgreSQL's, or a word of the language's own that PostgreSQL takes as
// a plain name (`down`, `irreversible`), written unquoted.
bool is_stop(std::string_view text, const Token& token, std::span<const std::string_view> stops) {
  const std::string_view written = text.substr(token.start, token.end - token.start);
  if (!token.keyword && (token.kind != PG_QUERY__TOKEN__IDENT || written.starts_with('"'))) return false;
  const std::string word = folded(written);
  return std::find(stops.begin(), stops.end(), word) != stops.end();
}

}  // namespace

std::size_t sql_fragment_length(std::string_view text, bool parenthesized, std::span<const std::string_view> stops,
                                std::size_t& too_deep_at) {
  too_deep_at = std::string_view::npos;
  std::size_t offset = 0;
  std::span<const Token> tokens;
  const ScannedFile& scanned = tokens_from(text, tokens, offset);
  const std::string_view file(text.data() - offset, text.size() + offset);
  int depth = 0;
  int brackets = 0;  // `array[1, 2]`, `a[1:2]`: commas inside end nothing
  int cases = 0;
  bool any_token = false;
  std::size_t fragment_end = 0;
  PgQuery__Token previous = PG_QUERY__TOKEN__NUL;
  PgQuery__Token before_previous = PG_QUERY__TOKEN__NUL;
  for (const Token& token : tokens) {
    const std::size_t end = token.end - offset;
    const bool top = depth == 0 && brackets == 0 && cases == 0;
    const PgQuery__Token kind = token.kind;
    if (parenthesized && !any_token && kind != PG_QUERY__TOKEN__ASCII_40) return std::string_view::npos;
    if (!parenthesized && depth == 0 && (kind == PG_QUERY__TOKEN__ASCII_41 || kind == PG_QUERY__TOKEN__ASCII_59 ||
                                         (kind == PG_QUERY__TOKEN__ASCII_44 && brackets == 0))) {
      return any_token ? fragment_end : std::string_view::npos;
    }
    // `is [not] null`, `is not distinct from`: words of the expression, not a next constraint.
    const bool after_is = previous == PG_QUERY__TOKEN__IS || (previous == PG_QUERY__TOKEN__NOT_LA && before_previous == PG_QUERY__TOKEN__IS) ||
                          (previous == PG_QUERY__TOKEN__NOT && before_previous == PG_QUERY__TOKEN__IS);
    // `is [not] distinct from`: its `from` is the expression's too.
    const bool after_distinct = previous == PG_QUERY__TOKEN__DISTINCT;
    if (!parenthesized && top && any_token && !after_is && !after_distinct && is_stop(file, token, stops)) return fragment_end;
    before_previous = previous;
    previous = kind;
    if (kind == PG_QUERY__TOKEN__ASCII_91) ++brackets;
    if (kind == PG_QUERY__TOKEN__ASCII_93 && brackets > 0) --brackets;
    if (kind == PG_QUERY__TOKEN__CASE) ++cases;
    if (kind == PG_QUERY__TOKEN__END_P && cases > 0) --cases;
    if (kind == PG_QUERY__TOKEN__ASCII_40 && ++depth > max_nesting && too_deep_at == std::string_view::npos) too_deep_at = end;
    any_token = true;
    fragment_end = end;
    if (kind == PG_QUERY__TOKEN__ASCII_41 && --depth == 0 && parenthesized) return end;
  }
  return parenthesized || depth > 0 || !any_token || !scanned.complete ? std::string_view::npos : fragment_end;
}

std::size_t sql_query_length(std::string_view text, std::size_t& too_deep_at) {
  too_deep_at = std::string_view::npos;
  std::size_t offset = 0;
  std::span<const Token> tokens;
  const ScannedFile& scanned = tokens_from(text, tokens, offset);
  const std::string_view file(text.data() - offset, text.size() + offset);
  // `with [no] data` after a materialized view's query; `with [local | cascaded] check option`
  // after a view's.
  static constexpr std::string_view data_words[] = {"data", "no"};
  static constexpr std::string_view check_levels[] = {"local", "cascaded"};
  static constexpr std::string_view check_word[] = {"check"};
  static constexpr std::string_view option_word[] = {"option"};
  // `check option` from token `at` on (a policy's `with check (...)` is no view's).
  const auto check_option_at = [&](std::size_t at) {
    return at + 1 < tokens.size() && is_stop(file, tokens[at], check_word) && is_stop(file, tokens[at + 1], option_word);
  };
  int depth = 0;
  // A routine's `begin atomic ... end` body holds statements, and their semicolons: as psql
  // does, `case` inside it is counted so that only the body's own `end` closes it.
  int atomic_depth = 0;
  int case_depth = 0;
  bool any_token = false;
  std::size_t query_end = 0;
  for (std::size_t i = 0; i < tokens.size(); ++i) {
    const Token& token = tokens[i];
    const PgQuery__Token kind = token.kind;
    if (kind == PG_QUERY__TOKEN__BEGIN_P && i + 1 < tokens.size() && tokens[i + 1].kind == PG_QUERY__TOKEN__ATOMIC) {
      ++atomic_depth;
    } else if (atomic_depth > 0 && kind == PG_QUERY__TOKEN__CASE) {
      ++case_depth;
    } else if (atomic_depth > 0 && kind == PG_QUERY__TOKEN__END_P) {
      if (case_depth > 0) {
        --case_depth;
      } else {
        --atomic_depth;
      }
    }
    if (depth == 0 && atomic_depth == 0 && kind == PG_QUERY__TOKEN__ASCII_59) return any_token ? query_end : std::string_view::npos;
    if (depth == 0 && any_token && kind == PG_QUERY__TOKEN__WITH && i + 1 < tokens.size() &&
        (is_stop(file, tokens[i + 1], data_words) || check_option_at(i + 1) || (is_stop(file, tokens[i + 1], check_levels) && check_option_at(i + 2)))) {
      return query_end;
    }
    if (kind == PG_QUERY__TOKEN__ASCII_40 && ++depth > max_nesting && too_deep_at == std::string_view::npos) too_deep_at = token.end - offset;
    if (kind == PG_QUERY__TOKEN__ASCII_41) --depth;
    any_token = true;
    query_end = token.end - offset;
  }
  return depth > 0 || atomic_depth > 0 || !any_token || !scanned.complete ? std::string_view::npos : query_end;
}

std::string unicode_escaped_name(std::string_view token) { return decoded_unicode_name(token); }

std::vector<std::string> sql_words(std::string_view sql) {
  bool complete = true;
  const std::vector<Token> tokens = scan(sql, complete);
  std::vector<std::string> words;
  if (!complete) return words;
  for (const Token& token : tokens) {
    const std::string_view text = sql.substr(token.start, token.end - token.start);
    if (token.kind == PG_QUERY__TOKEN__IDENT && text.starts_with('"') && text.size() >= 2) {
      std::string name;
      for (std::size_t i = 1; i + 1 < text.size(); ++i) {
        name += text[i];
        if (text[i] == '"') ++i;  // a doubled quote stands for one
      }
      words.push_back(std::move(name));
    } else if (token.kind == PG_QUERY__TOKEN__UIDENT) {
      words.push_back(decoded_unicode_name(text));
    } else if (token.kind == PG_QUERY__TOKEN__IDENT || token.keyword) {
      words.push_back(folded(text));
    } else if (token.kind == PG_QUERY__TOKEN__SCONST && text.starts_with('$')) {
      // A dollar-quoted body (a function's, a DO block's) is SQL too, more often than not.
      const std::size_t tag = text.find('$', 1) + 1;
      if (tag > 0 && text.size() >= 2 * tag) {
        for (auto& word : sql_words(text.substr(tag, text.size() - 2 * tag))) words.push_back(std::move(word));
      }
    }
  }
  return words;
}

}  // namespace migc::grammar
