#!/usr/bin/env bash
# `check` finds each kind of change made by hand, and nothing on the database the migrator built.
# Each change is made on a copy of that database (CREATE DATABASE ... TEMPLATE), and judged by
# the line `check` prints for it, which comes from PostgreSQL's catalogs.
# usage: check_drift_kinds_test.sh <every_operation-migrate> <conninfo-file>
set -u
every=$1
server=$(cat "$2")
source "$(dirname "$0")/checks.sh"

fresh migc_drift_base >/dev/null
"$every" --url "$server dbname=migc_drift_base" upgrade head >/dev/null 2>&1
out=$("$every" --url "$server dbname=migc_drift_base" check 2>&1); status=$?
check_status "no drift on the database the migrator built" 0 $status
check "and check says so" "no drift" "$out"

kinds=0
# drift <kind> <SQL that makes the change> <a line check must print>
drift() {
  kinds=$((kinds + 1))
  sql postgres "DROP DATABASE IF EXISTS migc_drift_copy" >/dev/null 2>&1
  sql postgres "CREATE DATABASE migc_drift_copy TEMPLATE migc_drift_base" >/dev/null
  if ! psql "$server dbname=migc_drift_copy" -XAtq -v ON_ERROR_STOP=1 -c "$2" >/dev/null 2>&1; then
    echo "FAILED: $1: the change itself failed: $2"; failures=$((failures + 1)); return
  fi
  out=$("$every" --url "$server dbname=migc_drift_copy" check 2>&1); status=$?
  check_status "$1 is drift" 7 $status
  check "$1: named" "$3" "$out"
}

