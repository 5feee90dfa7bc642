from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

PACKAGE = Path(__file__).resolve().parent.parent / "gongkai"


@pytest.mark.django_db
def test_models_and_migrations_are_in_step() -> None:
    out = StringIO()
    call_command("makemigrations", "--check", "--dry-run", stdout=out)
    assert "No changes detected" in out.getvalue()


def test_migrations_are_named() -> None:
    migrations = sorted(PACKAGE.glob("*/migrations/0*.py"))
    assert migrations, "no migrations found"
    auto_named = [
        str(m.relative_to(PACKAGE)) for m in migrations if "_auto_" in m.name or m.stem.endswith("_initial")
    ]
    assert auto_named == []
