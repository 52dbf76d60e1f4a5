// Target resolution over the revision graph in the plan.
#include "runtime/targets.hpp"

#include <algorithm>
#include <charconv>

namespace migc::runtime {
namespace {

std::optional<std::size_t> relative_count(std::string_view target, char sign) {
  if (target.size() < 2 || target[0] != sign) return std::nullopt;
  std::size_t count = 0;
  const auto [end, error] = std::from_chars(target.data() + 1, target.data() + target.size(), count);
  if (error != std::errc() || end != target.data() + target.size() || count == 0) {
    throw TargetError("`" + std::string(target) + "` is not a relative target; write " + sign + "N with N >= 1");
  }
  return count;
}

// `<rev>+N` / `<rev>-N`: N steps from a revision along its only child or parent.
std::optional<std::size_t> relative_to_revision(const Plan& plan, std::string_view target, char sign) {
  const auto at = target.rfind(sign);
  if (at == std::string_view::npos || at == 0) return std::nullopt;
  std::size_t count = 0;
  const auto [end, error] = std::from_chars(target.data() + at + 1, target.data() + target.size(), count);
  if (error != std::errc() || end != target.data() + target.size()) return std::nullopt;
  std::size_t revision = find_revision(plan, target.substr(0, at));
  for (std::size_t step = 0; step < count; ++step) {
    std::vector<std::size_t> next;
    if (sign == '-') {
      for (std::uint32_t parent : plan.parents_of(revision)) next.push_back(parent);
    } else {
      for (std::size_t i = revision + 1; i < plan.revisions.size(); ++i) {
        for (std::uint32_t parent : plan.parents_of(i)) {
          if (parent == revision) next.push_back(i);
        }
      }
    }
    if (next.size() != 1) {
      throw TargetError("`" + std::string(target) + "` is ambiguous or out of range: revision `" +
                        std::string(plan.revisions[revision].id) + "` has " + std::to_string(next.size()) +
                        (sign == '-' ? " parents" : " children"));
    }
    revision = next[0];
  }
  return revision;
}

}  // namespace

std::size_t find_revision(const Plan& plan, std::string_view id_or_prefix) {
  std::vector<std::size_t> matches;
  for (std::size_t i = 0; i < plan.revisions.size(); ++i) {
    if (plan.revisions[i].id == id_or_prefix) return i;
    if (plan.revisions[i].id.starts_with(id_or_prefix)) matches.push_back(i);
  }
  if (matches.size() == 1) return matches[0];
  if (matches.empty()) throw TargetError("no revision `" + std::string(id_or_prefix) + "` in this plan");
  std::string names;
  for (std::size_t match : matches) names += (names.empty() ? "`" : ", `") + std::string(plan.revisions[match].id) + "`";
  throw TargetError("`" + std::string(id_or_prefix) + "` is ambiguous: it starts " + names);
}

std::vector<std::size_t> plan_heads(const Plan& plan) {
  std::vector<bool> has_child(plan.revisions.size(), false);
  for (std::size_t i = 0; i < plan.revisions.size(); ++i) {
    for (std::uint32_t parent : plan.parents_of(i)) has_child[parent] = true;
  }
  std::vector<std::size_t> heads;
  for (std::size_t i = 0; i < plan.revisions.size(); ++i) {
    if (!has_child[i]) heads.push_back(i);
  }
  return heads;
}

std::vector<bool> ancestry(const Plan& plan, const std::vector<std::size_t>& revisions) {
  std::vector<bool> member(plan.revisions.size(), false);
  for (std::size_t revision : revisions) member[revision] = true;
  // Parents come before children in the plan, so one backward sweep reaches every ancestor.
  for (std::size_t i = plan.revisions.size(); i-- > 0;) {
    if (!member[i]) continue;
    for (std::uint32_t parent : plan.parents_of(i)) member[parent] = true;
  }
  return member;
}

std::vector<std::size_t> applied_heads(const Plan& plan, const std::vector<bool>& applied) {
  std::vector<bool> has_applied_child(plan.revisions.size(), false);
  for (std::size_t i = 0; i < plan.revisions.size(); ++i) {
    if (!applied[i]) continue;
    for (std::uint32_t parent : plan.parents_of(i)) has_applied_child[parent] = true;
  }
  std::vector<std::size_t> heads;
  for (std::size_t i = 0; i < plan.revisions.size(); ++i) {
    if (applied[i] && !has_applied_child[i]) heads.push_back(i);
  }
  return heads;
}

std::vector<std::size_t> upgrade_revisions(const Plan& plan, const std::vector<bool>& applied, std::string_view target) {
  const auto missing_from = [&](const std::vector<bool>& wanted) {
    std::vector<std::size_t> revisions;
    for (std::size_t i = 0; i < plan.revisions.size(); ++i) {
      if (wanted[i] && !applied[i]) revisions.push_back(i);
    }
    return revisions;
  };
  if (target == "head" || target == "heads") return missing_from(ancestry(plan, plan_heads(plan)));
  if (target == "base") throw TargetError("`base` is a downgrade target; upgrade to `head` or a revision");
  if (const auto count = relative_count(target, '+')) {
    auto pending = missing_from(ancestry(plan, plan_heads(plan)));
    if (pending.size() < *count) {
      throw TargetError("cannot upgrade " + std::string(target) + ": only " + std::to_string(pending.size()) +
                        " revision(s) left before head");
    }
    pending.resize(*count);
    return pending;
  }
  if (const auto relative = relative_to_revision(plan, target, '+')) return missing_from(ancestry(plan, {*relative}));
  return missing_from(ancestry(plan, {find_revision(plan, target)}));
}

std::vector<std::size_t> downgrade_revisions(const Plan& plan, const std::vector<bool>& applied,
                                             std::string_view target) {
  std::vector<std::size_t> newest_first;
  for (std::size_t i = plan.revisions.size(); i-- > 0;) {
    if (applied[i]) newest_first.push_back(i);
  }
  if (target == "base") return newest_first;
  if (target == "head" || target == "heads") throw TargetError("`head` is an upgrade target");
  if (const auto count = relative_count(target, '-')) {
    if (newest_first.size() < *count) {
      throw TargetError("cannot downgrade " + std::string(target) + ": only " + std::to_string(newest_first.size()) +
                        " revision(s) applied");
    }
    newest_first.resize(*count);
    return newest_first;
  }
  const auto relative = relative_to_revision(plan, target, '-');
  const std::size_t revision = relative ? *relative : find_revision(plan, target);
  if (!applied[revision]) {
    throw TargetError("revision `" + std::string(plan.revisions[revision].id) +
                      "` is not applied; downgrade goes back to an applied revision");
  }
  const std::vector<bool> keep = ancestry(plan, {revision});
  std::erase_if(newest_first, [&](std::size_t i) { return keep[i]; });
  return newest_first;
}

void require_reversible(const Plan& plan, const std::vector<std::size_t>& revisions) {
  for (std::size_t revision : revisions) {
    const Revision& meta = plan.revisions[revision];
    if (!meta.irreversible) continue;
    throw TargetError("revision " + std::string(meta.id) + " (" + std::string(meta.source) + ":" +
                      std::to_string(meta.line) +
                      ") is irreversible: nothing was downgraded; restore what it did by hand, then `stamp` past it");
  }
}

}  // namespace migc::runtime
