// The compiler pipeline over a chain of revision files.
#include "compiler/chain.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <regex>
#include <set>
#include <stdexcept>
#include <string_view>
#include <system_error>
#include <thread>

#include "compiler/deep_stack.hpp"
#include "compiler/diagnostic_kind.hpp"
#include "compiler/parallel.hpp"
#include "compiler/revision_graph.hpp"
#include "dsl/grammar.hpp"
#include "postgres/sql_text.hpp"

namespace migc {

// An id names its file, which CMake globs, and is typed as a migrator target (`<rev>+1`,
// `from:to`): letters (any script), digits, `_` and `.` are safe in both; the first other
// character, or the id is fine.
std::optional<std::string> unsafe_in_id(const std::string& id) {
  if (id.empty()) return std::string("nothing");
  for (const char c : id) {
    const auto byte = static_cast<unsigned char>(c);
    if (std::isalnum(byte) || c == '_' || c == '.' || byte >= 0x80) continue;
    if (byte < 0x20 || byte == 0x7f) return fmt::format("the control character \\x{:02x}", byte);
    return fmt::format("`{}`", c);
  }
  return std::nullopt;
}

namespace {

struct ParsedFile {
  const SourceFile* file;
  ast::File syntax;
};

bool is_reserved_id(const std::string& id) { return id == "base" || id == "head" || id == "heads"; }

// `<id>`, `<id>_<slug>`, or `<date>-<id>_<slug>` as `migc revision` writes it.
void check_file_name(const ParsedFile& parsed, Diagnostics& diagnostics) {
  const std::string stem = std::filesystem::path(parsed.file->path()).stem().string();
  const std::string& id = parsed.syntax.header.id.value;
  const auto dash = stem.find('-');
  const std::string named = dash == std::string::npos ? stem : stem.substr(dash + 1);
  if (named == id || named.starts_with(id + "_")) return;
  auto& diagnostic = diagnostics.report(DiagnosticKind::FileNameMismatch, {parsed.file, parsed.syntax.header.id.span},
                                        std::filesystem::path(parsed.file->path()).filename().string(), id);
  diagnostic.notes.push_back({{}, fmt::format("name the file `{}_<slug>.mig`", id)});
}

// Whether the parents exist is the graph's to say; that there are two or more, and no repeats,
// the header alone shows.
void check_merge_parents(const ParsedFile& parsed, Diagnostics& diagnostics) {
  const auto& header = parsed.syntax.header;
  if (header.parents.size() == 1) {
    auto& diagnostic = diagnostics.report(DiagnosticKind::InvalidMerge, {parsed.file, header.parents[0].span}, header.id.value,
                                          fmt::format("names only `{}`", header.parents[0].value));
    diagnostic.notes.push_back({{}, fmt::format("a revision with one parent revises it: revision '{}' revises '{}';",
                                                header.id.value, header.parents[0].value)});
    return;
  }
  for (std::size_t i = 1; i < header.parents.size(); ++i) {
    const auto first = std::find_if(header.parents.begin(), header.parents.begin() + static_cast<std::ptrdiff_t>(i),
                                    [&](const ast::StringLiteral& parent) { return parent.value == header.parents[i].value; });
    if (first == header.parents.begin() + static_cast<std::ptrdiff_t>(i)) continue;
    auto& diagnostic = diagnostics.report(DiagnosticKind::InvalidMerge, {parsed.file, header.parents[i].span}, header.id.value,
                                          fmt::format("names `{}` twice", header.parents[i].value));
    diagnostic.notes.push_back({{parsed.file, first->span}, "first named here"});
  }
}

}  // namespace

void check_generated_file(const SourceFile& checked_in, const std::string& expected, std::string_view refresh_command,
                          Diagnostics& diagnostics) {
  if (checked_in.text() == expected) return;
  // Point at the first line that differs, which is where a reviewer would look.
  std::size_t offset = 0;
  while (offset < checked_in.text().size() && offset < expected.size() && checked_in.text()[offset] == expected[offset]) ++offset;
  const auto line_start = checked_in.text().rfind('\n', offset == 0 ? 0 : offset - 1);
  const auto begin = static_cast<std::uint32_t>(line_start == std::string::npos || offset == 0 ? 0 : line_start + 1);
  auto& diagnostic = diagnostics.report(DiagnosticKind::StaleGenerated, {&checked_in, {begin, begin}},
                                        std::filesystem::path(checked_in.path()).filename().string());
  diagnostic.notes.push_back({{}, fmt::format("refresh it with `{}` and commit the result", refresh_command)});
}

namespace {

struct LockEntry {
  std::string id;  // empty for a malformed line
  std::string checksum;
  Span span;
};

std::vector<LockEntry> read_lock(const SourceFile& lock) {
  std::vector<LockEntry> entries;
  const std::string& text = lock.text();
  std::size_t begin = 0;
  while (begin < text.size()) {
    std::size_t end = text.find('\n', begin);
    if (end == std::string::npos) end = text.size();
    const std::string line = text.substr(begin, end - begin);
    if (!line.empty() && line[0] != '#') {
      const auto space = line.find(' ');
      const Span span{static_cast<std::uint32_t>(begin), static_cast<std::uint32_t>(end)};
      if (space == std::string::npos || space == 0 || line.find(' ', space + 1) != std::string::npos) {
        entries.push_back({"", line, span});
      } else {
        entries.push_back({line.substr(0, space), line.substr(space + 1), span});
      }
    }
    begin = end + 1;
  }
  return entries;
}

}  // namespace

void check_lock_file(const SourceFile& lock, const CompiledChain& chain, Diagnostics& diagnostics) {
  std::map<std::string, const CompiledRevision*> by_id;
  for (const auto& revision : chain.revisions) by_id[revision.id] = &revision;
  for (const auto& entry : read_lock(lock)) {
    if (entry.id.empty()) {
      diagnostics.report(DiagnosticKind::MalformedLockFile, {&lock, entry.span}, entry.checksum);
      continue;
    }
    const auto found = by_id.find(entry.id);
    if (found == by_id.end()) {
      auto& diagnostic = diagnostics.report(DiagnosticKind::LockedRevisionMissing, {&lock, entry.span}, entry.id);
      diagnostic.notes.push_back({{}, "a released revision may be deployed somewhere: restore its file"});
      continue;
    }
    const CompiledRevision& revision = *found->second;
    if (revision.checksum == entry.checksum) continue;
    auto& diagnostic = diagnostics.report(DiagnosticKind::LockedRevisionChanged, {revision.file, revision.id_span}, revision.id, entry.checksum, revision.checksum);
    diagnostic.notes.push_back({{&lock, entry.span}, "locked here"});
    diagnostic.notes.push_back({{}, "a released revision must not change: undo the edit and write a new revision; "
                                    "if it was never deployed anywhere, delete its line from the lock file"});
  }
}

std::set<const SourceFile*> released_files(const SourceFile& lock, const CompiledChain& chain) {
  std::set<std::pair<std::string, std::string>> locked;
  for (const auto& entry : read_lock(lock)) locked.emplace(entry.id, entry.checksum);
  std::set<const SourceFile*> files;
  for (const auto& revision : chain.revisions) {
    if (locked.contains({revision.id, revision.checksum})) files.insert(revision.file);
  }
  return files;
}

std::string updated_lock_file(const SourceFile& lock, const CompiledChain& chain, std::string_view header) {
  std::string text = lock.text().empty() ? std::string(header) : lock.text();
  if (!text.empty() && text.back() != '\n') text += '\n';
  std::set<std::string> locked;
  for (const auto& entry : read_lock(lock)) locked.insert(entry.id);
  for (const auto& revision : chain.revisions) {
    if (!locked.contains(revision.id)) text += revision.id + " " + revision.checksum + "\n";
  }
  return text;
}

std::string checksum_of(const LoweredRevision& lowered) {
  std::uint64_t hash = 0xcbf29ce484222325ULL;
  const auto mix = [&](std::string_view text) {
    for (unsigned char c : text) {
      hash ^= c;
      hash *= 0x100000001b3ULL;
    }
    hash ^= 0xff;  // a separator no SQL text contains, so ["ab"] and ["a","b"] differ
    hash *= 0x100000001b3ULL;
  };
  for (const auto& step : lowered.up) mix(step.transactional ? step.sql : "outside a transaction: " + step.sql);
  mix(lowered.irreversible ? "down: irreversible" : "down:");
  for (const auto& step : lowered.down) mix(step.transactional ? step.sql : "outside a transaction: " + step.sql);
  return fmt::format("{:016x}", hash);
}

namespace {

// The schema at a merge, and whether its branches conflict. Each branch was checked on the
// schema it forked from; a database may have either applied first (each was a head, and
// deployable, before the merge), so each branch's revisions are checked again on top of the
// other's, in both orders, and the two orders must end in the same schema.
class BranchJoin {
 public:
  BranchJoin(const RevisionGraph& graph, const std::vector<RevisionSource>& sources, const CreationSites& sites,
             const std::vector<const LoweredRevision*>& lowered, const std::map<std::size_t, Schema>& branch_points)
      : graph_(graph), sources_(sources), sites_(sites), lowered_(lowered), branch_points_(branch_points) {
    position_.assign(sources.size(), sources.size());  // a revision outside the order (a duplicate id) sorts last
    for (std::size_t i = 0; i < graph.order().size(); ++i) position_[graph.order()[i]] = i;
  }

