// Which revisions an upgrade or downgrade runs, and in what order: pure functions over the plan
// and the set of applied revisions, tested without a database.
#pragma once

#include <cstddef>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "plan/plan.hpp"

namespace migc::runtime {

// A target that names nothing, or more than one thing, or asks for the impossible.
class TargetError : public std::runtime_error {
  using std::runtime_error::runtime_error;
};

// The revision with this id, or the only one whose id starts with it.
std::size_t find_revision(const Plan& plan, std::string_view id_or_prefix);

// Revisions no other revision names as parent.
std::vector<std::size_t> plan_heads(const Plan& plan);

// Every ancestor of the given revisions, themselves included, as a membership vector.
std::vector<bool> ancestry(const Plan& plan, const std::vector<std::size_t>& revisions);

// The heads recorded in a database → the set of applied revisions.
inline std::vector<bool> applied_from_heads(const Plan& plan, const std::vector<std::size_t>& heads) {
  return ancestry(plan, heads);
}

// The most recent applied revisions (those no applied revision builds on).
std::vector<std::size_t> applied_heads(const Plan& plan, const std::vector<bool>& applied);

// Targets: `head`/`heads`, a revision id or unique prefix, `+N` and `<rev>+N` (upgrade) and,
// for downgrade, `base`, `-N` and `<rev>-N`. Upgrade order is parents first; downgrade order is children first.
std::vector<std::size_t> upgrade_revisions(const Plan& plan, const std::vector<bool>& applied, std::string_view target);
std::vector<std::size_t> downgrade_revisions(const Plan& plan, const std::vector<bool>& applied, std::string_view target);

// Throws unless every revision has a down: a downgrade either runs whole or not at all.
void require_reversible(const Plan& plan, const std::vector<std::size_t>& revisions);

}  // namespace migc::runtime
