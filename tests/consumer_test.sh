#!/usr/bin/env bash
# Another project uses migc the way a user's would: install migc, find_package(migc) from a
# CMake project of its own, build its migrator, run it, and run its round-trip tests.
# usage: consumer_test.sh <migc build dir> <server conninfo file>
#        consumer_test.sh --subproject: the same project with migc's sources as a subproject
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)

# The service links a fmt of its own beside migc's runtime, which carries its copy in a namespace
# of its own (fmt::migc_internal): the service's fmt calls go to its fmt, and nothing of migc's
# copy stands in for it.
own_fmt_only() {  # own_fmt_only <executable>
  local strong
  strong=$(nm -C --defined-only "$1" | grep -E " [TDR] fmt::v9::" || true)
  [ -z "$strong" ] || { echo "FAILED: $1 defines the fmt::v9 of the project's own fmt:"; head -5 <<<"$strong"; exit 1; }
  grep -q "fmt::v9::vprint" <<<"$(nm -D -C --undefined-only "$1")" || { echo "FAILED: $1 does not take fmt::vprint from its fmt library"; exit 1; }
  grep -q "libfmt" <<<"$(ldd "$1")" || { echo "FAILED: $1 does not load its own fmt"; ldd "$1"; exit 1; }
}
# `cmake --install` installs what the project asks for (install(TARGETS)), nothing of migc's.
installs_only_its_own() {  # installs_only_its_own <build dir> <prefix>
  cmake --install "$1" --prefix "$2" >/dev/null
  local installed
  installed=$(cd "$2" && find . -type f -o -type l | sort | tr '\n' ' ')
  [ "$installed" = "./bin/inventory-migrate ./bin/inventory-service " ] ||
    { echo "FAILED: the install tree holds more (or less) than the project's migrator and service: $installed"; exit 1; }
  installed=$("$2/bin/inventory-migrate" history 2>&1) || true
  grep -q "a1 -> b2 (head)" <<<"$installed" || { echo "FAILED: the installed migrator does not run: $installed"; exit 1; }
}

if [ "${1:-}" = --subproject ]; then
  trap 'rm -rf "$work"' EXIT
  # migc's sources as a subproject (add_subdirectory, as FetchContent_MakeAvailable does): the
  # project's install tree again holds its own migrator and service only, not migc's compiler,
  # libraries or fmt, and the service's fmt is still its own.
  # Unoptimised and without debug information: what is checked here (the wiring, whose fmt the
  # service links, what is installed) is the same at every optimisation level, and the compiler's
  # Spirit and template-heavy sources build about three times faster at -O0.
  cmake -S "$here/consumer" -B "$work/subproject" -G Ninja -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS_DEBUG=-O0 \
    -DMIGC_SOURCE_DIR="$here/.." >/dev/null
  cmake --build "$work/subproject" --target inventory-migrate inventory-service >/dev/null
  own_fmt_only "$work/subproject/inventory-service"
  echo "ok: as a subproject too, migc's fmt stays out of the service's way"
  installs_only_its_own "$work/subproject" "$work/subproject_installed"
  echo "ok: as a subproject, cmake --install installs the project's migrator and service, and nothing of migc's"
  exit 0
fi

build=$1
server=$(cat "$2")
database=migc_consumer_$$
admin() { psql "$server dbname=postgres" -XAtqc "$1"; }
# The consumer's round trips make databases named after its chain.
drop_round_trip_databases() {
  for db in $(admin "SELECT datname FROM pg_database WHERE datname LIKE 'migc\_rt\_inventory\_%'"); do
    admin "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null
  done
}
trap 'admin "DROP DATABASE IF EXISTS $database WITH (FORCE)" >/dev/null; drop_round_trip_databases; admin "DROP ROLE IF EXISTS migc_ci" >/dev/null; rm -rf "$work"' EXIT