  // The schema `revision` leaves: the stored operations of its ancestors (checked in their own
  // revisions) applied from the fullest schema at hand that holds only ancestors of it.
  Schema schema_after(std::size_t revision, const Schema& current, std::optional<std::size_t> previous) const {
    return replay(ancestry_set(revision), current, previous);
  }

  // `current` is the schema after `previous` (if any revision was compiled yet); `check`, whether
  // to look for conflicts (not after earlier errors, which they would only repeat).
  Schema join(std::size_t merge, const Schema& current, std::optional<std::size_t> previous, bool check, Diagnostics& diagnostics) const {
    std::vector<std::size_t> parents = graph_.parents(merge);
    // The branch the schema already holds comes first: it needs no replay.
    if (previous) {
      const auto found = std::find(parents.begin(), parents.end(), *previous);
      if (found != parents.end()) std::rotate(parents.begin(), found, found + 1);
    }
    std::vector<std::size_t> joined = ancestry_set(parents[0]);
    Schema schema = previous && parents[0] == *previous ? current : replay(joined, current, previous);
    for (std::size_t i = 1; i < parents.size(); ++i) {
      const std::vector<std::size_t> branch = ancestry_set(parents[i]);
      const std::vector<std::size_t> branch_only = minus(branch, joined);
      const std::vector<std::size_t> joined_only = minus(joined, branch);
      if (branch_only.empty()) continue;
      Schema branch_last = schema;
      const auto after_joined = recheck(branch_only, branch_last, check);
      if (check && !joined_only.empty()) {
        Schema joined_last = replay(branch, current, previous);
        const auto after_branch = recheck(joined_only, joined_last, true);
        report(merge, joined_only.back(), branch_only, after_joined, diagnostics);
        report(merge, branch_only.back(), joined_only, after_branch, diagnostics);
        if (after_joined.empty() && after_branch.empty()) {
          const auto differing = differing_objects(branch_last, joined_last);
          if (!differing.empty()) {
            const auto& header = sources_[merge].syntax->header;
            auto& diagnostic = diagnostics.report(DiagnosticKind::MergeConflict, {sources_[merge].file, header.id.span}, header.id.value,
                                                  "the schema they leave depends on which is applied first");
            for (const auto& object : differing) diagnostic.notes.push_back({{}, fmt::format("{} differs", object)});
            diagnostic.notes.push_back({{}, std::string(resolution)});
          }
        }
      }
      schema = std::move(branch_last);
      std::vector<std::size_t> both;
      std::set_union(joined.begin(), joined.end(), branch.begin(), branch.end(), std::back_inserter(both), by_position());
      joined = std::move(both);
    }
    return schema;
  }

