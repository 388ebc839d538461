#!/usr/bin/env bash
# Usage: scripts/with-postgres.sh CMD...
# Runs CMD with DATABASE_URL pointing at PostgreSQL. If DATABASE_URL already names
# a PostgreSQL server it is used as is; otherwise a throwaway cluster is started in
# a temporary directory and always stopped and deleted afterwards. Exits with CMD's code.
set -euo pipefail
[ $# -gt 0 ] || { echo "usage: $0 CMD..." >&2; exit 2; }

case "${DATABASE_URL:-}" in
  postgres://* | postgresql://* | pgsql://* | postgis://*) exec "$@" ;;
esac

PGBIN=$("$(dirname "$0")/ensure-postgres.sh")
PGTMP=$(mktemp -d /tmp/coopnet-pg.XXXXXX)

# The server refuses to run as root: as root, run it as the postgres user.
if [ "$(id -u)" -eq 0 ]; then
  chown postgres: "$PGTMP"
  as_pg() { (cd "$PGTMP" && runuser -u postgres -- "$@"); }   # cd: postgres may not read our cwd
else
  as_pg() { "$@"; }
fi

cleanup() {
  as_pg "$PGBIN/pg_ctl" -D "$PGTMP/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$PGTMP"
}
trap cleanup EXIT
trap 'exit 130' INT    # make Ctrl-C / kill go through the EXIT trap too
trap 'exit 143' TERM

as_pg "$PGBIN/initdb" -D "$PGTMP/data" -U postgres -A trust -E UTF8 --no-locale --no-sync >/dev/null

# Try ports from 55432 up: skip ones something already listens on, and retry if
# another run grabbed the port between our check and the server's bind.
started=
for port in $(seq 55432 55451); do
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then continue; fi
  if as_pg "$PGBIN/pg_ctl" -D "$PGTMP/data" -l "$PGTMP/log" -w -s \
      -o "-p $port -h 127.0.0.1 -k $PGTMP -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
      start; then
    started=$port
    break
  fi
done
if [ -z "$started" ]; then
  echo "ERROR: could not start a temporary PostgreSQL server; its log:" >&2
  cat "$PGTMP/log" >&2 || true
  exit 1
fi

export DATABASE_URL="postgres://postgres@127.0.0.1:$started/postgres"
echo "==> temporary PostgreSQL at $DATABASE_URL" >&2
rc=0
"$@" || rc=$?
exit "$rc"
