"""Shared fixtures and helpers for the applications tests (依申请公开).

* Pure helpers (no database): :func:`builtin_calendar` (the built-in 2004–2026 years),
  :func:`calendar_until` (the built-in years up to a year), :func:`fictional_year` (a clearly marked
  test year after the built-in ones), :func:`resident_id` / :func:`uscc` (valid identity numbers),
  :func:`applicant` / :func:`request` (service inputs), :func:`at` (an aware datetime at the agency).
* ``staff``: the agency ``county-a-finance`` of the ``tree`` fixture with one person per role — an
  information officer, an office head (工作机构负责人), a reviewer, a leader, a supervisor (政务公开办)
  at ``county-a`` above it — plus another agency's officer (``county-b``) and a superuser.
* ``make_case``: registers cases through :func:`gongkai.applications.services.register`; by default in
  person, 75 days before today, by a natural person.
* ``pin_today``: makes ``timezone.now()`` / ``timezone.localdate()`` return a chosen day, for tests whose
  dates must not depend on the real today.

Dates: the services refuse dates after today, so cases are built in the past relative to
``timezone.localdate()``; expectations that depend on today are computed with ``current_calendar()``.
When the real today has moved past the built-in calendar years, ``staff`` loads a fictional calendar
(weekends only, 1 January a holiday; source marked 测试用) for the missing years up to today's, so that
the suite keeps running; it never does so while the built-in years cover today. Tests therefore keep
every date they need (due dates included) on or before today, or pin today with ``pin_today``.
* ``written(fn)``: calls ``fn`` and returns what it wrote (new case events, audit events, letters);
  ``snapshot()``: everything a failing step must leave unchanged.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.db.models import Max
from django.utils import timezone
from stdnum.cn import uscc as stdnum_uscc

from gongkai.agencies.models import Agency, Role
from gongkai.agencies.services import add_membership
from gongkai.applications import services
from gongkai.applications.models import Appeal, Application, CaseEvent, Letter
from gongkai.applications.services import Applicant, Request
from gongkai.core.models import AuditEvent, NumberSeries
from gongkai.statute.resident_id import check_character
from gongkai.workdays.builtin import builtin_years
from gongkai.workdays.calendar import WorkCalendar, YearCalendar
from gongkai.workdays.models import CalendarDay, CalendarYear, DayType
from gongkai.workdays.store import current_calendar
from tests.conftest import Tree, make_user

TZ = ZoneInfo(settings.TIME_ZONE)
#: Marks every fictional calendar year made by these tests.
FICTIONAL_SOURCE = "测试用虚构日历（非国务院办公厅通知）"


# --- Calendars (pure) ---------------------------------------------------------------------------


@lru_cache(maxsize=1)
def builtin_calendar() -> WorkCalendar:
    """The built-in years (2004–2026 with chinesecalendar 1.11.0)."""
    return WorkCalendar(builtin_years().values())


def calendar_until(last_year: int, *extra: YearCalendar) -> WorkCalendar:
    """The built-in years up to ``last_year`` (inclusive), plus ``extra`` years."""
    return WorkCalendar([y for y in builtin_years().values() if y.year <= last_year] + list(extra))


def fictional_year(year: int) -> YearCalendar:
    """A test year: 1 January is a holiday, otherwise Monday–Friday. NOT a real notice."""
    return YearCalendar(
        year=year,
        holidays={datetime.date(year, 1, 1): "元旦（测试用虚构）"},
        workdays={},
        source=FICTIONAL_SOURCE,
    )


# --- Identities and inputs (pure) ---------------------------------------------------------------


def resident_id(serial: int = 1, birth: str = "19800101", region: str = "110105") -> str:
    """A valid 18-digit 居民身份证 number (region, birth date, 3-digit serial, check character)."""
    body = f"{region}{birth}{serial % 1000:03d}"
    return body + check_character(body)


def uscc(serial: int = 1) -> str:
    """A valid 统一社会信用代码: 91 (工商, 企业), region 110000, an organisation code with its own GB 11714
    check character, and the final check character."""
    org = f"{serial % 10**8:08d}"
    weights = (3, 7, 9, 10, 5, 8, 4, 2)
    org_check = (11 - sum(int(c) * w for c, w in zip(org, weights, strict=True)) % 11) % 11
    body = f"91110000{org}{'X' if org_check == 10 else org_check}"
    return body + stdnum_uscc.calc_check_digit(body)


def applicant(
    *,
    applicant_type: str = "natural_person",
    name: str = "张三",
    id_type: str | None = None,
    id_number: str | None = None,
    serial: int = 1,
    **extra: str,
) -> Applicant:
    """An :class:`Applicant`: a natural person with a 居民身份证, or an organisation with a USCC."""
    person = applicant_type == "natural_person"
    if id_type is None:
        id_type = "resident_id" if person else "uscc"
    if id_number is None:
        id_number = resident_id(serial) if id_type == "resident_id" else uscc(serial)
    extra.setdefault("phone", "13812345678")
    extra.setdefault("address", "示范市甲县人民路1号")
    return Applicant(applicant_type=applicant_type, name=name, id_type=id_type, id_number=id_number, **extra)


def request(description: str = "2025年度甲县财政局部门预算执行情况") -> Request:
    return Request(description=description, requested_form="paper", delivery="post")


def at(day: datetime.date, hour: int = 10) -> datetime.datetime:
    """``day`` at ``hour`` o'clock at the agency (Asia/Shanghai), as an aware datetime."""
    return datetime.datetime.combine(day, datetime.time(hour), tzinfo=TZ)


