#!/usr/bin/env bash
# Usage: scripts/apt-install.sh [apt options] PKG...   (root only)
# Installs Debian packages without prompts. `apt-get update` is slow, so it runs
# only when the first install fails (typically: stale or empty package lists).
set -euo pipefail
if [ "$(id -u)" -ne 0 ]; then
  echo "apt-install.sh: must run as root (wanted: $*)" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive   # CI has no stdin: never ask questions
apt-get install -y "$@" || { apt-get update && apt-get install -y "$@"; }
