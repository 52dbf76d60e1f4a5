#!/usr/bin/env bash
# `migc import <format>`: the chain in the tool's own format is applied with psql as the tool
# applies it, one migration at a time; the imported chain's migrator upgrades a fresh database
# revision by revision; after each, pg_dump of both (schema and rows, history tables aside) must
# be equal. Also: the import writes exactly the checked-in chain, and bad input is refused.
# usage: import_test.sh <format> <migc> <imported chain's migrator> <tool's dir> <checked-in import> <conninfo file>
set -u
format=$1
migc=$2
migrate=$3
source_dir=$4
golden=$5
server=$(cat "$6")
source "$(dirname "$0")/../runtime/checks.sh"
work=$(mktemp -d)
original=migc_import_original_$$
imported=migc_import_imported_$$
trap 'sql postgres "DROP DATABASE IF EXISTS $original WITH (FORCE)" >/dev/null; sql postgres "DROP DATABASE IF EXISTS $imported WITH (FORCE)" >/dev/null; rm -rf "$work"' EXIT
bindir=$(pg_config --bindir 2>/dev/null || ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)

out=$("$migc" import "$format" "$source_dir" --dir "$work/imported" 2>&1); status=$?
check_status "import succeeds" 0 $status
if diff -r "$golden" "$work/imported" >"$work/diff"; then
  echo "ok: the import writes exactly the checked-in chain"
else
  echo "FAILED: the import differs from the checked-in chain:"; sed 's/^/    /' "$work/diff"; failures=$((failures + 1))
fi

dump() {
  "$bindir/pg_dump" --no-owner --no-privileges --exclude-table='migc_*' --exclude-table=schema_migrations "$server dbname=$1" |
    grep -v -E '^--|^\\(un)?restrict|^$'
}

# The tool's order and ids, read from the file names here, independently of migc: one line
# per migration, "<id> <file>".
case $format in
  golang-migrate) files=$(ls "$source_dir" | grep -E '^[0-9]+_.*\.up\.sql$') ;;
  goose) files=$(ls "$source_dir" | grep -E '^[0-9]+_.*\.sql$') ;;
  sqlx) files=$(ls "$source_dir" | grep -E '^[0-9]+_.*\.sql$' | grep -v '\.down\.sql$') ;;
  dbmate) files=$(ls "$source_dir" | grep -E '^[0-9]+.*\.sql$') ;;
  flyway) files=$(ls "$source_dir" | grep -E '^V[0-9.]+__.*\.sql$') ;;
esac
id_of() {
  case $format in
    dbmate) echo "${1%%[!0-9]*}" ;;                     # the digits as written
    flyway) local v=${1#V}; echo "${v%%__*}" ;;          # the version as written
    *) local prefix=${1%%_*}; echo $((10#$prefix)) ;;   # an integer
  esac
}
mapfile -t migrations < <(for file in $files; do echo "$(id_of "$file") $file"; done | sort -V -k1,1)

# One migration, as the tool runs it, by the tool's rules:
# - golang-migrate sends the whole file as one query, which PostgreSQL runs as one implicit
#   transaction, and records the version in schema_migrations;
# - dbmate runs the `-- migrate:up` section in a transaction, unless it says transaction:false;
# - goose the `-- +goose Up` section, statement by statement, in a transaction unless the file
#   says `-- +goose NO TRANSACTION`;
# - sqlx the file in a transaction unless it starts with `-- no-transaction`;
# - Flyway the V file in a transaction, unless it holds a statement that cannot run in one.
# psql reads dollar quotes and goose's StatementBegin/End comments as the tools do.
apply_original() {
  local file=$source_dir/$1 single=-1
  case $format in
    golang-migrate)
      psql "$server dbname=$original" -XAtq -v ON_ERROR_STOP=1 -c "$(cat "$file")" >/dev/null &&
        sql "$original" "TRUNCATE schema_migrations; INSERT INTO schema_migrations VALUES ($2, false)"
      return ;;
    dbmate)
      grep -q -- '-- migrate:up.*transaction:false' "$file" && single=
      sed -n '/^-- migrate:up/,/^-- migrate:down/p' "$file" >"$work/section.sql" ;;
    goose)
      grep -q -- '-- +goose NO TRANSACTION' "$file" && single=
      sed -n '/^-- +goose Up/,/^-- +goose Down/p' "$file" >"$work/section.sql" ;;
    sqlx)
      head -1 "$file" | grep -q -- '^-- no-transaction' && single=
      cp "$file" "$work/section.sql" ;;
    flyway)
      grep -qi 'concurrently' "$file" && single=
      cp "$file" "$work/section.sql" ;;
  esac
  psql "$server dbname=$original" -XAtq -v ON_ERROR_STOP=1 $single -f "$work/section.sql" >/dev/null
}

