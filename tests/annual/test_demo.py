"""The demo world (``gongkai seed-demo``) lets a new user build, check and publish an annual report in both
formats' years: last year's report of 自然资源局 passes the check (cross-year against the published report of
the year before), a 2020 report opens in the 2019 format, the county's roll-up shows on-time, late and
missing reports, and seeding again adds nothing."""

from __future__ import annotations

import datetime
import zoneinfo
from collections import Counter
from collections.abc import Callable
from io import StringIO

import pytest
import time_machine
from django.apps import apps
from django.contrib.auth.models import User
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test import Client, override_settings
from django.utils import timezone

from gongkai.agencies.models import Agency, AgencyKind
from gongkai.agencies.permissions import agencies_visible_to
from gongkai.annual import documents, rollup, selectors, services
from gongkai.annual.models import Report, ReportVersion, VersionStatus
from gongkai.applications.models import Appeal, Application, CaseEvent, Status
from gongkai.catalogue.models import DocumentType, Item
from gongkai.core.models import AuditEvent
from gongkai.demo.cases import DemoPeople, seed_cases, seed_year
from gongkai.demo.management.commands.seed_demo import DEMO_STAFF
from gongkai.demo.reports import fill_placeholders
from gongkai.reports import drafting
from gongkai.reports.model import SECTION3_COLUMN_KEYS
from gongkai.workdays.store import current_calendar
from tests.annual.test_services import without_placeholders
from tests.applications import conftest as applications_fixtures

pytestmark = pytest.mark.django_db

pin_today = applications_fixtures.pin_today


def counts() -> dict[str, int]:
    """Rows in every table of the project's apps."""
    return {
        model._meta.label: model._base_manager.count()
        for model in apps.get_models()
        if model._meta.app_label
        in {"agencies", "applications", "catalogue", "annual", "core", "auth", "letters"}
    }


def codes(version: ReportVersion, severity: str) -> set[str]:
    return {f["code"] for f in selectors.all_findings(version) if f["severity"] == severity}


#: The demo world is built around today (two past years, this year's queue); the day is pinned so that what
#: it asserts (due-soon cases, last year's reports) holds whatever the real date — in December the queue's
#: due dates would lie in a year whose calendar is not loaded yet.
DEMO_TODAY = datetime.datetime(2026, 6, 15, 10, tzinfo=zoneinfo.ZoneInfo("Asia/Shanghai"))


