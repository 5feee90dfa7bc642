"""Locate the shared real-report material (``../shared`` beside the repo) for tests."""

from __future__ import annotations

from pathlib import Path

import pytest

SHARED = Path(__file__).resolve().parents[3] / "shared"
SEEDS = SHARED / "seeds"
REPORTS = SHARED / "reports"
TRUTH = REPORTS / "truth"


def material(path: Path) -> Path:
    if not path.exists():
        pytest.skip(f"shared material not present: {path}")
    return path


def seed(prefix: str) -> Path:
    found = sorted(material(SEEDS).glob(f"{prefix}_*"))
    if not found:
        pytest.skip(f"seed {prefix} not present")
    return found[0]


def report(prefix: str) -> Path:
    found = sorted(material(REPORTS).glob(f"{prefix}_*"))
    if not found:
        pytest.skip(f"report {prefix} not present")
    return found[0]
