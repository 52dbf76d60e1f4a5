// The revision graph on in-memory chains: order, heads, ancestry and the named graph errors.
#include <gtest/gtest.h>

#include "compiler/revision_graph.hpp"

namespace migc {
namespace {

std::vector<RevisionHeader> chain(std::initializer_list<std::pair<std::string, std::vector<std::string>>> revisions) {
  std::vector<RevisionHeader> headers;
  for (const auto& [id, parents] : revisions) {
    RevisionHeader header{id, {}, parents, {}};
    header.parent_locations.resize(parents.size());
    headers.push_back(std::move(header));
  }
  return headers;
}

std::vector<std::string> ids(const std::vector<RevisionHeader>& headers, const std::vector<std::size_t>& order) {
  std::vector<std::string> out;
  for (std::size_t i : order) out.push_back(headers[i].id);
  return out;
}

// The kinds reported, by the names the output prints.
std::vector<std::string_view> kinds(const Diagnostics& diagnostics) {
  std::vector<std::string_view> out;
  for (const auto& diagnostic : diagnostics.all()) out.push_back(diagnostic.kind->name);
  return out;
}

TEST(RevisionGraph, OrdersParentsBeforeChildrenWhateverTheFileOrder) {
  const auto headers = chain({{"c", {"b"}}, {"a", {}}, {"b", {"a"}}});
  Diagnostics diagnostics;
  const auto graph = RevisionGraph::build(headers, diagnostics);
  EXPECT_FALSE(diagnostics.had_errors());
  EXPECT_EQ(ids(headers, graph.order()), (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_EQ(ids(headers, graph.heads()), std::vector<std::string>{"c"});
}

TEST(RevisionGraph, MergeJoinsTwoBranches) {
  const auto headers = chain({{"root", {}}, {"x", {"root"}}, {"y", {"root"}}, {"m", {"x", "y"}}});
  Diagnostics diagnostics;
  const auto graph = RevisionGraph::build(headers, diagnostics);
  EXPECT_FALSE(diagnostics.had_errors());
  EXPECT_EQ(ids(headers, graph.order()), (std::vector<std::string>{"root", "x", "y", "m"}));
  EXPECT_EQ(ids(headers, graph.ancestry(3)), (std::vector<std::string>{"root", "x", "y", "m"}));
  EXPECT_EQ(ids(headers, graph.ancestry(1)), (std::vector<std::string>{"root", "x"}));
}

TEST(RevisionGraph, TwoHeadsWithoutMerge) {
  Diagnostics diagnostics;
  RevisionGraph::build(chain({{"root", {}}, {"x", {"root"}}, {"y", {"root"}}}), diagnostics);
  EXPECT_EQ(kinds(diagnostics), std::vector<std::string_view>{"MultipleHeads"});
  EXPECT_EQ(diagnostics.all()[0].message, "the chain has 2 heads: `x`, `y`");
}

TEST(RevisionGraph, UnknownParentLeavesNoOrder) {
  Diagnostics diagnostics;
  const auto graph = RevisionGraph::build(chain({{"b", {"a"}}}), diagnostics);
  EXPECT_EQ(kinds(diagnostics), std::vector<std::string_view>{"UnknownParent"});
  EXPECT_TRUE(graph.order().empty());
}

TEST(RevisionGraph, CycleIsReportedOnce) {
  Diagnostics diagnostics;
  RevisionGraph::build(chain({{"root", {}}, {"a", {"b"}}, {"b", {"a"}}}), diagnostics);
  EXPECT_EQ(kinds(diagnostics), std::vector<std::string_view>{"RevisionCycle"});
}

TEST(RevisionGraph, SelfParentIsACycle) {
  Diagnostics diagnostics;
  RevisionGraph::build(chain({{"a", {"a"}}}), diagnostics);
  EXPECT_EQ(kinds(diagnostics), std::vector<std::string_view>{"RevisionCycle"});
}

TEST(RevisionGraph, DuplicateAndSecondRoot) {
  Diagnostics diagnostics;
  RevisionGraph::build(chain({{"a", {}}, {"a", {}}, {"b", {}}}), diagnostics);
  EXPECT_EQ(kinds(diagnostics), (std::vector<std::string_view>{"DuplicateRevision", "MultipleRoots"}));
}

}  // namespace
}  // namespace migc
