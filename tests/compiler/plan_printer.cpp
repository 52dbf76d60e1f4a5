// Prints a compiled plan's revisions and their parents, one a line, `<id> <- <parent>, ...`:
// linked with a generated plan by plan_comments_test.sh, it shows what C++ made of the plan.
#include <iostream>

#include "runtime/plan.hpp"

int main() {
  const migc::runtime::Plan& plan = migc::runtime::linked_plan();
  for (std::size_t i = 0; i < plan.revisions.size(); ++i) {
    std::cout << "[" << plan.revisions[i].id << "] <-";
    for (const std::uint32_t parent : plan.parents_of(i)) std::cout << " [" << plan.revisions[parent].id << "]";
    std::cout << "\n";
  }
}
