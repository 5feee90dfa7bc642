"""The to-do list after login (工作台): what waits for the signed-in user, from small *sources*.

A source is one function ``(user, today) -> list[WorkItem]`` for one kind of work: it asks the app that owns
the work (its permissions and selectors) and returns items with a title, a count, a link to the page where
the work is done, and an urgency. A new kind of work (e.g. an approval added later) is one more function
added to :data:`SOURCES`; the page shows whatever the sources return, most urgent first.

Sources read the roles a user *holds* (memberships), not what a superuser could see, so that a superuser's
workbench is not every agency's queue; the calendar source is for superusers, who alone load a year.
"""

from __future__ import annotations

import datetime
import enum
from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from gongkai.agencies.models import Agency, Role
from gongkai.annual import permissions as annual_permissions
from gongkai.annual import rollup
from gongkai.annual.models import ReportVersion, VersionStatus
from gongkai.annual.selectors import deadline_for
from gongkai.applications import permissions as case_permissions
from gongkai.applications import selectors as case_selectors
from gongkai.applications.clock import DUE_SOON_WORKING_DAYS
from gongkai.applications.models import Application
from gongkai.catalogue import workflow
from gongkai.catalogue.models import Item
from gongkai.core.formatting import date_message
from gongkai.core.i18n import render
from gongkai.core.messages import N_
from gongkai.core.notifications import unread_count
from gongkai.letters.kinds import LetterKind
from gongkai.workdays.selectors import missing_calendar_years


class Urgency(enum.IntEnum):
    """Most urgent first."""

    OVERDUE = 0  # 已逾期
    SOON = 1  # 即将到期
    WAITING = 2  # 待办
    INFO = 3  # 提示

    @property
    def css(self) -> str:
        return self.name.lower()

    @property
    def label(self) -> str:
        return {
            Urgency.OVERDUE: _("已逾期"),
            Urgency.SOON: _("即将到期"),
            Urgency.WAITING: _("待办"),
            Urgency.INFO: _("提示"),
        }[self]


@dataclass(frozen=True)
class WorkItem:
    #: Which source made it (``cases.overdue``, ``catalogue.review`` …), for tests and styling.
    kind: str
    title: str
    count: int
    link: str
    urgency: Urgency
    agency: str = ""
    detail: str = ""


Source = Callable[[AbstractBaseUser, datetime.date], list[WorkItem]]


def _agencies_with(user: AbstractBaseUser, roles: tuple[str, ...]) -> list[Agency]:
    if not user.is_active:
        return []
    return list(
        Agency.objects.filter(memberships__user_id=user.pk, memberships__role__in=roles)
        .distinct()
        .order_by("name")
    )


def _link(name: str, **query: str | int) -> str:
    return f"{reverse(name)}?{urlencode(query)}" if query else reverse(name)


# --- Sources ----------------------------------------------------------------------------------


def cases_due(user: AbstractBaseUser, today: datetime.date) -> list[WorkItem]:
    """依申请公开: open cases overdue or due within 5 working days (D6), for 信息员 and the office head."""
    agencies = _agencies_with(user, tuple(case_permissions.ACTING_ROLES))
    if not agencies:
        return []
    th = case_selectors.Thresholds.now(today)
    items = []
    for agency in agencies:
        cases = Application.objects.filter(agency=agency)
        overdue = case_selectors.queue_filter(cases, th, state=case_selectors.STATE_OVERDUE).count()
        soon = case_selectors.queue_filter(cases, th, state=case_selectors.STATE_DUE_SOON).count()
        if overdue:
            items.append(
                WorkItem(
                    "cases.overdue",
                    _("已逾期的政府信息公开申请"),
                    overdue,
                    _link("cases:queue", state=case_selectors.STATE_OVERDUE, agency=agency.pk),
                    Urgency.OVERDUE,
                    agency.name,
                )
            )
        if soon:
            items.append(
                WorkItem(
                    "cases.due_soon",
                    _("%(days)s个工作日内到期的政府信息公开申请") % {"days": DUE_SOON_WORKING_DAYS},
                    soon,
                    _link("cases:queue", state=case_selectors.STATE_DUE_SOON, agency=agency.pk),
                    Urgency.SOON,
                    agency.name,
                )
            )
    return items


