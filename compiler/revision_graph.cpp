// Revision graph checks and ordering.
#include "compiler/revision_graph.hpp"

#include <algorithm>
#include <set>

#include "compiler/diagnostic_kind.hpp"

namespace migc {
namespace {

std::string quoted_list(const std::vector<RevisionHeader>& headers, const std::vector<std::size_t>& revisions) {
  std::string out;
  for (std::size_t revision : revisions) out += (out.empty() ? "`" : ", `") + headers[revision].id + "`";
  return out;
}

// Reports every cycle once, naming its members in parent order. Returns whether any was found.
bool report_cycles(const std::vector<RevisionHeader>& headers, const std::vector<std::vector<std::size_t>>& parents,
                   Diagnostics& diagnostics) {
  enum class Mark { unvisited, on_path, done };
  std::vector<Mark> marks(headers.size(), Mark::unvisited);
  std::vector<std::size_t> path;
  bool found = false;
  // Iterative DFS over parent edges; a parent already on the path closes a cycle.
  for (std::size_t start = 0; start < headers.size(); ++start) {
    if (marks[start] != Mark::unvisited) continue;
    std::vector<std::pair<std::size_t, std::size_t>> stack{{start, 0}};
    marks[start] = Mark::on_path;
    path.push_back(start);
    while (!stack.empty()) {
      auto& [node, next] = stack.back();
      if (next < parents[node].size()) {
        const std::size_t parent = parents[node][next++];
        if (marks[parent] == Mark::on_path) {
          const auto from = std::find(path.begin(), path.end(), parent);
          std::string members;
          for (auto it = from; it != path.end(); ++it) members += "`" + headers[*it].id + "` -> ";
          members += "`" + headers[parent].id + "`";
          auto& diagnostic = diagnostics.report(DiagnosticKind::RevisionCycle, headers[parent].id_location,
                                                headers[parent].id, members);
          diagnostic.notes.push_back({{}, "each revision must come after its parents; break the cycle by "
                                          "changing one `revises`"});
          found = true;
        } else if (marks[parent] == Mark::unvisited) {
          marks[parent] = Mark::on_path;
          path.push_back(parent);
          stack.emplace_back(parent, 0);
        }
      } else {
        marks[node] = Mark::done;
        path.pop_back();
        stack.pop_back();
      }
    }
  }
  return found;
}

}  // namespace

RevisionGraph RevisionGraph::build(const std::vector<RevisionHeader>& headers, Diagnostics& diagnostics) {
  RevisionGraph graph;
  const std::size_t count = headers.size();
  graph.parents_.resize(count);
  graph.children_.resize(count);

  std::map<std::string, std::size_t> by_id;
  for (std::size_t i = 0; i < count; ++i) {
    const auto [it, inserted] = by_id.emplace(headers[i].id, i);
    if (!inserted) {
      auto& diagnostic = diagnostics.report(DiagnosticKind::DuplicateRevision, headers[i].id_location, headers[i].id);
      diagnostic.notes.push_back({headers[it->second].id_location, "first defined here"});
    }
  }

  bool unknown_parent = false;
  std::vector<std::size_t> roots;
  for (std::size_t i = 0; i < count; ++i) {
    if (by_id.at(headers[i].id) != i) continue;  // a duplicate: its first definition stands for it
    if (headers[i].parents.empty()) roots.push_back(i);
    for (std::size_t p = 0; p < headers[i].parents.size(); ++p) {
      const auto parent = by_id.find(headers[i].parents[p]);
      if (parent == by_id.end()) {
        auto& diagnostic = diagnostics.report(DiagnosticKind::UnknownParent, headers[i].parent_locations[p],
                                              headers[i].id, headers[i].parents[p]);
        diagnostic.notes.push_back({{}, fmt::format("`{}` is left without its parent; restore revision `{}` or "
                                                    "make `{}` revise an existing revision",
                                                    headers[i].id, headers[i].parents[p], headers[i].id)});
        unknown_parent = true;
        continue;
      }
      graph.parents_[i].push_back(parent->second);
      graph.children_[parent->second].push_back(i);
    }
  }

  for (std::size_t r = 1; r < roots.size(); ++r) {
    auto& diagnostic = diagnostics.report(DiagnosticKind::MultipleRoots, headers[roots[r]].id_location, headers[roots[r]].id);
    diagnostic.notes.push_back({headers[roots[0]].id_location, fmt::format("`{}` is the first root", headers[roots[0]].id)});
  }

  // Every revision has a parent when there is no root, so a chain without one has a cycle.
  const bool cycle = report_cycles(headers, graph.parents_, diagnostics);
  if (unknown_parent || cycle) return graph;

  // Kahn's algorithm; among revisions ready at once, the one whose file sorts first.
  std::vector<std::size_t> waiting(count);
  std::set<std::size_t> ready;
  for (std::size_t i = 0; i < count; ++i) {
    if (by_id.at(headers[i].id) != i) continue;
    waiting[i] = graph.parents_[i].size();
    if (waiting[i] == 0) ready.insert(i);
  }
  while (!ready.empty()) {
    const std::size_t next = *ready.begin();
    ready.erase(ready.begin());
    graph.order_.push_back(next);
    for (std::size_t child : graph.children_[next]) {
      if (--waiting[child] == 0) ready.insert(child);
    }
  }

  // Several roots already explain several heads.
  const auto heads = graph.heads();
  if (heads.size() > 1 && roots.size() <= 1) {
    auto& diagnostic = diagnostics.report(DiagnosticKind::MultipleHeads, headers[heads.back()].id_location,
                                          heads.size(), quoted_list(headers, heads));
    for (std::size_t head : heads) {
      if (head != heads.back()) diagnostic.notes.push_back({headers[head].id_location, fmt::format("`{}` is also a head", headers[head].id)});
    }
    std::string parents;
    for (std::size_t head : heads) parents += (parents.empty() ? "'" : ", '") + headers[head].id + "'";
    diagnostic.notes.push_back({{}, fmt::format("join them with a merge revision: revision '<id>' merges {};", parents)});
  }
  return graph;
}

std::vector<std::size_t> RevisionGraph::heads() const {
  std::vector<std::size_t> heads;
  for (std::size_t revision : order_) {
    if (children_[revision].empty()) heads.push_back(revision);
  }
  return heads;
}

std::vector<std::size_t> RevisionGraph::ancestry(std::size_t revision) const {
  std::vector<bool> seen(parents_.size(), false);
  std::vector<std::size_t> pending{revision};
  seen[revision] = true;
  while (!pending.empty()) {
    const std::size_t next = pending.back();
    pending.pop_back();
    for (std::size_t parent : parents_[next]) {
      if (!seen[parent]) {
        seen[parent] = true;
        pending.push_back(parent);
      }
    }
  }
  std::vector<std::size_t> ancestors;
  for (std::size_t r : order_) {
    if (seen[r]) ancestors.push_back(r);
  }
  return ancestors;
}

}  // namespace migc