def today() -> datetime.date:
    return timezone.localdate()


def days_ago(n: int) -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=n)


def working_day_on_or_before(day: datetime.date) -> datetime.date:
    calendar = current_calendar()
    while not calendar.is_working_day(day):
        day -= datetime.timedelta(days=1)
    return day


def expected_due(start: datetime.date, n: int = 20) -> datetime.date:
    """The n-th working day after ``start`` in the calendar in force."""
    return current_calendar().add_working_days(start, n)


# --- What a step wrote ----------------------------------------------------------------------------


@dataclass
class Written:
    result: Any
    events: list[str]  # kinds of the new case events, in order
    audits: list[str]  # actions of the new audit events, in order
    letters: list[str]  # kinds of the new letters, in order


def _max_id(model: type[Any]) -> int:
    return int(model.objects.aggregate(m=Max("id"))["m"] or 0)


def _new(model: type[Any], mark: int, field: str) -> list[str]:
    return list(model.objects.filter(id__gt=mark).order_by("id").values_list(field, flat=True))


def written(fn: Callable[[], Any]) -> Written:
    """Call ``fn`` and return what it appended (ids above the previous highest ones)."""
    marks = {m: _max_id(m) for m in (CaseEvent, AuditEvent, Letter)}
    result = fn()
    return Written(
        result=result,
        events=_new(CaseEvent, marks[CaseEvent], "kind"),
        audits=_new(AuditEvent, marks[AuditEvent], "action"),
        letters=_new(Letter, marks[Letter], "kind"),
    )


def snapshot() -> tuple[Any, ...]:
    """Every row a failing step must leave as it was: cases (all columns), events, audit, letters,
    appeals, and the number series (a failed step must not use up a number)."""
    return (
        list(Application.objects.order_by("id").values()),
        CaseEvent.objects.count(),
        AuditEvent.objects.count(),
        Letter.objects.count(),
        list(Appeal.objects.order_by("id").values()),
        list(NumberSeries.objects.order_by("id").values_list("name", "agency_id", "year", "last")),
    )


# --- People -------------------------------------------------------------------------------------


@dataclass
class Staff:
    agency: Agency  # county-a-finance
    officer: User  # 信息员 at the agency
    head: User  # 信息公开工作机构负责人 at the agency
    reviewer: User  # 审核人 at the agency
    leader: User  # 分管领导 at the agency
    supervisor: User  # 政务公开办 at county-a (above the agency)
    other_agency: Agency  # county-b
    other_officer: User  # 信息员 at county-b
    superuser: User


