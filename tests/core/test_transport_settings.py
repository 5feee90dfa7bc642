"""HSTS and the TLS settings (issue 12, part 6): a year of HSTS by default once TLS is declared
(GONGKAI_BEHIND_TLS_PROXY or GONGKAI_SSL_REDIRECT), none otherwise, never in development."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent.parent
PRINT = """
import json
from django.conf import settings
print(json.dumps({
    "hsts": settings.SECURE_HSTS_SECONDS,
    "subdomains": settings.SECURE_HSTS_INCLUDE_SUBDOMAINS,
    "preload": settings.SECURE_HSTS_PRELOAD,
    "redirect": settings.SECURE_SSL_REDIRECT,
    "proxy_header": settings.SECURE_PROXY_SSL_HEADER,
    "silenced": settings.SILENCED_SYSTEM_CHECKS,
}))
"""
OURS = (
    "SECRET_KEY",
    "SECRET_KEY_FILE",
    "DEBUG",
    "GONGKAI_DEBUG",
    "GONGKAI_BEHIND_TLS_PROXY",
    "GONGKAI_SSL_REDIRECT",
    "GONGKAI_HSTS_SECONDS",
    "GONGKAI_HSTS_INCLUDE_SUBDOMAINS",
    "GONGKAI_HSTS_PRELOAD",
)
YEAR = 31_536_000


def settings_with(**env: str) -> dict[str, object]:
    base = {k: v for k, v in os.environ.items() if k not in OURS}
    result = subprocess.run(
        [sys.executable, "-c", PRINT],
        env={**base, "DJANGO_SETTINGS_MODULE": "gongkai.settings", "SECRET_KEY": "k" * 60, **env},
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    values: dict[str, object] = json.loads(result.stdout)
    return values


@pytest.mark.parametrize(
    ("env", "hsts", "redirect"),
    [
        ({}, 0, False),
        ({"GONGKAI_BEHIND_TLS_PROXY": "true"}, YEAR, False),
        ({"GONGKAI_SSL_REDIRECT": "true"}, YEAR, True),
        ({"GONGKAI_BEHIND_TLS_PROXY": "true", "GONGKAI_HSTS_SECONDS": "0"}, 0, False),
        ({"GONGKAI_SSL_REDIRECT": "true", "GONGKAI_HSTS_SECONDS": "600"}, 600, True),
        ({"GONGKAI_DEBUG": "true", "GONGKAI_BEHIND_TLS_PROXY": "true"}, 0, False),
    ],
)
def test_hsts_follows_the_declared_transport(env: dict[str, str], hsts: int, redirect: bool) -> None:
    values = settings_with(**env)
    assert values["hsts"] == hsts
    assert values["redirect"] is redirect


def test_the_proxy_header_is_trusted_only_when_declared() -> None:
    assert settings_with()["proxy_header"] is None
    assert settings_with(GONGKAI_BEHIND_TLS_PROXY="true")["proxy_header"] == [
        "HTTP_X_FORWARDED_PROTO",
        "https",
    ]


def test_subdomains_by_default_and_preload_only_on_request() -> None:
    default = settings_with(GONGKAI_BEHIND_TLS_PROXY="true")
    assert default["subdomains"] is True and default["preload"] is False
    assert default["silenced"] == ["security.W021"]
    preload = settings_with(GONGKAI_BEHIND_TLS_PROXY="true", GONGKAI_HSTS_PRELOAD="true")
    assert preload["preload"] is True and preload["silenced"] == []