cmake --install "$build" --prefix "$work/prefix" >/dev/null
echo "ok: migc installs"
cmake -S "$here/consumer" -B "$work/build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DCMAKE_PREFIX_PATH="$work/prefix" >/dev/null
cmake --build "$work/build" >/dev/null
echo "ok: a project of its own builds its migrator with find_package(migc) and add_migrations(), without setting the C++ standard"
grep -q "Type: *DYN" <<<"$(readelf -h "$work/build/inventory-migrate")" || { echo "FAILED: the migrator is not position-independent:"; readelf -h "$work/build/inventory-migrate"; exit 1; }
echo "ok: the migrator is position-independent (no -no-pie forced on it)"
if grep -qE 'libstdc\+\+|libgcc_s|libfmt' <<<"$(ldd "$work/build/inventory-migrate")"; then
  echo "FAILED: by default the migrator needs the C++ runtime or fmt:"; ldd "$work/build/inventory-migrate"; exit 1
fi
echo "ok: by default it carries its C++ runtime"

psql "$server dbname=postgres" -XAtqc "CREATE DATABASE $database" >/dev/null
out=$(DATABASE_URL="$server dbname=$database" "$work/build/inventory-migrate" upgrade head 2>&1)
grep -q "now at b2 (head)" <<<"$out" || { echo "FAILED: its migrator did not reach head:"; echo "$out"; exit 1; }
echo "ok: its migrator upgrades a database to head"
rows=$(psql "$server dbname=$database" -XAtqc "SELECT label FROM freezer")
[ "$rows" = "Freezer A" ] || { echo "FAILED: the seeded row is missing: [$rows]"; exit 1; }
echo "ok: with its data"

# The embedded API: a service migrates its own connection as it starts.
service_db=${database}_service
trap 'admin "DROP DATABASE IF EXISTS $database WITH (FORCE)" >/dev/null; admin "DROP DATABASE IF EXISTS $service_db WITH (FORCE)" >/dev/null; drop_round_trip_databases; rm -rf "$work"' EXIT
admin "CREATE DATABASE $service_db" >/dev/null
expect() {  # expect <description> <expected line> <output>
  grep -qxF -- "$2" <<<"$3" || { echo "FAILED: $1: no line [$2] in:"; echo "$3"; exit 1; }
  echo "ok: $1"
}
out=$("$work/build/inventory-service" "$server dbname=$service_db" 2>&1) || { echo "FAILED: the service's migration:"; echo "$out"; exit 1; }
expect "the embedded API upgrades and reports" \
  "upgraded database \`$service_db\` as user \`postgres\` via socket in $(sed 's/.*host=\([^ ]*\).*/\1/' <<<"$server") at port 5432 from base to b2 (2 revisions)" "$out"
expect "revision by revision" "applied b2: Find samples by freezer" "$out"
expect "its data is there, on the service's connection" "freezers 1" "$out"
expect "the service's own settings are as it set them" "statement_timeout 42s" "$out"
expect "all of them" "DateStyle German, DMY" "$out"
expect "and the migration lock is released" "advisory locks held 0" "$out"
recorded=$(psql "$server dbname=$service_db" -XAtqc "SELECT string_agg(revision || ' ' || migrator, ', ' ORDER BY revision) FROM migc_version")
[ "$recorded" = "a1 inventory-service (migc $(cat "$work/prefix/lib/cmake/migc/migcConfigVersion.cmake" | sed -n 's/^set(PACKAGE_VERSION "\(.*\)")$/\1/p')), b2 inventory-service (migc $(sed -n 's/^set(PACKAGE_VERSION "\(.*\)")$/\1/p' "$work/prefix/lib/cmake/migc/migcConfigVersion.cmake"))" ] \
  || { echo "FAILED: migc_version does not record the service and the installed version: [$recorded]"; exit 1; }
echo "ok: the version table records the service as the migrator, with the installed package's version"
out=$("$work/build/inventory-service" "$server dbname=$service_db" --conninfo 2>&1) || { echo "FAILED: a second start:"; echo "$out"; exit 1; }
grep -q "is at b2; nothing to do" <<<"$out" || { echo "FAILED: a second start did not find the database at head:"; echo "$out"; exit 1; }
echo "ok: a second start, on a connection the API opens, has nothing to do"
psql "$server dbname=$service_db" -XAtqc "UPDATE migc_version SET checksum = 'edited' WHERE revision = 'a1'" >/dev/null
status=0
out=$("$work/build/inventory-service" "$server dbname=$service_db" 2>&1) || status=$?
[ $status -eq 1 ] && grep -q "^migration failed: applied revisions were edited" <<<"$out" &&
  grep -q "revision a1 (migrations/a1_samples.mig:1) was applied as edited" <<<"$out" || { echo "FAILED: an edited applied revision was not refused ($status):"; echo "$out"; exit 1; }