fresh "$original" >/dev/null
fresh "$imported" >/dev/null
sql "$original" "CREATE TABLE schema_migrations (version bigint NOT NULL PRIMARY KEY, dirty boolean NOT NULL)"
versions=()
[ ${#migrations[@]} -ge 10 ] || { echo "FAILED: only ${#migrations[@]} migrations found"; failures=$((failures + 1)); }
for line in "${migrations[@]}"; do
  version=${line%% *}
  file=${line#* }
  apply_original "$file" "$version" || { echo "FAILED: the tool's own migration $file does not apply"; failures=$((failures + 1)); break; }
  out=$("$migrate" --url "$server dbname=$imported" upgrade "$version" 2>&1); status=$?
  check_status "the imported chain upgrades to $version" 0 $status
  [ $status -eq 0 ] || { echo "$out" | sed 's/^/    /'; break; }
  dump "$original" >"$work/original_$version"
  if diff "$work/original_$version" <(dump "$imported") >"$work/diff"; then
    echo "ok: at $version, the database equals the one $file left"
  else
    echo "FAILED: at $version, the databases differ (< original, > imported):"; sed 's/^/    /' "$work/diff"; failures=$((failures + 1))
  fi
  versions+=("$version")
done
# Down again, revision by revision: each down (the tool's own, or derived where it had none)
# gives back the database the original had at the version before, sequence positions aside
# (nextval() is not rolled back, and no down puts a sequence back).
positions() { grep -v 'pg_catalog\.setval' "$@"; }
# (sqlx's simple migrations have no down: the chain stops at its first raw step.)
[ "$format" = sqlx ] && versions=()
for ((i = ${#versions[@]} - 2; i >= 0; i--)); do
  version=${versions[$i]}
  out=$("$migrate" --url "$server dbname=$imported" downgrade "$version" 2>&1); status=$?
  check_status "the imported chain downgrades to $version" 0 $status
  [ $status -eq 0 ] || { echo "$out" | sed 's/^/    /'; break; }
  if diff <(positions "$work/original_$version") <(dump "$imported" | positions) >"$work/diff"; then
    echo "ok: down at $version, the database equals the original's at $version"
  else
    echo "FAILED: down at $version, the databases differ (< original, > imported):"; sed 's/^/    /' "$work/diff"; failures=$((failures + 1))
  fi
done
if [ "$format" != sqlx ]; then
  out=$("$migrate" --url "$server dbname=$imported" downgrade base 2>&1); status=$?
  check_status "the imported chain downgrades to base" 0 $status
fi

# Bad input: a clear error naming the file, exit 1, no crash.
out=$("$migc" import "$format" "$work/nowhere" --dir "$work/none" 2>&1); status=$?
check_status "a missing directory is an error" 1 $status
check "naming it" "$work/nowhere: not a directory" "$out"
out=$("$migc" import nosuchtool "$source_dir" --dir "$work/none" 2>&1); status=$?
check_status "an unknown format is a usage error" 2 $status
check "listing the formats" "golang-migrate, dbmate, goose, sqlx or flyway" "$out"
out=$("$migc" import "$format" "$source_dir" --dir "$work/imported" 2>&1); status=$?
check_status "a directory holding revisions is refused" 2 $status
case $format in
  golang-migrate)
    mkdir "$work/bad" && cp "$source_dir"/* "$work/bad"
    echo "SELECT 1;" >"$work/bad/1_again.up.sql"
    out=$("$migc" import "$format" "$work/bad" --dir "$work/bad_out" 2>&1); status=$?
    check_status "a version given twice is an error" 1 $status
    check "naming both files" "1_again.up.sql: version 1 is also 000001_create_users.up.sql's" "$out"
    rm "$work/bad/1_again.up.sql"
    echo "DROP TABLE x;" >"$work/bad/000099_orphan.down.sql"
    out=$("$migc" import "$format" "$work/bad" --dir "$work/bad_out" 2>&1); status=$?
    check_status "a down without its up is an error" 1 $status
    check "naming it" "000099_orphan.down.sql: a down migration without its up" "$out"
    rm "$work/bad/000099_orphan.down.sql"
    printf 'CREATE TABLE t (a int);\n\nALTER TABLE t SET ACCESS METHOD heap;\nSELEC 1;\n' >"$work/bad/000100_human.up.sql"
    out=$("$migc" import "$format" "$work/bad" --dir "$work/bad_out" 2>&1); status=$?
    check_status "a statement the language cannot say fails the import" 1 $status
    check "at its place in the original" "000100_human.up.sql:4: error: needs a human: PostgreSQL's parser rejects it" "$out"
    printf 'CREATE TABLE t (a int);\n\nALTER TABLE t SET ACCESS METHOD heap;\n' >"$work/bad/000100_human.up.sql"
    out=$("$migc" import "$format" "$work/bad" --dir "$work/bad_out2" 2>&1); status=$?
    check_status "a change the language has no statement for fails the import" 1 $status
    check "at its place in the original" "000100_human.up.sql:3: error: needs a human: the language has no statement for it" "$out"
    check "and the rest is written" "ALTER TABLE t SET ACCESS METHOD heap" "$(cat "$work"/bad_out2/100_human.mig)"
    printf -- '-- fill later\nALTER TABLE users\n  ADD COLUMN nickname text NOT NULL;\n' >"$work/bad/000100_human.up.sql"
    out=$("$migc" import "$format" "$work/bad" --dir "$work/bad_out3" 2>&1); status=$?
    check_status "a statement the compiler refuses fails the import" 1 $status
    check "with the compiler's diagnostic" "[NotNullWithoutDefault]" "$out"
    check "and its place in the original" "note: imported from 000100_human.up.sql:2" "$out"
    ;;
esac

[ $failures -eq 0 ] || { echo "$failures failure(s)"; exit 1; }
