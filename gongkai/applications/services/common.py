"""The machinery every step shares: the acting user and their right, the case's state, dates,
the row lock, appending an event and issuing the step's letter.

Errors a user can fix raise :class:`~gongkai.applications.errors.CaseError` (a ``ValidationError``
with a Chinese message); a user without the right raises ``PermissionDenied``.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.translation import gettext as _

from gongkai.agencies.models import Agency
from gongkai.applications import lettering, permissions, timeline
from gongkai.applications.errors import CaseError
from gongkai.applications.models import Application, CaseEvent, EventKind
from gongkai.applications.selectors import situation_of
from gongkai.core.actors import Actor, display_name, user_of
from gongkai.core.i18n import render, render_error
from gongkai.workdays.calendar import CalendarNotLoaded
from gongkai.workdays.store import current_calendar


def require_act(
    actor: Actor, application: Application | None = None, *, agency: Agency | None = None
) -> None:
    if actor is None or not permissions.can_act(actor, application, agency=agency):
        raise PermissionDenied(_("您没有办理该机关政府信息公开申请的权限。"))


def require_allowed(application: Application, action: str, today: datetime.date) -> timeline.Situation:
    s = situation_of(application)
    allowed = timeline.allowed_actions(s, today, receipt_date=application.receipt_date)
    if action not in allowed:
        state = (
            _("已办结")
            if s.closed
            else {
                "confirmation": _("尚待确认收到申请"),
                "correction": _("正在等待申请人补正"),
                "payment": _("正在等待申请人缴费"),
                "consultation": _("正在征求意见"),
            }.get(s.waiting_on, _("办理中"))
        )
        raise CaseError(
            _("该申请目前%(state)s，不能“%(action)s”。")
            % {"state": state, "action": render(timeline.ACTION_LABELS[action])},
            code="action_not_allowed",
        )
    return s


def check_date(day: datetime.date, application: Application, label: str) -> None:
    today = timezone.localdate()
    if day > today:
        raise CaseError(
            _("%(label)s（%(day)s）不能晚于今天（%(today)s）。")
            % {"label": render(label), "day": day, "today": today},
            code="future_date",
        )
    arrived = timezone.localdate(application.arrived_at)
    if day < arrived:
        raise CaseError(
            _("%(label)s（%(day)s）不能早于申请到达之日（%(arrived)s）。")
            % {"label": render(label), "day": day, "arrived": arrived},
            code="before_arrival",
        )


def lock(application: Application) -> Application:
    return Application.objects.select_for_update().get(pk=application.pk)


#: Events that move the clock.
CLOCK_KINDS = frozenset(
    {
        EventKind.REGISTERED,
        EventKind.SUBMITTED_ONLINE,
        EventKind.RECEIPT_CONFIRMED,
        EventKind.CORRECTION_REQUESTED,
        EventKind.CORRECTION_RECEIVED,
        EventKind.CONSULTATION_STARTED,
        EventKind.CONSULTATION_ENDED,
        EventKind.EXTENSION_GRANTED,
        EventKind.FEE_NOTICE_ISSUED,
        EventKind.FEE_PAID,
        EventKind.ANSWERED,
        EventKind.WITHDRAWN,
        EventKind.REOPENED,
    }
)
#: Steps that may not be dated before any earlier step of the clock. The end of a consultation and a
#: payment are checked against their own start instead (two consultations may overlap and end in any
#: order).
IN_ORDER = CLOCK_KINDS - {EventKind.CONSULTATION_ENDED, EventKind.FEE_PAID}


def append_event(
    application: Application,
    kind: str,
    occurred_on: datetime.date,
    actor: Actor,
    data: dict[str, Any] | None = None,
    note: str = "",
) -> CaseEvent:
    if kind in IN_ORDER:
        latest = (
            application.events.filter(kind__in=CLOCK_KINDS)
            .order_by("-occurred_on")
            .values_list("occurred_on", "kind")
            .first()
        )
        if latest is not None and occurred_on < latest[0]:
            raise CaseError(
                _(
                    "日期（%(day)s）不能早于本案上一步“%(step)s”的日期（%(previous)s）：办理步骤须按时间顺序登记。"
                )
                % {"day": occurred_on, "step": EventKind(latest[1]).label, "previous": latest[0]},
                code="out_of_order",
            )
    last = application.events.order_by("-seq").values_list("seq", flat=True).first() or 0
    user = user_of(actor)
    return CaseEvent.objects.create(
        application=application,
        seq=last + 1,
        kind=kind,
        occurred_on=occurred_on,
        actor=user,
        actor_label=display_name(user),
        data=data or {},
        note=note,
    )


def working_day_after(on: datetime.date, n: int) -> datetime.date:
    """``n`` working days after ``on``, or a :class:`CaseError` naming the calendar year to load."""
    try:
        return current_calendar().add_working_days(on, n)
    except CalendarNotLoaded as exc:
        raise CaseError(render_error(exc), code="calendar_not_loaded") from exc


def issue_letter(application: Application, kind: str, actor: Actor, on: datetime.date, **extra: Any) -> Any:
    return lettering.issue(application, kind, actor=actor, on=on, **extra)
