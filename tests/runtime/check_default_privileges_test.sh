#!/usr/bin/env bash
# Default privileges (`alter default privileges`) of the role that migrates give the objects it
# makes privileges no revision writes: `check` predicts them as the server gives them, in the
# connection's schema and in the chain's others, and still sees a privilege changed by hand.
# usage: check_default_privileges_test.sh <every_operation-migrate> <conninfo-file>
set -u
every=$1
server=$(cat "$2")
source "$(dirname "$0")/checks.sh"

db="$server dbname=migc_default_privileges"
fresh migc_default_privileges >/dev/null
# In the connection's schema before anything is made; everywhere (a routine then lacks
# EXECUTE for public on both sides); in another schema once it exists, with the grant that
# gives the same to what it already holds.
sql migc_default_privileges "ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, REFERENCES ON TABLES TO pg_monitor;
  ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE ON SEQUENCES TO pg_monitor WITH GRANT OPTION;
  ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT EXECUTE ON FUNCTIONS TO pg_read_all_data;
  ALTER DEFAULT PRIVILEGES REVOKE EXECUTE ON FUNCTIONS FROM PUBLIC;" >/dev/null
"$every" --url "$db" upgrade 083 >/dev/null 2>&1
sql migc_default_privileges "ALTER DEFAULT PRIVILEGES IN SCHEMA reporting GRANT SELECT ON TABLES TO pg_monitor;
  GRANT SELECT ON ALL TABLES IN SCHEMA reporting TO pg_monitor;" >/dev/null
out=$("$every" --url "$db" upgrade head 2>&1); status=$?
check_status "the chain runs under default privileges" 0 $status
check "they reached the objects" "t" "$(sql migc_default_privileges "SELECT has_table_privilege('pg_monitor', 'support_case', 'SELECT')
  AND has_table_privilege('pg_monitor', 'reporting.summary', 'SELECT')")"

out=$("$every" --url "$db" check 2>&1); status=$?
check_status "what default privileges gave is not drift" 0 $status
check "no drift" "no drift" "$out"
check "they are listed as unmodelled" "unmodelled  default privileges of role " "$out"

sql migc_default_privileges "REVOKE SELECT ON support_case FROM pg_monitor; REVOKE SELECT ON reporting.summary FROM pg_monitor;" >/dev/null
out=$("$every" --url "$db" check 2>&1); status=$?
check_status "a privilege revoked by hand is drift" 7 $status
check "named, in the connection's schema" "privileges on table support_case for pg_monitor" "$out"
check "and in another" "in schema reporting: privileges on table summary for pg_monitor" "$out"

sql postgres "DROP DATABASE migc_default_privileges" >/dev/null

# The objects' owner (`--role`) with a name that needs quoting: its default privileges, in a
# schema and everywhere (a grant, to the login user too, and a revoke of the hardwired
# default), are the ones predicted; the login user's own, which it does not make objects under,
# are not.
fresh migc_default_privileges >/dev/null
sql postgres "DO \$\$ BEGIN CREATE ROLE \"Mig Rator\" SUPERUSER NOLOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END \$\$" >/dev/null
sql migc_default_privileges "ALTER DEFAULT PRIVILEGES FOR ROLE \"Mig Rator\" IN SCHEMA public GRANT SELECT ON TABLES TO pg_monitor;
  ALTER DEFAULT PRIVILEGES FOR ROLE \"Mig Rator\" GRANT USAGE ON SEQUENCES TO pg_monitor;
  ALTER DEFAULT PRIVILEGES FOR ROLE \"Mig Rator\" REVOKE EXECUTE ON FUNCTIONS FROM PUBLIC;
  ALTER DEFAULT PRIVILEGES FOR ROLE \"Mig Rator\" GRANT SELECT ON TABLES TO postgres;
  ALTER DEFAULT PRIVILEGES FOR ROLE postgres GRANT INSERT ON TABLES TO pg_monitor" >/dev/null
"$every" --url "$db" --role "Mig Rator" upgrade head >/dev/null 2>&1
check "the objects are the role's, with what its default privileges gave" "t" \
  "$(sql migc_default_privileges "SELECT pg_get_userbyid(relowner) = 'Mig Rator' AND has_table_privilege('pg_monitor', 'support_case', 'SELECT') FROM pg_class WHERE relname = 'support_case'")"
out=$("$every" --url "$db" --role "Mig Rator" check 2>&1); status=$?
check_status "check as that role finds no drift" 0 $status
check "no drift, for a role whose name needs quoting" "no drift" "$out"
sql postgres "DROP DATABASE migc_default_privileges" >/dev/null
sql postgres "DROP ROLE \"Mig Rator\"" >/dev/null
[ "$failures" -eq 0 ] || { echo "$failures check(s) failed"; exit 1; }