echo "ok: an edited applied revision is refused with a message the service can log"

own_fmt_only "$work/build/inventory-service"
echo "ok: the service uses its own fmt, and migc's copy takes none of its symbols"
installs_only_its_own "$work/build" "$work/installed"
echo "ok: cmake --install installs the project's migrator (install(TARGETS)), and nothing of migc's"

out=$(ctest --test-dir "$work/build" 2>&1) || { echo "FAILED: its own round-trip tests:"; echo "$out"; exit 1; }
grep -q "inventory.roundtrip.b2" <<<"$out" || { echo "FAILED: no round trip of b2 ran:"; echo "$out"; exit 1; }
echo "ok: its round-trip tests pass against a throwaway server of their own"

# CI's way: a server that runs already (a service container), named by MIGC_TEST_DATABASE_URL
# as a URL; the fixture starts none, and the round trips make their databases on that server.
drop_round_trip_databases
socket=$(sed 's/.*host=\([^ ]*\).*/\1/' <<<"$server")
# A role of CI's own, not `postgres`: the tests must work in the database the URL names, not
# in one named after the user.
admin "DROP ROLE IF EXISTS migc_ci" >/dev/null
admin "CREATE ROLE migc_ci LOGIN CREATEDB PASSWORD 's3cr3t!'" >/dev/null
url="postgresql://migc_ci:s3cr3t%21@/postgres?host=$socket&port=5432"
out=$(MIGC_TEST_DATABASE_URL="$url" ctest --test-dir "$work/build" -V 2>&1) || { echo "FAILED: round trips on an existing server:"; echo "$out"; exit 1; }
grep -q "the tests use the server MIGC_TEST_DATABASE_URL names" <<<"$out" || { echo "FAILED: the fixture did not say it used the server:"; echo "$out"; exit 1; }
if grep -q "a throwaway PostgreSQL" <<<"$out"; then echo "FAILED: the fixture started a server anyway:"; echo "$out"; exit 1; fi
made=$(admin "SELECT count(*) FROM pg_database WHERE datname LIKE 'migc\_rt\_inventory\_%'")
[ "$made" -gt 0 ] || { echo "FAILED: no round-trip database was made on the server MIGC_TEST_DATABASE_URL names"; exit 1; }
echo "ok: with MIGC_TEST_DATABASE_URL, its round trips run on that server ($made databases of their own)"
[ ! -e "$work/build/test-postgres/conninfo" ] || { echo "FAILED: the fixture's stop left the conninfo (it may hold a password)"; exit 1; }
echo "ok: and the fixture's stop leaves neither the server's conninfo behind nor the server stopped"
admin "SELECT 1" >/dev/null || { echo "FAILED: the server was stopped"; exit 1; }

# A checked-in schema.sql that does not exist when the project is configured: the first build
# writes it, and from then on it is an input of the build (an edit makes the next one fail as
# stale), without configuring by hand. Without SCHEMA_SQL there is no -update-generated target.
cp -r "$here/consumer" "$work/with_schema"
sed -i 's|add_migrations(inventory DIRECTORY migrations MIGRATOR inventory-migrate TESTS ON)|add_migrations(inventory DIRECTORY migrations MIGRATOR inventory-migrate SCHEMA_SQL ${CMAKE_CURRENT_SOURCE_DIR}/generated/schema.sql)|' \
  "$work/with_schema/CMakeLists.txt"
mkdir -p "$work/with_schema/generated"
cmake -S "$work/with_schema" -B "$work/with_schema_build" -G Ninja -DCMAKE_PREFIX_PATH="$work/prefix" >/dev/null
cmake --build "$work/with_schema_build" --target inventory-migrate >/dev/null
[ -s "$work/with_schema/generated/schema.sql" ] || { echo "FAILED: the first build did not write schema.sql"; exit 1; }
echo "ok: the first build writes a missing schema.sql"
echo "-- edited by hand" >>"$work/with_schema/generated/schema.sql"
if out=$(cmake --build "$work/with_schema_build" --target inventory-migrate 2>&1); then
  echo "FAILED: an edited schema.sql that appeared after configure did not fail the build:"; echo "$out"; exit 1
