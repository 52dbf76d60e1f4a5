#!/usr/bin/env bash
# Builds everything and runs every test: the suite (with its own throwaway PostgreSQL), then
# one clang build under AddressSanitizer and UndefinedBehaviorSanitizer that runs the suite
# again and fuzzes each fuzz target for 45 s (one build for both: on two cores each build is
# a quarter of an hour). For the quick loop while developing: cmake --workflow --preset default
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-deps.sh
cmake --workflow --preset default
cmake --workflow --preset sanitize
