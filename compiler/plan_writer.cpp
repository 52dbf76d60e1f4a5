// The generated plan: data only, one array per kind, so that thousands of revisions compile
// in seconds (a function per revision would take minutes).
#include "compiler/plan_writer.hpp"

#include <fmt/format.h>
#include <openssl/evp.h>

#include <deque>
#include <filesystem>
#include <future>
#include <iterator>
#include <set>

#include "compiler/schema.hpp"
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
  Slice add_made(std::string text) { return add(made_.emplace_back(std::move(text))); }
  std::size_t size() const { return size_; }
  // Bytes the array's initializer takes, at the least.
  std::size_t literals_size() const { return size_ + pieces_.size() * 8 + 8; }
  // The array's initializer: one literal a string (adjacent literals join into one array, each
  // escaped on its own); a plan with no strings still needs one character.
  void write_literals(std::string& out) const {
    if (pieces_.empty()) out += "    \"\"\n";
    for (const std::string_view piece : pieces_) {
      out += "    ";
      append_cpp_quoted(out, piece);
      out += '\n';
    }
  }

 private:
  std::vector<std::string_view> pieces_;
  std::deque<std::string> made_;  // a deque: adding does not move what is kept
  std::size_t size_ = 0;
};

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

std::string write_plan_cpp(const CompiledChain& chain, std::string_view name, std::string_view source_root,
                           const std::vector<std::string>& check_excluded) {
  std::string excluded;
  for (const auto& pattern : check_excluded) excluded += pattern + "\n";
  // The head schema's SQL is written on another core meanwhile: the chain no longer changes.
  auto head_schema = std::async(std::launch::async | std::launch::deferred,
                                [&chain] { return cpp_string_literal(schema_sql(chain.head)); });
  TextBlob text;
  std::string steps;
  std::string parents;
  std::string revisions;
  std::string schema_changes;
  std::size_t step_count = 0;
  std::size_t parent_count = 0;
  std::size_t change_count = 0;
  std::map<std::string, std::size_t> index_of;
  for (std::size_t i = 0; i < chain.revisions.size(); ++i) index_of[chain.revisions[i].id] = i;

  for (const auto& revision : chain.revisions) {
    const std::size_t parents_begin = parent_count;
    for (const auto& parent : revision.parents) {
      fmt::format_to(std::back_inserter(parents), "    {},  // {}\n", index_of.at(parent), cpp_comment_text(parent));
      ++parent_count;
    }
    const auto emit_steps = [&](const std::vector<LoweredStep>& lowered) {
      const std::size_t begin = step_count;
      for (const auto& step : lowered) {
        const auto sql = text.add(step.sql);
        const auto concurrent_index = text.add(step.concurrent_index);
        fmt::format_to(std::back_inserter(steps), "    {{.sql = {}, .line = {}, .transactional = {}, .concurrent_index = {}, .creates_index = {}}},\n",
                             sql, step.line, step.transactional, concurrent_index, step.creates_index);
        ++step_count;
      }
      return begin;
    };
    // Strings are added one statement at a time: the order of a call's arguments is unspecified,
    // and the plan must come out the same whichever compiler built migc. Designated initializers:
    // a field written to the wrong slot does not compile.
    const auto id = text.add(revision.id);
    const auto message = text.add(revision.message);
    const auto source = text.add_made(relative_source_path(revision.file->path(), source_root));
    const auto checksum = text.add(revision.checksum);
    const auto lock_timeout = text.add(revision.lock_timeout);
    const auto statement_timeout = text.add(revision.statement_timeout);
    const std::size_t up_begin = emit_steps(revision.lowered.up);
    const std::size_t down_begin = emit_steps(revision.lowered.down);
    const std::size_t changes_begin = change_count;
    for (const auto& [key, sql] : revision.schema_changes) {
      const auto key_text = text.add(key);
      const auto sql_text = text.add(sql);
      fmt::format_to(std::back_inserter(schema_changes), "    {{.key = {}, .sql = {}}},\n", key_text, sql_text);
      ++change_count;
    }
    fmt::format_to(std::back_inserter(revisions),
        "    {{.id = {}, .message = {}, .source = {}, .line = {}, .parents_begin = {}, .parents_count = {}, "
        ".up_begin = {}, .up_count = {}, .down_begin = {}, .down_count = {}, .irreversible = {}, .checksum = {}, "
        ".lock_timeout = {}, .statement_timeout = {}, .changes_begin = {}, .changes_count = {}}},  // {}\n",
        id, message, source, revision.line, parents_begin, revision.parents.size(), up_begin, revision.lowered.up.size(),
        down_begin, revision.lowered.down.size(), revision.lowered.irreversible, checksum, lock_timeout, statement_timeout,
        changes_begin, revision.schema_changes.size(), cpp_comment_text(revision.id));
  }
  // Zero-length arrays are not C++: keep one unused element where a chain has none.
  if (parents.empty()) parents = "    0,  // unused\n";
  if (steps.empty()) steps = "    {},  // unused\n";
  if (schema_changes.empty()) schema_changes = "    {},  // unused\n";

  const std::string head = head_schema.get();
  std::string out;
  out.reserve(steps.size() + parents.size() + revisions.size() + schema_changes.size() + text.literals_size() + head.size() + 4096);
  fmt::format_to(std::back_inserter(out), R"(// Generated by migc from the {} revision(s) of chain {}. Do not edit: edit the .mig files.
#include "plan/plan.hpp"

namespace {{
using namespace std::string_view_literals;
namespace stored = migc::runtime::stored;

constexpr stored::Step steps[] = {{
{}}};

constexpr std::uint32_t parents[] = {{
{}}};

constexpr stored::Revision revisions[] = {{
{}}};

constexpr stored::SchemaChange schema_changes[] = {{
{}}};

// Every string the tables above name by {{offset, size}}.
constexpr char text[] =
)",
                 chain.revisions.size(), cpp_comment_text(name), steps, parents, revisions, schema_changes);
  text.write_literals(out);
  fmt::format_to(std::back_inserter(out), R"(;
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
                 text.size(), head, cpp_string_literal(name), parent_count, step_count, change_count,
                 cpp_string_literal(entry_sum(chain)), cpp_string_literal(excluded), cpp_string_literal(granted_roles(chain)));
  return out;
}

}  // namespace migc
