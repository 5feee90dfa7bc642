"""A bounded atheris run of the readers of outside documents (tests/fuzz/fuzz_readers.py) from a small seed
corpus: any exception other than a reader's refusal (``UnreadableFile``) fails the test, with the input
atheris saved. Run it longer by hand: tests/fuzz/README.md."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

# The readers alone, in a process without Django's setup: no database at all.
pytestmark = [pytest.mark.processes, pytest.mark.own_database]

HARNESS = Path(__file__).with_name("fuzz_readers.py")
RUNS = 10_000


def run(
    corpus: Path, *options: str, environment: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(HARNESS), *options, "-seed=1", "-max_len=65536", "-timeout=60", str(corpus)],
        capture_output=True,
        text=True,
        timeout=900,
        cwd=corpus.parent,  # crash-* files land here (tmp_path), not in the repository
        env={**os.environ, **(environment or {})},
        check=False,
    )


def test_the_readers_survive_a_bounded_fuzz_run(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    subprocess.run([sys.executable, str(HARNESS), "--write-seeds", str(corpus)], check=True, timeout=120)
    assert len(list(corpus.iterdir())) == 5
    done = run(corpus, f"-runs={RUNS}")
    assert done.returncode == 0, done.stderr[-4000:]
    assert f"Done {RUNS} runs" in done.stderr


def test_a_crash_is_reported(tmp_path: Path) -> None:
    """The harness really fails on an uncaught exception (a planted one)."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "planted").write_bytes(b"PLANTED")
    done = run(corpus, "-runs=10", environment={"GONGKAI_FUZZ_PLANTED_CRASH": "1"})
    assert done.returncode != 0
    assert "planted crash" in done.stdout + done.stderr
    assert "Test unit written to" in done.stderr
