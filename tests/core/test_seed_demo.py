from __future__ import annotations

from io import StringIO

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings

from gongkai.agencies.models import Agency, AgencyKind
from gongkai.agencies.permissions import agencies_visible_to
from gongkai.core.models import AuditEvent


@pytest.mark.django_db
@override_settings(DEBUG=True)
def test_seed_demo_builds_a_county_and_is_idempotent() -> None:
    out = StringIO()
    call_command("seed_demo", stdout=out)
    assert "admin" in out.getvalue()
    county = Agency.objects.get(short_code="demo-county")
    assert county.kind == AgencyKind.GOVERNMENT
    kinds = set(county.descendants().values_list("kind", flat=True))
    assert kinds == {AgencyKind.DEPARTMENT, AgencyKind.TOWNSHIP}
    admin = User.objects.get(username="admin")
    assert admin.is_superuser and admin.check_password("admin")
    events = AuditEvent.objects.count()
    agencies = Agency.objects.count()

    call_command("seed_demo", "--quiet-login", stdout=StringIO())
    assert Agency.objects.count() == agencies
    assert AuditEvent.objects.count() == events
    assert agencies_visible_to(admin).count() == agencies


@pytest.mark.django_db
@override_settings(DEBUG=False)
def test_seed_demo_refuses_to_run_without_debug() -> None:
    with pytest.raises(CommandError):
        call_command("seed_demo", stdout=StringIO())
    assert not User.objects.filter(username="admin").exists()
