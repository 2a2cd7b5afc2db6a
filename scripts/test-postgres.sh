#!/usr/bin/env bash
# A throwaway PostgreSQL server for the team-database tests.
#
#   scripts/test-postgres.sh start   start (or join) the server; print its admin URL on stdout
#   scripts/test-postgres.sh stop    leave it; the last one to leave stops it and deletes its data
#   scripts/test-postgres.sh status  print the URL when it runs (exit 1 when not)
#
# Uses Debian's `postgresql` binaries (/usr/lib/postgresql/*/bin) or any initdb/pg_ctl on
# PATH. PostgreSQL refuses to run as root, so as root the server runs as the `postgres`
# user (runuser). Data and unix socket live in one temp folder; TCP only on 127.0.0.1, on a
# free port, with trust authentication (the server holds nothing but test databases).
# Several test runs at once share one server (each test makes its own database); a
# reference count in the state folder says when the last one has left.
#
# Exits non-zero with a message on stderr when no server can be started, so `./dev test`
# skips the PostgreSQL tests with a visible notice.
set -euo pipefail

STATE=${EXCHANGE_TEST_PG_DIR:-${TMPDIR:-/tmp}/exchange-test-pg-$(id -u)}
DATA=$STATE/data
LOG=$STATE/server.log

die() { echo "test-postgres: $*" >&2; exit 1; }

find_bin() {
  local d
  if command -v pg_ctl >/dev/null 2>&1 && command -v initdb >/dev/null 2>&1; then
    dirname "$(command -v pg_ctl)"; return 0
  fi
  for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
    if [ -x "$d/pg_ctl" ] && [ -x "$d/initdb" ]; then echo "$d"; return 0; fi
  done
  return 1
}

# Run a PostgreSQL program as the user that may run the server.
as_pg() {
  if [ "$(id -u)" = 0 ] && command -v runuser >/dev/null 2>&1; then
    runuser -u postgres -- "$@"
  elif [ "$(id -u)" = 0 ]; then
    su -s /bin/sh postgres -c "$(printf '%q ' "$@")"
  else
    "$@"
  fi
}

free_port() {
  python3 - <<'PY'
import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])
s.close()
PY
}

url() { echo "postgresql+psycopg://postgres@127.0.0.1:$(cat "$STATE/port")/postgres"; }

running() { [ -f "$STATE/port" ] && as_pg "$BIN/pg_ctl" status -D "$DATA" >/dev/null 2>&1; }

start_server() {
  if [ "$(id -u)" = 0 ] && ! id postgres >/dev/null 2>&1; then
    die "running as root but there is no 'postgres' user to run the server (apt-get install postgresql)"
  fi
  if [ ! -f "$DATA/PG_VERSION" ]; then
    rm -rf "$DATA"
    mkdir -p "$DATA"
    [ "$(id -u)" = 0 ] && chown postgres: "$STATE" "$DATA"
    chmod 700 "$DATA"
    as_pg "$BIN/initdb" -D "$DATA" -U postgres --auth=trust --encoding=UTF8 --locale=C.UTF-8 \
      >"$STATE/initdb.log" 2>&1 || as_pg "$BIN/initdb" -D "$DATA" -U postgres --auth=trust --encoding=UTF8 \
      >"$STATE/initdb.log" 2>&1 || die "initdb failed: $(tail -3 "$STATE/initdb.log")"
  fi
  local port attempt
  touch "$LOG"
  [ "$(id -u)" = 0 ] && chown postgres: "$LOG"
  for attempt in 1 2 3; do  # another program may take the free port first
    port=$(free_port) || die "no free port on 127.0.0.1"
    echo "$port" >"$STATE/port"
    if as_pg "$BIN/pg_ctl" start -w -t 60 -D "$DATA" -l "$LOG" \
      -o "-p $port -k $DATA -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200" >/dev/null 2>&1 9>&-; then
      return 0
    fi
  done
  die "the server did not start: $(tail -5 "$LOG" 2>/dev/null)"
}

cmd=${1:-}
case "$cmd" in
  start|stop|status) ;;
  *) sed -n '4,6p' "$0" >&2; exit 2 ;;
esac

BIN=$(find_bin) || die "no PostgreSQL server programs found (apt-get install postgresql)"
mkdir -p "$STATE"
chmod 755 "$STATE"
exec 9>"$STATE/.lock"
flock -w 120 9 || die "another start/stop is stuck (lock $STATE/.lock)"

refs=$(cat "$STATE/refs" 2>/dev/null || echo 0)
case "$cmd" in
  start)
    if ! running; then
      refs=0
      start_server
    fi
    echo $((refs + 1)) >"$STATE/refs"
    url
    ;;
  stop)
    refs=$((refs > 0 ? refs - 1 : 0))
    echo "$refs" >"$STATE/refs"
    if [ "$refs" = 0 ]; then
      if running; then as_pg "$BIN/pg_ctl" stop -D "$DATA" -m fast -w >/dev/null 2>&1 || true; fi
      rm -rf "$DATA" "$STATE/port" "$STATE/refs" "$LOG" "$STATE/initdb.log"
    fi
    ;;
  status)
    running || exit 1
    url
    ;;
esac
