// The migrator's command line, shared by every migrator executable; each links its own plan.
#pragma once

#include "plan/plan.hpp"

namespace migc::runtime {

// Exit statuses, documented in docs/migrator.md.
enum ExitStatus : int {
  exit_ok = 0,
  exit_migration_failed = 1,  // a revision's SQL failed; that revision was rolled back
  exit_usage = 2,
  exit_connection = 3,
  exit_lock_timeout = 4,
  exit_target = 5,  // unknown or ambiguous target, irreversible step, unknown recorded revision,
                    // edited applied revision, interrupted concurrent index
  exit_in_doubt = 6,  // the connection dropped during COMMIT: the revision may or may not be applied
  exit_drift = 7,     // `check` found the live schema different from the plan's
};

int run_migrator(const Plan& plan, int argc, char** argv);

}  // namespace migc::runtime
