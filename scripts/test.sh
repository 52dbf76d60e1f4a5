#!/usr/bin/env bash
# Builds everything and runs the whole test suite, starting its own throwaway PostgreSQL.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-deps.sh
cmake --workflow --preset default
