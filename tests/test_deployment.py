"""`gongkai system-check --deploy` with exactly the production settings of docs/deployment.md prints no
warning and no error (issue 12, "done when"; ASVS V14.1/V14.2)."""

from __future__ import annotations

import os
import re
import secrets
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from gongkai.core import sealing

pytestmark = pytest.mark.processes

REPO = Path(__file__).resolve().parent.parent
DOC = REPO / "docs" / "deployment.md"
#: How the test makes each file the documented settings name (the real ones live under /etc/gongkai/).
FILE_MAKERS: dict[str, Callable[[], str]] = {
    "SECRET_KEY_FILE": lambda: secrets.token_urlsafe(60),
    "GONGKAI_DATA_KEYS_FILE": lambda: f"k1:{sealing.new_key()}",
    "GONGKAI_LOOKUP_KEY_FILE": sealing.new_key,
    "GONGKAI_AUDIT_ARCHIVE_KEY_FILE": sealing.new_key,
}


def documented_settings() -> dict[str, str]:
    """The ``KEY=value`` lines of the block that starts with ``# /etc/gongkai/gongkai.env``."""
    text = DOC.read_text(encoding="utf-8")
    match = re.search(r"```sh\n# /etc/gongkai/gongkai\.env\n(.*?)```", text, re.DOTALL)
    assert match, "docs/deployment.md has no settings block starting with # /etc/gongkai/gongkai.env"
    pairs = {}
    for line in match.group(1).splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            name, eq, value = line.partition("=")
            assert eq and re.fullmatch(r"[A-Z][A-Z0-9_]*", name), f"not NAME=value: {line!r}"
            pairs[name] = value
    return pairs


def gongkai_command() -> list[str]:
    script = shutil.which("gongkai", path=str(Path(sys.executable).parent))
    return [script] if script else [sys.executable, "-m", "gongkai.cli"]


def run_deploy_check(settings: dict[str, str], tmp_path: Path) -> subprocess.CompletedProcess[str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("GONGKAI_", "SECRET_KEY", "DATABASE_URL", "ALLOWED_HOSTS", "CSRF_", "DJANGO_"))
        and key != "DEBUG"
    }
    for name, value in settings.items():
        if name.endswith("_FILE"):
            if name not in FILE_MAKERS:
                pytest.fail(f"{name} is documented: add to FILE_MAKERS how the test makes such a file")
            path = tmp_path / Path(value).name
            path.write_text(FILE_MAKERS[name](), encoding="utf-8")
            path.chmod(0o400)
            value = str(path)
        env[name] = value
    return subprocess.run(
        [*gongkai_command(), "system-check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_the_documented_settings_cover_what_production_needs() -> None:
    settings = documented_settings()
    for name in ("SECRET_KEY_FILE", "ALLOWED_HOSTS", "CSRF_TRUSTED_ORIGINS", "DATABASE_URL"):
        assert settings.get(name), name
    assert settings["GONGKAI_BEHIND_TLS_PROXY"] == "true"
    assert settings["GONGKAI_SSL_REDIRECT"] == "true"
    assert int(settings["GONGKAI_HSTS_SECONDS"]) >= 31_536_000
    assert "DEBUG" not in settings and "GONGKAI_DEBUG" not in settings


@pytest.mark.own_database
def test_the_deploy_check_is_clean_with_the_documented_settings(tmp_path: Path) -> None:
    result = run_deploy_check(documented_settings(), tmp_path)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "System check identified no issues" in output
    assert not re.search(r"\b(WARNING|ERROR|CRITICAL)S?\b|\?: \(", output), output


@pytest.mark.own_database
def test_the_deploy_check_fails_on_a_weakened_setting(tmp_path: Path) -> None:
    """The check above can fail: without the TLS settings Django reports them."""
    weakened = {
        k: v
        for k, v in documented_settings().items()
        if k not in ("GONGKAI_SSL_REDIRECT", "GONGKAI_HSTS_SECONDS", "GONGKAI_BEHIND_TLS_PROXY")
    }
    result = run_deploy_check(weakened, tmp_path)
    output = result.stdout + result.stderr
    assert result.returncode != 0
    assert "security.W004" in output and "security.W008" in output
    # ... and Gongkai says which of its variables those are.
    assert "gongkai.W001" in output and "GONGKAI_BEHIND_TLS_PROXY=true" in output


@pytest.mark.own_database
def test_the_deploy_check_asks_for_an_audit_archive_key(tmp_path: Path) -> None:
    settings = {k: v for k, v in documented_settings().items() if k != "GONGKAI_AUDIT_ARCHIVE_KEY_FILE"}
    result = run_deploy_check(settings, tmp_path)
    output = result.stdout + result.stderr
    assert result.returncode != 0
    assert "gongkai.W002" in output and "GONGKAI_AUDIT_ARCHIVE_KEY_FILE" in output