# Tables, columns, constraints, indexes.
drift "a table added" "CREATE TABLE by_hand (id integer)" "unexpected  relation by_hand kind r"
drift "a table dropped" "DROP TABLE contact_card" "missing     relation contact_card kind r"
drift "a column added" "ALTER TABLE support_case ADD COLUMN extra integer" "unexpected  column support_case.extra integer"
drift "a column dropped" "ALTER TABLE support_case DROP COLUMN label" "missing     column support_case.label text default ticket_label(0)"
drift "a column's type changed" "ALTER TABLE support_case ALTER COLUMN updated_at TYPE timestamp" "unexpected  column support_case.updated_at timestamp without time zone"
drift "a column made nullable" "ALTER TABLE support_case ALTER COLUMN title DROP NOT NULL" "unexpected  column support_case.title text"
drift "a column's default changed" "ALTER TABLE support_case ALTER COLUMN touches SET DEFAULT 5" "unexpected  column support_case.touches integer not null default 5"
drift "a column's collation changed" "ALTER TABLE contact_card ALTER COLUMN email TYPE text COLLATE \"C\"" 'unexpected  column contact_card.email text collate "C" not null'
drift "a column's comment" "COMMENT ON COLUMN support_case.title IS 'by hand'" "comment 'by hand'"
drift "a table's comment" "COMMENT ON TABLE support_case IS 'by hand'" "unexpected  comment on support_case 'by hand'"
drift "a check added" "ALTER TABLE support_case ADD CONSTRAINT by_hand CHECK (touches >= 0)" "unexpected  constraint support_case.by_hand CHECK ((touches >= 0))"
drift "a primary key dropped" "ALTER TABLE support_case DROP CONSTRAINT helpdesk_ticket_pkey" "missing     constraint support_case.helpdesk_ticket_pkey PRIMARY KEY (id)"
drift "a foreign key dropped" "ALTER TABLE booking_note DROP CONSTRAINT booking_note_booking_id_fkey" "missing     constraint booking_note.booking_note_booking_id_fkey FOREIGN KEY (booking_id) REFERENCES booking(id)"
drift "an index added" "CREATE INDEX by_hand ON support_case (title)" "unexpected  index CREATE INDEX by_hand ON support_case USING btree (title)"
drift "an index left INVALID" "UPDATE pg_index SET indisvalid = false WHERE indexrelid = 'graded_a'::regclass" "(INVALID)"
drift "an identity's options changed" "ALTER TABLE booking ALTER COLUMN id SET INCREMENT BY 7" "unexpected  sequence booking_id_seq bigint start 1000 increment 7"
drift "an unlogged table" "ALTER TABLE support_case SET UNLOGGED" "unexpected  relation support_case kind r unlogged"
drift "row level security disabled" "ALTER TABLE support_case DISABLE ROW LEVEL SECURITY" "missing     relation support_case kind r row level security"
drift "row level security forced" "ALTER TABLE support_case FORCE ROW LEVEL SECURITY" "unexpected  relation support_case kind r row level security forced"
# Types, sequences, extensions.
drift "an enum value added" "ALTER TYPE grade ADD VALUE 'd'" "unexpected  type grade enum ('a', 'b', 'c', 'd')"
drift "a domain's constraint dropped" "ALTER DOMAIN positive_amount DROP CONSTRAINT positive_amount_check" "missing     constraint on domain positive_amount.positive_amount_check"
drift "a domain's default set" "ALTER DOMAIN nickname SET DEFAULT 'x'" "unexpected  domain nickname character varying(30) default 'x'::character varying"
drift "a composite type's attribute added" "ALTER TYPE address ADD ATTRIBUTE extra integer" "unexpected  column address.extra integer"
drift "a sequence's options changed" "ALTER SEQUENCE plain INCREMENT BY 3" "unexpected  sequence plain integer start 1 increment 3"
drift "a sequence let go of its column" "ALTER SEQUENCE consignment_line OWNED BY NONE" "unexpected  sequence consignment_line bigint start 1 increment 1 min 1 max 9223372036854775807 cache 1 owned by nothing"
drift "a sequence given to a column" "ALTER SEQUENCE parcel_counter OWNED BY consignment.parcel_no" "unexpected  sequence parcel_counter bigint start 1 increment 2 min 1 max 9223372036854775807 cache 1 owned by consignment.parcel_no"
drift "an index dropped" "DROP INDEX graded_a" "missing     index CREATE INDEX graded_a ON graded USING btree (id) WHERE (g = 'a'::grade)"
# Views.
drift "a view's query changed" "CREATE OR REPLACE VIEW large_entries AS SELECT id, account, amount FROM entry_journal WHERE amount >= 8 ORDER BY id" "unexpected  view large_entries as"
drift "a materialized view emptied" "REFRESH MATERIALIZED VIEW account_sums WITH NO DATA" "(no data)"
# Functions, procedures, triggers.
drift "a function's body changed" "CREATE OR REPLACE FUNCTION ticket_touched() RETURNS trigger LANGUAGE plpgsql AS \$\$ begin return new; end \$\$" "unexpected  function CREATE OR REPLACE FUNCTION ticket_touched()"
drift "a function's volatility changed" "ALTER FUNCTION ticket_label(integer, text) STABLE" "unexpected  function CREATE OR REPLACE FUNCTION ticket_label(t_id integer, prefix text DEFAULT 'T-'::text)\\n RETURNS text\\n LANGUAGE sql\\n STABLE"
drift "a function made security definer" "ALTER FUNCTION ticket_touched() SECURITY DEFINER" "SECURITY DEFINER"
drift "a function given a setting" "ALTER FUNCTION ticket_touched() SET search_path = public" "SET search_path TO 'public'"
drift "a function added" "CREATE FUNCTION by_hand() RETURNS integer LANGUAGE sql AS 'select 1'" "unexpected  function CREATE OR REPLACE FUNCTION by_hand()"
drift "a procedure dropped" "DROP PROCEDURE reset_touches(integer)" "missing     function CREATE OR REPLACE PROCEDURE reset_touches(IN n integer)"
drift "a trigger disabled" "ALTER TABLE support_case DISABLE TRIGGER ticket_touch" "EXECUTE FUNCTION ticket_touched() (disabled)"
drift "a trigger set to fire on replicas only" "ALTER TABLE support_case ENABLE REPLICA TRIGGER ticket_touch" "EXECUTE FUNCTION ticket_touched() (replica)"
drift "a trigger dropped" "DROP TRIGGER ticket_touch ON support_case" "missing     trigger CREATE TRIGGER ticket_touch BEFORE UPDATE OF title ON support_case"
drift "a trigger added" "CREATE TRIGGER by_hand BEFORE INSERT ON support_case FOR EACH ROW EXECUTE FUNCTION ticket_touched()" "unexpected  trigger CREATE TRIGGER by_hand BEFORE INSERT ON support_case"
drift "a trigger's condition changed" "DROP TRIGGER ticket_touch ON support_case; CREATE TRIGGER ticket_touch BEFORE UPDATE OF title ON support_case FOR EACH ROW EXECUTE FUNCTION ticket_touched()" "unexpected  trigger CREATE TRIGGER ticket_touch BEFORE UPDATE OF title ON support_case FOR EACH ROW EXECUTE FUNCTION ticket_touched()"
drift "a policy dropped" "DROP POLICY own_cases ON support_case" "missing     policy own_cases on support_case as permissive for select to public using (touches >= 0) with check -"
drift "a policy added" "CREATE POLICY by_hand ON support_case USING (true)" "unexpected  policy by_hand on support_case as permissive for all to public using true with check -"
drift "a policy's expression changed" "ALTER POLICY by_author ON team_note USING (true)" "unexpected  policy by_author on team_note as permissive for all to public using true"
drift "a policy's roles changed" "ALTER POLICY own_cases ON support_case TO CURRENT_USER" "unexpected  policy own_cases on support_case as permissive for select to "
# Privileges.
drift "a grant on a table" "GRANT DELETE ON support_case TO pg_monitor" "unexpected  privileges on table support_case for pg_monitor: +DELETE, +SELECT"
drift "a grant revoked from a view" "REVOKE SELECT ON large_entries FROM pg_read_all_data" "missing     privileges on table large_entries for pg_read_all_data: "
drift "a grant option taken away" "REVOKE GRANT OPTION FOR SELECT ON account_sums FROM pg_read_all_data" "unexpected  privileges on table account_sums for pg_read_all_data: "
drift "a grant on a sequence" "GRANT UPDATE ON SEQUENCE plain TO public" "unexpected  privileges on sequence plain for public: +UPDATE"
drift "a grant on a schema the chain makes" "GRANT CREATE ON SCHEMA reporting TO pg_monitor" "unexpected  in schema reporting: privileges on schema reporting for pg_monitor: +CREATE"
drift "a schema's grant revoked" "REVOKE USAGE ON SCHEMA inbox FROM public" "missing     in schema inbox: privileges on schema inbox for public: +USAGE"
drift "a grant on a type" "GRANT USAGE ON TYPE badge_scan TO pg_read_all_data" "unexpected  privileges on type badge_scan for pg_read_all_data: +USAGE"
drift "a type's default usage given back" "GRANT USAGE ON TYPE clearance TO public" "missing     privileges on type clearance for public: -USAGE"
drift "a domain's grant revoked" "REVOKE USAGE ON DOMAIN staff_badge FROM pg_monitor" "missing     privileges on domain staff_badge for pg_monitor: +USAGE"
drift "a grant on a column" "GRANT UPDATE (remarks) ON badge_holder TO pg_read_all_data" "unexpected  privileges on column badge_holder.remarks for pg_read_all_data: +UPDATE"
drift "a column's grant revoked" "REVOKE SELECT (name) ON badge_holder FROM pg_monitor" "missing     privileges on column badge_holder.name for pg_monitor: +INSERT, +SELECT"
drift "a grant on a serial's sequence revoked" "REVOKE UPDATE ON SEQUENCE ticket_stub_id_seq FROM pg_read_all_data" "missing     privileges on sequence ticket_stub_id_seq for pg_read_all_data: +UPDATE"
drift "a grant on a sequence owned by a column" "GRANT UPDATE ON SEQUENCE ticket_batch TO pg_read_all_data" "unexpected  privileges on sequence ticket_batch for pg_read_all_data: +UPDATE"
drift "a function's default execute revoked" "REVOKE EXECUTE ON FUNCTION ticket_touched() FROM public" "unexpected  privileges on function ticket_touched() for public: -EXECUTE"
drift "a procedure's execute given back" "GRANT EXECUTE ON PROCEDURE reset_touches(integer) TO public" "missing     privileges on procedure reset_touches(IN n integer) for public: -EXECUTE"
# Comments on what is not a table or a column.
drift "a view's comment removed" "COMMENT ON VIEW large_entries IS NULL" "missing     comment on large_entries 'Entries of 8 and more'"
drift "a function's comment changed" "COMMENT ON FUNCTION ticket_touched() IS 'by hand'" "unexpected  comment on function ticket_touched() 'by hand'"
drift "a trigger's comment changed" "COMMENT ON TRIGGER ticket_touch ON support_case IS 'by hand'" "unexpected  comment on trigger ticket_touch on support_case 'by hand'"
drift "a constraint's comment changed" "COMMENT ON CONSTRAINT helpdesk_ticket_pkey ON support_case IS 'by hand'" "unexpected  comment on constraint helpdesk_ticket_pkey on support_case 'by hand'"
drift "a type's comment removed" "COMMENT ON TYPE grade IS NULL" "missing     comment on type grade 'Grades'"
drift "a policy's comment added" "COMMENT ON POLICY by_author ON team_note IS 'by hand'" "unexpected  comment on policy by_author on team_note 'by hand'"
drift "foreign keys switched off" "ALTER TABLE booking_note DISABLE TRIGGER ALL" "unexpected  internal triggers of booking_note disabled: 2"
# The chain's other schema (`reporting`), compared as the connection's own is.
drift "a column added in another schema" "ALTER TABLE reporting.summary ADD COLUMN extra integer" "unexpected  in schema reporting: column summary.extra integer"
drift "an enum value added in another schema" "ALTER TYPE reporting.period ADD VALUE 'month'" "unexpected  in schema reporting: type period enum ('day', 'week', 'month')"
drift "an index dropped in another schema" "DROP INDEX reporting.idx_summary_period" "missing     in schema reporting: index CREATE INDEX idx_summary_period ON summary USING btree (period)"
drift "a table's comment changed in another schema" "COMMENT ON TABLE reporting.summary IS 'by hand'" "unexpected  in schema reporting: comment on summary 'by hand'"
drift "a table added in another schema" "CREATE TABLE reporting.by_hand (id integer)" "unexpected  in schema reporting: relation by_hand kind r"
drift "another schema dropped" "DROP SCHEMA reporting CASCADE" "missing     schema reporting"

[ $kinds -ge 30 ] && echo "ok: $kinds kinds of drift" || { echo "FAILED: only $kinds kinds"; failures=$((failures + 1)); }
sql postgres "DROP DATABASE IF EXISTS migc_drift_copy" >/dev/null
sql postgres "DROP DATABASE migc_drift_base" >/dev/null
[ $failures -eq 0 ]
