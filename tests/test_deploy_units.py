"""The process layout of docs/deployment.md: the systemd units of deploy/systemd are valid units that run
real `gongkai` subcommands, and the nginx example in the docs is the file in deploy/nginx."""

from __future__ import annotations

import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import get_commands
from django.urls import reverse

from gongkai import cli
from gongkai.annual import imports
from gongkai.checker import forms

pytestmark = pytest.mark.processes

REPO = Path(__file__).resolve().parent.parent
UNITS = REPO / "deploy" / "systemd"
NGINX = REPO / "deploy" / "nginx" / "gongkai.conf"
DOC = REPO / "docs" / "deployment.md"
INSTALLED = "/srv/gongkai/.venv/bin/gongkai"
#: Subcommands other branches bring (the task worker, the backup): checked once they are on this one.
ARRIVING = {"worker", "backup"}


def unit_files() -> list[Path]:
    return sorted(p for p in UNITS.iterdir() if p.suffix in (".service", ".timer"))


def gongkai_calls() -> list[tuple[str, list[str]]]:
    """(unit, the arguments after `gongkai`) of every ExecStart line."""
    calls = []
    for unit in unit_files():
        for line in unit.read_text(encoding="utf-8").splitlines():
            if line.startswith("ExecStart="):
                words = shlex.split(line.removeprefix("ExecStart=").replace("%%", "%"))
                if words[0] == "/bin/sh":  # sh -c '…': the command inside
                    words = shlex.split(words[2].removeprefix("exec "))
                assert words[0] == INSTALLED, line
                calls.append((unit.name, words[1:]))
    return calls


def test_there_is_a_unit_for_each_process_of_the_layout() -> None:
    names = {p.name for p in unit_files()}
    assert {"gongkai-web.service", "gongkai-worker@.service"} <= names
    for job in ("pii-purge", "audit-archive", "backup"):
        assert {f"gongkai-{job}.service", f"gongkai-{job}.timer"} <= names
    commands = {unit: args for unit, args in gongkai_calls()}
    assert commands["gongkai-web.service"][0] == "serve"
    assert commands["gongkai-worker@.service"] == ["worker"]
    assert commands["gongkai-pii-purge.service"] == ["pii", "purge"]
    assert commands["gongkai-audit-archive.service"] == ["audit", "archive"]
    assert commands["gongkai-backup.service"][0] == "backup"


@pytest.mark.parametrize(("unit", "args"), gongkai_calls(), ids=[unit for unit, _ in gongkai_calls()])
def test_each_unit_runs_a_real_subcommand(unit: str, args: list[str]) -> None:
    name = cli.command_name(args[0])
    if name not in get_commands():
        if args[0] in ARRIVING:
            pytest.skip(f"gongkai {args[0]} is not on this branch yet")
        pytest.fail(f"{unit}: gongkai {args[0]} does not exist")
    # The options the unit gives are ones the command accepts (--help after them stops before running).
    result = subprocess.run(
        [sys.executable, "-m", "gongkai.cli", *args, "--help"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        cwd=REPO,
    )
    assert result.returncode == 0, result.stderr


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd-analyze is not installed")
def test_the_units_are_valid(tmp_path: Path) -> None:
    """`systemd-analyze verify` (unknown keys, bad values, missing programs) with the program at this
    checkout's place instead of /srv/gongkai."""
    script = shutil.which("gongkai", path=str(Path(sys.executable).parent))
    assert script
    for unit in unit_files():
        name = unit.name.replace("@.", "@1.")
        (tmp_path / name).write_text(unit.read_text(encoding="utf-8").replace(INSTALLED, script))
    result = subprocess.run(
        ["systemd-analyze", "verify", *sorted(str(p) for p in tmp_path.iterdir())],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    output = (result.stdout + result.stderr).strip()
    assert result.returncode == 0 and not output, output


def test_the_docs_show_the_nginx_example_file() -> None:
    blocks = re.findall(r"```nginx\n(.*?)```", DOC.read_text(encoding="utf-8"), re.DOTALL)
    assert blocks == [NGINX.read_text(encoding="utf-8")]


def test_nginx_allows_the_uploads_the_site_accepts() -> None:
    conf = NGINX.read_text(encoding="utf-8")
    sizes = [int(m) * 1024 * 1024 for m in re.findall(r"client_max_body_size (\d+)m;", conf)]
    assert min(sizes) > forms.MAX_TOTAL_UPLOAD_BYTES
    assert max(sizes) > imports.MAX_TOTAL_BYTES
    # The bulk import's own location matches the page's address.
    path = reverse("annual_supervise:import", args=["demo-county", 2025])
    location = re.search(r"location ~ (\S+) \{\n\s+client_max_body_size 520m", conf)
    assert location and re.match(location.group(1), path), path