#: 主动公开: which entries wait for which role (the catalogue's workflow, 先审查、后公开).
_CATALOGUE_WORK: tuple[tuple[str, str, str, str], ...] = (
    (workflow.REVIEWER, workflow.SUBMITTED, "catalogue.review", N_("待保密审查的主动公开信息")),
    (workflow.LEADER, workflow.REVIEWED, "catalogue.approve", N_("待领导审批的主动公开信息")),
    (workflow.OFFICER, workflow.APPROVED, "catalogue.publish", N_("已审批待发布的主动公开信息")),
    (workflow.OFFICER, workflow.RETURNED, "catalogue.returned", N_("退回修改的主动公开信息")),
)


def catalogue_work(user: AbstractBaseUser, today: datetime.date) -> list[WorkItem]:
    """主动公开: entries waiting for the user's review (审核人), approval (分管领导), publication (信息员)."""
    items = []
    for role, status, kind, title in _CATALOGUE_WORK:
        for agency in _agencies_with(user, (role,)):
            count = Item.objects.filter(agency=agency, status=status).count()
            if count:
                items.append(
                    WorkItem(
                        kind,
                        _(title),
                        count,
                        _link("catalogue_manage:list", status=status, agency=agency.pk),
                        Urgency.WAITING,
                        agency.name,
                    )
                )
    return items


#: How long before its deadline an unpublished annual report counts as due soon.
REPORT_SOON = datetime.timedelta(days=31)


def annual_reports(user: AbstractBaseUser, today: datetime.date) -> list[WorkItem]:
    """年度报告: last year's report not yet published (条例 第四十九条: 31 January for departments, 31 March
    for governments, the supervisor's date for townships), and in December this year's, coming."""
    years = [today.year - 1] + ([today.year] if today.month == 12 else [])
    items = []
    for agency in _agencies_with(user, annual_permissions.WRITER_ROLES):
        published = set(
            ReportVersion.objects.filter(
                report__agency=agency, report__year__in=years, status=VersionStatus.PUBLISHED
            ).values_list("report__year", flat=True)
        )
        for year in years:
            if year in published:
                continue
            deadline = deadline_for(agency, year)
            if deadline is None:
                urgency, detail = Urgency.INFO, _("公布期限尚未由上级政务公开办确定")
            else:
                urgency = (
                    Urgency.OVERDUE
                    if today > deadline
                    else Urgency.SOON
                    if today >= deadline - REPORT_SOON
                    else Urgency.INFO
                )
                detail = _("应于%(date)s前公布") % {"date": render(date_message(deadline))}
            items.append(
                WorkItem(
                    "annual.report",
                    _("%(year)d年度政府信息公开工作年度报告尚未公布") % {"year": year},
                    1,
                    reverse("annual:workspace", kwargs={"short_code": agency.short_code, "year": year}),
                    urgency,
                    agency.name,
                    detail,
                )
            )
    return items


def supervised_reports(user: AbstractBaseUser, today: datetime.date) -> list[WorkItem]:
    """政务公开办: the agencies below its seat whose report on last year is overdue (逾期未公开), and the
    townships' deadline when nobody has set it yet (条例 第四十九条 leaves it to the supervisor)."""
    year = today.year - 1
    items = []
    for seat in Agency.objects.filter(
        memberships__user_id=user.pk, memberships__role=Role.SUPERVISOR
    ).distinct():
        data = rollup.status_rollup(seat, year, today)
        link = reverse("annual_supervise:rollup", kwargs={"seat": seat.short_code, "year": year})
        missing = sum(1 for row in data.rows if row.status == "missing")
        if missing:
            title = _("%(year)d年度报告逾期未公开的机关") % {"year": year}
            items.append(WorkItem("supervise.missing", title, missing, link, Urgency.OVERDUE, seat.name))
        unset = sum(1 for row in data.rows if row.status == "no_deadline")
        if unset and data.own_deadline is None and data.inherited_deadline is None:
            title = _("尚未确定乡镇、街道%(year)d年度报告的公布期限") % {"year": year}
            items.append(WorkItem("supervise.deadline", title, unset, link, Urgency.WAITING, seat.name))
    return items


