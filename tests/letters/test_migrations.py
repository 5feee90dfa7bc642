from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command


@pytest.mark.django_db
def test_letters_models_and_migrations_are_in_step() -> None:
    out = StringIO()
    call_command("makemigrations", "letters", "--check", "--dry-run", stdout=out)
    assert "No changes detected" in out.getvalue()
