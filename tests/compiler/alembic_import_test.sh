#!/usr/bin/env bash
# `migc import alembic`: the chain is applied by Alembic itself (`alembic upgrade`, online, through
# tests/import/alembic/env.py), one revision at a time in Alembic's graph order; the imported
# chain's migrator upgrades a fresh database to the same revision; after each, pg_dump of both
# (schema and rows, history tables aside) must be equal. Also: the import writes exactly the
# checked-in chain; a database Alembic migrated is adopted by the migrator and upgraded further;
# a revision offline mode cannot run is named for a human.
# usage: alembic_import_test.sh <migc> <imported chain's migrator> <alembic project dir> <checked-in import> <conninfo file>
set -u
migc=$1
migrate=$2
project=$3
golden=$4
server=$(cat "$5")
source "$(dirname "$0")/../runtime/checks.sh"
python=/usr/bin/python3
work=$(mktemp -d)
original=migc_alembic_original_$$
imported=migc_alembic_imported_$$
adopted=migc_alembic_adopted_$$
trap 'for d in $original $imported $adopted; do sql postgres "DROP DATABASE IF EXISTS $d WITH (FORCE)" >/dev/null; done; rm -rf "$work"' EXIT
bindir=$(pg_config --bindir 2>/dev/null || ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)

# cfd0e1f2a312 reads the catalog while upgrading, which offline mode cannot: the import runs the
# chain on the test server (a scratch database of its own) and compares the schema around it.
out=$("$migc" import alembic "$project/versions" --url "$server" --dir "$work/imported" 2>&1); status=$?
check_status "import succeeds" 0 $status
[ $status -eq 0 ] || echo "$out" | sed 's/^/    /'
check "saying which revision went through the server" "revision cfd0e1f2a312: Alembic's offline mode could not run its upgrade; imported by running it on a scratch database beside database" "$out"
check "and which ran no query there" "revision d0e1f2a3b413: Alembic's offline mode could not run its upgrade; imported from the statements it ran on a scratch database beside database" "$out"
check "and that the rest did not" "11 from Alembic's offline SQL, 1 from the SQL it ran on a server, 1 by comparing the schema on a server" "$out"
scratch=$(sql postgres "SELECT string_agg(datname, ' ') FROM pg_database WHERE datname LIKE 'migc\_import\_scratch\_%'")
[ -z "$scratch" ] && echo "ok: no scratch database is left behind" || { echo "FAILED: scratch databases left behind: $scratch"; failures=$((failures + 1)); }
if diff -r "$golden" "$work/imported" >"$work/diff"; then
  echo "ok: the import writes exactly the checked-in chain"
else
  echo "FAILED: the import differs from the checked-in chain:"; sed 's/^/    /' "$work/diff"; failures=$((failures + 1))
fi
# Without --url, a throwaway server of its own.
out=$("$migc" import alembic "$project/versions" --config "$project/alembic.ini" --dir "$work/imported_ini" 2>&1); status=$?
check_status "import through alembic.ini succeeds" 0 $status
check "on a throwaway server" "imported by running it on a throwaway PostgreSQL" "$out"
diff -r "$golden" "$work/imported_ini" >/dev/null || { echo "FAILED: the import through alembic.ini differs"; failures=$((failures + 1)); }

alembic() { (cd "$project" && "$python" -m alembic -c "$project/alembic.ini" -x "conninfo=$server dbname=$1" "${@:2}"); }
dump() {
  "$bindir/pg_dump" --no-owner --no-privileges --exclude-table='migc_*' --exclude-table=alembic_version "$server dbname=$1" |
    grep -v -E '^--|^\\(un)?restrict|^$'
}

