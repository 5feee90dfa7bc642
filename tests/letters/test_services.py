from __future__ import annotations

from unittest import mock

import pytest
from django.core.exceptions import ValidationError

from gongkai.core.models import AuditEvent
from gongkai.letters import services
from gongkai.letters.kinds import LetterKind
from gongkai.letters.models import AgencyLetterSettings, LetterTemplate
from tests.conftest import Tree, make_user


def test_saving_and_deleting_are_audited(tree: Tree) -> None:
    user = make_user("editor")
    template = LetterTemplate(
        kind=LetterKind.ANSWER, outcome_group="denied", agency=tree.town_a1, title="T", body="x"
    )
    services.save_letter_template(actor=user, template=template)
    event = AuditEvent.objects.get(action="letter_template.changed")
    assert event.object_type == "letters.lettertemplate" and event.object_id == str(template.pk)
    assert event.agency == tree.town_a1 and event.actor == user
    assert event.details == {
        "created": True,
        "kind": "answer",
        "outcome_group": "denied",
        "agency_id": tree.town_a1.pk,
        "fields": ["body", "title"],
    }
    assert template.updated_by == user
    services.delete_letter_template(actor=user, template=template)
    assert AuditEvent.objects.get(action="letter_template.deleted").details["body"] == "x"
    assert not LetterTemplate.objects.exists()


@pytest.mark.django_db
def test_an_invalid_template_is_neither_saved_nor_audited() -> None:
    template = LetterTemplate(kind=LetterKind.FEE, title="T", body="{{ nope }}")
    with pytest.raises(ValidationError):
        services.save_letter_template(actor=None, template=template)
    assert not LetterTemplate.objects.exists() and not AuditEvent.objects.exists()


@pytest.mark.django_db
def test_the_save_rolls_back_when_the_audit_fails() -> None:
    template = LetterTemplate(kind=LetterKind.FEE, title="T", body="正文")
    with (
        mock.patch.object(services, "record_audit", side_effect=RuntimeError("audit down")),
        pytest.raises(RuntimeError),
    ):
        services.save_letter_template(actor=None, template=template)
    assert not LetterTemplate.objects.exists()


def test_the_delete_rolls_back_when_the_audit_fails(tree: Tree) -> None:
    template = LetterTemplate.objects.create(kind=LetterKind.FEE, title="T", body="正文")
    settings = AgencyLetterSettings.objects.create(agency=tree.county_a, number_prefix="P")
    with mock.patch.object(services, "record_audit", side_effect=RuntimeError("audit down")):
        with pytest.raises(RuntimeError):
            services.delete_letter_template(actor=None, template=template)
        with pytest.raises(RuntimeError):
            services.delete_letter_settings(actor=None, settings=settings)
    assert LetterTemplate.objects.filter(pk=template.pk).exists()
    assert AgencyLetterSettings.objects.filter(pk=settings.pk).exists()
