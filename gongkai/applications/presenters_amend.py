"""What 更正 shows: a correction on the case's timeline ("更正" with what changed, old → new), and the
confirmation pages that list the changes before they are made.

Personal data in a correction (identity number, contact person, phone, e-mail, address, postcode) is
masked on the timeline as on the case page, and shown in full only after the audited
"查看申请人信息" (``revealed``). Nothing here writes.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db.models import Field
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gongkai.applications.amendments import PERSONAL_FIELDS, Change, event_context
from gongkai.applications.clock import CHANNEL_LABELS, Channel
from gongkai.applications.models import ApplicantType, Application, IdType
from gongkai.applications.validators import mask_email, mask_id, mask_name, mask_phone
from gongkai.core.fields import unseal
from gongkai.core.i18n import render
from gongkai.statute.outcomes import OUTCOME_BY_KEY

_MASKS = {
    "id_number": mask_id,
    "phone": mask_phone,
    "email": mask_email,
    "contact_person": mask_name,
}
_ANSWER_LABELS = {
    "outcome": gettext_lazy("答复类型"),
    "legal_basis": gettext_lazy("法律依据"),
    "reasons": gettext_lazy("理由"),
    "how_to_obtain": gettext_lazy("获取信息的方式、途径"),
    "responsible_agency": gettext_lazy("负责公开的机关及联系方式"),
}


def field_label(name: str) -> str:
    field = Application._meta.get_field(name)
    assert isinstance(field, Field)
    return str(field.verbose_name)


def _as_date(value: Any) -> datetime.date:
    return value if isinstance(value, datetime.date) else datetime.date.fromisoformat(str(value))


def _as_datetime(value: Any) -> datetime.datetime:
    moment = value if isinstance(value, datetime.datetime) else datetime.datetime.fromisoformat(str(value))
    return timezone.localtime(moment) if timezone.is_aware(moment) else moment


def _choice(name: str, value: str) -> str:
    if name == "applicant_type" and value in ApplicantType.values:
        return str(ApplicantType(value).label)
    if name == "id_type" and value in IdType.values:
        return str(IdType(value).label)
    if name == "channel" and value in set(Channel):
        return render(CHANNEL_LABELS[Channel(value)])
    return value


def shown_value(name: str, value: Any, *, revealed: bool) -> str:
    """A recorded value as the page shows it (personal data masked unless ``revealed``)."""
    if name in PERSONAL_FIELDS:
        value = unseal(value, event_context(name))
    if value is None or value == "":
        return _("（空）")
    if name in PERSONAL_FIELDS and not revealed:
        mask = _MASKS.get(name)
        return mask(str(value)) if mask is not None else _("（已隐藏）")
    if name == "arrived_at":
        return _as_datetime(value).strftime("%Y-%m-%d %H:%M")
    if name == "confirmed_on":
        return _as_date(value).isoformat()
    return _choice(name, str(value))


def _outcome_text(key: str) -> str:
    outcome = OUTCOME_BY_KEY.get(key)
    return render(outcome.label) if outcome else key or _("（空）")


def describe_details_corrected(data: Mapping[str, Any], *, revealed: bool) -> list[str]:
    old, new = data.get("old", {}), data.get("new", {})
    lines = [
        _("更正%(field)s：%(old)s → %(new)s")
        % {
            "field": field_label(name),
            "old": shown_value(name, old.get(name), revealed=revealed),
            "new": shown_value(name, new.get(name), revealed=revealed),
        }
        for name in data.get("fields", [])
    ]
    if "new_due_date" in data and data.get("old_due_date") != data.get("new_due_date"):
        lines.append(
            _("答复期限由 %(old)s 改为 %(new)s")
            % {"old": data.get("old_due_date") or _("未定"), "new": data.get("new_due_date") or _("未定")}
        )
    return lines


def describe_outcome_corrected(data: Mapping[str, Any], *, revealed: bool) -> list[str]:
    previous = data.get("previous", {})
    lines = [
        _("更正答复（取代第 %(seq)s 项记录的答复，答复日期 %(day)s 不变）")
        % {"seq": data.get("supersedes_seq"), "day": data.get("answered_on") or "—"}
    ]
    for key, label in _ANSWER_LABELS.items():
        before, after = str(previous.get(key) or ""), str(data.get(key) or "")
        if before == after:
            continue
        if key == "outcome":
            before, after = _outcome_text(before), _outcome_text(after)
        lines.append(
            _("%(label)s：%(old)s → %(new)s")
            % {"label": label, "old": before or _("（空）"), "new": after or _("（空）")}
        )
    return lines


@dataclass(frozen=True)
class ChangeRow:
    label: str
    old: str
    new: str


def details_rows(changes: list[Change]) -> list[ChangeRow]:
    """The confirmation page's rows: the officer sees what they typed, in full."""
    return [
        ChangeRow(
            field_label(c.field),
            shown_value(c.field, c.old, revealed=True),
            shown_value(c.field, c.new, revealed=True),
        )
        for c in changes
    ]


def outcome_rows(previous: Mapping[str, str], new: Mapping[str, str]) -> list[ChangeRow]:
    rows = []
    for key, label in _ANSWER_LABELS.items():
        before, after = previous.get(key, ""), new.get(key, "")
        if before == after:
            continue
        if key == "outcome":
            before, after = _outcome_text(before), _outcome_text(after)
        rows.append(ChangeRow(str(label), before or _("（空）"), after or _("（空）")))
    return rows