# Alembic's own graph order, base first (its `history` lists heads first), independently of migc.
mapfile -t revisions < <(alembic "$original" history 2>/dev/null | sed -E 's/^.*-> ([0-9a-f]+).*$/\1/' | tac)
[ ${#revisions[@]} -ge 10 ] || { echo "FAILED: only ${#revisions[@]} revisions found"; failures=$((failures + 1)); }

fresh "$original" >/dev/null
fresh "$imported" >/dev/null
for revision in "${revisions[@]}"; do
  out=$(alembic "$original" upgrade "$revision" 2>&1) || { echo "FAILED: alembic upgrade $revision:"; echo "$out" | sed 's/^/    /'; failures=$((failures + 1)); break; }
  out=$("$migrate" --url "$server dbname=$imported" upgrade "$revision" 2>&1); status=$?
  check_status "the imported chain upgrades to $revision" 0 $status
  [ $status -eq 0 ] || { echo "$out" | sed 's/^/    /'; break; }
  dump "$original" >"$work/original_$revision"
  if diff "$work/original_$revision" <(dump "$imported") >"$work/diff"; then
    echo "ok: at $revision, the database equals the one Alembic left"
  else
    echo "FAILED: at $revision, the databases differ (< alembic, > imported):"; sed 's/^/    /' "$work/diff"; failures=$((failures + 1))
  fi
done
# Down again to each revision every later one descends from (not to a branch's head, which
# Alembic's database reached with the other branch applied): the imported downs give back the
# database Alembic had there, sequence positions aside (nextval() is not rolled back).
positions() { grep -v 'pg_catalog\.setval' "$@"; }
for ((i = ${#revisions[@]} - 2; i >= 0; i--)); do
  revision=${revisions[$i]}
  case $revision in 8b9cadbecf08 | 9cadbecfd009) continue ;; esac
  out=$("$migrate" --url "$server dbname=$imported" downgrade "$revision" 2>&1); status=$?
  check_status "the imported chain downgrades to $revision" 0 $status
  [ $status -eq 0 ] || { echo "$out" | sed 's/^/    /'; break; }
  if diff <(positions "$work/original_$revision") <(dump "$imported" | positions) >"$work/diff"; then
    echo "ok: down at $revision, the database equals Alembic's at $revision"
  else
    echo "FAILED: down at $revision, the databases differ (< alembic, > imported):"; sed 's/^/    /' "$work/diff"; failures=$((failures + 1))
  fi
done
out=$("$migrate" --url "$server dbname=$imported" downgrade base 2>&1); status=$?
check_status "the imported chain downgrades to base" 0 $status
[ $status -eq 0 ] || echo "$out" | sed 's/^/    /'

# Adoption: Alembic migrates a database to the merge; the imported chain's migrator takes it
# from there to the head, and the result equals Alembic's own head.
fresh "$adopted" >/dev/null
merge=adbecfd0e110
alembic "$adopted" upgrade "$merge" >/dev/null 2>&1 || { echo "FAILED: alembic upgrade $merge"; failures=$((failures + 1)); }
out=$("$migrate" --url "$server dbname=$adopted" upgrade 2>&1); status=$?
check_status "the migrator upgrades a database Alembic migrated" 0 $status
check "adopting it at Alembic's revision" "adopted a database migrated by Alembic, at $merge" "$out"
check "alembic_version follows" "${revisions[-1]}" "$(sql "$adopted" "SELECT version_num FROM alembic_version")"
if diff <(dump "$original") <(dump "$adopted") >"$work/diff"; then
  echo "ok: the adopted database equals Alembic's at the head"
else
  echo "FAILED: the adopted database differs from Alembic's at the head:"; sed 's/^/    /' "$work/diff"; failures=$((failures + 1))
fi

# A revision whose upgrade changes rows by what it reads: the schema comparison cannot carry that,
# so the statements it ran on the server are named for a human, and the import fails.
mkdir -p "$work/bad/versions" && cp "$project"/versions/*.py "$work/bad/versions/"
cat >"$work/bad/versions/e1f2a3b4c514_backfill.py" <<'PY'
"""backfill from the database"""
from alembic import op
import sqlalchemy as sa

revision = "e1f2a3b4c514"
down_revision = "d0e1f2a3b413"


def upgrade():
    for (n, email) in op.get_bind().execute(sa.text("SELECT id, email FROM users ORDER BY id")).fetchall():
        name = email.split("@")[0].replace("'", "''")
        op.execute(f"UPDATE users SET display_name = '{name}' WHERE id = {n}")
    op.execute("SELECT setval('users_id_seq', 100)")


def downgrade():
    pass
PY
out=$("$migc" import alembic "$work/bad/versions" --url "$server" --dir "$work/bad_out" 2>&1); status=$?
check_status "a revision that changes rows by what it reads fails the import" 1 $status
check "naming the statements it ran" "e1f2a3b4c514_backfill.py: error: needs a human: its upgrade ran this on the server, and comparing the schema does not carry it" "$out"
check "each of them" "UPDATE users SET display_name = 'o''brien' WHERE id = 2" "$out"
check "a query that changes state among them" "SELECT setval('users_id_seq', 100)" "$out"
check "the revision is written, with them in comments" "--   UPDATE users SET display_name = 'admin' WHERE id = 1" "$(cat "$work"/bad_out/e1f2a3b4c514_*.mig)"
check "the rest is written" "revision 'becfd0e1f211'" "$(cat "$work"/bad_out/becfd0e1f211_*.mig)"
# One whose upgrade raises on the server too: named, with both exceptions.
sed -i 's/^    for (n, email).*$/    raise RuntimeError("no users to backfill")/; /^        name = /d; /^        op.execute/d' "$work/bad/versions/e1f2a3b4c514_backfill.py"
out=$("$migc" import alembic "$work/bad/versions" --url "$server" --dir "$work/bad_out3" 2>&1); status=$?
check_status "a revision that raises on the server fails the import" 1 $status
check "naming it, and why" "revision e1f2a3b4c514: its upgrade raised in Alembic's offline mode: RuntimeError: no users to backfill; on the server, its upgrade raised too: RuntimeError: no users to backfill; write it by hand" "$out"
# Alembic's own idioms online: autocommit_block() (ALTER TYPE ... ADD VALUE), and a search_path
# set for a few statements, whose effect the comparison sees and which needs nobody.
mkdir -p "$work/idioms/versions" && cp "$project/versions/1a2b3c4d5e01_create_users.py" "$work/idioms/versions/"
cat >"$work/idioms/versions/f2a3b4c5d615_moods.py" <<'PY'
"""moods, in a schema of their own"""
from alembic import op
import sqlalchemy as sa

revision = "f2a3b4c5d615"
down_revision = "1a2b3c4d5e01"


def upgrade():
    if op.get_bind().execute(sa.text("SELECT count(*) FROM users")).scalar() == 0:
        op.execute("CREATE TYPE mood AS ENUM ('calm')")
    with op.get_context().autocommit_block():
        op.execute("ALTER TYPE mood ADD VALUE 'busy'")
    op.execute("CREATE SCHEMA moods")
    op.execute("SET search_path TO moods, public")
    op.create_table("entries", sa.Column("id", sa.Integer, primary_key=True), sa.Column("m", sa.Text))
    op.execute("RESET search_path")


def downgrade():
    pass
PY
out=$("$migc" import alembic "$work/idioms/versions" --url "$server" --dir "$work/idioms_out" 2>&1); status=$?
check_status "autocommit_block and a search_path for a few statements import" 0 $status
[ $status -eq 0 ] || echo "$out" | sed 's/^/    /'
idioms=$(cat "$work"/idioms_out/f2a3b4c5d615_*.mig 2>/dev/null)
check "the enum with the value autocommit_block added" "create type mood as enum ('calm', 'busy');" "$idioms"
check "the table in the schema search_path chose" "create table moods.entries (" "$idioms"
# Killed while a revision runs on the server: the import stops its Python, drops its scratch
# database, and writes nothing.
cat >"$work/idioms/versions/a3b4c5d6e716_slow.py" <<'PY'
"""slow"""
from alembic import op
import sqlalchemy as sa

revision = "a3b4c5d6e716"
down_revision = "f2a3b4c5d615"


def upgrade():
    op.get_bind().execute(sa.text("SELECT pg_sleep(60)")).scalar()


def downgrade():
    pass
PY
"$migc" import alembic "$work/idioms/versions" --url "$server" --dir "$work/killed_out" >"$work/killed.log" 2>&1 &
importer=$!
for _ in $(seq 1 100); do
  [ "$(sql postgres "SELECT count(*) FROM pg_stat_activity WHERE query LIKE 'SELECT pg_sleep(60)%'")" = 1 ] && break
  sleep 0.2
done
kill -TERM $importer; wait $importer; status=$?
check_status "an import killed while a revision runs exits 1" 1 $status
check "saying it was interrupted" "interrupted (signal 15): nothing written" "$(cat "$work/killed.log")"
[ ! -e "$work/killed_out" ] && echo "ok: nothing is written" || { echo "FAILED: the killed import wrote $work/killed_out"; failures=$((failures + 1)); }
scratch=$(sql postgres "SELECT string_agg(datname, ' ') FROM pg_database WHERE datname LIKE 'migc\_import\_scratch\_%'")
[ -z "$scratch" ] && echo "ok: the killed import leaves no scratch database" || { echo "FAILED: scratch databases left behind: $scratch"; failures=$((failures + 1)); }
# A server that cannot be reached: said, with the password masked.
out=$("$migc" import alembic "$work/bad/versions" --url "postgresql://postgres:s3cretpw@/postgres?host=$work/nowhere" --dir "$work/bad_out4" 2>&1); status=$?
check_status "a server that cannot be reached fails the import" 1 $status
check "saying so" "the server to run revisions on cannot be reached" "$out"
case $out in *s3cretpw*) echo "FAILED: the password is printed"; failures=$((failures + 1)) ;; *) echo "ok: the password is not printed" ;; esac
# Without Alembic (here: Python without its site packages), the import says what to install.
printf '#!/bin/sh\nexec /usr/bin/python3 -S "$@"\n' >"$work/no_alembic" && chmod +x "$work/no_alembic"
out=$(MIGC_PYTHON=$work/no_alembic "$migc" import alembic "$project/versions" --dir "$work/no_alembic_out" 2>&1); status=$?
check_status "without Alembic the import fails" 1 $status
check "saying what to install" "Alembic is not installed for /usr/bin/python3" "$out"
check "naming the package" "install Debian's python3-alembic" "$out"
out=$(MIGC_PYTHON=$work/nowhere/python3 "$migc" import alembic "$project/versions" --dir "$work/no_python_out" 2>&1); status=$?
check_status "without Python the import fails" 1 $status
check "saying so" "$work/nowhere/python3 is missing: importing Alembic needs Debian's python3 and python3-alembic" "$out"
echo "revision = 'x'" >"$work/bad/versions/broken.py"
echo "syntax error (" >>"$work/bad/versions/broken.py"
out=$("$migc" import alembic "$work/bad/versions" --dir "$work/bad_out2" 2>&1); status=$?
check_status "a revision file Python cannot read is an error" 1 $status
check "saying Alembic could not read it" "Alembic could not read the revisions" "$out"
out=$("$migc" import alembic "$work/nowhere" --dir "$work/none" 2>&1); status=$?
check_status "a missing directory is an error" 1 $status
check "naming it" "$work/nowhere: not a directory" "$out"

[ $failures -eq 0 ] || { echo "$failures failure(s)"; exit 1; }
