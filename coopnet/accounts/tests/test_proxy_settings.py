"""X-Forwarded-Proto is believed only behind a proxy we were told about (TRUSTED_PROXY_HOPS).

The setting lives in coopnet/settings.py; its tests are here because the sign-in limits read
client addresses through the same TRUSTED_PROXY_HOPS.
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
PRINT_HEADER = (
    "import django; django.setup(); from django.conf import settings; "
    "print(settings.SECURE_PROXY_SSL_HEADER)"
)


def proxy_ssl_header(tmp_path, **env: str) -> str:
    clean = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    result = subprocess.run(
        [sys.executable, "-c", PRINT_HEADER],
        cwd=ROOT,
        env={
            **clean,
            "DJANGO_SETTINGS_MODULE": "coopnet.settings",
            "COOPNET_ENV": "production",
            "SECRET_KEY": "k3y-" + "abcdefghijklmnopqrstuvwxyz0123456789" * 2,
            "ALLOWED_HOSTS": "coops.example",
            "COOPNET_VAR_DIR": str(tmp_path),
            **env,
        },
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_it_ignores_x_forwarded_proto_without_a_trusted_proxy(tmp_path):
    assert proxy_ssl_header(tmp_path, TRUSTED_PROXY_HOPS="0") == "None"


@pytest.mark.parametrize("hops", ["1", "2"])
def test_it_believes_x_forwarded_proto_behind_a_trusted_proxy(tmp_path, hops):
    assert (
        proxy_ssl_header(tmp_path, TRUSTED_PROXY_HOPS=hops) == "('HTTP_X_FORWARDED_PROTO', 'https')"
    )
