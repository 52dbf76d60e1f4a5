// The generated plan: data only, one array per kind, so that thousands of revisions compile
// in seconds (a function per revision would take minutes).
#include "compiler/plan_writer.hpp"

#include <fmt/format.h>
#include <openssl/evp.h>

#include <deque>
#include <filesystem>
#include <iterator>
#include <set>

#include "compiler/schema.hpp"
#include "compiler/sql_parser.hpp"
#include "postgres/visible_text.hpp"

namespace migc {

namespace {

// `text` between double quotes as C++ reads a string literal. Escaped beyond what C++ needs:
// `?` (no trigraph, `??/` being a backslash, whatever the compiler's mode), and every byte
// visible_length() refuses, in octal (the same bytes in a literal; no bidirectional control
// or line separator in the source, which GCC warns about and a reviewer cannot see).
void append_cpp_quoted(std::string& out, std::string_view text) {
  out.reserve(out.size() + text.size() + 2);
  out += '"';
  for (std::size_t i = 0; i < text.size();) {
    // Plain ASCII, the bulk of any plan, is copied a run at a time.
    std::size_t plain = i;
    while (plain < text.size()) {
      const auto byte = static_cast<unsigned char>(text[plain]);
      if (byte < 0x20 || byte >= 0x7f || byte == '"' || byte == '\\' || byte == '?') break;
      ++plain;
    }
    if (plain > i) {
      out.append(text, i, plain - i);
      i = plain;
      continue;
    }
    const char c = text[i];
    if (c == '"' || c == '\\' || c == '?') {
      out += '\\';
      out += c;
      ++i;
    } else if (const std::size_t length = visible_length(text, i); length > 0) {
      out.append(text, i, length);
      i += length;
    } else {
      switch (c) {
        case '\n': out += "\\n"; break;
        case '\t': out += "\\t"; break;
        case '\r': out += "\\r"; break;
        default: out += fmt::format("\\{:03o}", static_cast<unsigned char>(c));
      }
      ++i;
    }
  }
  out += '"';
}

std::string cpp_quoted(std::string_view text) {
  std::string out;
  append_cpp_quoted(out, text);
  return out;
}

}  // namespace

std::string cpp_string_literal(std::string_view text) { return cpp_quoted(text) + "sv"; }

std::string cpp_comment_text(std::string_view text) { return cpp_quoted(text); }

std::string relative_source_path(std::string_view path, std::string_view source_root) {
  if (source_root.empty()) return std::string(path);
  const auto relative = std::filesystem::path(path).lexically_relative(std::filesystem::path(source_root));
  return relative.empty() ? std::string(path) : relative.generic_string();
}

// The sum of every revision's entry_bits, as the migrator's migc_version table computes them
// (the first 60 bits of MD5 of "<id> <checksum>"), in decimal as PostgreSQL prints a numeric.
std::string entry_sum(const CompiledChain& chain) {
  __extension__ using Sum = unsigned __int128;  // 10,000 numbers of 60 bits overflow 64
  Sum sum = 0;
  for (const auto& revision : chain.revisions) {
    const std::string entry = revision.id + " " + revision.checksum;
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    EVP_Digest(entry.data(), entry.size(), digest, &length, EVP_md5(), nullptr);
    std::uint64_t bits = 0;
    for (int i = 0; i < 8; ++i) bits = bits << 8 | digest[i];
    sum += bits >> 4;  // the first 15 hex digits
  }
  std::string digits;
  do {
    digits.insert(digits.begin(), static_cast<char>('0' + static_cast<int>(sum % 10)));
    sum /= 10;
  } while (sum != 0);
  return digits;
}

namespace {

// Every string of the plan, one after another in one character array, which the tables point
// into by offset and size: data without a pointer needs no relocation when the migrator starts.
// The array is written after the tables, straight into the plan's text: the largest part of a
// plan is never copied.
class PlanText;

class TextBlob {
 public:
  struct Slice {
    std::size_t offset = 0;
    std::size_t size = 0;
  };
  // Where `text` will be; the empty string is {0, 0}. `text` must outlive the blob.
  Slice add(std::string_view text) {
    if (text.empty()) return {};
    const Slice slice{size_, text.size()};
    size_ += text.size();
    pieces_.push_back(text);
    return slice;
  }
  // A string made for the plan, which the blob keeps.
  Slice add_made(std::string text) { return text.empty() ? Slice{} : add(made_.emplace_back(std::move(text))); }
  std::size_t size() const { return size_; }
  // The array's initializer: one literal a string (adjacent literals join into one array, each
  // escaped on its own); a plan with no strings still needs one character.
  void write_literals(PlanText& out) const;

