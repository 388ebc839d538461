"""The settings are documented, and production mode refuses to start half-configured."""

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _read_variables() -> set[str]:
    source = (ROOT / "coopnet" / "settings.py").read_text()
    return set(re.findall(r'env_(?:str|bool|int|list|path)\(\s*"([A-Z_]+)"', source))


def test_it_documents_every_environment_variable():
    documented = set(re.findall(r"^([A-Z_]+)=", (ROOT / ".env.example").read_text(), re.M))
    variables = _read_variables()
    assert variables, "no settings read from the environment?"
    assert variables - documented == set(), "undocumented in .env.example"
    assert documented - variables == set(), ".env.example lists variables nobody reads"


def _manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    # A deployment never has these; browser test runs set the last one for Playwright.
    unset = {"SECRET_KEY", "ALLOWED_HOSTS", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    clean = {k: v for k, v in os.environ.items() if k not in unset}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_it_refuses_production_without_a_secret_key(tmp_path):
    result = _manage("check", COOPNET_ENV="production", ALLOWED_HOSTS="coops.example")
    assert result.returncode != 0
    assert "SECRET_KEY must be set in production" in result.stderr


def test_it_refuses_production_without_allowed_hosts():
    result = _manage("check", COOPNET_ENV="production", SECRET_KEY="x" * 60)
    assert result.returncode != 0
    assert "ALLOWED_HOSTS must be set in production" in result.stderr


def test_it_passes_the_deployment_checklist_in_production(tmp_path):
    result = _manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        COOPNET_ENV="production",
        SECRET_KEY="k3y-" + "abcdefghijklmnopqrstuvwxyz0123456789" * 2,
        ALLOWED_HOSTS="coops.example",
        COOPNET_VAR_DIR=str(tmp_path),
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
