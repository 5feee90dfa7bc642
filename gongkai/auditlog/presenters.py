"""What the audit log shows: who (the person's name), what (the action's phrase), when, which record (a
link when the reader may open it) and the details — with personal data masked.

The details and the record's name may hold personal data: a case's name is "登记编号 申请人姓名", a search
in a case export's filters may be a name, a masked hit keeps the masked text. The view shows a case's
applicant as the first character and stars, and runs the privacy scanner over every detail value,
masking 身份证号, phone, bank-card numbers and e-mail addresses.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook  # type: ignore[import-untyped]
from openpyxl.styles import Font  # type: ignore[import-untyped]

from gongkai.applications.models import Letter
from gongkai.applications.permissions import cases_visible_to
from gongkai.auditlog.labels import label
from gongkai.auditlog.selectors import model_name
from gongkai.catalogue.permissions import items_visible_to
from gongkai.catalogue.scanner import mask_text, scan_text
from gongkai.core.actors import display_name
from gongkai.core.formatting import date_message
from gongkai.core.i18n import render
from gongkai.core.models import AuditEvent

#: Detail keys whose value is (or may be) a person's name: shown as its first character and stars.
NAME_KEYS = frozenset({"q", "applicant_name", "name", "contact_person"})
#: Records whose name (``str()``) ends with the applicant's name after the first space.
NAMED_RECORDS = frozenset({"applications.application"})


def mask_name(value: str) -> str:
    value = value.strip()
    return value[:1] + "*" * (len(value) - 1) if value else ""


def mask_value(value: Any) -> str:
    """A detail value as text, with any 身份证号, phone, bank-card number or e-mail masked."""
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)
    hits = scan_text(text)
    return mask_text(text, hits) if hits else text


def masked_details(details: dict[str, Any]) -> list[tuple[str, str]]:
    out = []
    for key, value in sorted(details.items()):
        if key in NAME_KEYS and isinstance(value, str):
            out.append((key, mask_name(value)))
        elif isinstance(value, dict):
            out.extend((f"{key}.{k}", v) for k, v in masked_details(value))
        else:
            out.append((key, mask_value(value)))
    return out


def masked_record_name(event: AuditEvent) -> str:
    if event.object_type in NAMED_RECORDS:
        reference, _sep, name = event.object_repr.partition(" ")
        return f"{reference} {mask_name(name)}".strip()
    return mask_value(event.object_repr) if event.object_repr else ""


def who(event: AuditEvent) -> str:
    if event.actor is not None:
        return display_name(event.actor)
    if event.actor_label:
        return event.actor_label
    if event.details.get("by") == "applicant":
        return _("申请人")
    return _("系统")


def when(event: AuditEvent) -> str:
    local = timezone.localtime(event.created_at)
    return f"{render(date_message(local.date()))} {local:%H:%M:%S}"


@dataclass(frozen=True)
class Row:
    event: AuditEvent
    who: str
    what: str
    when: str
    agency: str
    record_type: str
    record: str
    url: str
    details: list[tuple[str, str]]


class Links:
    """The link to each event's record, when the reader may open it (cases, letters' cases, catalogue
    entries); found for a whole page with one query per kind."""

    def __init__(self, user: Any, events: Sequence[AuditEvent]) -> None:
        def ids(kind: str) -> list[int]:
            return [int(e.object_id) for e in events if e.object_type == kind and e.object_id.isdigit()]

        self.letter_case = dict(
            Letter.objects.filter(pk__in=ids("applications.letter")).values_list("pk", "application_id")
        )
        case_ids = ids("applications.application") + list(self.letter_case.values())
        self.cases = set(cases_visible_to(user).filter(pk__in=case_ids).values_list("pk", flat=True))
        self.items = set(
            items_visible_to(user).filter(pk__in=ids("catalogue.item")).values_list("pk", flat=True)
        )
        self._by_kind: dict[str, Callable[[int], str]] = {
            "applications.application": self._case,
            "applications.letter": lambda pk: self._case(self.letter_case.get(pk, 0)),
            "catalogue.item": self._item,
        }

    def _case(self, pk: int) -> str:
        return reverse("cases:detail", args=[pk]) if pk in self.cases else ""

    def _item(self, pk: int) -> str:
        return reverse("catalogue_manage:detail", args=[pk]) if pk in self.items else ""

    def url(self, event: AuditEvent) -> str:
        link = self._by_kind.get(event.object_type)
        if link is None or not event.object_id.isdigit():
            return ""
        return link(int(event.object_id))


def rows(user: Any, events: Iterable[AuditEvent]) -> list[Row]:
    events = list(events)
    links = Links(user, events)
    return [
        Row(
            event=e,
            who=who(e),
            what=label(e.action),
            when=when(e),
            agency=e.agency.name if e.agency is not None else "",
            record_type=model_name(e.object_type) if e.object_type else "",
            record=masked_record_name(e),
            url=links.url(e),
            details=masked_details(e.details),
        )
        for e in events
    ]


def export_header() -> list[str]:
    return [_("时间"), _("操作人"), _("操作"), _("操作代码"), _("机关"), _("对象类型"), _("对象"), _("详情")]


def export_values(row: Row) -> list[str]:
    details = "；".join(f"{k}: {v}" for k, v in row.details)
    return [row.when, row.who, row.what, row.event.action, row.agency, row.record_type, row.record, details]


def csv_line(values: Sequence[Any]) -> str:
    out = io.StringIO()
    csv.writer(out).writerow(values)
    return out.getvalue()


def export_csv(rows_: Sequence[Row]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(export_header())
    for row in rows_:
        writer.writerow(export_values(row))
    return "\ufeff" + out.getvalue()


def export_xlsx(rows_: Sequence[Row], title: str) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = _("审计日志")
    sheet.append([title])
    sheet["A1"].font = Font(bold=True)
    sheet.append(export_header())
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    for row in rows_:
        sheet.append(export_values(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def today_stamp() -> str:
    return f"{timezone.localdate():%Y%m%d}"
