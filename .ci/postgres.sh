#!/usr/bin/env bash
# Start a throwaway PostgreSQL for the store tests and print the URL they read.
#
#   eval "$(.ci/postgres.sh)"        # start (or reuse) and export ONRECORD_TEST_PG_URL
#   . .ci/postgres.sh                # same, when sourced
#   .ci/postgres.sh stop             # stop it and remove its data directory
#
# Idempotent: installs Debian's postgresql only if initdb is missing, reuses a server already running
# on the port. PostgreSQL refuses to run as root, so as root the server runs as the `postgres` user
# (runuser). Settings: ONRECORD_PG_PORT (default 54331), ONRECORD_PG_DIR (default /tmp/onrecord-pg-$PORT),
# ONRECORD_PG_NO_INSTALL=1 (never apt-get; the test fixture sets it).
# Everything but the final `export` line goes to stderr.

_onrecord_pg() {
  local port="${ONRECORD_PG_PORT:-54331}"
  local dir="${ONRECORD_PG_DIR:-/tmp/onrecord-pg-$port}"
  local action="${1:-start}"
  local bindir run=()

  bindir="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)"
  if [ "$action" = "stop" ]; then
    [ -n "$bindir" ] && [ -d "$dir/data" ] || { echo "postgres.sh: nothing to stop" >&2; return 0; }
    [ "$(id -u)" = 0 ] && run=(runuser -u postgres --)
    "${run[@]}" "$bindir/pg_ctl" -D "$dir/data" -m fast -w stop >&2 || true
    rm -rf "$dir"
    return 0
  fi

  if [ -z "$bindir" ] || [ ! -x "$bindir/initdb" ]; then
    if [ -n "${ONRECORD_PG_NO_INSTALL:-}" ]; then
      echo "postgres.sh: PostgreSQL server binaries not found (ONRECORD_PG_NO_INSTALL set: not installing)" >&2
      return 1
    fi
    if [ "$(id -u)" != 0 ]; then
      echo "postgres.sh: PostgreSQL server binaries missing and not root: cannot apt-get install" >&2
      return 1
    fi
    echo "postgres.sh: installing postgresql (Debian)" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update >&2 && apt-get install -y postgresql >&2 || { echo "postgres.sh: apt-get failed" >&2; return 1; }
    bindir="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)"
  fi

  if [ "$(id -u)" = 0 ]; then
    id postgres >/dev/null 2>&1 || { echo "postgres.sh: no 'postgres' user to run the server as" >&2; return 1; }
    run=(runuser -u postgres --)
  fi

  if ! "${run[@]}" "$bindir/pg_ctl" -D "$dir/data" status >/dev/null 2>&1; then
    mkdir -p "$dir"
    [ "$(id -u)" = 0 ] && chown postgres:postgres "$dir"
    if [ ! -f "$dir/data/PG_VERSION" ]; then
      "${run[@]}" "$bindir/initdb" -D "$dir/data" -U app --auth=trust -E UTF8 --no-locale >&2 \
        || { echo "postgres.sh: initdb failed" >&2; return 1; }
    fi
    "${run[@]}" "$bindir/pg_ctl" -D "$dir/data" -l "$dir/log" \
      -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200" -w start >&2 \
      || { echo "postgres.sh: pg_ctl start failed; see $dir/log" >&2; tail -n 20 "$dir/log" >&2; return 1; }
  fi
  # The tests create a throwaway database per test from this maintenance database.
  "${run[@]}" "$bindir/psql" -h 127.0.0.1 -p "$port" -U app -d postgres -tAc \
    "SELECT 1 FROM pg_database WHERE datname = 'onrecord_test'" 2>/dev/null | grep -q 1 \
    || "${run[@]}" "$bindir/psql" -h 127.0.0.1 -p "$port" -U app -d postgres -qc "CREATE DATABASE onrecord_test" >&2
  export ONRECORD_TEST_PG_URL="postgresql+psycopg://app@127.0.0.1:$port/onrecord_test"
  echo "postgres.sh: PostgreSQL ready at $ONRECORD_TEST_PG_URL (data in $dir)" >&2
  echo "export ONRECORD_TEST_PG_URL=$ONRECORD_TEST_PG_URL"
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  set -euo pipefail
  _onrecord_pg "$@"
else
  _onrecord_pg "$@" >/dev/null
fi