def _ensure_calendar_through_this_year() -> None:
    """Load fictional years after the built-in ones when the real today has outrun them (see module doc)."""
    needed = timezone.localdate().year
    loaded = current_calendar().loaded_years
    for year in range(max(builtin_years()) + 1, needed + 1):
        if year in loaded:
            continue
        stored = CalendarYear.objects.create(year=year, source=FICTIONAL_SOURCE)
        CalendarDay.objects.create(
            calendar_year=stored, date=datetime.date(year, 1, 1), type=DayType.HOLIDAY, name="元旦（测试用）"
        )


@pytest.fixture
def staff(tree: Tree) -> Staff:
    _ensure_calendar_through_this_year()
    agency = tree.county_a_finance

    def person(username: str, at_agency: Agency, role: Role) -> User:
        user = make_user(username)
        add_membership(actor=None, user=user, agency=at_agency, role=role)
        return user

    return Staff(
        agency=agency,
        officer=person("officer", agency, Role.INFORMATION_OFFICER),
        head=person("head", agency, Role.OFFICE_HEAD),
        reviewer=person("reviewer", agency, Role.REVIEWER),
        leader=person("leader", agency, Role.LEADER),
        supervisor=person("supervisor", tree.county_a, Role.SUPERVISOR),
        other_agency=tree.county_b,
        other_officer=person("other-officer", tree.county_b, Role.INFORMATION_OFFICER),
        superuser=User.objects.create_superuser("root", password=None),
    )


# --- Cases --------------------------------------------------------------------------------------


class CaseMaker:
    """``make_case(...)`` registers a case through ``services.register`` and returns it.

    Keyword arguments: ``arrived_on`` (default 75 days ago), ``channel`` (``in_person``),
    ``confirmed_on``, ``applicant_type``, ``serial`` (picks the identity number), ``id_number``,
    ``name``, ``pieces``, ``agency`` and ``actor`` (default: the staff's agency and officer).
    ``make_case.register(...)`` returns ``(case, secret)``.
    """

    def __init__(self, staff: Staff) -> None:
        self.staff = staff

    def register(
        self,
        *,
        arrived_on: datetime.date | None = None,
        channel: str = "in_person",
        confirmed_on: datetime.date | None = None,
        applicant_type: str = "natural_person",
        serial: int = 1,
        id_number: str | None = None,
        name: str = "张三",
        pieces: int = 1,
        agency: Agency | None = None,
        actor: Any = None,
        description: str = "2025年度甲县财政局部门预算执行情况",
    ) -> tuple[Application, str]:
        arrived = arrived_on or days_ago(75)
        return services.register(
            actor=actor or self.staff.officer,
            agency=agency or self.staff.agency,
            applicant=applicant(applicant_type=applicant_type, serial=serial, id_number=id_number, name=name),
            request=request(description),
            channel=channel,
            arrived_at=at(arrived),
            confirmed_on=confirmed_on,
            pieces=pieces,
        )

    def __call__(self, **kwargs: Any) -> Application:
        return self.register(**kwargs)[0]


@pytest.fixture
def make_case(staff: Staff) -> CaseMaker:
    return CaseMaker(staff)


@pytest.fixture
def pin_today(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[datetime.date], None]]:
    """``pin_today(day)``: from now on ``timezone.now()`` is 15:00 on ``day`` at the agency."""

    def pin(day: datetime.date) -> None:
        fixed = datetime.datetime.combine(day, datetime.time(15), tzinfo=TZ).astimezone(datetime.UTC)
        monkeypatch.setattr(timezone, "now", lambda: fixed)

    yield pin


@pytest.fixture(autouse=True)
def letters_rendered_inline(request: pytest.FixtureRequest, settings: Any) -> None:
    """Letters are rendered in the step's transaction (``GONGKAI_LETTERS_INLINE``), so that a test reads a
    letter's .docx right after the step. Tests of the render job ask for ``letters_by_job`` instead."""
    settings.GONGKAI_LETTERS_INLINE = "letters_by_job" not in request.fixturenames


@pytest.fixture
def letters_by_job(settings: Any) -> None:
    """Letters are issued as in production: the record in the step, the .docx by the render job (which
    runs when the step's transaction commits: wrap the step in ``django_capture_on_commit_callbacks``)."""
    settings.GONGKAI_LETTERS_INLINE = False