 private:
  struct ByPosition {
    const std::vector<std::size_t>* position;
    bool operator()(std::size_t a, std::size_t b) const { return (*position)[a] < (*position)[b]; }
  };
  ByPosition by_position() const { return {&position_}; }

  std::vector<std::size_t> ancestry_set(std::size_t revision) const {
    std::vector<std::size_t> ancestry = graph_.ancestry(revision);
    std::sort(ancestry.begin(), ancestry.end(), by_position());
    return ancestry;
  }

  std::vector<std::size_t> minus(const std::vector<std::size_t>& from, const std::vector<std::size_t>& without) const {
    std::vector<std::size_t> left;
    std::set_difference(from.begin(), from.end(), without.begin(), without.end(), std::back_inserter(left), by_position());
    return left;
  }

  // schema_after() for a set of revisions closed under parents.
  Schema replay(const std::vector<std::size_t>& ancestry, const Schema& current, std::optional<std::size_t> previous) const {
    const auto within = [&](std::size_t revision) { return std::binary_search(ancestry.begin(), ancestry.end(), revision, by_position()); };
    const Schema* start = nullptr;
    std::size_t start_revision = 0;
    std::size_t start_size = 0;
    const auto consider = [&](std::size_t revision, const Schema& schema) {
      if (!within(revision)) return;
      auto [size, _] = ancestry_sizes_.try_emplace(revision, 0);
      if (size->second == 0) size->second = graph_.ancestry(revision).size();
      if (size->second > start_size) {
        start = &schema;
        start_revision = revision;
        start_size = size->second;
      }
    };
    if (previous) consider(*previous, current);
    for (const auto& [revision, schema] : branch_points_) consider(revision, schema);
    Schema schema = start != nullptr ? *start : Schema{};
    const std::vector<std::size_t> have = start != nullptr ? ancestry_set(start_revision) : std::vector<std::size_t>{};
    for (const std::size_t revision : minus(ancestry, have)) {
      for (const auto& operation : lowered_[revision]->operations) apply_operation(operation, schema);
    }
    return schema;
  }

