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

out=$("$migc" import alembic "$project/versions" --dir "$work/imported" 2>&1); status=$?
check_status "import succeeds" 0 $status
[ $status -eq 0 ] || echo "$out" | sed 's/^/    /'
if diff -r "$golden" "$work/imported" >"$work/diff"; then
  echo "ok: the import writes exactly the checked-in chain"
else
  echo "FAILED: the import differs from the checked-in chain:"; sed 's/^/    /' "$work/diff"; failures=$((failures + 1))
fi
out=$("$migc" import alembic "$project/versions" --config "$project/alembic.ini" --dir "$work/imported_ini" 2>&1); status=$?
check_status "import through alembic.ini succeeds" 0 $status
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

# A revision whose upgrade queries the database cannot run offline: named, with the exception.
mkdir -p "$work/bad/versions" && cp "$project"/versions/*.py "$work/bad/versions/"
cat >"$work/bad/versions/cfd0e1f2a312_backfill.py" <<'PY'
"""backfill from the database"""
from alembic import op
import sqlalchemy as sa

revision = "cfd0e1f2a312"
down_revision = "becfd0e1f211"


def upgrade():
    for (n,) in op.get_bind().execute(sa.text("SELECT id FROM users")).fetchall():
        op.execute(f"UPDATE users SET email = lower(email) WHERE id = {n}")


def downgrade():
    pass
PY
out=$("$migc" import alembic "$work/bad/versions" --dir "$work/bad_out" 2>&1); status=$?
check_status "a revision offline mode cannot run fails the import" 1 $status
check "naming the revision and why" "revision cfd0e1f2a312: its upgrade raised in Alembic's offline mode:" "$out"
check "and what is not done" "importing through a throwaway server is not done yet" "$out"
ls "$work/bad_out"/cfd0e1f2a312_*.mig >/dev/null 2>&1 || { echo "FAILED: the revision offline mode cannot run is not written"; failures=$((failures + 1)); }
check "the rest is written" "revision 'becfd0e1f211'" "$(cat "$work"/bad_out/becfd0e1f211_*.mig)"
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
