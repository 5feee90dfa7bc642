"""Write services for letter templates and letter settings. Each validates, writes and audits atomically."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction

from gongkai.core.actors import Actor, user_of
from gongkai.core.audit import record_audit
from gongkai.letters.models import AgencyLetterSettings, LetterTemplate

# Audit action codes (stable once released).
LETTER_TEMPLATE_CHANGED = "letter_template.changed"
LETTER_TEMPLATE_DELETED = "letter_template.deleted"
LETTER_SETTINGS_CHANGED = "letter_settings.changed"
LETTER_SETTINGS_DELETED = "letter_settings.deleted"


def save_letter_template(
    *, actor: Actor, template: LetterTemplate, changed_fields: Iterable[str] | None = None, via: str = ""
) -> LetterTemplate:
    """Validate and save ``template`` (new or edited) and record ``letter_template.changed``."""
    created = template._state.adding
    with transaction.atomic():
        template.updated_by = user_of(actor)
        template.full_clean()
        template.save()
        record_audit(
            actor,
            LETTER_TEMPLATE_CHANGED,
            template,
            created=created,
            kind=template.kind,
            outcome_group=template.outcome_group,
            agency_id=template.agency_id,
            fields=sorted(changed_fields if changed_fields is not None else ["title", "body"]),
            **_via(via),
        )
    return template


def delete_letter_template(*, actor: Actor, template: LetterTemplate, via: str = "") -> None:
    """Delete an edited template ("恢复默认"); the audit event keeps its text."""
    with transaction.atomic():
        record_audit(
            actor,
            LETTER_TEMPLATE_DELETED,
            template,
            kind=template.kind,
            outcome_group=template.outcome_group,
            agency_id=template.agency_id,
            title=template.title,
            body=template.body,
            **_via(via),
        )
        template.delete()


def save_letter_settings(
    *, actor: Actor, settings: AgencyLetterSettings, via: str = ""
) -> AgencyLetterSettings:
    created = settings._state.adding
    with transaction.atomic():
        settings.full_clean()
        settings.save()
        record_audit(
            actor,
            LETTER_SETTINGS_CHANGED,
            settings,
            agency=settings.agency,
            created=created,
            number_prefix=settings.number_prefix,
            reconsideration_body=settings.reconsideration_body,
            court=settings.court,
            **_via(via),
        )
    return settings


def delete_letter_settings(*, actor: Actor, settings: AgencyLetterSettings, via: str = "") -> None:
    with transaction.atomic():
        record_audit(
            actor,
            LETTER_SETTINGS_DELETED,
            settings,
            agency=settings.agency,
            number_prefix=settings.number_prefix,
            **_via(via),
        )
        settings.delete()


def _via(via: str) -> dict[str, Any]:
    """``via="admin"`` etc. in the audit details, when given."""
    return {"via": via} if via else {}
