#!/usr/bin/env bash
# Makes sure Debian's Chromium is at /usr/bin/chromium: Playwright's own browser
# download needs the internet, so the browser tests drive the Debian package.
set -euo pipefail
[ -x /usr/bin/chromium ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
  echo "ERROR: /usr/bin/chromium is missing, the browser tests need it." >&2
  echo "Install the Debian package chromium:  sudo apt-get install -y --no-install-recommends chromium" >&2
  exit 1
fi
echo "==> installing chromium"
"$(dirname "$0")/apt-install.sh" --no-install-recommends chromium
