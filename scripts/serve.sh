#!/usr/bin/env bash
# Development server: prepares the database, starts the background task worker and
# the periodic-job scheduler, then runs runserver in the foreground. Ctrl-C stops all.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
mkdir -p var   # SQLite database and the background logs live here

$PY manage.py migrate --noinput
$PY manage.py load_sample_network --if-empty
$PY manage.py collectstatic --noinput -v 0

# Background jobs in a script ignore SIGINT, so Ctrl-C alone would leave them
# running: stop them explicitly whenever this script exits.
pids=()
stop_background() {
  if [ ${#pids[@]} -gt 0 ]; then
    kill "${pids[@]}" 2>/dev/null || true
    wait "${pids[@]}" 2>/dev/null || true
  fi
}
trap stop_background EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

$PY manage.py db_worker >>var/worker.log 2>&1 &
pids+=($!)
$PY manage.py run_scheduler >>var/scheduler.log 2>&1 &
pids+=($!)
echo "==> db_worker (pid ${pids[0]}) -> var/worker.log; run_scheduler (pid ${pids[1]}) -> var/scheduler.log"

$PY manage.py runserver 127.0.0.1:8000