fi
grep -q "stale" <<<"$out" || { echo "FAILED: the build failed without saying schema.sql is stale:"; echo "$out"; exit 1; }
echo "ok: schema.sql written after configure is an input of the build from then on"
if cmake --build "$work/build" --target inventory-update-generated >/dev/null 2>&1; then
  echo "FAILED: a project without SCHEMA_SQL has an -update-generated target"; exit 1
fi
echo "ok: without SCHEMA_SQL there is no -update-generated target"

# add_migrations()'s keywords: OUTPUT_DIRECTORY, CMake's own output directory when none is given,
# STATIC_RUNTIME OFF, WERROR; a keyword without its value is an error at configure time.
cp -r "$here/consumer" "$work/keywords"
printf "revision 'c3' revises 'b2'\n  message 'Find samples by state';\n\ncreate index idx_sample_state on sample (state);\n" \
  >"$work/keywords/migrations/c3_sample_state.mig"
cat >"$work/keywords/CMakeLists.txt" <<'CMAKE'
cmake_minimum_required(VERSION 3.25)
project(keywords LANGUAGES CXX)
find_package(migc 0.3 REQUIRED)
add_migrations(inventory DIRECTORY migrations MIGRATOR inventory-migrate OUTPUT_DIRECTORY bin STATIC_RUNTIME OFF)
add_migrations(loose DIRECTORY migrations MIGRATOR loose-migrate)
add_migrations(strict DIRECTORY migrations MIGRATOR strict-migrate WERROR)
CMAKE
cmake -S "$work/keywords" -B "$work/keywords_build" -G Ninja -DCMAKE_PREFIX_PATH="$work/prefix" \
  -DCMAKE_RUNTIME_OUTPUT_DIRECTORY="$work/keywords_build/executables" >/dev/null
out=$(cmake --build "$work/keywords_build" --target inventory-migrate loose-migrate 2>&1) || { echo "FAILED: a lint failed a build without WERROR:"; echo "$out"; exit 1; }
grep -q "warning: .*\[LockingIndexBuild\]" <<<"$out" || { echo "FAILED: the lint was not shown:"; echo "$out"; exit 1; }
echo "ok: without WERROR a lint is a warning"
[ -x "$work/keywords_build/bin/inventory-migrate" ] || { echo "FAILED: OUTPUT_DIRECTORY bin was not used"; ls -R "$work/keywords_build" | head -30; exit 1; }
echo "ok: OUTPUT_DIRECTORY puts the migrator there"
[ -x "$work/keywords_build/executables/loose-migrate" ] || { echo "FAILED: without OUTPUT_DIRECTORY, CMAKE_RUNTIME_OUTPUT_DIRECTORY was not used"; exit 1; }
echo "ok: without it, the migrator goes where CMake puts executables (CMAKE_RUNTIME_OUTPUT_DIRECTORY)"
grep -q 'libstdc++' <<<"$(ldd "$work/keywords_build/bin/inventory-migrate")" || { echo "FAILED: STATIC_RUNTIME OFF linked the C++ runtime statically"; exit 1; }
echo "ok: STATIC_RUNTIME OFF leaves the C++ runtime dynamic"
if out=$(cmake --build "$work/keywords_build" --target strict-migrate 2>&1); then
  echo "FAILED: WERROR let a lint pass:"; echo "$out"; exit 1
fi
grep -q "error: .*\[LockingIndexBuild\]" <<<"$out" || { echo "FAILED: WERROR failed the build without naming the lint:"; echo "$out"; exit 1; }
echo "ok: WERROR makes the lint an error that fails the build"
sed -i 's/MIGRATOR strict-migrate WERROR)/MIGRATOR strict-migrate STATIC_RUNTIME)/' "$work/keywords/CMakeLists.txt"
if out=$(cmake -S "$work/keywords" -B "$work/keywords_build" 2>&1); then echo "FAILED: a keyword without its value was accepted"; exit 1; fi
grep -q "add_migrations(strict): no value after STATIC_RUNTIME" <<<"$out" || { echo "FAILED: a keyword without a value was not named:"; echo "$out"; exit 1; }
echo "ok: a keyword without its value is refused by name"
