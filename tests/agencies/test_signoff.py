"""The agency's sign-off setting page and service (D15)."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client

from gongkai.agencies.models import ExtensionConsent, SignOff, SignOffPolicy
from gongkai.agencies.services import set_signoff_policy
from gongkai.core.models import AuditEvent
from tests.applications import conftest as applications_fixtures
from tests.applications.conftest import Staff

staff = applications_fixtures.staff


def client_for(user: object) -> Client:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    return client


def test_the_head_changes_the_setting_and_it_is_audited(staff: Staff) -> None:
    url = f"/signoff/{staff.agency.short_code}/"
    head = client_for(staff.head)
    page = head.get(url)
    assert page.status_code == 200 and "经办人直接办理" in page.content.decode()
    response = head.post(url, {"answers": "head", "extensions": "in_system", "annual_report": "head"})
    assert response.status_code == 302
    policy = SignOffPolicy.objects.get(agency=staff.agency)
    assert (policy.answers, policy.extensions, policy.annual_report) == ("head", "in_system", "head")
    event = AuditEvent.objects.get(action="agency.signoff_changed")
    assert event.actor == staff.head
    assert event.details["before"]["answers"] == "officer" and event.details["after"]["answers"] == "head"


def test_extensions_cannot_be_left_to_the_officer_alone(staff: Staff) -> None:
    head = client_for(staff.head)
    url = f"/signoff/{staff.agency.short_code}/"
    refused = head.post(url, {"answers": "officer", "extensions": "officer", "annual_report": "officer"})
    assert refused.status_code == 200 and refused.context["form"].errors["extensions"]
    assert not SignOffPolicy.objects.exists()
    assert "officer" not in ExtensionConsent.values


@pytest.mark.parametrize("who", ["officer", "leader", "reviewer", "supervisor", "other_officer"])
def test_only_the_agencys_administrator_or_head_may_change_it(staff: Staff, who: str) -> None:
    user = getattr(staff, who)
    url = f"/signoff/{staff.agency.short_code}/"
    assert client_for(user).get(url).status_code == 404
    assert (
        client_for(user)
        .post(url, {"answers": "head", "extensions": "on_paper", "annual_report": "head"})
        .status_code
        == 404
    )
    with pytest.raises(PermissionDenied):
        set_signoff_policy(
            actor=user, agency=staff.agency, answers=SignOff.HEAD, extensions="on_paper", annual_report="head"
        )
    assert not SignOffPolicy.objects.exists()
