#!/usr/bin/env bash
# A throwaway PostgreSQL server on a private unix socket, for tests and demos.
#   pg-throwaway.sh start <state-file>   starts one; writes its conninfo to <state-file>
#   pg-throwaway.sh stop  <state-file>   stops it and removes its directory
# PG_THROWAWAY_OPTIONS adds server options (e.g. "-c max_locks_per_transaction=4096").
# The server runs as an unprivileged account when we are root (PostgreSQL refuses root),
# listens on no TCP port, and trusts only its own socket directory.
set -euo pipefail

command=${1:?usage: pg-throwaway.sh start|stop <state-file>}
state=${2:?usage: pg-throwaway.sh start|stop <state-file>}

find_bindir() {
  if command -v pg_config >/dev/null 2>&1; then
    local dir
    dir=$(pg_config --bindir)
    if [ -x "$dir/initdb" ]; then echo "$dir"; return; fi
  fi
  local newest
  newest=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
  if [ -n "$newest" ] && [ -x "$newest/initdb" ]; then echo "$newest"; return; fi
  echo "pg-throwaway: no PostgreSQL server binaries (initdb) found; install postgresql-15" >&2
  exit 1
}

# Runs a server tool as the cluster's owner.
as_owner() {
  if [ "$(id -u)" -eq 0 ]; then
    setpriv --reuid=postgres --regid=postgres --init-groups -- "$@"
  else
    "$@"
  fi
}

case "$command" in
  start)
    bindir=$(find_bindir)
    if [ "$(id -u)" -eq 0 ] && ! id postgres >/dev/null 2>&1; then
      useradd --system --home-dir /var/lib/postgresql --shell /bin/false postgres
    fi
    dir=$(mktemp -d "${TMPDIR:-/tmp}/migc-pg.XXXXXX")
    chmod 755 "$dir"
    [ "$(id -u)" -eq 0 ] && chown postgres: "$dir"
    as_owner "$bindir/initdb" --no-sync --auth=trust --username=postgres --encoding=UTF8 --locale=C \
      -D "$dir/data" >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; exit 1; }
    # The superuser gets in without a password; any other role must give one, so that tests
    # can show what a wrong password does.
    printf 'local all postgres trust\nlocal all all scram-sha-256\n' >"$dir/data/pg_hba.conf"
    [ "$(id -u)" -eq 0 ] && chown postgres: "$dir/data/pg_hba.conf"
    # Durability is not wanted from a server that is deleted after the run.
    as_owner "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 start \
      -o "-c listen_addresses='' -k $dir -c unix_socket_permissions=0777 -c fsync=off -c full_page_writes=off -c max_connections=60 ${PG_THROWAWAY_OPTIONS:-}" \
      >/dev/null || { cat "$dir/server.log" >&2; exit 1; }
    mkdir -p "$(dirname "$state")"
    echo "host=$dir port=5432 user=postgres" >"$state"
    echo "$dir" >"$state.dir"
    echo "pg-throwaway: PostgreSQL ($("$bindir/postgres" --version | awk '{print $3}')) on socket $dir"
    ;;
  stop)
    [ -f "$state.dir" ] || exit 0
    dir=$(cat "$state.dir")
    bindir=$(find_bindir)
    if [ -d "$dir/data" ]; then
      as_owner "$bindir/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
    fi
    rm -rf "$dir"
    rm -f "$state" "$state.dir"
    ;;
  *)
    echo "usage: pg-throwaway.sh start|stop <state-file>" >&2
    exit 2
    ;;
esac