  // Applies `revisions` to `schema`: checked again when `check`, else their stored operations.
  // Returns what the check found.
  std::vector<Note> recheck(const std::vector<std::size_t>& revisions, Schema& schema, bool check) const {
    if (!check) {
      for (const std::size_t revision : revisions) {
        for (const auto& operation : lowered_[revision]->operations) apply_operation(operation, schema);
      }
      return {};
    }
    Diagnostics scratch;
    std::vector<Note> problems;
    for (const std::size_t revision : revisions) {
      const std::size_t errors_before = scratch.error_count();
      const LoweredRevision again = lower_revision(sources_[revision], schema, sites_, scratch);
      // Its down was derived from the schema of its own branch, and runs as built: after the
      // other branch too, it must still be the way back (an enum rebuilt with the other branch's
      // values and columns, a type the other branch changed too).
      const auto sql_of = [](const std::vector<LoweredStep>& steps) {
        std::vector<std::string> sql;
        for (const auto& step : steps) sql.push_back(step.sql);
        return sql;
      };
      if (scratch.error_count() == errors_before && sql_of(again.down) != sql_of(lowered_[revision]->down)) {
        problems.push_back({{sources_[revision].file, sources_[revision].syntax->header.id.span},
                            fmt::format("the way down of `{}`, built for its own branch, would not give back the schema there",
                                        sources_[revision].id)});
      }
    }
    for (const auto& diagnostic : scratch.all()) {
      if (diagnostic.severity == Severity::error) problems.push_back({diagnostic.where, diagnostic.message});
    }
    return problems;
  }

  // The errors of `rechecked`, one branch's revisions applied after `other`, the other's tip.
  void report(std::size_t merge, std::size_t other, const std::vector<std::size_t>& rechecked, const std::vector<Note>& errors,
              Diagnostics& diagnostics) const {
    if (errors.empty()) return;
    const auto& header = sources_[merge].syntax->header;
    std::vector<std::string> ids;
    for (const std::size_t revision : rechecked) ids.push_back(fmt::format("`{}`", sources_[revision].id));
    auto& diagnostic = diagnostics.report(
        DiagnosticKind::MergeConflict, {sources_[merge].file, header.id.span}, header.id.value,
        fmt::format("a database at revision `{}` cannot take {}", sources_[other].id, fmt::join(ids, ", ")));
    for (const auto& error : errors) diagnostic.notes.push_back({error.where, fmt::format("after `{}`: {}", sources_[other].id, error.message)});
    diagnostic.notes.push_back({{}, std::string(resolution)});
  }

  static constexpr std::string_view resolution =
      "make one branch revise the other's head instead of merging, or change a branch so that either order applies";

