#!/usr/bin/env bash
# Makes sure axe-core (the accessibility rules the browser tests inject into each page) is at
# var/node/node_modules/axe-core/axe.min.js. It comes from the npm registry at test time rather
# than being copied into the repository; var/ is not committed.
set -euo pipefail
cd "$(dirname "$0")/.."
AXE=var/node/node_modules/axe-core/axe.min.js
[ -f "$AXE" ] && exit 0
if ! command -v npm >/dev/null; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "ERROR: npm is missing; the accessibility tests need it to fetch axe-core." >&2
    echo "Install the Debian package npm:  sudo apt-get install -y --no-install-recommends npm" >&2
    exit 1
  fi
  echo "==> installing npm"
  "$(dirname "$0")/apt-install.sh" --no-install-recommends npm
fi
echo "==> installing axe-core into var/node"
mkdir -p var/node
npm install --prefix var/node --no-audit --no-fund --no-save axe-core@4
[ -f "$AXE" ] || { echo "ERROR: npm ran but $AXE is still missing" >&2; exit 1; }
