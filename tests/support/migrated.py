"""A migrated, empty SQLite database for tests whose subject runs in other processes on a database of its own
(real workers, the file database of the SQLite concurrency test, the target of a restore that goes back to
SQLite): the state ``gongkai migrate`` leaves a new database in.

Migrating one costs ~10 s of CPU (Django renders the models' states through 50 migrations), so a test run
migrates one database once — ``manage.py migrate`` in a process of its own, as an operator runs it — and each
test gets a copy of the file (:func:`copy_of`). The xdist workers of one run share it (a lock file: the first
migrates, the others wait and copy). The tests of ``gongkai migrate`` itself, of a restore into a database
never migrated and of a deployment's start migrate for themselves.
"""

from __future__ import annotations

import fcntl
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
NAME = "migrated.sqlite3"


def migrate_once(directory: Path) -> Path:
    """The migrated database of the run in ``directory`` (shared by the run's workers), migrated if none."""
    template = directory / NAME
    with (directory / f"{NAME}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file is closed
        if template.exists():
            return template
        partial = directory / f"{NAME}.{os.getpid()}"
        env = {
            **{k: v for k, v in os.environ.items() if k != "GONGKAI_TEST_TODAY"},
            "DATABASE_URL": f"sqlite:///{partial}",
            "DJANGO_SETTINGS_MODULE": "tests.settings",
            "SECRET_KEY": os.environ.get("SECRET_KEY") or "migrated-template",
        }
        done = subprocess.run(
            [sys.executable, "manage.py", "migrate", "--no-input", "-v", "0"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
        )
        if done.returncode != 0:
            raise RuntimeError(f"migrating the template database failed:\n{done.stdout}{done.stderr}")
        _copy(partial, template)  # whole (a copy of the pages, WAL included), then visible under its name
        for leftover in directory.glob(f"{NAME}.{os.getpid()}*"):
            leftover.unlink()
    return template


def copy_of(template: Path, target: Path) -> Path:
    """A copy of the migrated database at ``target`` (a file of the test's own)."""
    _copy(template, target)
    return target


def _copy(source: Path, target: Path) -> None:
    partial = target.with_name(target.name + ".partial")
    with sqlite3.connect(source) as src, sqlite3.connect(partial) as dst:
        src.backup(dst)
    src.close()
    dst.close()
    partial.replace(target)
