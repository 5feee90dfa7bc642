"""seed_demo refuses to run without DEBUG. What it builds is tested by tests/annual/test_demo.py, the one
test that seeds the whole demo world (seeding takes ~40 s)."""

from __future__ import annotations

from io import StringIO

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings


@pytest.mark.django_db
@override_settings(DEBUG=False)
def test_seed_demo_refuses_to_run_without_debug() -> None:
    with pytest.raises(CommandError):
        call_command("seed_demo", stdout=StringIO())
    assert not User.objects.filter(username="admin").exists()
