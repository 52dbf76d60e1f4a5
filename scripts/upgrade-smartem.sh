#!/usr/bin/env bash
# The main job: build smartem-migrate and upgrade a database to head, then show where it is.
# Uses DATABASE_URL (or the PG* variables) when set; otherwise a throwaway local PostgreSQL
# server that is removed again when this script ends.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-deps.sh
cmake --preset default >/dev/null
cmake --build --preset default

if [ -z "${DATABASE_URL:-}" ] && [ -z "${PGHOST:-}${PGDATABASE:-}${PGSERVICE:-}" ]; then
  # The same server as smartem-migrate --ephemeral, kept for the three commands below. Should
  # this script die before its trap runs, the server goes with it.
  state=$(mktemp -d)/conninfo
  trap './build/compiler/migc throwaway-postgres stop "$state"; rm -rf "$(dirname "$state")"' EXIT
  ./build/compiler/migc throwaway-postgres start "$state"
  psql "$(cat "$state")" -XAtqc "CREATE DATABASE smartem"
  export DATABASE_URL="$(cat "$state") dbname=smartem"
fi

./build/smartem-migrate upgrade head
./build/smartem-migrate history --indicate-current
./build/smartem-migrate current --verbose