 private:
  std::vector<std::string_view> pieces_;
  std::deque<std::string> made_;  // a deque: adding does not move what is kept
  std::size_t size_ = 0;
};

// The plan's text, handed to the sink a block at a time: a plan of 10,000 revisions is tens of
// megabytes, which neither this writer nor its caller need hold whole.
class PlanText {
 public:
  explicit PlanText(const PlanSink& sink) : sink_(sink) { block_.reserve(2 * block_size); }
  std::string& block() { return block_; }
  auto out() { return std::back_inserter(block_); }
  // Called between items: the block goes once it is full.
  void next() {
    if (block_.size() >= block_size) flush();
  }
  void flush() {
    if (!block_.empty()) sink_(block_);
    block_.clear();
  }

 private:
  static constexpr std::size_t block_size = 1 << 16;
  const PlanSink& sink_;
  std::string block_;
};

void TextBlob::write_literals(PlanText& out) const {
  if (pieces_.empty()) out.block() += "    \"\"\n";
  for (const std::string_view piece : pieces_) {
    out.block() += "    ";
    append_cpp_quoted(out.block(), piece);
    out.block() += '\n';
    out.next();
  }
}

}  // namespace
}  // namespace migc

template <>
struct fmt::formatter<migc::TextBlob::Slice> : fmt::formatter<std::string_view> {
  auto format(const migc::TextBlob::Slice& slice, format_context& context) const {
    return fmt::format_to(context.out(), "{{{}, {}}}", slice.offset, slice.size);
  }
};