@override_settings(DEBUG=True)
@time_machine.travel(DEMO_TODAY, tick=True)
def test_the_demo_world_builds_checks_and_publishes_reports_in_both_formats() -> None:
    # The one test that seeds the whole demo world (seeding takes ~40 s): it also covers what
    # tests/core/test_seed_demo.py and tests/catalogue/test_demo.py used to seed for themselves.
    out = StringIO()
    call_command("seed_demo", stdout=out)
    assert "admin" in out.getvalue()
    for username, _name, _roles in DEMO_STAFF:  # every demo user is announced with the role to try
        assert f"{username}（" in out.getvalue(), username
    today = timezone.localdate()
    before_last, last = today.year - 2, today.year - 1
    before = counts()
    events = AuditEvent.objects.count()
    catalogue = Counter(Item.objects.values_list("agency__short_code", flat=True))
    call_command("seed_demo", "--quiet-login", stdout=StringIO())
    assert counts() == before  # idempotent: nothing new, nothing changed
    assert AuditEvent.objects.count() == events
    assert Counter(Item.objects.values_list("agency__short_code", flat=True)) == catalogue

    # The county, its departments and townships, the demo administrator, the catalogue.
    county = Agency.objects.get(short_code="demo-county")
    assert county.kind == AgencyKind.GOVERNMENT
    assert set(county.descendants().values_list("kind", flat=True)) == {
        AgencyKind.DEPARTMENT,
        AgencyKind.TOWNSHIP,
    }
    admin = User.objects.get(username="admin")
    assert admin.is_superuser and admin.check_password("admin")
    assert agencies_visible_to(admin).count() == Agency.objects.count()
    assert set(catalogue) == {"demo-county", "demo-county-nr", "demo-chengguan"}
    # Every demo agency's 指南 is complete: no contact line says "（未提供）".
    for code in Agency.objects.values_list("short_code", flat=True):
        guide = Client().get(f"/gk/{code}/guide/")
        assert guide.status_code == 200 and "（未提供）" not in guide.content.decode(), code
    assert all(50 <= n <= 75 for n in catalogue.values())

    bureau = Agency.objects.get(short_code="demo-county-nr")
    county = Agency.objects.get(short_code="demo-county")
    officer = User.objects.get(username="officer")

    # Two full years of records at every agency, with the variety a report needs.
    for agency in Agency.objects.all():
        years = Counter(
            d.year
            for d in Application.objects.filter(agency=agency).values_list("receipt_date", flat=True)
            if d
        )
        assert years[before_last] > 0 and years[last] > 0, agency.short_code
    cases = Application.objects.filter(receipt_date__year__in=(before_last, last))
    assert {"natural_person", "commercial"} <= set(cases.values_list("applicant_type", flat=True))
    outcomes = set(cases.values_list("outcome", flat=True))
    assert {"granted", "partially_granted", "unable_not_held", "withdrawn"} <= outcomes
    assert any(o.startswith("denied_") for o in outcomes) and any(o.startswith("rejected_") for o in outcomes)
    kinds = set(CaseEvent.objects.filter(application__in=cases).values_list("kind", flat=True))
    assert {"correction_requested", "consultation_started", "fee_notice_issued", "fee_paid"} <= kinds
    assert CaseEvent.objects.filter(kind="reopened").exists()  # a new answer ordered on appeal
    appeals = Appeal.objects.filter(filed_on__year__in=(before_last, last))
    assert {"reconsideration", "litigation"} <= set(appeals.values_list("kind", flat=True))
    assert appeals.filter(concluded_on__isnull=False).exists()
    assert appeals.filter(after_reconsideration__isnull=False).exists()
    items = Item.objects.filter(agency=bureau, document_type=DocumentType.NORMATIVE)
    assert items.filter(written_on__year=before_last).exists() or items.filter(written_on__year=last).exists()
    assert items.filter(repealed_on__year__in=(before_last, last)).exists()
    # This year's queue: open cases, some due soon or overdue.
    open_cases = Application.objects.filter(agency=bureau, status=Status.OPEN, due_date__isnull=False)
    flag_before = current_calendar().add_working_days(today, 5)
    assert open_cases.filter(due_date__lte=flag_before).exists()

    # The year before last: published reports, one late, one missing, a township deadline, a correction.
    roll = rollup.status_rollup(county, before_last, today)
    statuses = {row.short_code: row.status for row in roll.rows}
    assert statuses["demo-county-nr"] == "on_time"
    assert statuses["demo-county-finance"] == "late"
    assert statuses["demo-qingshan"] == "missing"
    assert statuses["demo-chengguan"] == "on_time"  # by the local deadline the county set
    assert all(row.errors == 0 for row in roll.rows if row.version is not None)
    office = ReportVersion.objects.filter(
        report__agency__short_code="demo-county-office", report__year=before_last
    )
    assert [(v.number, v.status, bool(v.change_note)) for v in office.order_by("number")] == [
        (1, "published", False),
        (2, "published", True),
    ]
    assert {r.agency.short_code for r in Report.objects.filter(year=last)} == {
        "demo-county-office",
        "demo-county-drc",
    }
    carried = Report.objects.get(agency=bureau, year=before_last).versions.get().computed["section3"]
    assert carried["carried_forward"][-1] > 0  # cases received in December, answered in January

    # Last year: the officer opens 自然资源局's report, fills it in, checks it (no error) and publishes it.
    assert not Report.objects.filter(agency=bureau, year=last).exists()
    version = services.open_draft(actor=officer, agency=bureau, year=last)
    assert version.format == "2021"
    assert version.computed["section3"]["carried_over"] == carried["carried_forward"]
    assert "上一年度报告所列问题的整改情况" in version.sections["problems"]
    services.set_hand_entry(
        actor=officer,
        version=version,
        row="fees",
        column="amount",
        value="80.15",
        note="据本局财务系统统计。",
    )
    version.refresh_from_db()
    services.save_sections(
        actor=officer,
        version=version,
        sections={
            key: without_placeholders(version.sections[key]) for key in ("overview", "problems", "other")
        },
    )
    version.refresh_from_db()
    version = services.check_draft(actor=officer, version=version)
    assert f"{before_last}年度报告" in version.check_result["previous"]
    assert codes(version, "error") == set(), selectors.all_findings(version)
    assert "draft.no_previous_report" not in codes(version, "info")
    if selectors.readiness(version).warnings:
        services.acknowledge_warnings(actor=officer, version=version, note="已核对")
    published = services.publish(actor=officer, version=version, on=today)
    assert published.status == VersionStatus.PUBLISHED
    assert documents.to_document(published).tables.section3["carried_over"] == carried["carried_forward"]

    # A 2020 report (2019 format) opens from the 2020 records.
    old = services.open_draft(actor=officer, agency=bureau, year=2020)
    assert old.format == "2019"
    assert old.computed["section3"]["new_received"][SECTION3_COLUMN_KEYS.index("total")] > 0

    # The demo's audit log is one unbroken chain (issue 12); one row altered in the database is named.
    verified = StringIO()
    call_command("audit", "verify", stdout=verified)
    assert "审计链完整" in verified.getvalue()
    altered = AuditEvent.objects.order_by("id")[len(AuditEvent.objects.all()) // 2]
    with connection.cursor() as cursor:
        cursor.execute("UPDATE core_auditevent SET object_repr = %s WHERE id = %s", ["改过", altered.pk])
    with pytest.raises(CommandError) as broken:
        call_command("audit", "verify", stdout=StringIO())
    assert broken.value.returncode == 1
    assert f"事件 {altered.pk}（" in str(broken.value)


def test_the_filled_in_text_has_no_placeholder_left() -> None:
    county = Agency(name="示范县人民政府", short_code="demo-county", kind=AgencyKind.GOVERNMENT)
    township = Agency(name="示范县青山乡人民政府", short_code="demo-qingshan", kind=AgencyKind.TOWNSHIP)
    for agency in (county, township):
        for text in (
            drafting.draft_problems(2025, None),
            drafting.draft_problems(2025, "一是解读形式单一；二是更新不及时。今后将加以改进。"),
            "\n".join(
                drafting.placeholder(hint) for hint in ("其他需要报告的事项；没有的写“无”", "随便什么")
            ),
        ):
            filled = fill_placeholders(text, agency, 2025)
            assert drafting.find_placeholders(filled) == []
    # Each year's problems differ from the year before's: the copy warning does not fire on the demo.
    problems = {
        year: fill_placeholders(drafting.draft_problems(year, None), county, year) for year in (2024, 2025)
    }
    assert not drafting.copied_from_previous(problems[2025], problems[2024])


def test_without_the_calendar_of_today_the_demo_dates_its_cases_provisionally(
    pin_today: Callable[[datetime.date], None],
) -> None:
    """Today in a year whose 放假安排 is not loaded (built in: up to 2026): no crash; the year is counted
    on the provisional calendar (暂定, docs/decisions.md D17), so every step can be dated."""
    from gongkai.agencies.services import create_agency

    first_unloaded = max(current_calendar().years) + 1
    today = datetime.date(first_unloaded, 3, 2)
    pin_today(today)
    agency = create_agency(
        actor=None, name="示范县自然资源局", short_code="demo-county-nr", kind=AgencyKind.DEPARTMENT
    )
    officer = User.objects.create_superuser("root", password=None)
    people = DemoPeople(officer=officer)
    made_last = seed_year(agency, people, first_unloaded - 1, count=12, today=today)
    assert made_last > 0
    made_now = seed_cases(agency, people, count=6, today=today)
    assert made_now == 8  # the 6 cases since 1 January and the 2 online submissions of today
    this_year = Application.objects.filter(agency=agency, arrived_at__year=first_unloaded)
    assert this_year.count() == 8
    assert not this_year.exclude(clock_problem="").exists()
    dated = this_year.filter(due_date__isnull=False)
    assert dated.exists() and not dated.filter(due_date_provisional=False).exists()
    assert seed_year(agency, people, first_unloaded - 1, count=12, today=today) == 0
