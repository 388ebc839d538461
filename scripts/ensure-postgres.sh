#!/usr/bin/env bash
# Makes sure PostgreSQL server binaries exist and prints their directory on stdout
# (Debian keeps initdb/pg_ctl off the PATH, in /usr/lib/postgresql/<major>/bin).
# All other output goes to stderr so callers can use $(scripts/ensure-postgres.sh).
set -euo pipefail

pgbin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1; }

if [ -z "$(pgbin)" ] || ! [ -x "$(pgbin)/initdb" ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "ERROR: PostgreSQL is not installed (no /usr/lib/postgresql/*/bin/initdb)." >&2
    echo "Install the Debian package postgresql:  sudo apt-get install -y postgresql" >&2
    echo "(or set DATABASE_URL=postgres://... to use a server you already have)" >&2
    exit 1
  fi
  echo "==> installing postgresql" >&2
  "$(dirname "$0")/apt-install.sh" postgresql >&2
fi
pgbin
