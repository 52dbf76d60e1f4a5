#!/usr/bin/env bash
# Passwords are never printed: every form of connection string users write, well-formed or
# not, through every path that prints something: text and --json, stdout and stderr,
# `current -v`, DATABASE_URL, and migc's `introspect` and `revision --autogenerate --from-db`,
# files they write included.
# usage: secrets_test.sh <smartem-migrate> <migc> <migrations dir> <conninfo-file>
set -u
migrate=$1
migc=$2
migrations=$3
server=$(cat "$4")
socket=$(sed 's/.*host=\([^ ]*\).*/\1/' <<<"$server")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
source "$(dirname "$0")/checks.sh"

password=Zq7rightPw$$
wrong=Wr0ngPw$$
long=$(printf 'p%.0s' $(seq 12000))
sql postgres "DROP DATABASE IF EXISTS migc_secrets WITH (FORCE)"
sql postgres "DROP ROLE IF EXISTS migc_secret"
sql postgres "CREATE ROLE migc_secret LOGIN PASSWORD '$password'"
sql postgres "CREATE DATABASE migc_secrets OWNER migc_secret"
cp -r "$migrations" "$work/migrations"

never() {  # never <description> <output>: no password, nor ten characters of the long one
  if grep -qE -- "$password|$wrong|pppppppppp" <<<"$2"; then
    echo "FAILED: $1 printed a password:"
    printf '%s\n' "$2" | cut -c1-300 | sed 's/^/    /'
    failures=$((failures + 1))
  else
    echo "ok: $1 prints no password"
  fi
}

# Every command and output path, with one connection string. Sets `outputs` to all they printed.
every_path() {  # every_path <form> <connection string>
  local form=$1 url=$2 out
  outputs=""
  for command in "upgrade" "--json upgrade" "current -v" "--json current" "history -i" "check" "--json check" "stamp head"; do
    # shellcheck disable=SC2086
    out=$("$migrate" --url "$url" $command 2>&1)
    never "$form: $command" "$out"
    outputs+="$out"$'\n'
  done
  out=$(DATABASE_URL="$url" "$migrate" current -v 2>&1)
  never "$form: DATABASE_URL, current -v" "$out"
  outputs+="$out"$'\n'
  out=$("$migc" introspect "$url" -o - 2>&1)
  never "$form: migc introspect" "$out"
  outputs+="$out"$'\n'
  out=$("$migc" introspect "$url" --dir "$work/adopted" 2>&1)
  never "$form: migc introspect --dir" "$out$(cat "$work"/adopted/*.mig 2>/dev/null)"
  rm -rf "$work/adopted"
  out=$("$migc" revision --autogenerate --from-db "$url" --dir "$work/migrations" -m probe 2>&1)
  never "$form: migc revision --autogenerate --from-db" "$out"
  outputs+="$out"$'\n'
}

described="database \`migc_secrets\` as user \`migc_secret\` via socket in $socket at port 5432"

# Forms that connect: each is read as a user means it.
every_path "a SQLAlchemy URL" "postgresql+psycopg2://migc_secret:$password@/migc_secrets?host=$socket"
check "a SQLAlchemy URL (an Alembic team's DATABASE_URL) is accepted" "now at 004 (head)" "$outputs"
check "current -v names the database as libpq resolved it" "Database: $described" "$outputs"
check "--json names it too" "\"database\":\"$described\"" "$outputs"
check "migc introspect reads it" "revision '" "$outputs"
check "migc revision --from-db reads it" "the head schema already is the database's" "$outputs"
every_path "a URL after a space" " postgresql://migc_secret:$password@/migc_secrets?host=$socket"
check "a URL after a space is accepted" "is at 004 (head); nothing to do" "$outputs"
every_path "an upper-case scheme" "POSTGRESQL://migc_secret:$password@/migc_secrets?host=$socket"
check "an upper-case scheme is accepted" "Database: $described" "$outputs"
every_path "a percent-encoded pass%77ord= parameter" "postgresql:///migc_secrets?host=$socket&user=migc_secret&pass%77ord=$password"
check "a percent-encoded parameter name is read as libpq reads it" "Database: $described" "$outputs"
every_path "key=value" "host=$socket dbname=migc_secrets user=migc_secret password=$password"
check "key=value" "Database: $described" "$outputs"

# Forms that fail, each in its own way; the error says how without the password.
every_path "a wrong password" "postgresql+psycopg2://migc_secret:$wrong@/migc_secrets?host=$socket"
check "a wrong password is named" "cannot connect to $described: connection to server on socket" "$outputs"
check "migc names it too" "migc: error: cannot connect to $described" "$outputs"
out=$("$migrate" --url "postgresql://migc_secret:$wrong@/migc_secrets?host=$socket" current 2>&1); status=$?
check_status "a wrong password exits 3" 3 $status
every_path "a raw % in a URL password" "postgresql://migc_secret:pa%ss$password@/migc_secrets?host=$socket"
check "a raw % is an unparseable connection string, with the reason" \
  "cannot connect to an unparseable connection string: invalid percent-encoded token (the connection string is not shown" "$outputs"
out=$("$migrate" --url "postgresql://migc_secret:pa%ss$password@/migc_secrets?host=$socket" current 2>&1); status=$?
check_status "an unparseable connection string exits 3" 3 $status
out=$("$migc" introspect "postgresql://migc_secret:pa%ss$password@/migc_secrets?host=$socket" -o - 2>&1); status=$?
check_status "and makes migc exit 2" 2 $status
every_path "a raw @ in a URL password" "postgresql://migc_secret:$password@x@/migc_secrets?host=$socket"
check "a raw @ is refused, with the fix" "a URL whose user name or password holds a raw \`@\` or \`/\` (write them %40 and %2F)" "$outputs"
every_path "a raw / in a URL password" "postgresql://migc_secret:$password/x@/migc_secrets?host=$socket"
check "so is a raw /" "a URL whose user name or password holds a raw \`@\` or \`/\`" "$outputs"
every_path "a URL in dbname=" "dbname=postgresql://migc_secret:$password@/migc_secrets?host=$socket host=$socket user=postgres"
check "a URL in dbname= is a database name to libpq, and the server's error is masked" 'database "***" does not exist' "$outputs"
every_path "a 12,000-character quoted password" "host=$socket dbname=migc_secrets user=migc_secret password='$long'"
check "a 12,000-character password fails as a wrong password, not a crash" 'password authentication failed for user "migc_secret"' "$outputs"
every_path "an unterminated 12,000-character password" "host=$socket dbname=migc_secrets password='$long"
check "an unterminated quote" "unterminated quoted string in connection info string (the connection string is not shown" "$outputs"
every_path "a password after a space" "host=$socket password=$wrong x"
check "a key=value string that does not parse" 'missing "=" after (the connection string is not shown' "$outputs"

sql postgres "DROP DATABASE migc_secrets WITH (FORCE)"
sql postgres "DROP ROLE migc_secret"
if [ $failures -ne 0 ]; then echo "$failures check(s) failed"; exit 1; fi
echo "all checks passed"
