// The revision graph as plain data: which revisions exist, their parents, and an order in
// which every revision comes after its parents. Checked without any schema or database.
#pragma once

#include <cstddef>
#include <map>
#include <string>
#include <vector>

#include "diagnostics/diagnostic.hpp"
#include "diagnostics/source.hpp"

namespace migc {

struct RevisionHeader {
  std::string id;
  Location id_location;
  std::vector<std::string> parents;
  std::vector<Location> parent_locations;
};

class RevisionGraph {
 public:
  // Checks the graph (duplicates, unknown parents, roots, cycles, heads) and orders it.
  // `headers` are in a stable order (by file path); ties in the order keep it.
  static RevisionGraph build(const std::vector<RevisionHeader>& headers, Diagnostics& diagnostics);

  // Indices into the headers given to build(), parents before children. Empty when the graph
  // has errors that make an order meaningless (unknown parents, cycles).
  const std::vector<std::size_t>& order() const { return order_; }
  const std::vector<std::size_t>& parents(std::size_t revision) const { return parents_[revision]; }
  const std::vector<std::size_t>& children(std::size_t revision) const { return children_[revision]; }
  std::vector<std::size_t> heads() const;
  // Every ancestor of `revision`, itself included, in order().
  std::vector<std::size_t> ancestry(std::size_t revision) const;

 private:
  std::vector<std::vector<std::size_t>> parents_;
  std::vector<std::vector<std::size_t>> children_;
  std::vector<std::size_t> order_;
};

}  // namespace migc