def approvals_waiting(user: AbstractBaseUser, today: datetime.date) -> list[WorkItem]:
    """负责人审批 (D15): answers and extensions the officers submitted for this head's approval."""
    count = case_selectors.approvals_awaiting(user).count()
    if not count:
        return []
    return [
        WorkItem(
            "cases.approvals",
            _("待我审批的答复和延期"),
            count,
            reverse("cases:queue") + "#awaiting-heading",
            Urgency.WAITING,
            detail=_("审批期间答复期限照常计算；答复以审批同意之日为答复日期。"),
        )
    ]


def letters_to_deliver(user: AbstractBaseUser, today: datetime.date) -> list[WorkItem]:
    """送达 (D16): answer letters issued to the applicant with no delivery recorded yet, per agency."""
    items = []
    for agency in _agencies_with(user, tuple(case_permissions.ACTING_ROLES)):
        letters = case_selectors.letters_awaiting_delivery(agency, kinds=[LetterKind.ANSWER])
        count = letters.count()
        oldest = letters.first()
        if not count or oldest is None:
            continue
        items.append(
            WorkItem(
                "cases.to_deliver",
                _("待送达的答复书"),
                count,
                reverse("cases:detail", kwargs={"pk": oldest.application_id}),
                Urgency.WAITING,
                agency.name,
                _("最早一件：%(reference)s，%(day)s出具。请登记送达方式和日期。")
                % {"reference": oldest.application.reference, "day": render(date_message(oldest.issued_on))},
            )
        )
    return items


def missing_calendars(user: AbstractBaseUser, today: datetime.date) -> list[WorkItem]:
    """The years whose holiday notice is not loaded: this year, and from 1 October next year (superusers
    load them; until then due dates in such a year are provisional, 暂定, D17)."""
    if not getattr(user, "is_superuser", False):
        return []
    return [
        WorkItem(
            "workdays.missing_year",
            _("尚未载入%(year)d年的工作日历") % {"year": year},
            1,
            reverse("admin:workdays_calendaryear_load"),
            Urgency.SOON if year == today.year or today.month == 12 else Urgency.WAITING,
            detail=_(
                "国务院办公厅公布节假日安排后请载入；载入前，到期日在%(year)d年的答复期限按法定节假日暂定计算，"
                "载入后自动重新计算。"
            )
            % {"year": year},
        )
        for year in missing_calendar_years(today)
    ]


def unread_notifications(user: AbstractBaseUser, today: datetime.date) -> list[WorkItem]:
    count = unread_count(user)
    if not count:
        return []
    return [
        WorkItem("notifications.unread", _("未读通知"), count, reverse("office:notifications"), Urgency.INFO)
    ]


#: Every source of the workbench, in the order items of equal urgency are listed.
SOURCES: tuple[Source, ...] = (
    cases_due,
    catalogue_work,
    annual_reports,
    supervised_reports,
    approvals_waiting,
    letters_to_deliver,
    missing_calendars,
    unread_notifications,
)


def items_for(user: AbstractBaseUser, today: datetime.date) -> list[WorkItem]:
    """Every source's items for ``user`` on ``today``, most urgent first (stable within one urgency)."""
    items = [item for source in SOURCES for item in source(user, today)]
    return sorted(items, key=lambda item: item.urgency)


def roles_of(user: AbstractBaseUser) -> list[tuple[str, str]]:
    """The user's roles, as (agency name, role label) pairs, for the page's heading."""
    from_memberships = Agency.objects.filter(memberships__user_id=user.pk).values_list(
        "name", "memberships__role"
    )
    return sorted((name, str(Role(role).label)) for name, role in from_memberships)
