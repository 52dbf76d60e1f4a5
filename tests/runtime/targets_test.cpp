// Upgrade and downgrade targets resolved on in-memory plans, no database.
#include <gtest/gtest.h>

#include "runtime/targets.hpp"

namespace migc::runtime {
namespace {

using namespace std::string_view_literals;

// root -> a -> b (linear), and a diamond: root -> x, root -> y, m merges x and y.
constexpr std::string_view linear_text = "roota1b1";
constexpr stored::Revision linear_revisions[] = {
    {.id = {0, 4}, .line = 1},
    {.id = {4, 2}, .line = 1, .parents_begin = 0, .parents_count = 1},
    {.id = {6, 2}, .line = 1, .parents_begin = 1, .parents_count = 1, .irreversible = true},
};
constexpr std::uint32_t linear_parents[] = {0, 1};
constexpr Plan linear{.name = "linear"sv, .revisions = {linear_text, linear_revisions}, .parents = linear_parents, .entry_sum = "0"sv};

constexpr std::string_view diamond_text = "rootxym";
constexpr stored::Revision diamond_revisions[] = {
    {.id = {0, 4}, .line = 1},
    {.id = {4, 1}, .line = 1, .parents_begin = 0, .parents_count = 1},
    {.id = {5, 1}, .line = 1, .parents_begin = 1, .parents_count = 1},
    {.id = {6, 1}, .line = 1, .parents_begin = 2, .parents_count = 2},
};
constexpr std::uint32_t diamond_parents[] = {0, 0, 1, 2};
constexpr Plan diamond{.name = "diamond"sv, .revisions = {diamond_text, diamond_revisions}, .parents = diamond_parents, .entry_sum = "0"sv};

using Steps = std::vector<std::size_t>;
const std::vector<bool> none(4, false);

TEST(Targets, UpgradeHeadFromBase) {
  EXPECT_EQ(upgrade_revisions(linear, {false, false, false}, "head"), (Steps{0, 1, 2}));
  EXPECT_EQ(upgrade_revisions(linear, {true, true, false}, "head"), (Steps{2}));
  EXPECT_EQ(upgrade_revisions(linear, {true, true, true}, "head"), Steps{});
}

TEST(Targets, UpgradeToARevisionOrPrefixOrRelative) {
  EXPECT_EQ(upgrade_revisions(linear, {false, false, false}, "a1"), (Steps{0, 1}));
  EXPECT_EQ(upgrade_revisions(linear, {false, false, false}, "a"), (Steps{0, 1}));
  EXPECT_EQ(upgrade_revisions(linear, {true, false, false}, "+1"), (Steps{1}));
  EXPECT_THROW(upgrade_revisions(linear, {true, true, false}, "+2"), TargetError);
  EXPECT_THROW(upgrade_revisions(linear, {false, false, false}, "zz"), TargetError);
  EXPECT_THROW(upgrade_revisions(linear, {false, false, false}, "+x"), TargetError);
}

TEST(Targets, DowngradeBaseRelativeAndToRevision) {
  EXPECT_EQ(downgrade_revisions(linear, {true, true, true}, "base"), (Steps{2, 1, 0}));
  EXPECT_EQ(downgrade_revisions(linear, {true, true, true}, "-1"), (Steps{2}));
  EXPECT_EQ(downgrade_revisions(linear, {true, true, true}, "root"), (Steps{2, 1}));
  EXPECT_THROW(downgrade_revisions(linear, {true, false, false}, "b1"), TargetError);
  EXPECT_THROW(downgrade_revisions(linear, {true, false, false}, "-2"), TargetError);
}

TEST(Targets, IrreversibleRevisionsStopADowngrade) {
  EXPECT_THROW(require_reversible(linear, {2, 1}), TargetError);
  EXPECT_NO_THROW(require_reversible(linear, {1, 0}));
}

TEST(Targets, AmbiguousPrefixIsRefused) {
  EXPECT_THROW(find_revision(diamond, ""), TargetError);
  EXPECT_EQ(find_revision(diamond, "ro"), 0u);
}

TEST(Targets, MergeNeedsBothBranches) {
  EXPECT_EQ(plan_heads(diamond), Steps{3});
  EXPECT_EQ(upgrade_revisions(diamond, {true, true, false, false}, "head"), (Steps{2, 3}));
  EXPECT_EQ(applied_heads(diamond, {true, true, true, false}), (Steps{1, 2}));
  // Reverting the merge leaves both branches applied: two heads.
  EXPECT_EQ(downgrade_revisions(diamond, {true, true, true, true}, "-1"), Steps{3});
  EXPECT_EQ(downgrade_revisions(diamond, {true, true, true, true}, "x"), (Steps{3, 2}));
}

TEST(Targets, AncestryFollowsEveryParent) {
  EXPECT_EQ(ancestry(diamond, {3}), (std::vector<bool>{true, true, true, true}));
  EXPECT_EQ(ancestry(diamond, {2}), (std::vector<bool>{true, false, true, false}));
  EXPECT_EQ(applied_from_heads(diamond, {}), none);
}

}  // namespace
}  // namespace migc::runtime
