// Writing new revisions and reading the chain from its sources, without a database: what
// `migc revision`, `merge`, `heads`, `history`, `graph` and `schema --at` do.
#pragma once

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include "compiler/chain.hpp"

namespace migc {

// Twelve random hex digits, as Alembic's ids.
std::string new_revision_id();
// "Seed initial user data" -> "seed_initial_user_data", at most 40 characters.
std::string slug(std::string_view message);
// <yyyy>_<mm>_<dd>_<hhmm>-<id>_<slug>.mig: sorts by creation time, like Alembic's file_template.
std::string revision_file_name(std::string_view id, std::string_view message, std::chrono::system_clock::time_point when);
// A new revision: its header, and room for its statements.
std::string revision_file_text(std::string_view id, const std::vector<std::string>& parents, std::string_view message);

// Revisions no other revision builds on.
std::vector<std::string> chain_heads(const CompiledChain& chain);

// The revision graph from the files' headers alone: what `heads` and `merge` read, as they must
// work on a chain with several heads, which compile_chain refuses. Both lists in the chain's
// order; empty when a header cannot be read or the graph has no order (compile_chain says why).
struct ChainGraph {
  std::vector<std::string> ids;
  std::vector<std::string> heads;
};
ChainGraph read_graph(const std::vector<SourceFile>& files);
// The revision graph in Graphviz dot, children pointing at their parents.
std::string graph_dot(const CompiledChain& chain);
// The predicted schema once `revision` and its ancestors are applied, as SQL.
std::string schema_sql_at(const CompiledChain& chain, std::string_view revision);

}  // namespace migc
