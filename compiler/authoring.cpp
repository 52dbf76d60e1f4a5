// New revision files and views of the chain.
#include "compiler/render_sql.hpp"
#include "compiler/authoring.hpp"

#include <fmt/chrono.h>
#include <fmt/format.h>

#include <cctype>
#include <map>
#include <random>
#include <set>

#include "compiler/revision_graph.hpp"
#include "dsl/grammar.hpp"
#include "postgres/sql_text.hpp"

namespace migc {

std::string new_revision_id() {
  std::random_device device;
  std::uniform_int_distribution<unsigned> digit(0, 15);
  std::string id;
  for (int i = 0; i < 12; ++i) id += "0123456789abcdef"[digit(device)];
  return id;
}

std::string slug(std::string_view message) {
  std::string out;
  for (const char c : message) {
    if (std::isalnum(static_cast<unsigned char>(c))) {
      out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    } else if (!out.empty() && out.back() != '_') {
      out += '_';
    }
    if (out.size() >= 40) break;
  }
  while (!out.empty() && out.back() == '_') out.pop_back();
  return out.empty() ? "revision" : out;
}

std::string revision_file_name(std::string_view id, std::string_view message, std::chrono::system_clock::time_point when) {
  return fmt::format("{:%Y_%m_%d_%H%M}-{}_{}.mig", fmt::gmtime(std::chrono::system_clock::to_time_t(when)), id, slug(message));
}

std::string revision_file_text(std::string_view id, const std::vector<std::string>& parents, std::string_view message) {
  std::string header;
  if (parents.empty()) {
    header = fmt::format("revision {} revises base", quote_literal(id));
  } else if (parents.size() == 1) {
    header = fmt::format("revision {} revises {}", quote_literal(id), quote_literal(parents[0]));
  } else {
    std::string list;
    for (const auto& parent : parents) list += (list.empty() ? "" : ", ") + quote_literal(parent);
    header = fmt::format("revision {} merges {}", quote_literal(id), list);
  }
  return fmt::format("{}\n  message {};\n\n", header, quote_literal(message));
}

std::vector<std::string> chain_heads(const CompiledChain& chain) {
  std::set<std::string> parents;
  for (const auto& revision : chain.revisions) parents.insert(revision.parents.begin(), revision.parents.end());
  std::vector<std::string> heads;
  for (const auto& revision : chain.revisions) {
    if (!parents.contains(revision.id)) heads.push_back(revision.id);
  }
  return heads;
}

ChainGraph read_graph(const std::vector<SourceFile>& files) {
  Diagnostics ignored;  // compile_chain reports them
  std::vector<RevisionHeader> headers;
  for (const auto& file : files) {
    const auto syntax = parse_revision_file(file, ignored);
    if (!syntax) return {};
    RevisionHeader node{syntax->header.id.value, {}, {}, {}};
    // A dependency orders like a parent, as in compile_chain.
    for (const auto& parent : syntax->header.parents) node.parents.push_back(parent.value);
    for (const auto& dependency : syntax->header.dependencies) node.parents.push_back(dependency.value);
    node.parent_locations.resize(node.parents.size());
    headers.push_back(std::move(node));
  }
  const RevisionGraph graph = RevisionGraph::build(headers, ignored);
  ChainGraph out;
  for (const std::size_t revision : graph.order()) out.ids.push_back(headers[revision].id);
  for (const std::size_t revision : graph.heads()) out.heads.push_back(headers[revision].id);
  return out;
}

std::string graph_dot(const CompiledChain& chain) {
  const auto label = [](std::string_view text) {
    std::string out;
    for (const char c : text) {
      if (c == '"' || c == '\\') out += '\\';
      out += c;
    }
    return out;
  };
  std::string out = "digraph migrations {\n  rankdir=BT;\n  node [shape=box, fontname=\"monospace\"];\n";
  for (const auto& revision : chain.revisions) {
    out += fmt::format("  \"{}\" [label=\"{}\\n{}\"];\n", label(revision.id), label(revision.id), label(revision.message));
  }
  for (const auto& revision : chain.revisions) {
    for (const auto& parent : revision.parents) out += fmt::format("  \"{}\" -> \"{}\";\n", label(revision.id), label(parent));
  }
  return out + "}\n";
}

std::string schema_sql_at(const CompiledChain& chain, std::string_view revision) {
  // Ancestors of `revision`, found walking parents; the chain is already in order.
  std::set<std::string> wanted{std::string(revision)};
  for (auto it = chain.revisions.rbegin(); it != chain.revisions.rend(); ++it) {
    if (wanted.contains(it->id)) wanted.insert(it->parents.begin(), it->parents.end());
  }
  return replayed_schema_sql(chain, [&wanted](const CompiledRevision& compiled) { return wanted.contains(compiled.id); });
}

}  // namespace migc
