#!/usr/bin/env bash
# Another project uses migc the way a user's would: install migc, find_package(migc) from a
# CMake project of its own, build its migrator, run it, and run its round-trip tests.
# usage: consumer_test.sh <migc build dir> <server conninfo file>
set -euo pipefail
build=$1
server=$(cat "$2")
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
database=migc_consumer_$$
trap 'psql "$server dbname=postgres" -XAtqc "DROP DATABASE IF EXISTS $database WITH (FORCE)" >/dev/null; rm -rf "$work"' EXIT

cmake --install "$build" --prefix "$work/prefix" >/dev/null
echo "ok: migc installs"
cmake -S "$here/consumer" -B "$work/build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DCMAKE_PREFIX_PATH="$work/prefix" >/dev/null
cmake --build "$work/build" >/dev/null
echo "ok: a project of its own builds its migrator with find_package(migc) and add_migrations()"

psql "$server dbname=postgres" -XAtqc "CREATE DATABASE $database" >/dev/null
out=$(DATABASE_URL="$server dbname=$database" "$work/build/inventory-migrate" upgrade head 2>&1)
grep -q "now at b2 (head)" <<<"$out" || { echo "FAILED: its migrator did not reach head:"; echo "$out"; exit 1; }
echo "ok: its migrator upgrades a database to head"
rows=$(psql "$server dbname=$database" -XAtqc "SELECT label FROM freezer")
[ "$rows" = "Freezer A" ] || { echo "FAILED: the seeded row is missing: [$rows]"; exit 1; }
echo "ok: with its data"

out=$(ctest --test-dir "$work/build" 2>&1) || { echo "FAILED: its own round-trip tests:"; echo "$out"; exit 1; }
grep -q "inventory.roundtrip.b2" <<<"$out" || { echo "FAILED: no round trip of b2 ran:"; echo "$out"; exit 1; }
echo "ok: its round-trip tests pass against a throwaway server of their own"
