"""Locate the real-report fixtures (``tests/fixtures``, see its README) for tests.

A missing fixture is a failure, not a skip: the files are part of the repository.
"""

from __future__ import annotations

from pathlib import Path

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
SEEDS = FIXTURES / "seeds"
REPORTS = FIXTURES / "reports"
TRUTH = REPORTS / "truth"


def material(path: Path) -> Path:
    assert path.exists(), f"fixture missing: {path}"
    return path


def seed(prefix: str) -> Path:
    found = sorted(SEEDS.glob(f"{prefix}_*"))
    assert found, f"seed {prefix} missing from {SEEDS}"
    return found[0]


def report(prefix: str) -> Path:
    found = sorted(REPORTS.glob(f"{prefix}_*"))
    assert found, f"report {prefix} missing from {REPORTS}"
    return found[0]