  const RevisionGraph& graph_;
  const std::vector<RevisionSource>& sources_;
  const CreationSites& sites_;
  const std::vector<const LoweredRevision*>& lowered_;
  const std::map<std::size_t, Schema>& branch_points_;
  std::vector<std::size_t> position_;  // of each revision in graph order
  mutable std::map<std::size_t, std::size_t> ancestry_sizes_;
};

}  // namespace

namespace {

// What the headers say, checked, as the graph takes it.
std::vector<RevisionHeader> checked_headers(const std::vector<ParsedFile>& parsed, Diagnostics& diagnostics) {
  std::vector<RevisionHeader> headers;
  for (const auto& file : parsed) {
    check_file_name(file, diagnostics);
    const auto& header = file.syntax.header;
    for (const auto* timeout : {&header.lock_timeout, &header.statement_timeout}) {
      static const std::regex interval(R"(\d+\s*(ms|s|min|h|d)?)");
      if (*timeout && !std::regex_match((*timeout)->value, interval)) {
        diagnostics.report(DiagnosticKind::InvalidTimeout, {file.file, (*timeout)->span}, (*timeout)->value);
      }
    }
    if (header.merge) check_merge_parents(file, diagnostics);
    if (is_reserved_id(header.id.value)) {
      diagnostics.report(DiagnosticKind::ReservedRevisionId, {file.file, header.id.span}, header.id.value);
    } else if (const auto unsafe = unsafe_in_id(header.id.value)) {
      diagnostics.report(DiagnosticKind::InvalidRevisionId, {file.file, header.id.span}, *unsafe);
    }
    RevisionHeader node{header.id.value, {file.file, header.id.span}, {}, {}};
    // A dependency orders and gates like a parent: it is applied first and reverted last.
    for (const auto& parent : header.parents) {
      node.parents.push_back(parent.value);
      node.parent_locations.push_back({file.file, parent.span});
    }
    for (const auto& dependency : header.dependencies) {
      node.parents.push_back(dependency.value);
      node.parent_locations.push_back({file.file, dependency.span});
    }
    headers.push_back(std::move(node));
  }
  return headers;
}

std::vector<RevisionSource> revision_sources(const std::vector<ParsedFile>& parsed, const RevisionGraph& graph) {
  std::vector<RevisionSource> sources;
  auto index_of = std::make_shared<std::map<std::string, std::size_t>>();
  for (std::size_t i = 0; i < parsed.size(); ++i) index_of->emplace(parsed[i].syntax.header.id.value, i);
  for (std::size_t i = 0; i < parsed.size(); ++i) {
    const auto applied_before = [&graph, index_of, i](const std::string& other) {
      const auto found = index_of->find(other);
      if (found == index_of->end()) return false;
      const auto ancestry = graph.ancestry(i);
      return std::find(ancestry.begin(), ancestry.end(), found->second) != ancestry.end();
    };
    sources.push_back({parsed[i].syntax.header.id.value, parsed[i].file, &parsed[i].syntax, applied_before});
  }
  return sources;
}

// Simulates and lowers every revision in graph order. `statements_ready(position)` is asked
// before the revision at that position of the order is read, and may stop the compile.
std::optional<CompiledChain> lower_chain(const RevisionGraph& graph, std::vector<ParsedFile>& parsed, const std::vector<RevisionHeader>& headers,
                                         const std::vector<RevisionSource>& sources, const CreationSites& sites, Diagnostics& diagnostics,
                                         const std::function<bool(std::size_t position)>& statements_ready) {
  CompiledChain chain;
  chain.revisions.reserve(graph.order().size());  // `lowered` points into it
  Schema schema;
  std::map<std::size_t, Schema> branch_points;  // schema after each revision with several children
  std::vector<const LoweredRevision*> lowered(parsed.size());  // of each revision compiled
  std::optional<std::size_t> previous;
  const BranchJoin join(graph, sources, sites, lowered, branch_points);
  // In a chain without branches no schema is ever rebuilt from a revision's operations, nor its
  // statements checked again: they go once it is lowered, but for the grants the plan lists. A table's copy in its `create table` was a
  // sixth of the memory a long chain's compile touched, and first touches of memory were a third
  // of its time.
  std::size_t roots = 0;
  const bool one_line = std::all_of(graph.order().begin(), graph.order().end(), [&](std::size_t revision) {
    roots += graph.parents(revision).empty() ? 1 : 0;
    return graph.parents(revision).size() <= 1 && graph.children(revision).size() <= 1 && roots <= 1;
  });
  for (std::size_t position = 0; position < graph.order().size(); ++position) {
    if (!statements_ready(position)) return std::nullopt;
    const std::size_t revision = graph.order()[position];
    const auto& parents = graph.parents(revision);
    const bool follows_previous = previous && std::find(parents.begin(), parents.end(), *previous) != parents.end();
    const auto saved = parents.size() == 1 ? branch_points.find(parents[0]) : branch_points.end();
    if (parents.size() == 1 && !follows_previous && saved != branch_points.end()) {
      schema = saved->second;
    } else if (parents.size() > 1) {
      schema = join.join(revision, schema, previous, !diagnostics.had_errors(), diagnostics);
    } else if (parents.size() == 1 && !follows_previous) {
      // Its parent was followed by another branch's revisions, and had one child then.
      schema = join.schema_after(parents[0], schema, previous);
    }
    CompiledRevision compiled;
    const auto& header = parsed[revision].syntax.header;
    compiled.id = header.id.value;
    compiled.parents = headers[revision].parents;
    compiled.message = header.message ? header.message->value : "";
    if (header.lock_timeout) compiled.lock_timeout = header.lock_timeout->value;
    if (header.statement_timeout) compiled.statement_timeout = header.statement_timeout->value;
    compiled.file = parsed[revision].file;
    compiled.line = compiled.file->line_column(header.span.begin).line;
    compiled.id_span = header.id.span;
    compiled.lowered = lower_revision(sources[revision], schema, sites, diagnostics);
    compiled.checksum = checksum_of(compiled.lowered);
    compiled.schema_changes = std::move(compiled.lowered.schema_changes);
    if (one_line) {
      // Nor is a revision's syntax read again: its memory serves the revisions after it.
      auto& syntax = parsed[revision].syntax;
      std::vector<ast::Statement>().swap(syntax.statements);
      std::vector<std::vector<ast::Name>>().swap(syntax.allowed);
      syntax.down.reset();
      auto& operations = compiled.lowered.operations;
      std::erase_if(operations, [](const Operation& operation) { return !std::holds_alternative<op::SetPrivileges>(operation); });
      operations.shrink_to_fit();
    }
    chain.revisions.push_back(std::move(compiled));
    lowered[revision] = &chain.revisions.back().lowered;
    if (graph.children(revision).size() > 1) branch_points[revision] = schema;
    previous = revision;
  }
  if (diagnostics.had_errors()) return std::nullopt;
  chain.head = std::move(schema);
  chain.one_line = one_line;
  return chain;
}

// A raw step can create a type, an operator or a cast that any revision's expressions may use,
// before or after it (CreationSites): a file that may have one is read whole before anything is
// simulated.
bool may_execute_sql(const SourceFile& file) {
  static constexpr std::string_view word = "execute";
  const std::string& text = file.text();
  const auto found = std::search(text.begin(), text.end(), word.begin(), word.end(), [](char a, char b) {
    return std::tolower(static_cast<unsigned char>(a)) == b;
  });
  return found != text.end();
}

// Reads revisions' statements in graph order on the other cores while the revisions before them
// are simulated on this one, no more than `window` revisions ahead: a parsed revision not yet
// simulated is memory touched for the first time, which costs as much as reading it.
class StatementsAhead {
 public:
  StatementsAhead(std::vector<ParsedFile>& parsed, const std::vector<std::size_t>& statements_at, const std::vector<std::size_t>& order,
                  const std::vector<bool>& already_read)
      : parsed_(parsed), statements_at_(statements_at), order_(order), ready_(order.size()) {
    for (std::size_t position = 0; position < order.size(); ++position) {
      if (already_read[order[position]]) ready_[position].store(read, std::memory_order_relaxed);
    }
    const std::size_t helpers = std::clamp<std::size_t>(std::thread::hardware_concurrency(), 2, 16) - 1;
    for (std::size_t i = 0; i < helpers; ++i) {
      try {
        workers_.emplace_back([this] { work(); });
      } catch (const std::system_error&) {
        break;  // the simulating thread reads what no helper took
      }
    }
  }
  StatementsAhead(const StatementsAhead&) = delete;
  StatementsAhead& operator=(const StatementsAhead&) = delete;
  ~StatementsAhead() {
    stopping_ = true;
    consumed_.store(order_.size() + window);
    consumed_.notify_all();
    for (auto& worker : workers_) worker.join();
  }

