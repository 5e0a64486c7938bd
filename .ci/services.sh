#!/usr/bin/env bash
# Start throwaway PostgreSQL and Redis servers on free loopback ports, run a command with
# TEST_DATABASE_URL / TEST_REDIS_URL pointing at them, then stop them. Usage:
#   .ci/services.sh postgres|redis|both -- command args...
set -euo pipefail
want="$1"; shift
[ "${1:-}" = "--" ] && shift

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
workdir="$(mktemp -d /tmp/forum-services.XXXXXX)"
chmod 755 "$workdir"
cleanup() {
  if [ -n "${PGBIN:-}" ] && [ -f "$workdir/pg/postmaster.pid" ]; then
    run_as_pg "$PGBIN/pg_ctl" -D "$workdir/pg" -m immediate stop >/dev/null 2>&1 || true
  fi
  if [ -n "${REDIS_PORT:-}" ]; then redis-cli -p "$REDIS_PORT" shutdown nosave >/dev/null 2>&1 || true; fi
  rm -rf "$workdir"
}
trap cleanup EXIT

run_as_pg() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

# Without the server a developer gets a warning (its tests skip, or the PostgreSQL pass is left out);
# under CI=true nothing may be skipped, so a missing server fails the run.
missing() {
  if [ "${CI:-}" = true ]; then echo "services: $1 is not installed (run .ci/system-deps.sh as root)" >&2; exit 1; fi
  echo "services: $1 is not installed; $2 (as root: .ci/system-deps.sh)" >&2
}
PGBIN="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)"
if [ "$want" != redis ] && [ -z "$PGBIN" ]; then
  missing PostgreSQL "skipping the PostgreSQL pass"
  exit 0
fi
if [ "$want" != postgres ] && ! command -v redis-server >/dev/null 2>&1; then
  missing redis-server "its tests will skip"
  [ "$want" = redis ] && exec "$@"
  want=postgres
fi

if [ "$want" = postgres ] || [ "$want" = both ]; then
  PG_PORT="$(free_port)"
  mkdir -p "$workdir/pg"
  [ "$(id -u)" = 0 ] && chown postgres "$workdir/pg"
  run_as_pg "$PGBIN/initdb" -D "$workdir/pg" -U forum --auth=trust -E UTF8 >/dev/null
  run_as_pg "$PGBIN/pg_ctl" -D "$workdir/pg" -l "$workdir/pg/log" -w \
    -o "-c listen_addresses=127.0.0.1 -p $PG_PORT -k $workdir/pg -c fsync=off -c synchronous_commit=off -c full_page_writes=off" start >/dev/null
  run_as_pg "$PGBIN/createdb" -h 127.0.0.1 -p "$PG_PORT" -U forum forum_test
  export TEST_DATABASE_URL="postgresql+psycopg://forum@127.0.0.1:$PG_PORT/forum_test"
  echo "services: PostgreSQL $("$PGBIN/postgres" --version | awk '{print $3}') on 127.0.0.1:$PG_PORT"
fi

if [ "$want" = redis ] || [ "$want" = both ]; then
  REDIS_PORT="$(free_port)"
  redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save "" --appendonly no --daemonize yes \
    --dir "$workdir" --logfile "$workdir/redis.log" >/dev/null
  for _ in $(seq 50); do redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1 && break; sleep 0.1; done
  export TEST_REDIS_URL="redis://127.0.0.1:$REDIS_PORT/0"
  echo "services: Redis on 127.0.0.1:$REDIS_PORT"
fi

"$@"
