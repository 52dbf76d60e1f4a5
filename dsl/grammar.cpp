// Instantiates the grammar and drives it one statement at a time, so that a syntax error is
// reported where it happens and parsing resumes at the next `;`.
#include "dsl/grammar.hpp"

#include "dsl/grammar_def.hpp"
#include "dsl/syntax_diagnostics.hpp"

#include <cctype>
#include <optional>
#include <regex>

namespace migc {
namespace {

namespace x3 = boost::spirit::x3;
using Iterator = std::string::const_iterator;

std::uint32_t offset_of(const SourceFile& source, Iterator it) {
  return static_cast<std::uint32_t>(it - source.text().begin());
}

// What stands at `it`, for "got ..." in a message: a word, a quoted token, or one character.
std::pair<std::string, Span> describe_token(const SourceFile& source, Iterator it) {
  const Iterator end = source.text().end();
  const std::uint32_t begin = offset_of(source, it);
  if (it == end) return {"end of file", {begin, begin}};
  Iterator stop = it;
  if (grammar::is_word_char(*stop)) {
    while (stop != end && grammar::is_word_char(*stop)) ++stop;
  } else {
    ++stop;
  }
  std::string text(it, stop);
  return {"`" + text + "`", {begin, offset_of(source, stop)}};
}

// X3 describes literals as 'x' and "::"; messages quote code as `x`.
std::string readable(const std::string& which) {
  // A parser without a description of its own names itself by its C++ type: no help to anyone.
  if (which.find("boost") != std::string::npos) return "what the statement takes here";
  static const std::regex literal(R"('(.)'|\"([^\"]+)\")");
  return std::regex_replace(which, literal, "`$1$2`");
}

Iterator skip_blanks(Iterator it, Iterator end) {
  x3::skip_over(it, end, x3::make_context<x3::skipper_tag>(grammar::skipper));
  return it;
}

// Moves past the next `;` that is not inside a string, quoted name, dollar quote or comment.
Iterator recover_after_statement(Iterator it, Iterator end) {
  while (it != end) {
    const char c = *it;
    if (c == ';') return it + 1;
    if (c == '\'' || c == '"') {
      for (++it; it != end && *it != c; ++it) {}
      if (it != end) ++it;
    } else if (c == '-' && std::next(it) != end && *std::next(it) == '-') {
      while (it != end && *it != '\n') ++it;
    } else if (c == '$') {
      Iterator tag_end = std::next(it);
      while (tag_end != end && grammar::is_word_char(*tag_end) && *tag_end != '$') ++tag_end;
      if (tag_end != end && *tag_end == '$') {
        const std::string delimiter(it, std::next(tag_end));
        const std::string_view rest(&*tag_end + 1, static_cast<std::size_t>(end - tag_end - 1));
        const auto close = rest.find(delimiter);
        it = close == std::string_view::npos ? end : std::next(tag_end) + static_cast<std::ptrdiff_t>(close + delimiter.size());
      } else {
        ++it;
      }
    } else {
      ++it;
    }
  }
  return end;
}

// PostgreSQL's forms of a data step the language does not take, and where they go instead.
std::optional<std::string> data_step_forms_note(Iterator statement, Iterator end) {
  std::string word;
  for (Iterator c = statement; c != end && word.size() < 7 && std::isalpha(static_cast<unsigned char>(*c)); ++c) {
    word += static_cast<char>(std::tolower(static_cast<unsigned char>(*c)));
  }
  if (word != "insert" && word != "update" && word != "delete") return std::nullopt;
  return "a data step is `insert into t [(c, ...)] [overriding system value] values (...), ... [on conflict ...]`, `update t "
         "set c = e, ... [where ...]` or `delete from t [where ...]`; write PostgreSQL's other forms (`insert ... select`, "
         "`update ... from`, `delete ... using`, `returning`, a table alias, `set (a, b) = ...`, `set c[1] = ...`) as "
         "`execute $$ ... $$ down $$ ... $$`";
}

template <typename Rule, typename Attribute>
bool parse_one(const SourceFile& source, Iterator& it, const Rule& rule, Attribute& attribute,
               Diagnostics& diagnostics) {
  const Iterator begin = source.text().begin();
  const Iterator end = source.text().end();
  const auto parser = x3::with<grammar::source_begin_tag>(begin)[rule];
  const Iterator statement_begin = skip_blanks(it, end);
  try {
    if (x3::phrase_parse(it, end, parser, grammar::skipper, attribute)) return true;
    const auto [got, span] = describe_token(source, skip_blanks(it, end));
    diagnostics.report(SyntaxKind::SyntaxError, {&source, span}, x3::what(rule), got);
  } catch (const x3::expectation_failure<Iterator>& failure) {
    const auto [got, span] = describe_token(source, skip_blanks(failure.where(), end));
    if (failure.which().rfind("closing $", 0) == 0) {
      diagnostics.report(SyntaxKind::UnterminatedString, {&source, span}, "dollar-quoted string");
    } else {
      const std::string expected = readable(failure.which());
      auto& diagnostic = diagnostics.report(SyntaxKind::SyntaxError, {&source, span}, expected, got);
      // Where PostgreSQL's other forms leave the language's: after the table, the column or the step.
      static constexpr std::string_view form_points[] = {"`;`", "`values`", "`=`", "`set`", "`<column> = <expression>`"};
      if (std::ranges::find(form_points, expected) != std::end(form_points)) {
        if (const auto note = data_step_forms_note(statement_begin, end)) diagnostic.notes.push_back({{}, *note});
      }
      if (expected == "`system`" && got == "`user`") {
        diagnostic.notes.push_back({{}, "`overriding user value` throws away the values given for identity columns, which the "
                                        "sequence numbers instead: leave those columns out of the insert"});
      }
    }
    it = failure.where();
  } catch (const grammar::nesting_too_deep<Iterator>& failure) {
    const Span span = describe_token(source, failure.where).second;
    diagnostics.report(SyntaxKind::NestingTooDeep, {&source, span}, grammar::max_nesting);
    it = failure.where;
  } catch (const grammar::clause_repeated<Iterator>& failure) {
    const Span span = describe_token(source, failure.where).second;
    diagnostics.report(SyntaxKind::RepeatedClause, {&source, span}, failure.clause);
    it = failure.where;
  }
  return false;
}

// Where `text` first stops being UTF-8 (a stray byte, a truncated or overlong sequence, a
// surrogate, past U+10FFFF), or npos.
std::size_t invalid_utf8_at(std::string_view text) {
  for (std::size_t i = 0; i < text.size();) {
    const auto byte = static_cast<unsigned char>(text[i]);
    std::size_t length = 0;
    std::uint32_t code = 0;
    if (byte < 0x80) {
      ++i;
      continue;
    } else if (byte >= 0xc2 && byte <= 0xdf) {
      length = 2;
      code = byte & 0x1f;
    } else if (byte >= 0xe0 && byte <= 0xef) {
      length = 3;
      code = byte & 0x0f;
    } else if (byte >= 0xf0 && byte <= 0xf4) {
      length = 4;
      code = byte & 0x07;
    } else {
      return i;
    }
    if (i + length > text.size()) return i;
    for (std::size_t k = 1; k < length; ++k) {
      const auto next = static_cast<unsigned char>(text[i + k]);
      if ((next & 0xc0) != 0x80) return i;
      code = (code << 6) | (next & 0x3f);
    }
    const bool overlong = (length == 3 && code < 0x800) || (length == 4 && code < 0x10000);
    if (overlong || (code >= 0xd800 && code <= 0xdfff) || code > 0x10ffff) return i;
    i += length;
  }
  return std::string_view::npos;
}

// What no revision may hold, whatever its statements say.
bool has_forbidden_bytes(const SourceFile& source, Diagnostics& diagnostics) {
  // libpq ends SQL text at a NUL: whatever followed one would silently vanish.
  if (const auto nul = source.text().find('\0'); nul != std::string::npos) {
    const auto at = static_cast<std::uint32_t>(nul);
    diagnostics.report(SyntaxKind::NulByte, {&source, {at, at + 1}});
    return true;
  }
  // PostgreSQL refuses SQL text that is not UTF-8 (22021), and the compiler's own readers of it
  // (libpg_query's tree, as JSON) cannot hold it.
  if (const auto bad = invalid_utf8_at(source.text()); bad != std::string_view::npos) {
    const auto at = static_cast<std::uint32_t>(bad);
    diagnostics.report(SyntaxKind::InvalidUtf8, {&source, {at, at + 1}});
    return true;
  }
  return false;
}

// Moves `it` past `down {`, the start of a revision's hand-written down, if it stands there.
bool skip_down_block_start(Iterator& it, Iterator end) {
  Iterator probe = it;
  if (!x3::phrase_parse(probe, end, grammar::kw("down") >> x3::lit('{'), grammar::skipper)) return false;
  it = probe;
  return true;
}

enum class FileKind { revision, model };

void parse_statements(const SourceFile& source, Iterator it, ast::File& file, Diagnostics& diagnostics, FileKind kind) {
  const Iterator end = source.text().end();
  std::vector<ast::Statement>* statements = &file.statements;
  std::vector<std::vector<ast::Name>>* allowed_lists = &file.allowed;
  bool in_down = false;
  // Past this many, more errors tell nothing new, and reading on costs more with each: every
  // recovery may scan an unclosed `/*` comment to the end of the file again.
  constexpr std::size_t most_errors = 50;
  const std::size_t errors_before = diagnostics.error_count();
  for (it = skip_blanks(it, end); it != end; it = skip_blanks(it, end)) {
    if (diagnostics.error_count() - errors_before >= most_errors) {
      const auto at = offset_of(source, it);
      diagnostics.report(SyntaxKind::TooManyErrors, {&source, {at, at + 1}}, most_errors);
      return;
    }
    if (in_down && *it == '}') {
      in_down = false;
      it = skip_blanks(it + 1, end);
      if (it != end) {
        const auto [got, span] = describe_token(source, it);
        diagnostics.report(SyntaxKind::SyntaxError, {&source, span}, "end of file after the `down { }` block", got);
      }
      return;
    }
    const std::uint32_t start = offset_of(source, it);
    if (kind == FileKind::revision && !in_down && !file.down && skip_down_block_start(it, end)) {
      ast::DownBlock& down = file.down.emplace();
      down.span = {start, start + 4};
      statements = &down.statements;
      allowed_lists = &down.allowed;
      in_down = true;
      continue;
    }
    std::vector<ast::Name> allowed;
    bool annotations_parsed = true;
    while (annotations_parsed && it != end && *it == '@') {
      std::vector<ast::Name> names;
      annotations_parsed = parse_one(source, it, grammar::allow, names, diagnostics);
      allowed.insert(allowed.end(), names.begin(), names.end());
      it = skip_blanks(it, end);
    }
    ast::Statement statement;
    if (annotations_parsed && parse_one(source, it, grammar::statement, statement, diagnostics)) {
      statements->push_back(std::move(statement));
      allowed_lists->push_back(std::move(allowed));
    } else {
      it = recover_after_statement(it, end);
    }
  }
  // Pointing at the block's start says which block, where the end of the file would not.
  if (in_down) diagnostics.report(SyntaxKind::SyntaxError, {&source, file.down->span}, "`}` closing this `down {` block", "end of file");
}

// Editors on Windows begin a UTF-8 file with a byte order mark: nothing to the language.
Iterator after_byte_order_mark(const SourceFile& source) {
  return source.text().starts_with("\xEF\xBB\xBF") ? source.text().begin() + 3 : source.text().begin();
}

}  // namespace

std::optional<ast::File> parse_revision_file(const SourceFile& source, Diagnostics& diagnostics) {
  std::size_t statements_at = 0;
  auto file = parse_revision_header(source, diagnostics, statements_at);
  if (file) parse_revision_statements(source, statements_at, *file, diagnostics);
  return file;
}

std::optional<ast::File> parse_revision_header(const SourceFile& source, Diagnostics& diagnostics, std::size_t& statements_at) {
  if (has_forbidden_bytes(source, diagnostics)) return std::nullopt;
  Iterator it = after_byte_order_mark(source);
  ast::File file;
  if (!parse_one(source, it, grammar::header, file.header, diagnostics)) return std::nullopt;
  statements_at = static_cast<std::size_t>(it - source.text().begin());
  return file;
}

void parse_revision_statements(const SourceFile& source, std::size_t statements_at, ast::File& file, Diagnostics& diagnostics) {
  parse_statements(source, source.text().begin() + static_cast<std::ptrdiff_t>(statements_at), file, diagnostics, FileKind::revision);
}

ast::File parse_model_file(const SourceFile& source, Diagnostics& diagnostics) {
  ast::File file;
  if (!has_forbidden_bytes(source, diagnostics)) parse_statements(source, after_byte_order_mark(source), file, diagnostics, FileKind::model);
  return file;
}

bool is_expression(const std::string& text) {
  Iterator it = text.begin();
  ast::Expression expression;
  const auto parser = x3::with<grammar::source_begin_tag>(text.begin())[grammar::expression >> x3::eoi];
  try {
    return x3::phrase_parse(it, text.end(), parser, grammar::skipper, expression);
  } catch (const x3::expectation_failure<Iterator>&) {
    return false;
  } catch (const grammar::nesting_too_deep<Iterator>&) {
    return false;  // in parentheses, the text is passed through whole
  } catch (const grammar::clause_repeated<Iterator>&) {
    return false;
  }
}

}  // namespace migc
