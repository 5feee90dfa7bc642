"""The officer's queue's rows (presenters.queue_table_rows): plain strings escaped with ``html.escape``, made
the same as with ``format_html`` — the reference below is the former implementation, kept as the spec."""

from __future__ import annotations

import dataclasses
import datetime

import pytest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import override

from gongkai.applications import presenters, selectors
from gongkai.applications.selectors import QueueCase
from gongkai.workdays.store import current_calendar

TODAY = datetime.date(2026, 6, 1)  # a Monday of a built-in calendar year


def reference_row(row: presenters.Row, show_agency: bool, badge: str) -> str:
    case = row.case
    assert isinstance(case, QueueCase)
    agency = (
        format_html('<td class="cases-queue__agency" title="{0}">{0}</td>', case.agency_name)
        if show_agency
        else ""
    )
    if case.status == "closed":
        due = format_html("{} {}", _("答复于"), case.answered_on.isoformat() if case.answered_on else "")
    elif case.due_date:
        provisional = format_html(" {}", mark_safe(badge)) if case.due_date_provisional else ""  # noqa: S308
        due = format_html("{}{}", case.due_date.isoformat(), provisional)
    else:
        due = format_html('<span class="cases-muted">{}</span>', row.reason)
    if row.paused:
        days = str(_("暂停计时"))
    elif row.days_left is None:
        days = ""
    elif row.days_left < 0:
        days = _("逾期 %(n)s") % {"n": row.overdue_by}
    else:
        days = str(row.days_left)
    return format_html(
        '<tr class="{}">\n'
        '        <td><a href="{}">{}</a></td>\n'
        '        <td>{}<br><span class="cases-muted">{}</span></td>\n'
        "        <td>{}</td>\n"
        "        <td>{}</td>\n"
        "        <td>{}</td>\n"
        '        <td class="cases-num">{}</td>\n'
        "        <td>{}</td>\n"
        "        {}\n"
        "      </tr>\n",
        "".join(f"cases-row--{modifier} " for modifier, _label in row.flags),
        reverse("cases:detail", args=[case.pk]),
        case.reference,
        case.applicant_name,
        presenters.APPLICANT_TYPE_LABELS.get(case.applicant_type, case.applicant_type),
        Truncator(case.description).chars(presenters.DESCRIPTION_CHARS),
        case.receipt_date.isoformat()
        if case.receipt_date
        else format_html('<span class="cases-muted">{}</span>', _("未确认")),
        due,
        days,
        format_html_join("", '<span class="case-flag case-flag--{}">{}</span> ', row.flags),
        agency,
    )


BASE = QueueCase(
    pk=12,
    reference="2026-000012",
    applicant_name="张三",
    applicant_type="natural_person",
    description="关于某地块土地征收补偿安置方案的批复文件及附件",
    channel="online",
    arrived_at=datetime.datetime(2026, 5, 1, 2, 0, tzinfo=datetime.UTC),
    receipt_date=datetime.date(2026, 5, 1),
    due_date=datetime.date(2026, 5, 29),
    due_date_provisional=False,
    clock_problem="",
    waiting_on="",
    paused_since=None,
    status="open",
    outcome="",
    answered_on=None,
    agency_id=3,
    agency_name="甲县财政局",
    pending_approval=False,
)

CASES = [
    BASE,  # overdue
    dataclasses.replace(BASE, pk=13, due_date=datetime.date(2026, 6, 3)),  # due soon
    dataclasses.replace(BASE, pk=14, due_date=datetime.date(2026, 7, 1), description="短"),
    dataclasses.replace(BASE, pk=15, due_date=None, receipt_date=None, waiting_on="confirmation"),
    dataclasses.replace(BASE, pk=16, due_date=None, waiting_on="correction", pending_approval=True),
    dataclasses.replace(BASE, pk=17, due_date=None, clock_problem='<日历> & "未载入"'),
    dataclasses.replace(BASE, pk=18, waiting_on="payment", paused_since=datetime.date(2026, 5, 20)),
    dataclasses.replace(BASE, pk=19, waiting_on="consultation", paused_since=datetime.date(2026, 5, 30)),
    dataclasses.replace(BASE, pk=20, due_date=datetime.date(2026, 6, 20), due_date_provisional=True),
    dataclasses.replace(
        BASE, pk=21, status="closed", outcome="granted", answered_on=datetime.date(2026, 5, 20), due_date=None
    ),
    dataclasses.replace(BASE, pk=22, status="closed", outcome="no_such_outcome", answered_on=None),
    dataclasses.replace(
        BASE,
        pk=23,
        reference="<2026>&",
        applicant_name='O\'Brien & "Co" <b>',
        applicant_type="unknown_type<>",
        agency_name='A & B <"局">',
        description="e\u0301" * 45,  # combining accents: the truncation counts them as Django does
    ),
    dataclasses.replace(BASE, pk=24, description="x" * 40),
    dataclasses.replace(BASE, pk=25, description="x" * 41),
    dataclasses.replace(BASE, pk=26, description="Ａ" * 39 + "e\u0301"),  # NFC-normalised as Django does
]


@pytest.mark.parametrize("show_agency", [False, True])
@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_rows_are_the_format_html_rows(db: None, show_agency: bool, language: str) -> None:
    th = selectors.Thresholds(TODAY, current_calendar(), current_calendar().add_working_days(TODAY, 5))
    with override(language):
        rows = [presenters.queue_row(case, th) for case in CASES]
        badge = render_to_string("includes/provisional_badge.html")
        expected = "".join(reference_row(row, show_agency, badge) for row in rows)
        made = presenters.queue_table_rows(rows, show_agency=show_agency)
    assert str(made) == expected
    assert "&lt;2026&gt;&amp;" in made and "<b>" not in made
    assert {flag for row in rows for flag, _label in row.flags} >= {
        "overdue",
        "due-soon",
        "waiting",
        "closed",
    }