  // Whether the statements of the revision at `position` were read without an error (nor any
  // other revision's so far). Reads revisions itself while it waits.
  bool await(std::size_t position) {
    consumed_.store(position, std::memory_order_release);
    // A reader waiting for the window wakes a batch at a time, not once a revision.
    if (position % wake_every == 0) consumed_.notify_all();
    while (ready_[position].load(std::memory_order_acquire) == unread && !failed_) {
      const std::size_t other = next_.fetch_add(1);
      if (other < order_.size()) {
        read_statements(other);
      } else {
        ready_[position].wait(unread, std::memory_order_acquire);
      }
    }
    return !failed_ && ready_[position].load(std::memory_order_acquire) == read;
  }

 private:
  static constexpr std::size_t window = 256;
  static constexpr std::size_t wake_every = 32;
  static constexpr std::uint8_t unread = 0, read = 1, not_read = 2;

  void work() {
    while (!stopping_) {
      const std::size_t position = next_.fetch_add(1);
      if (position >= order_.size()) return;
      for (std::size_t consumed = consumed_.load(); position >= consumed + window && !stopping_; consumed = consumed_.load()) {
        consumed_.wait(consumed);
      }
      if (stopping_) return;
      read_statements(position);
    }
  }

  void read_statements(std::size_t position) {
    std::uint8_t outcome = read;
    if (ready_[position].load(std::memory_order_relaxed) == unread) {
      const std::size_t file = order_[position];
      Diagnostics errors;
      try {
        parse_revision_statements(*parsed_[file].file, statements_at_[file], parsed_[file].syntax, errors);
      } catch (...) {
        outcome = not_read;  // read again on the plain path, which reports what it was
      }
      if (errors.had_errors()) outcome = not_read;
    }
    if (outcome == not_read) failed_ = true;
    ready_[position].store(outcome, std::memory_order_release);
    ready_[position].notify_all();
  }