namespace migc {

// The roles the chain's revisions grant to or revoke from, `public` aside, each ended by a NUL
// byte: a quoted name may hold a line end, never a NUL (no revision may).
std::string granted_roles(const CompiledChain& chain) {
  std::set<std::string> roles;
  for (const auto& revision : chain.revisions) {
    for (const auto& operation : revision.lowered.operations) {
      if (const auto* change = std::get_if<op::SetPrivileges>(&operation); change != nullptr && change->role != "public") {
        roles.insert(change->role);
      }
    }
  }
  std::string lines;
  for (const auto& role : roles) {
    lines += role;
    lines += '\0';
  }
  return lines;
}

void write_plan_cpp(const CompiledChain& chain, std::string_view name, std::string_view source_root,
                    const std::vector<std::string>& check_excluded, const PlanSink& sink) {
  std::string excluded;
  for (const auto& pattern : check_excluded) excluded += pattern + "\n";
  // Written here, not on another core while the tables are: measured on 10,000 revisions it
  // saved nothing, and a thread that fails to start throws on the way to its fallback.
  const std::string head_schema = cpp_string_literal(head_schema_sql(chain));
  // Where each string will be in the text array, first: the tables before it name them by offset.
  // Strings are added one statement at a time: the order of a call's arguments is unspecified,
  // and the plan must come out the same whichever compiler built migc.
  struct RevisionText {
    TextBlob::Slice id, message, source, checksum, lock_timeout, statement_timeout;
  };
  struct StepText {
    TextBlob::Slice sql, concurrent_index, psql_sql;
  };
  struct ChangeText {
    TextBlob::Slice key, sql;
  };
  TextBlob text;
  std::vector<RevisionText> revision_texts;
  std::vector<StepText> step_texts;
  std::vector<ChangeText> change_texts;
  revision_texts.reserve(chain.revisions.size());
  for (const auto& revision : chain.revisions) {
    RevisionText& strings = revision_texts.emplace_back();
    strings.id = text.add(revision.id);
    strings.message = text.add(revision.message);
    strings.source = text.add_made(relative_source_path(revision.file->path(), source_root));
    strings.checksum = text.add(revision.checksum);
    strings.lock_timeout = text.add(revision.lock_timeout);
    strings.statement_timeout = text.add(revision.statement_timeout);
    for (const auto* steps : {&revision.lowered.up, &revision.lowered.down}) {
      for (const auto& step : *steps) {
        StepText& step_text = step_texts.emplace_back();
        step_text.sql = text.add(step.sql);
        step_text.concurrent_index = text.add(step.concurrent_index);
        step_text.psql_sql = text.add_made(sql_for_psql(step.sql));
      }
    }
    for (const auto& [key, sql] : revision.schema_changes) {
      ChangeText& change = change_texts.emplace_back();
      change.key = text.add_made(key.serialised());
      change.sql = text.add(sql);
    }
  }
  std::map<std::string, std::size_t> index_of;
  for (std::size_t i = 0; i < chain.revisions.size(); ++i) index_of[chain.revisions[i].id] = i;

  PlanText out(sink);
  fmt::format_to(out.out(), R"(// Generated by migc from the {} revision(s) of chain {}. Do not edit: edit the .mig files.
#include "plan/plan.hpp"

namespace {{
using namespace std::string_view_literals;
namespace stored = migc::runtime::stored;

constexpr stored::Step steps[] = {{
)",
                 chain.revisions.size(), cpp_comment_text(name));
  // Zero-length arrays are not C++: one unused element where a chain has none.
  std::size_t step_count = 0;
  for (const auto& revision : chain.revisions) {
    for (const auto* steps : {&revision.lowered.up, &revision.lowered.down}) {
      for (const auto& step : *steps) {
        const StepText& strings = step_texts[step_count++];
        // Designated initializers: a field written to the wrong slot does not compile.
        fmt::format_to(out.out(), "    {{.sql = {}, .line = {}, .transactional = {}, .concurrent_index = {}, .creates_index = {}",
                       strings.sql, step.line, step.transactional, strings.concurrent_index, step.creates_index);
        if (strings.psql_sql.size != 0) fmt::format_to(out.out(), ", .psql_sql = {}", strings.psql_sql);
        out.block() += "},\n";
        out.next();
      }
    }
  }
  if (step_count == 0) out.block() += "    {},  // unused\n";
  out.block() += "};\n\nconstexpr std::uint32_t parents[] = {\n";
  std::size_t parent_count = 0;
  for (const auto& revision : chain.revisions) {
    for (const auto& parent : revision.parents) {
      fmt::format_to(out.out(), "    {},  // {}\n", index_of.at(parent), cpp_comment_text(parent));
      ++parent_count;
    }
    out.next();
  }
  if (parent_count == 0) out.block() += "    0,  // unused\n";
  out.block() += "};\n\nconstexpr stored::Revision revisions[] = {\n";
  std::size_t parents_begin = 0;
  std::size_t steps_begin = 0;
  std::size_t changes_begin = 0;
  for (std::size_t i = 0; i < chain.revisions.size(); ++i) {
    const CompiledRevision& revision = chain.revisions[i];
    const RevisionText& strings = revision_texts[i];
    const std::size_t up_begin = steps_begin;
    const std::size_t down_begin = up_begin + revision.lowered.up.size();
    fmt::format_to(out.out(),
        "    {{.id = {}, .message = {}, .source = {}, .line = {}, .parents_begin = {}, .parents_count = {}, "
        ".up_begin = {}, .up_count = {}, .down_begin = {}, .down_count = {}, .irreversible = {}, .checksum = {}, "
        ".lock_timeout = {}, .statement_timeout = {}, .changes_begin = {}, .changes_count = {}}},  // {}\n",
        strings.id, strings.message, strings.source, revision.line, parents_begin, revision.parents.size(), up_begin,
        revision.lowered.up.size(), down_begin, revision.lowered.down.size(), revision.lowered.irreversible, strings.checksum,
        strings.lock_timeout, strings.statement_timeout, changes_begin, revision.schema_changes.size(), cpp_comment_text(revision.id));
    parents_begin += revision.parents.size();
    steps_begin = down_begin + revision.lowered.down.size();
    changes_begin += revision.schema_changes.size();
    out.next();
  }
  out.block() += "};\n\nconstexpr stored::SchemaChange schema_changes[] = {\n";
  for (const ChangeText& change : change_texts) {
    fmt::format_to(out.out(), "    {{.key = {}, .sql = {}}},\n", change.key, change.sql);
    out.next();
  }
  if (change_texts.empty()) out.block() += "    {},  // unused\n";
  out.block() += "};\n\n// Every string the tables above name by {offset, size}.\nconstexpr char text[] =\n";
  text.write_literals(out);
  fmt::format_to(out.out(), R"(;
constexpr std::string_view blob(text, {});

constexpr std::string_view head_schema = {};
}}  // namespace

namespace migc::runtime {{
const Plan& linked_plan() {{
  static constexpr Plan plan{{.name = {}, .revisions = {{blob, revisions}}, .parents = std::span<const std::uint32_t>(parents, {}),
                             .steps = {{blob, std::span<const stored::Step>(steps, {})}}, .head_schema_sql = head_schema,
                             .schema_changes = {{blob, std::span<const stored::SchemaChange>(schema_changes, {})}},
                             .entry_sum = {}, .check_excluded = {}, .roles = {}}};
  return plan;
}}
}}  // namespace migc::runtime
)",
                 text.size(), head_schema, cpp_string_literal(name), parent_count, step_count, change_texts.size(),
                 cpp_string_literal(entry_sum(chain)), cpp_string_literal(excluded), cpp_string_literal(granted_roles(chain)));
  out.flush();
}

std::string write_plan_cpp(const CompiledChain& chain, std::string_view name, std::string_view source_root,
                           const std::vector<std::string>& check_excluded) {
  std::string plan;
  write_plan_cpp(chain, name, source_root, check_excluded, [&plan](std::string_view block) { plan += block; });
  return plan;
}

}  // namespace migc
