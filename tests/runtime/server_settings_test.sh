#!/usr/bin/env bash
# Generated SQL means the same whatever a database's or role's settings: the hostile chain, run
# by its migrator and by its offline script through psql where standard_conforming_strings is
# off (a backslash is then an escape), the client encoding is LATIN1, and dates, intervals, xml,
# arrays and bytea are read or printed otherwise, must store exactly what it stores on a server
# with the defaults. pg_dump, which sets its own session, is the judge.
# usage: server_settings_test.sh <hostile-migrate> <migc> <conninfo-file>
set -u
migrate=$1
migc=$2
server=$(cat "$3")
bindir=$(pg_config --bindir 2>/dev/null || ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
source "$(dirname "$0")/checks.sh"
check_same() {  # check_same <description> <expected> <actual>
  if [ "$2" = "$3" ]; then
    echo "ok: $1"
  else
    echo "FAILED: $1:"; diff <(printf '%s\n' "$2") <(printf '%s\n' "$3") | sed 's/^/    /'; failures=$((failures + 1))
  fi
}
# The test's own psql reads and writes UTF-8, whatever the locale; the migrators get no such help.
sql() { PGCLIENTENCODING=UTF8 psql "$server dbname=$1" -XAtqc "$2"; }
unset PGCLIENTENCODING PGOPTIONS
fresh() { sql postgres "DROP DATABASE IF EXISTS $1" && sql postgres "CREATE DATABASE $1 ${2:-}"; }
# Schema and data, the version tables' rows aside (they hold times), as pg_dump prints them. The
# judge reads every database with the same settings of its own: pg_dump otherwise takes some of
# the database's (its encoding, how it writes literals and bytea).
judge_settings="-c standard_conforming_strings=on -c bytea_output=hex -c xmloption=content -c extra_float_digits=3"
dump() {
  PGOPTIONS="$judge_settings" "$bindir/pg_dump" --encoding=UTF8 --no-owner --exclude-table-data='migc_*' "$server dbname=$1" |
    grep -v -E '^\\(un)?restrict|^--'
  PGOPTIONS="$judge_settings" sql "$1" "SELECT revision, checksum FROM migc_version ORDER BY revision"
}
# Every setting that changes how the lowered SQL is read, or how the catalog prints it back.
unusual_settings() {  # unusual_settings <ALTER DATABASE x | ALTER ROLE x>
  for setting in "standard_conforming_strings = off" "client_encoding = 'LATIN1'" "DateStyle = 'SQL, DMY'" \
      "IntervalStyle = 'sql_standard'" "xmloption = document" "array_nulls = off" "bytea_output = 'escape'" \
      "extra_float_digits = -3" "check_function_bodies = off"; do
    echo "$1 SET $setting;"
  done
}

fresh migc_settings_reference
"$migrate" --url "$server dbname=migc_settings_reference" upgrade head >/dev/null 2>&1
check_status "the hostile chain upgrades a database with the defaults" 0 $?
reference=$(dump migc_settings_reference)
check "where keeper keeps its row" "kept \\ with a backslash" "$(sql migc_settings_reference "SELECT note FROM keeper")"
check "keeper survived a revision that turned standard_conforming_strings off for the session" \
  "kept \\'; drop table keeper; --" "$(sql migc_settings_reference "SELECT obj_description('keeper'::regclass, 'pg_class')")"

# Settings of the database.
fresh migc_settings_database
sql migc_settings_database "$(unusual_settings "ALTER DATABASE migc_settings_database")"
check "the database reads backslashes as escapes" "off" "$(psql "$server dbname=migc_settings_database" -XAtqc "SHOW standard_conforming_strings")"
url="$server dbname=migc_settings_database"
out=$("$migrate" --url "$url" upgrade head 2>&1); status=$?
check_status "the hostile chain upgrades a database whose settings differ" 0 $status
check "keeper survived the comment whose \\' ends a literal where backslashes are escapes" "1" "$(sql migc_settings_database "SELECT count(*) FROM keeper")"
check_same "it stores exactly what a database with the defaults stores" "$reference" "$(dump migc_settings_database)"
"$migrate" --url "$url" downgrade base >/dev/null 2>&1 && "$migrate" --url "$url" upgrade head >/dev/null 2>&1
check_status "down to base and up again" 0 $?
check_same "and again after the round trip" "$reference" "$(dump migc_settings_database)"
out=$("$migrate" --url "$url" check 2>&1); status=$?
check_status "check finds no drift there" 0 $status

# migc reads a database through the same settings: what it writes does not depend on the server's.
introspected() {  # the revision `migc introspect` writes, but for the line naming the database
  "$migc" introspect "$server dbname=$1" -o - --id adopted -m adopted 2>&1 | grep -v '^-- Written by `migc introspect` from database'
}
expected=$(introspected migc_settings_reference)
check "migc introspect reads the reference database" "create table keeper" "$expected"
check_same "migc introspect writes the same revision whatever the database's settings" "$expected" "$(introspected migc_settings_database)"

# Settings of the role that logs in.
sql postgres "DROP DATABASE IF EXISTS migc_settings_role_db"
sql postgres "DROP ROLE IF EXISTS migc_settings_role"
sql postgres "CREATE ROLE migc_settings_role LOGIN PASSWORD 'settings'"  # only postgres gets in without one
sql postgres "$(unusual_settings "ALTER ROLE migc_settings_role")"
sql postgres "CREATE DATABASE migc_settings_role_db OWNER migc_settings_role"
role_url="$server dbname=migc_settings_role_db user=migc_settings_role password=settings"
check "the role reads backslashes as escapes" "off" "$(psql "$role_url" -XAtqc "SHOW standard_conforming_strings")"
"$migrate" --url "$role_url" upgrade head >/dev/null 2>&1
check_status "the hostile chain upgrades as a role whose settings differ" 0 $?
check_same "storing exactly what a database with the defaults stores" "$reference" "$(dump migc_settings_role_db)"

# The offline script, run by psql, sets them too; psql's own client encoding is LATIN1 here.
fresh migc_settings_script
sql migc_settings_script "$(unusual_settings "ALTER DATABASE migc_settings_script")"
env -u DATABASE_URL "$migrate" upgrade head --sql >"$work/upgrade.sql"
out=$(PGCLIENTENCODING=LATIN1 psql "$server dbname=migc_settings_script" -X -q -v ON_ERROR_STOP=1 -f "$work/upgrade.sql" 2>&1); status=$?
check_status "psql runs the offline script on a database whose settings differ" 0 $status
check_same "which stores exactly what the migrator stores on a database with the defaults" "$reference" "$(dump migc_settings_script)"
check "keeper survived there too" "1" "$(sql migc_settings_script "SELECT count(*) FROM keeper")"

sql postgres "DROP DATABASE migc_settings_role_db"
sql postgres "DROP ROLE migc_settings_role"
if [ $failures -ne 0 ]; then echo "$failures check(s) failed"; exit 1; fi
