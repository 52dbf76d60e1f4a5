#!/usr/bin/env bash
# migc's authoring commands on a real source tree in a temporary directory.
# usage: authoring_test.sh <migc> <migrations dir>
set -u
migc=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp -r "$2" "$work/migrations"
failures=0
check() { if grep -qE -- "$2" <<<"$3"; then echo "ok: $1"; else echo "FAILED: $1: [$2] not in:"; echo "$3"; failures=$((failures + 1)); fi; }
check_text() { if grep -qF -- "$2" <<<"$3"; then echo "ok: $1"; else echo "FAILED: $1: [$2] not in:"; echo "$3"; failures=$((failures + 1)); fi; }

out=$("$migc" revision -m "Seed initial user data" --dir "$work/migrations" 2>&1)
check "revision writes a file after the head" "wrote .*/[0-9]{4}_[0-9]{2}_[0-9]{2}_[0-9]{4}-[0-9a-f]{12}_seed_initial_user_data\.mig \(revision [0-9a-f]{12}, after 004\)" "$out"
new=$(ls "$work"/migrations/*seed_initial_user_data.mig)
first=$(sed -n "s/^revision '\([0-9a-f]*\)'.*/\1/p" "$new")
check "the new revision revises the head" "revision '$first' revises '004'" "$(cat "$new")"
check "the chain still compiles" "^$" "$("$migc" check "$work/migrations" 2>&1)"

# Somebody else added a revision on 004 too: two heads.
printf "revision 'b7' revises '004'\n  message 'Quality metrics';\n" >"$work/migrations/b7_quality_metrics.mig"
out=$("$migc" revision -m "Another" --dir "$work/migrations" 2>&1); status=$?
[ $status -eq 1 ] && echo "ok: revision refuses with two heads" || { echo "FAILED: revision with two heads exited $status"; failures=$((failures + 1)); }
check "and says to merge" "merge the heads first: migc merge" "$out"
check "and names the idiom that does it" 'migc merge heads -m' "$out"
# Two heads are what `heads` lists, not an error.
out=$("$migc" heads --dir "$work/migrations" 2>&1); status=$?
[ $status -eq 0 ] && echo "ok: heads with two heads exits 0" || { echo "FAILED: heads with two heads exited $status"; failures=$((failures + 1)); }
check "and lists both" "^$first \(head\)$" "$out"
check "both" "^b7 \(head\)$" "$out"
check "and nothing else" "^2$" "$(wc -l <<<"$out")"
# merge checks what it is given before it writes anything.
before=$(ls "$work/migrations" | wc -l)
out=$("$migc" merge nope b7 -m "Bad" --dir "$work/migrations" 2>&1); status=$?
[ $status -eq 2 ] && echo "ok: merge of an unknown revision exits 2" || { echo "FAILED: merge nope exited $status"; failures=$((failures + 1)); }
check_text "naming it" "migc: error: no revision \`nope\` in the chain" "$out"
out=$("$migc" merge 002 b7 -m "Bad" --dir "$work/migrations" 2>&1); status=$?
[ $status -eq 2 ] && echo "ok: merge of a non-head exits 2" || { echo "FAILED: merge 002 exited $status"; failures=$((failures + 1)); }
check_text "saying it is not a head" "revision \`002\` is not a head (the heads: $first, b7); a merge joins heads" "$out"
out=$("$migc" merge b7 b7 -m "Bad" --dir "$work/migrations" 2>&1); status=$?
[ $status -eq 2 ] && echo "ok: a merge of one head twice exits 2" || { echo "FAILED: merge b7 b7 exited $status"; failures=$((failures + 1)); }
check "nothing was written by the refused merges" "^$before$" "$(ls "$work/migrations" | wc -l)"
# A prefix is resolved to the full id: the file names what the build will find.
out=$("$migc" merge "${first:0:6}" b7 -m "Merge seed and metrics" --id m1 --dir "$work/migrations" 2>&1)
check "merge writes the merge revision" "wrote .*-m1_merge_seed_and_metrics\.mig \(revision m1, after $first, b7\)" "$out"
check "merged: one head again" "^m1 \(head\)$" "$("$migc" heads "$work/migrations" 2>&1)"
check "the merge names the full ids" "revision 'm1' merges '$first', 'b7'" "$(cat "$work"/migrations/*-m1_*.mig)"
out=$("$migc" merge heads -m "Nothing" --dir "$work/migrations" 2>&1); status=$?
[ $status -eq 2 ] && echo "ok: merge heads with one head exits 2" || { echo "FAILED: merge heads with one head exited $status"; failures=$((failures + 1)); }
check_text "saying there is nothing to merge" "the chain has one, m1: nothing to merge" "$out"
# Alembic's idiom: merge heads.
cp -r "$work/migrations" "$work/idiom"
printf "revision 'c1' revises 'm1'\n  message 'One';\n" >"$work/idiom/c1.mig"
printf "revision 'c2' revises 'm1'\n  message 'Two';\n" >"$work/idiom/c2.mig"
out=$("$migc" merge heads -m "Join" --id j1 --dir "$work/idiom" 2>&1)
check "merge heads merges every head" "\(revision j1, after c1, c2\)" "$out"
check "and the chain has one head again" "^j1 \(head\)$" "$("$migc" --dir "$work/idiom" heads 2>&1)"
check "history lists the merge first" "^$first, b7 -> m1, Merge seed and metrics" "$("$migc" history "$work/migrations" 2>&1 | head -1)"
check "graph draws the merge" "\"m1\" -> \"b7\";" "$("$migc" graph "$work/migrations" 2>&1)"
at=$("$migc" schema --at 002 "$work/migrations" 2>&1)
check "schema --at 002 has 002's index" "CREATE INDEX idx_gridsquare_acquisition_datetime_status" "$at"
if grep -q agentsession <<<"$at"; then echo "FAILED: schema --at 002 has 004's tables"; failures=$((failures + 1)); else echo "ok: schema --at 002 stops at 002"; fi
if "$migc" schema --at nosuch "$work/migrations" >/dev/null 2>&1; then
  echo "FAILED: schema --at a revision the chain lacks succeeded"; failures=$((failures + 1))
else
  echo "ok: schema --at a revision the chain lacks fails"
fi
# Autogenerate from a model, and the build's check that head and model agree.
tree=$(mktemp -d)
mkdir -p "$tree/migrations" "$tree/model"
printf "revision '001' revises base\n  message 'Grids';\n\ncreate table grid (id integer primary key, name text);\n" >"$tree/migrations/001_grids.mig"
printf "create table grid (id integer primary key, name text not null default '');\ncreate table square (id integer primary key, grid_id integer references grid (id) on delete cascade);\ncreate index idx_square_grid on square (grid_id);\n" >"$tree/model/app.mig"
out=$("$migc" compile --model "$tree/model" "$tree/migrations" 2>&1); status=$?
[ $status -eq 1 ] && echo "ok: the build fails while the head and the model differ" || { echo "FAILED: compile --model exited $status"; failures=$((failures + 1)); }
check_text "the model drift is named" "error: the head schema differs from the model in $tree/model: 5 statement(s) would make them equal [ModelDrift]" "$out"
out=$("$migc" revision --autogenerate --model "$tree/model" --dir "$tree/migrations" -m "Add squares" 2>&1)
check "revision --autogenerate writes the revision" "wrote .*_add_squares\.mig" "$out"
generated=$(cat "$tree"/migrations/*_add_squares.mig)
check "it creates the new table" "create table square" "$generated"
check "it alters the old one" "alter table grid alter column name set not null;" "$generated"
"$migc" compile --model "$tree/model" "$tree/migrations" >/dev/null 2>&1
[ $? -eq 0 ] && echo "ok: the chain compiles, and now equals the model" || { echo "FAILED: the chain does not equal the model"; failures=$((failures + 1)); }
check "a second autogenerate has nothing to do" "already is the model" "$("$migc" revision --autogenerate --model "$tree/model" --dir "$tree/migrations" -m "Again" 2>&1)"
rm -rf "$tree"

# A new project: migc init, then the usual commands with their default directory.
project=$(mktemp -d)/shop
mkdir -p "$project"
out=$(cd "$project" && "$migc" revision -m "First" 2>&1); status=$?
[ $status -eq 2 ] && echo "ok: revision without a migrations directory exits 2" || { echo "FAILED: exited $status"; failures=$((failures + 1)); }
check_text "pointing at init" "no migrations directory \`migrations\`: give --dir, or start one with \`migc init --dir migrations\`" "$out"
out=$(cd "$project" && "$migc" init --id r0 2>&1); status=$?
[ $status -eq 0 ] && echo "ok: init" || { echo "FAILED: init exited $status: $out"; failures=$((failures + 1)); }
check "init writes a root revision" "wrote migrations/.*-r0_initial_revision\.mig \(revision r0, after base\)" "$out"
check_text "and prints the CMake lines" "add_migrations(shop" "$out"
check_text "with the directory" 'DIRECTORY "${CMAKE_CURRENT_SOURCE_DIR}/migrations"' "$out"
# A directory with a space and a quote, and an absolute one: lines that paste as they are.
out=$(cd "$project" && "$migc" init --dir 'db "migs' --id d0 2>&1)
check_text "quoted for CMake" 'DIRECTORY "${CMAKE_CURRENT_SOURCE_DIR}/db \"migs"' "$out"
out=$(cd "$project" && "$migc" init --dir "$project/abs migs" --id a0 2>&1)
check_text "an absolute directory as it is" "DIRECTORY \"$project/abs migs\"" "$out"
check "the new chain checks" "^$" "$(cd "$project" && "$migc" check 2>&1)"
out=$(cd "$project" && "$migc" revision -m "Add items" --id r1 2>&1)
check "revision follows it" "\(revision r1, after r0\)" "$out"
check "heads defaults to migrations/ too" "^r1 \(head\)$" "$(cd "$project" && "$migc" heads 2>&1)"
out=$(cd "$project" && "$migc" init 2>&1); status=$?
[ $status -eq 2 ] && echo "ok: init refuses a directory with revisions" || { echo "FAILED: second init exited $status"; failures=$((failures + 1)); }
check_text "saying so" "migrations already holds revisions" "$out"
# SCHEMA_SQL on a first build: the file is created (and said to be), not reported stale.
out=$(cd "$project" && "$migc" compile --name shop --schema-sql generated/schema.sql 2>&1); status=$?
[ $status -eq 0 ] && echo "ok: a first compile with a missing schema.sql succeeds" || { echo "FAILED: exited $status: $out"; failures=$((failures + 1)); }
check_text "saying it created it" "migc: created generated/schema.sql, the head schema of chain \`shop\`: add it to version control" "$out"
check "the next compile checks it" "^$" "$(cd "$project" && "$migc" compile --name shop --schema-sql generated/schema.sql 2>&1)"
echo "-- edited" >>"$project/generated/schema.sql"
out=$(cd "$project" && "$migc" compile --name shop --schema-sql generated/schema.sql 2>&1)
check_text "and an edited one is still stale" "is stale" "$out"
out=$(cd "$project" && "$migc" compile --name shop --schema-sql generated/schema.sql --update-target shop-update-generated \
  --build-dir "/tmp/my builds/shop" 2>&1)
check_text "the fix names the real build directory, quoted for a shell" \
  "cmake --build '/tmp/my builds/shop' --target shop-update-generated" "$out"
check "--version" "^migc [0-9]+\.[0-9]+\.[0-9]+$" "$("$migc" --version)"
rm -rf "$(dirname "$project")"

# On GitHub Actions, diagnostics also become annotations on the diff (workflow commands on stdout).
broken=$(mktemp -d)
printf "revision '001' revises base;\n\ncreate index idx_x on nowhere (x);\n" >"$broken/001_root.mig"
out=$(GITHUB_ACTIONS=true GITHUB_WORKSPACE="$broken" "$migc" check "$broken" 2>/dev/null)
check_text "an error is an annotation, its path relative to the workspace" \
  "::error file=001_root.mig,line=3,col=23,endColumn=29,title=migc UnknownTable::table \`nowhere\` does not exist at revision 001" "$out"
check "and only there" "^$" "$("$migc" check "$broken" 2>/dev/null)"
rm -rf "$broken"

[ $failures -eq 0 ]
