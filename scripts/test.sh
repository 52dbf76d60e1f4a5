#!/usr/bin/env bash
# Builds everything and runs every test: the suite (with its own throwaway PostgreSQL), the
# suite again under AddressSanitizer and UndefinedBehaviorSanitizer, and a minute of fuzzing
# per fuzz target. For the quick loop while developing: cmake --workflow --preset default
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-deps.sh
cmake --workflow --preset default
cmake --workflow --preset asan
cmake --workflow --preset fuzz
