from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError

from gongkai.agencies.models import Role
from gongkai.agencies.services import add_membership
from gongkai.core.actors import display_name
from gongkai.core.audit import record_audit
from gongkai.core.models import AppendOnlyError, AuditEvent
from tests.conftest import Tree, make_user


@pytest.mark.django_db
def test_record_audit_takes_the_agency_from_the_object(tree: Tree) -> None:
    membership = add_membership(actor=None, user=make_user("u"), agency=tree.town_b1, role=Role.REVIEWER)
    event = record_audit(make_user("boss"), "membership.reviewed", membership, note="抽查")
    assert event.agency == tree.town_b1
    assert event.details == {"note": "抽查"}
    assert event.actor_label == "boss"


@pytest.mark.django_db
def test_anonymous_actor_is_recorded_as_the_system(tree: Tree) -> None:
    event = record_audit(AnonymousUser(), "agency.viewed", tree.city)
    assert event.actor is None
    assert event.actor_label == ""
    assert event.agency == tree.city


@pytest.mark.django_db
def test_action_codes_must_look_like_entity_dot_verb() -> None:
    with pytest.raises(ValidationError):
        record_audit(None, "Created agency")
    assert not AuditEvent.objects.exists()


@pytest.mark.django_db
def test_details_may_hold_dates_and_chinese_text(tree: Tree) -> None:
    import datetime

    record_audit(
        None, "report.checked", tree.city, year=2025, on=datetime.date(2026, 1, 31), title="年度报告"
    )
    event = AuditEvent.objects.get(action="report.checked")
    assert event.details == {"year": 2025, "on": "2026-01-31", "title": "年度报告"}


@pytest.mark.django_db
def test_audit_events_are_append_only(tree: Tree) -> None:
    event = AuditEvent.objects.filter(action="agency.created").first()
    assert event is not None
    event.action = "agency.tampered"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().update(action="agency.tampered")
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().delete()
    assert AuditEvent.objects.filter(action="agency.tampered").count() == 0


def test_people_are_shown_by_name(db: None) -> None:
    assert display_name(None) == ""
    assert display_name(make_user("officer1")) == "officer1"  # no name recorded: the log-in name
    assert display_name(make_user("officer2", first_name="王芳")) == "王芳"  # the whole name in one field
    assert display_name(make_user("officer3", last_name="王", first_name="芳")) == "王芳"  # family name first
    assert display_name(make_user("officer4", first_name="Ada", last_name="Lovelace")) == "Ada Lovelace"