  std::vector<ParsedFile>& parsed_;
  const std::vector<std::size_t>& statements_at_;
  const std::vector<std::size_t>& order_;
  std::vector<std::atomic<std::uint8_t>> ready_;  // of each position in the order
  std::atomic<std::size_t> next_{0};              // the next position no thread has taken
  std::atomic<std::size_t> consumed_{0};          // positions before it are simulated
  std::atomic<bool> failed_{false};
  std::atomic<bool> stopping_{false};
  std::vector<std::thread> workers_;
};

// The whole chain, reading statements while revisions are simulated; nothing when any file or
// revision has an error (whose diagnostics want every file read first, with the creation sites
// of the whole chain), which the plain path then reports.
std::optional<CompiledChain> compile_chain_streamed(const std::vector<SourceFile>& files, Diagnostics& diagnostics) {
  std::vector<std::optional<ast::File>> syntaxes(files.size());
  std::vector<std::size_t> statements_at(files.size());
  std::vector<std::uint8_t> read_whole(files.size());  // not a vector<bool>'s bits: each thread writes its own
  std::vector<bool> already_read(files.size());
  std::atomic<bool> file_errors{false};
  for_each_index_in_parallel(files.size(), [&](std::size_t i) {
    Diagnostics errors;
    syntaxes[i] = parse_revision_header(files[i], errors, statements_at[i]);
    if (syntaxes[i] && may_execute_sql(files[i])) {
      parse_revision_statements(files[i], statements_at[i], *syntaxes[i], errors);
      read_whole[i] = 1;
    }
    if (errors.had_errors()) file_errors = true;
  });
  if (file_errors) return std::nullopt;
  std::vector<ParsedFile> parsed;
  parsed.reserve(files.size());
  for (std::size_t i = 0; i < files.size(); ++i) {
    parsed.push_back({&files[i], std::move(*syntaxes[i])});
    already_read[i] = read_whole[i] != 0;
  }
  const std::vector<RevisionHeader> headers = checked_headers(parsed, diagnostics);
  const RevisionGraph graph = RevisionGraph::build(headers, diagnostics);
  if (graph.order().empty() || diagnostics.had_errors()) return std::nullopt;
  const std::vector<RevisionSource> sources = revision_sources(parsed, graph);
  std::vector<RevisionSource> with_raw_sql;
  for (std::size_t i = 0; i < files.size(); ++i) {
    if (already_read[i]) with_raw_sql.push_back(sources[i]);
  }
  // Complete for what a revision may call; where objects are created is only told in errors.
  const CreationSites sites = find_creation_sites(with_raw_sql);
  StatementsAhead ahead(parsed, statements_at, graph.order(), already_read);
  return lower_chain(graph, parsed, headers, sources, sites, diagnostics,
                     [&](std::size_t position) { return ahead.await(position) && !diagnostics.had_errors(); });
}

// Every file read first, then the graph, then every revision simulated: the path that reports
// every error there is.
std::optional<CompiledChain> compile_chain_in_steps(const std::vector<SourceFile>& files, Diagnostics& diagnostics) {
  // Files parse on their own: on every core, each into its own slots, gathered in file order.
  std::vector<std::optional<ast::File>> syntaxes(files.size());
  std::vector<Diagnostics> file_diagnostics(files.size());
  for_each_index_in_parallel(files.size(), [&](std::size_t i) { syntaxes[i] = parse_revision_file(files[i], file_diagnostics[i]); });
  std::vector<ParsedFile> parsed;
  for (std::size_t i = 0; i < files.size(); ++i) {
    diagnostics.append(std::move(file_diagnostics[i]));
    if (syntaxes[i]) parsed.push_back({&files[i], std::move(*syntaxes[i])});
  }
  // A file without a readable header would show up again as an unknown parent of its children.
  if (parsed.size() != files.size()) return std::nullopt;
  const bool syntax_errors = diagnostics.had_errors();
  const std::vector<RevisionHeader> headers = checked_headers(parsed, diagnostics);
  const RevisionGraph graph = RevisionGraph::build(headers, diagnostics);
  // Simulating a revision with a statement missing would report what the syntax error explains.
  if (graph.order().empty() || syntax_errors) return std::nullopt;
  const std::vector<RevisionSource> sources = revision_sources(parsed, graph);
  const CreationSites sites = find_creation_sites(sources);
  return lower_chain(graph, parsed, headers, sources, sites, diagnostics, [](std::size_t) { return true; });
}

}  // namespace

std::string replayed_schema_sql(const CompiledChain& chain, const std::function<bool(const CompiledRevision&)>& wanted) {
  std::map<ObjectKey, std::string_view> objects;
  for (const auto& compiled : chain.revisions) {
    if (!wanted(compiled)) continue;
    for (const auto& [key, sql] : compiled.schema_changes) {
      if (sql.empty()) {
        objects.erase(key);
      } else {
        objects.insert_or_assign(key, sql);
      }
    }
  }
  std::vector<std::string_view> statements;
  statements.reserve(objects.size());
  bool has_routines = false;
  for (const auto& [key, sql] : objects) {
    statements.push_back(sql);
    has_routines = has_routines || key.kind == ObjectKind::routine;
  }
  return schema_script(statements, has_routines);
}

std::string head_schema_sql(const CompiledChain& chain) {
  if (!chain.one_line) return schema_sql(chain.head);
  // Rendering every object of a long chain's head again cost as much as the rest of the plan.
  std::string sql = replayed_schema_sql(chain, [](const CompiledRevision&) { return true; });
#ifndef NDEBUG
  // The migrator's check predicts a revision's schema by this replay: it must be what was simulated.
  if (sql != schema_sql(chain.head)) throw std::logic_error("the revisions' changes do not replay to the head's schema");
#endif
  return sql;
}

// The checks walk PostgreSQL's parse trees recursively, as deep as an expression nests (PostgreSQL
// itself takes some thousands of levels): a stack for that, whoever calls.
constexpr std::size_t compiler_stack = std::size_t{256} << 20;

static std::optional<CompiledChain> compile_chain_on_this_stack(const std::vector<SourceFile>& files, Diagnostics& diagnostics);

std::optional<CompiledChain> compile_chain(const std::vector<SourceFile>& files, Diagnostics& diagnostics) {
  auto compile = [&] { return compile_chain_on_this_stack(files, diagnostics); };
  return on_a_deep_stack(compiler_stack, compile);
}

static std::optional<CompiledChain> compile_chain_on_this_stack(const std::vector<SourceFile>& files, Diagnostics& diagnostics) {
  if (files.empty()) {
    diagnostics.report(DiagnosticKind::NoRevisions, {}, "the given files");
    return std::nullopt;
  }
  if (files.size() > 1 && std::thread::hardware_concurrency() > 1) {
    Diagnostics streamed_diagnostics;
    if (diagnostics.warnings_are_errors()) streamed_diagnostics.treat_warnings_as_errors();
    if (auto chain = compile_chain_streamed(files, streamed_diagnostics)) {
      diagnostics.append(std::move(streamed_diagnostics));
      return chain;
    }
  }
  return compile_chain_in_steps(files, diagnostics);
}

}  // namespace migc
