#!/usr/bin/env bash
# Usage: scripts/pytest.sh PYTEST-ARGS...   runs the project's pytest from .venv.
# Exit code 5 means no test ran (none collected, or all deselected by -m/-k). It stays
# a failure, so an empty or mis-marked suite can never pass; we only say so plainly.
set -euo pipefail
cd "$(dirname "$0")/.."
rc=0
.venv/bin/python -m pytest "$@" || rc=$?
if [ "$rc" -eq 5 ]; then
  echo "ERROR: no tests were collected (pytest exit code 5) for: pytest ${*@Q}" >&2
fi
exit "$rc"
