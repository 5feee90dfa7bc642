"""Every step of an application, one function each: permission-checked, validated, audited, atomic.

Each step appends a :class:`~gongkai.applications.models.CaseEvent`, recomputes the case's clock
from all its events (:mod:`gongkai.applications.clock`), keeps the case's cached columns in step,
issues the step's letter and records an audit event — all in one transaction, with the case row
locked so that two officers acting at once are serialised.

Errors a user can fix raise :class:`CaseError` (a ``ValidationError`` with a Chinese message);
a user without the right raises ``PermissionDenied``.
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, cast

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser, User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q, Sum
from django.utils import timezone

from gongkai.agencies.models import Agency
from gongkai.applications import clock as clock_module
from gongkai.applications import permissions, timeline
from gongkai.applications.clock import Channel, Clock, PauseKind
from gongkai.applications.models import (
    Appeal,
    AppealKind,
    AppealResult,
    Application,
    CaseEvent,
    EventKind,
    Status,
)
from gongkai.applications.validators import compact_id
from gongkai.core.audit import record_audit
from gongkai.core.sequences import next_number
from gongkai.statute.fees import (
    PAYMENT_PERIOD_WORKING_DAYS,
    FeeMethod,
    FeeQuote,
    quote_pages,
    quote_pieces,
)
from gongkai.statute.outcomes import ANSWER_OUTCOME_KEYS, OUTCOME_BY_KEY
from gongkai.statute.periods import CONSULTATION_REPLY_WORKING_DAYS
from gongkai.workdays.calendar import CalendarNotLoaded, WorkCalendar
from gongkai.workdays.store import current_calendar

Actor = AbstractBaseUser | AnonymousUser | None

#: Characters of tracking codes and secrets: no 0/O, 1/I/L, so they can be read out on the phone.
_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
TRACKING_CODE_LENGTH = 12  # 31**12 ≈ 2**59
SECRET_LENGTH = 16  # 31**16 ≈ 2**79
#: 《政府信息公开条例》(国务院令第492号) in force: no application can have arrived before.
REGULATIONS_IN_FORCE = datetime.date(2008, 5, 1)
#: Fee quantities beyond this are a typing mistake, not an application.
MAX_FEE_QUANTITY = 100_000


class CaseError(ValidationError):
    """A step that the case's state or the input does not allow; the message says why, in Chinese."""


@dataclass(frozen=True)
class Applicant:
    """The applicant as registered (条例 第二十九条第二款第一项)."""

    applicant_type: str
    name: str
    id_type: str
    id_number: str
    phone: str = ""
    email: str = ""
    address: str = ""
    postcode: str = ""
    contact_person: str = ""

    @classmethod
    def from_form(cls, data: dict[str, Any]) -> Applicant:
        """From a form's ``cleaned_data`` with the model's field names (``applicant_name`` …)."""
        return cls(
            applicant_type=data["applicant_type"],
            name=data["applicant_name"],
            id_type=data["id_type"],
            id_number=data["id_number"],
            phone=data.get("phone", ""),
            email=data.get("email", ""),
            address=data.get("address", ""),
            postcode=data.get("postcode", ""),
            contact_person=data.get("contact_person", ""),
        )


@dataclass(frozen=True)
class Request:
    """What is asked for (第二十九条第二款第二、三项)."""

    description: str
    requested_form: str
    delivery: str

    @classmethod
    def from_form(cls, data: dict[str, Any]) -> Request:
        return cls(data["description"], data["requested_form"], data["delivery"])


# ---------------------------------------------------------------------------------------------
# Reading a case
# ---------------------------------------------------------------------------------------------


def event_records(application: Application) -> list[timeline.EventRecord]:
    # .all() (sorted here, not in SQL) so that a prefetch_related("events") is used.
    events = sorted(application.events.all(), key=lambda e: e.seq)
    return [timeline.EventRecord(e.seq, e.kind, e.occurred_on, e.data) for e in events]


def situation_of(
    application: Application, events: Iterable[timeline.EventRecord] | None = None
) -> timeline.Situation:
    return timeline.situation(
        application.channel,
        timezone.localdate(application.arrived_at),
        application.confirmed_on,
        event_records(application) if events is None else events,
    )


def clock_of(
    application: Application,
    *,
    today: datetime.date | None = None,
    calendar: WorkCalendar | None = None,
    events: Iterable[timeline.EventRecord] | None = None,
) -> Clock:
    """The case's clock as of ``today``. Raises ``CalendarNotLoaded`` for a year with no calendar."""
    s = situation_of(application, events)
    return clock_module.compute(s.facts, calendar or current_calendar(), today or timezone.localdate())


def allowed_actions(application: Application, today: datetime.date | None = None) -> tuple[str, ...]:
    s = situation_of(application)
    return timeline.allowed_actions(s, today or timezone.localdate(), receipt_date=application.receipt_date)


# ---------------------------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------------------------


def _user(actor: Actor) -> User | None:
    return cast(User, actor) if actor is not None and actor.is_authenticated else None


def _require_act(
    actor: Actor, application: Application | None = None, *, agency: Agency | None = None
) -> None:
    if actor is None or not permissions.can_act(actor, application, agency=agency):
        raise PermissionDenied("您没有办理该机关政府信息公开申请的权限。")


def _require_allowed(application: Application, action: str, today: datetime.date) -> timeline.Situation:
    s = situation_of(application)
    allowed = timeline.allowed_actions(s, today, receipt_date=application.receipt_date)
    if action not in allowed:
        state = (
            "已办结"
            if s.closed
            else {
                "confirmation": "尚待确认收到申请",
                "correction": "正在等待申请人补正",
                "payment": "正在等待申请人缴费",
                "consultation": "正在征求意见",
            }.get(s.waiting_on, "办理中")
        )
        raise CaseError(
            f"该申请目前{state}，不能“{timeline.ACTION_LABELS[action]}”。",
            code="action_not_allowed",
        )
    return s


def _check_date(day: datetime.date, application: Application, label: str) -> None:
    today = timezone.localdate()
    if day > today:
        raise CaseError(f"{label}（{day}）不能晚于今天（{today}）。", code="future_date")
    arrived = timezone.localdate(application.arrived_at)
    if day < arrived:
        raise CaseError(f"{label}（{day}）不能早于申请到达之日（{arrived}）。", code="before_arrival")


def _lock(application: Application) -> Application:
    return Application.objects.select_for_update().get(pk=application.pk)


#: Events that move the clock.
_CLOCK_KINDS = frozenset(
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
_IN_ORDER = _CLOCK_KINDS - {EventKind.CONSULTATION_ENDED, EventKind.FEE_PAID}


def _append(
    application: Application,
    kind: str,
    occurred_on: datetime.date,
    actor: Actor,
    data: dict[str, Any] | None = None,
    note: str = "",
) -> CaseEvent:
    if kind in _IN_ORDER:
        latest = (
            application.events.filter(kind__in=_CLOCK_KINDS)
            .order_by("-occurred_on")
            .values_list("occurred_on", "kind")
            .first()
        )
        if latest is not None and occurred_on < latest[0]:
            raise CaseError(
                f"日期（{occurred_on}）不能早于本案上一步“{EventKind(latest[1]).label}”的日期（{latest[0]}）："
                "办理步骤须按时间顺序登记。",
                code="out_of_order",
            )
    last = application.events.order_by("-seq").values_list("seq", flat=True).first() or 0
    user = _user(actor)
    return CaseEvent.objects.create(
        application=application,
        seq=last + 1,
        kind=kind,
        occurred_on=occurred_on,
        actor=user,
        actor_label=user.get_username() if user is not None else "",
        data=data or {},
        note=note,
    )


def refresh(
    application: Application, *, calendar: WorkCalendar | None = None, today: datetime.date | None = None
) -> Clock | None:
    """Recompute the cached columns of ``application`` from its events and save them.

    Returns the clock, or ``None`` when it cannot be computed (the reason is kept in
    ``clock_problem``, e.g. a year whose calendar is not loaded). While a pause runs, the cached due
    date is the one that holds if the pause ends today; ``paused_since`` says so, and the daily
    ``gongkai remind`` refreshes such cases (:func:`refresh_paused_cases`).
    """
    try:
        s = situation_of(application)
        receipt, _rule = clock_module.receipt_date(s.facts)
    except clock_module.ClockError as exc:
        raise CaseError(str(exc), code="inconsistent_dates") from exc
    application.receipt_date = receipt
    application.status = Status.CLOSED if s.closed else Status.OPEN
    application.outcome = s.outcome
    application.answered_on = s.facts.answered_on
    application.counted_answer_on = s.first_answered_on
    application.counted_outcome = s.first_outcome
    application.waiting_on = s.waiting_on
    running = [p.start for p in s.facts.pauses if p.end is None] if not s.closed else []
    result: Clock | None
    try:
        result = clock_module.compute(s.facts, calendar or current_calendar(), today or timezone.localdate())
    except CalendarNotLoaded as exc:
        application.due_date = None
        application.clock_problem = str(exc)[:300]
        result = None
    except clock_module.ClockError as exc:
        raise CaseError(str(exc), code="inconsistent_dates") from exc
    else:
        application.due_date = result.due_date
        application.clock_problem = ""
    # The due date moves only while a pause runs within its own period (the clock says PAUSED).
    still_paused = result is None or result.state == clock_module.ClockState.PAUSED
    application.paused_since = min(running) if running and still_paused else None
    application.save(
        update_fields=[
            "receipt_date",
            "status",
            "outcome",
            "answered_on",
            "counted_answer_on",
            "counted_outcome",
            "waiting_on",
            "paused_since",
            "due_date",
            "clock_problem",
            "updated_at",
        ]
    )
    return result


def refresh_paused_cases(*, today: datetime.date | None = None) -> int:
    """Bring the cached due dates of open cases with a running pause up to today; returns how many moved."""
    calendar = current_calendar()
    moved = 0
    with transaction.atomic():
        for application in (
            Application.objects.filter(status=Status.OPEN, paused_since__isnull=False)
            .select_for_update()
            .order_by("pk")
        ):
            before = application.due_date
            refresh(application, calendar=calendar, today=today)
            moved += application.due_date != before
    return moved


def _working_day_after(on: datetime.date, n: int) -> datetime.date:
    """``n`` working days after ``on``, or a :class:`CaseError` naming the calendar year to load."""
    try:
        return current_calendar().add_working_days(on, n)
    except CalendarNotLoaded as exc:
        raise CaseError(str(exc), code="calendar_not_loaded") from exc


def _issue_letter(application: Application, kind: str, actor: Actor, on: datetime.date, **extra: Any) -> Any:
    from gongkai.applications import lettering

    return lettering.issue(application, kind, actor=actor, on=on, **extra)


def _new_code(length: int) -> str:
    return "".join(secrets.choice(_ALPHABET) for _ in range(length))


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.strip().upper().encode()).hexdigest()


def check_secret(application: Application, secret: str) -> bool:
    return hmac.compare_digest(application.secret_hash, hash_secret(secret))


def _secret_for_submission(submission_key: str) -> str:
    """The secret of an online submission, derived from its key so a repeated POST shows the same one."""
    digest = hmac.new(
        settings.SECRET_KEY.encode(), f"gongkai.application|{submission_key}".encode(), "sha256"
    )
    value = int.from_bytes(digest.digest(), "big")
    chars = []
    for _ in range(SECRET_LENGTH):
        value, index = divmod(value, len(_ALPHABET))
        chars.append(_ALPHABET[index])
    return "".join(chars)


def format_tracking_code(code: str) -> str:
    """``ABCD-EFGH-JKMN`` for display."""
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


def normalize_tracking_code(value: str) -> str:
    return "".join(ch for ch in value.upper() if ch.isalnum())


def _build(
    *,
    agency: Agency,
    applicant: Applicant,
    request: Request,
    channel: str,
    arrived_at: datetime.datetime,
    confirmed_on: datetime.date | None,
    pieces: int,
    created_by: User | None,
    submission_key: str | None,
    secret: str,
) -> Application:
    application = Application(
        agency=agency,
        reference="pending",
        applicant_type=applicant.applicant_type,
        applicant_name=applicant.name.strip(),
        id_type=applicant.id_type,
        id_number=compact_id(applicant.id_number),
        contact_person=applicant.contact_person.strip(),
        phone=applicant.phone.strip(),
        email=applicant.email.strip(),
        address=applicant.address.strip(),
        postcode=applicant.postcode.strip(),
        description=request.description.strip(),
        requested_form=request.requested_form,
        delivery=request.delivery,
        channel=channel,
        arrived_at=arrived_at,
        confirmed_on=confirmed_on,
        pieces=pieces,
        tracking_code=_new_code(TRACKING_CODE_LENGTH),
        secret_hash=hash_secret(secret),
        submission_key=submission_key,
        created_by=created_by,
    )
    application.full_clean(exclude=["reference"])
    if application.channel in {c.value for c in clock_module.CHANNELS_NEEDING_CONFIRMATION}:
        if confirmed_on is not None and confirmed_on < timezone.localdate(arrived_at):
            raise CaseError("确认收到的日期不能早于申请到达的日期。", code="confirmed_before_arrival")
        if confirmed_on is not None and confirmed_on > timezone.localdate():
            raise CaseError("确认收到的日期不能晚于今天。", code="future_date")
    elif confirmed_on is not None:
        raise CaseError(
            "只有平信邮寄、电子邮件和传真提交的申请需要填写确认收到日期。", code="needless_confirmation"
        )
    return application


def _save_new(application: Application) -> None:
    """Give the case its registration number and save it (retrying a tracking-code collision)."""
    year = timezone.localdate(application.arrived_at).year
    application.reference = f"{year}-{next_number('application', application.agency_id, year):05d}"
    for _attempt in range(5):
        try:
            with transaction.atomic():
                application.save()
            return
        except IntegrityError:
            if Application.objects.filter(tracking_code=application.tracking_code).exists():
                application.tracking_code = _new_code(TRACKING_CODE_LENGTH)
                continue
            raise
    raise RuntimeError("could not allocate a unique tracking code")  # pragma: no cover


# ---------------------------------------------------------------------------------------------
# Intake
# ---------------------------------------------------------------------------------------------


def register(
    *,
    actor: Actor,
    agency: Agency,
    applicant: Applicant,
    request: Request,
    channel: str,
    arrived_at: datetime.datetime,
    confirmed_on: datetime.date | None = None,
    pieces: int = 1,
    note: str = "",
) -> tuple[Application, str]:
    """Register an application that came in at the counter, by post, fax or e-mail.

    Returns the case and its status-page secret (shown to the officer once, printed on the receipt).
    """
    _require_act(actor, agency=agency)
    if channel == Channel.ONLINE:
        raise CaseError("网上申请由申请人在网上提交，无需登记。", code="online_channel")
    if timezone.localdate(arrived_at) > timezone.localdate():
        raise CaseError("申请到达时间不能晚于今天。", code="future_arrival")
    if timezone.localdate(arrived_at) < REGULATIONS_IN_FORCE:
        raise CaseError(
            f"申请到达日期不能早于《政府信息公开条例》施行之日（{REGULATIONS_IN_FORCE}）。", code="too_early"
        )
    secret = _new_code(SECRET_LENGTH)
    with transaction.atomic():
        application = _build(
            agency=agency,
            applicant=applicant,
            request=request,
            channel=channel,
            arrived_at=arrived_at,
            confirmed_on=confirmed_on,
            pieces=pieces,
            created_by=_user(actor),
            submission_key=None,
            secret=secret,
        )
        _save_new(application)
        _append(
            application,
            EventKind.REGISTERED,
            timezone.localdate(arrived_at),
            actor,
            {"channel": channel},
            note,
        )
        if confirmed_on is not None:
            _append(application, EventKind.RECEIPT_CONFIRMED, confirmed_on, actor)
        refresh(application)
        if application.receipt_date is not None:
            # The 回执 is dated the receipt date: it is what the applicant got when handing it in.
            _issue_letter(application, "receipt", actor, application.receipt_date)
        record_audit(
            actor, "application.registered", application, channel=channel, reference=application.reference
        )
    return application, secret


def submit_online(
    *,
    agency: Agency,
    applicant: Applicant,
    request: Request,
    submission_key: str,
) -> tuple[Application, str, bool]:
    """An application submitted on the public form (D2: received the day it is submitted).

    Idempotent on ``submission_key`` (the form's one-time key): submitting the same form twice
    returns the first case. Returns ``(case, secret, created)``.
    """
    if not submission_key or len(submission_key) > 64:
        raise CaseError("表单已失效，请刷新页面后重新提交。", code="bad_submission_key")
    secret = _secret_for_submission(submission_key)

    def same_submission(existing: Application) -> tuple[Application, str, bool]:
        # A repeat (double click) carries the same applicant; anything else is a replayed key, which
        # must not reveal the first case or its secret.
        if (
            existing.id_number != compact_id(applicant.id_number)
            or existing.applicant_name != applicant.name.strip()
        ):
            raise CaseError("表单已失效，请刷新页面后重新填写提交。", code="stale_submission_key")
        return existing, secret, False

    existing = Application.objects.filter(submission_key=submission_key).first()
    if existing is not None:
        return same_submission(existing)
    now = timezone.now()
    try:
        with transaction.atomic():
            application = _build(
                agency=agency,
                applicant=applicant,
                request=request,
                channel=Channel.ONLINE,
                arrived_at=now,
                confirmed_on=None,
                pieces=1,
                created_by=None,
                submission_key=submission_key,
                secret=secret,
            )
            _save_new(application)
            _append(
                application, EventKind.SUBMITTED_ONLINE, timezone.localdate(now), None, {"channel": "online"}
            )
            refresh(application)
            if application.receipt_date is not None:
                _issue_letter(application, "receipt", None, application.receipt_date)
            record_audit(None, "application.submitted_online", application, reference=application.reference)
    except IntegrityError:
        # A concurrent identical submission won the race: return its case.
        existing = Application.objects.filter(submission_key=submission_key).first()
        if existing is None:
            raise
        return same_submission(existing)
    return application, secret, True


def confirm_receipt(*, actor: Actor, application: Application, confirmed_on: datetime.date) -> Application:
    """Ordinary post, e-mail, fax: the day the office and the applicant confirm receipt (D2)."""
    _require_act(actor, application)
    with transaction.atomic():
        application = _lock(application)
        _require_allowed(application, timeline.CONFIRM_RECEIPT, timezone.localdate())
        _check_date(confirmed_on, application, "确认收到日期")
        _append(application, EventKind.RECEIPT_CONFIRMED, confirmed_on, actor)
        refresh(application)
        _issue_letter(application, "receipt", actor, timezone.localdate())
        record_audit(
            actor, "application.receipt_confirmed", application, confirmed_on=confirmed_on.isoformat()
        )
    return application


# ---------------------------------------------------------------------------------------------
# Correction (补正, 第三十条)
# ---------------------------------------------------------------------------------------------


def request_correction(
    *,
    actor: Actor,
    application: Application,
    on: datetime.date,
    items: str,
    period_end: datetime.date,
) -> Application:
    """Send the one-time correction notice, naming what to correct and a reasonable period."""
    _require_act(actor, application)
    items = items.strip()
    if not items:
        raise CaseError("请写明需要补正的事项（条例第三十条要求一次性告知）。", code="no_items")
    with transaction.atomic():
        application = _lock(application)
        _require_allowed(application, timeline.REQUEST_CORRECTION, timezone.localdate())
        _check_date(on, application, "补正告知日期")
        if period_end <= on:
            raise CaseError("补正期限应晚于告知日期。", code="bad_period")
        _append(
            application,
            EventKind.CORRECTION_REQUESTED,
            on,
            actor,
            {"items": items, "period_end": period_end.isoformat()},
        )
        refresh(application)
        _issue_letter(application, "correction", actor, on, items=items, period_end=period_end)
        record_audit(actor, "application.correction_requested", application, on=on.isoformat())
    return application


def record_correction(
    *, actor: Actor, application: Application, on: datetime.date, note: str = ""
) -> Application:
    """The corrected application arrived: the answer period restarts from this day (第三十条)."""
    _require_act(actor, application)
    with transaction.atomic():
        application = _lock(application)
        s = _require_allowed(application, timeline.RECORD_CORRECTION, timezone.localdate())
        _check_date(on, application, "收到补正日期")
        requested = s.facts.correction_requested_on
        if requested is not None and on < requested:
            raise CaseError(
                f"收到补正的日期不能早于发出补正告知的日期（{requested}）。", code="before_request"
            )
        _append(application, EventKind.CORRECTION_RECEIVED, on, actor, note=note)
        refresh(application)
        record_audit(actor, "application.correction_received", application, on=on.isoformat())
    return application


def lapse_correction(*, actor: Actor, application: Application, on: datetime.date) -> Application:
    """No correction within the period: deemed abandoned, processing stops (第三十条; row （六）1)."""
    return _close_with_outcome(
        actor=actor,
        application=application,
        on=on,
        action=timeline.LAPSE_CORRECTION,
        audit_action="application.correction_lapsed",
        outcome="other_no_correction",
        reasons="申请人未在补正期限内补正，且无正当理由。",
    )


# ---------------------------------------------------------------------------------------------
# Consultations (第三十二、三十三、三十四条)
# ---------------------------------------------------------------------------------------------


def start_consultation(
    *,
    actor: Actor,
    application: Application,
    on: datetime.date,
    kind: str,
    consultee: str,
    subject: str = "",
) -> CaseEvent:
    """Send a request for opinions; the clock stops from the next day until the reply (D5)."""
    _require_act(actor, application)
    pause_kind = PauseKind(kind)
    if pause_kind == PauseKind.FEE:
        raise CaseError("收费通知请用“发出收费通知”。", code="fee_is_not_consultation")
    if pause_kind == PauseKind.UNSPECIFIED:
        raise CaseError("请选择征求意见的对象类型（第三方、共同制作机关或其他机关）。", code="bad_kind")
    consultee = consultee.strip()
    if not consultee:
        raise CaseError("请填写征求意见的对象（第三方或机关名称）。", code="no_consultee")
    with transaction.atomic():
        application = _lock(application)
        _require_allowed(application, timeline.START_CONSULTATION, timezone.localdate())
        _check_date(on, application, "征求意见日期")
        reply_due = _working_day_after(on, CONSULTATION_REPLY_WORKING_DAYS)
        event = _append(
            application,
            EventKind.CONSULTATION_STARTED,
            on,
            actor,
            {
                "kind": pause_kind.value,
                "consultee": consultee,
                "subject": subject,
                "reply_due": reply_due.isoformat(),
            },
        )
        refresh(application)
        if pause_kind in {PauseKind.THIRD_PARTY, PauseKind.CO_PRODUCER}:
            _issue_letter(
                application,
                pause_kind.value,
                actor,
                on,
                consultee=consultee,
                subject=subject,
                reply_due=reply_due,
                for_applicant=False,
            )
        record_audit(
            actor, "application.consultation_started", application, kind=pause_kind.value, on=on.isoformat()
        )
    return event


def end_consultation(
    *,
    actor: Actor,
    application: Application,
    started_seq: int,
    on: datetime.date,
    opinion: str = "",
) -> Application:
    """The reply arrived (or the 15-working-day period ran out): the clock runs again after ``on``."""
    _require_act(actor, application)
    with transaction.atomic():
        application = _lock(application)
        s = _require_allowed(application, timeline.END_CONSULTATION, timezone.localdate())
        pause = next((p for p in s.open_pauses if p.seq == started_seq), None)
        if pause is None:
            raise CaseError("没有找到这项正在进行的征求意见。", code="no_such_consultation")
        if on < pause.start:
            raise CaseError("征求意见结束日期不能早于开始日期。", code="end_before_start")
        _check_date(on, application, "征求意见结束日期")
        _append(application, EventKind.CONSULTATION_ENDED, on, actor, {"started_seq": started_seq}, opinion)
        refresh(application)
        record_audit(actor, "application.consultation_ended", application, started_seq=started_seq)
    return application


# ---------------------------------------------------------------------------------------------
# Extension (第三十三条第二款)
# ---------------------------------------------------------------------------------------------


def grant_extension(
    *,
    actor: Actor,
    application: Application,
    on: datetime.date,
    approver: AbstractBaseUser,
    reason: str,
) -> Application:
    """Extend the answer period by 20 working days, approved by the head of the OGI office.

    The approval must be given on or before the original due date.
    """
    _require_act(actor, application)
    if not permissions.can_approve_extension(approver, application.agency):
        raise CaseError(
            "延期答复须经政府信息公开工作机构负责人批准：所选批准人不是本机关的工作机构负责人。",
            code="approver_not_head",
        )
    if not reason.strip():
        raise CaseError("请写明延期的理由。", code="no_reason")
    with transaction.atomic():
        application = _lock(application)
        _require_allowed(application, timeline.GRANT_EXTENSION, timezone.localdate())
        _check_date(on, application, "批准延期日期")
        try:
            current = clock_of(application, today=on)
        except CalendarNotLoaded as exc:
            raise CaseError(str(exc), code="calendar_not_loaded") from exc
        if current.due_date is None:
            raise CaseError("答复期限尚未确定，不能延期。", code="no_due_date")
        if on > current.due_date:
            raise CaseError(
                f"延期须在原答复期限（{current.due_date}）届满前决定并告知申请人；已超过期限，不能延期。",
                code="extension_too_late",
            )
        _append(
            application,
            EventKind.EXTENSION_GRANTED,
            on,
            actor,
            {
                "approved_by_head": True,
                "approver_id": approver.pk,
                "approver": approver.get_username(),
                "original_due_date": current.due_date.isoformat(),
            },
            reason.strip(),
        )
        refresh(application)
        _issue_letter(
            application, "extension", actor, on, original_due=current.due_date, reason=reason.strip()
        )
        record_audit(actor, "application.extension_granted", application, approver=approver.get_username())
    return application


# ---------------------------------------------------------------------------------------------
# Fees (国办函〔2020〕109号)
# ---------------------------------------------------------------------------------------------


def earlier_pieces_this_month(application: Application) -> int:
    """Pieces of the same applicant received by the same agency earlier in the same natural month."""
    receipt = application.receipt_date
    if receipt is None:
        return 0
    month_start = receipt.replace(day=1)
    earlier = (
        Application.objects.filter(
            agency_id=application.agency_id,
            id_number=application.id_number,
            receipt_date__gte=month_start,
            receipt_date__lte=receipt,
        )
        .exclude(pk=application.pk)
        .exclude(receipt_date=receipt, pk__gt=application.pk)
        .aggregate(total=Sum("pieces"))["total"]
    )
    return int(earlier or 0)


def quote_fee(application: Application, method: str, quantity: int | None = None) -> FeeQuote:
    if FeeMethod(method) == FeeMethod.PIECES:
        pieces = quantity or application.pieces
        if not 1 <= pieces <= MAX_FEE_QUANTITY:
            raise CaseError(f"件数应在1至{MAX_FEE_QUANTITY}之间。", code="bad_quantity")
        return quote_pieces(pieces, earlier_this_month=earlier_pieces_this_month(application))
    if quantity is None or not 1 <= quantity <= MAX_FEE_QUANTITY:
        raise CaseError(f"按量计收请填写页数（1至{MAX_FEE_QUANTITY}）。", code="bad_quantity")
    return quote_pages(quantity)


def issue_fee_notice(
    *,
    actor: Actor,
    application: Application,
    on: datetime.date,
    method: str,
    quantity: int | None = None,
) -> Application:
    """Send the 收费通知: the clock stops until payment; unpaid in 20 working days = abandoned."""
    _require_act(actor, application)
    with transaction.atomic():
        application = _lock(application)
        _require_allowed(application, timeline.ISSUE_FEE_NOTICE, timezone.localdate())
        _check_date(on, application, "收费通知日期")
        quote = quote_fee(application, method, quantity)
        if quote.amount == 0:
            raise CaseError(
                "按国办函〔2020〕109号的标准，本申请不收费（未超过免费额度），无需发出收费通知。",
                code="fee_is_zero",
            )
        payment_due = _working_day_after(on, PAYMENT_PERIOD_WORKING_DAYS)
        _append(
            application,
            EventKind.FEE_NOTICE_ISSUED,
            on,
            actor,
            {
                "method": quote.method.value,
                "quantity": quote.quantity,
                "earlier": quote.earlier,
                "amount": quote.amount,
                "payment_due": payment_due.isoformat(),
                "explanation": quote.explanation(),
            },
        )
        refresh(application)
        _issue_letter(application, "fee", actor, on, quote=quote, payment_due=payment_due)
        record_audit(
            actor, "application.fee_notice_issued", application, amount=quote.amount, method=quote.method
        )
    return application


def record_payment(*, actor: Actor, application: Application, on: datetime.date) -> Application:
    _require_act(actor, application)
    with transaction.atomic():
        application = _lock(application)
        s = _require_allowed(application, timeline.RECORD_PAYMENT, on)
        _check_date(on, application, "缴费日期")
        notice = next((p.start for p in s.facts.pauses if p.kind == PauseKind.FEE and p.end is None), None)
        if notice is not None and on < notice:
            raise CaseError(f"缴费日期不能早于发出收费通知的日期（{notice}）。", code="before_notice")
        _append(application, EventKind.FEE_PAID, on, actor)
        refresh(application)
        record_audit(actor, "application.fee_paid", application, on=on.isoformat())
    return application


def lapse_fee(*, actor: Actor, application: Application, on: datetime.date) -> Application:
    """Not paid within 20 working days: deemed abandoned (109号; row （六）2)."""
    return _close_with_outcome(
        actor=actor,
        application=application,
        on=on,
        action=timeline.LAPSE_FEE,
        audit_action="application.fee_lapsed",
        outcome="other_no_fee",
        reasons="申请人未在收费通知规定的期限内缴纳信息处理费。",
    )


# ---------------------------------------------------------------------------------------------
# Answer, withdrawal, reopening
# ---------------------------------------------------------------------------------------------


def answer(
    *,
    actor: Actor,
    application: Application,
    on: datetime.date,
    outcome: str,
    legal_basis: str = "",
    reasons: str = "",
    how_to_obtain: str = "",
    responsible_agency: str = "",
) -> Application:
    """Answer with exactly one statutory outcome (第三十六—三十九条) and issue the 答复书."""
    _require_act(actor, application)
    if outcome not in ANSWER_OUTCOME_KEYS:
        raise CaseError("请从法定答复类型中选择一项。", code="bad_outcome")
    chosen = OUTCOME_BY_KEY[outcome]
    errors: dict[str, str] = {}
    if chosen.requires_reasons and not reasons.strip():
        errors["reasons"] = f"“{chosen.group_label}”的答复须说明理由。"
    if chosen.group in {"denied", "unable", "rejected"} and not legal_basis.strip():
        errors["legal_basis"] = f"“{chosen.group_label}”的答复须写明法律依据（如{chosen.basis}）。"
    if outcome == "unable_not_responsible" and not responsible_agency.strip():
        errors["responsible_agency"] = (
            "能够确定负责公开的机关的，应告知其名称和联系方式（条例第三十六条第五项）。"
        )
    if outcome in {"granted", "already_public"} and not how_to_obtain.strip():
        errors["how_to_obtain"] = "请写明获取信息的方式、途径或时间（条例第三十六条第一、二项）。"
    if errors:
        raise CaseError(errors)
    return _close_with_outcome(
        actor=actor,
        application=application,
        on=on,
        action=timeline.ANSWER,
        outcome=outcome,
        legal_basis=legal_basis.strip(),
        reasons=reasons.strip(),
        how_to_obtain=how_to_obtain.strip(),
        responsible_agency=responsible_agency.strip(),
    )


def _close_with_outcome(
    *,
    actor: Actor,
    application: Application,
    on: datetime.date,
    action: str,
    outcome: str,
    audit_action: str = "application.answered",
    legal_basis: str = "",
    reasons: str = "",
    how_to_obtain: str = "",
    responsible_agency: str = "",
) -> Application:
    _require_act(actor, application)
    with transaction.atomic():
        application = _lock(application)
        _require_allowed(application, action, on)
        _check_date(on, application, "答复日期")
        if application.receipt_date is not None and on < application.receipt_date:
            raise CaseError("答复日期不能早于收到申请之日。", code="answer_before_receipt")
        data = {
            "outcome": outcome,
            "legal_basis": legal_basis,
            "reasons": reasons,
            "how_to_obtain": how_to_obtain,
            "responsible_agency": responsible_agency,
        }
        _append(application, EventKind.ANSWERED, on, actor, data)
        refresh(application)
        _issue_letter(application, "answer", actor, on, **data)
        record_audit(actor, audit_action, application, outcome=outcome, on=on.isoformat())
    return application


def withdraw(*, actor: Actor, application: Application, on: datetime.date, note: str = "") -> Application:
    """The applicant withdrew the application (D7: counted in （六）3 其他)."""
    _require_act(actor, application)
    with transaction.atomic():
        application = _lock(application)
        _require_allowed(application, timeline.WITHDRAW, timezone.localdate())
        _check_date(on, application, "撤回日期")
        if application.receipt_date is not None and on < application.receipt_date:
            raise CaseError("撤回日期不能早于收到申请之日。", code="withdrawn_before_receipt")
        _append(application, EventKind.WITHDRAWN, on, actor, {"outcome": "withdrawn"}, note)
        refresh(application)
        record_audit(actor, "application.withdrawn", application, on=on.isoformat())
    return application


def reopen(
    *,
    actor: Actor,
    application: Application,
    on: datetime.date,
    appeal: Appeal | None = None,
    fixed_due_date: datetime.date | None = None,
    note: str = "",
) -> Application:
    """Handle the case again because a reconsideration decision or a judgment ordered a new answer."""
    _require_act(actor, application)
    if not note.strip() and appeal is None:
        raise CaseError("请说明重新办理的依据（复议决定书或判决书）。", code="no_basis")
    with transaction.atomic():
        application = _lock(application)
        _require_allowed(application, timeline.REOPEN, timezone.localdate())
        _check_date(on, application, "收到决定日期")
        if application.answered_on is not None and on < application.answered_on:
            raise CaseError(
                f"收到复议决定或判决的日期不能早于原答复日期（{application.answered_on}）。",
                code="before_answer",
            )
        if appeal is not None and appeal.application_id != application.pk:
            raise CaseError("所选的复议或诉讼不属于本申请。", code="foreign_appeal")
        if fixed_due_date is not None and fixed_due_date < on:
            raise CaseError("决定确定的答复期限不能早于收到决定之日。", code="bad_fixed_due")
        _append(
            application,
            EventKind.REOPENED,
            on,
            actor,
            {
                "appeal_id": appeal.pk if appeal else None,
                "fixed_due_date": fixed_due_date.isoformat() if fixed_due_date else None,
            },
            note.strip(),
        )
        refresh(application)
        record_audit(actor, "application.reopened", application, appeal_id=appeal.pk if appeal else None)
    return application


# ---------------------------------------------------------------------------------------------
# Appeals (表四, D8)
# ---------------------------------------------------------------------------------------------


def record_appeal(
    *,
    actor: Actor,
    application: Application,
    kind: str,
    filed_on: datetime.date,
    body: str,
    case_number: str = "",
    after_reconsideration: Appeal | None = None,
    note: str = "",
) -> Appeal:
    _require_act(actor, application)
    kind = AppealKind(kind)
    if after_reconsideration is not None:
        if kind != AppealKind.LITIGATION:
            raise CaseError("只有行政诉讼可以是“复议后起诉”。", code="bad_after_reconsideration")
        if (
            after_reconsideration.application_id != application.pk
            or after_reconsideration.kind != AppealKind.RECONSIDERATION
        ):
            raise CaseError("所选的行政复议不属于本申请。", code="foreign_reconsideration")
    if not body.strip():
        raise CaseError("请填写复议机关或人民法院的名称。", code="no_body")
    with transaction.atomic():
        application = _lock(application)
        _check_date(filed_on, application, "申请复议或起诉日期")
        appeal = Appeal(
            application=application,
            agency=application.agency,
            kind=kind,
            after_reconsideration=after_reconsideration,
            filed_on=filed_on,
            body=body.strip(),
            case_number=case_number.strip(),
            note=note.strip(),
        )
        appeal.full_clean()
        appeal.save()
        _append(
            application,
            EventKind.APPEAL_RECORDED,
            filed_on,
            actor,
            {"appeal_id": appeal.pk, "kind": kind.value, "group": appeal.group, "body": appeal.body},
        )
        record_audit(actor, "appeal.recorded", appeal, agency=application.agency, kind=kind.value)
    return appeal


def conclude_appeal(
    *, actor: Actor, appeal: Appeal, result: str, concluded_on: datetime.date, note: str = ""
) -> Appeal:
    _require_act(actor, appeal.application)
    result = AppealResult(result)
    with transaction.atomic():
        appeal = Appeal.objects.select_for_update().get(pk=appeal.pk)
        if appeal.result:
            raise CaseError("该复议或诉讼已经审结。", code="already_concluded")
        if concluded_on < appeal.filed_on:
            raise CaseError("审结日期不能早于申请或起诉日期。", code="concluded_before_filed")
        if concluded_on > timezone.localdate():
            raise CaseError("审结日期不能晚于今天。", code="future_date")
        appeal.result = result
        appeal.concluded_on = concluded_on
        if note.strip():
            appeal.note = (appeal.note + "\n" + note.strip()).strip()
        appeal.full_clean()
        appeal.save()
        application = _lock(appeal.application)
        _append(
            application,
            EventKind.APPEAL_CONCLUDED,
            concluded_on,
            actor,
            {"appeal_id": appeal.pk, "result": result.value},
            note.strip(),
        )
        record_audit(actor, "appeal.concluded", appeal, agency=appeal.agency, result=result.value)
    return appeal


# ---------------------------------------------------------------------------------------------
# Personal data and the calendar
# ---------------------------------------------------------------------------------------------


def reveal_applicant(*, actor: Actor, application: Application) -> dict[str, str]:
    """The applicant's personal data for the agency's staff; every view is audited."""
    if actor is None or not permissions.can_see_applicant(actor, application):
        raise PermissionDenied("只有本机关的工作人员可以查看申请人的个人信息。")
    record_audit(actor, "application.applicant_viewed", application)
    return {
        "id_type": application.get_id_type_display(),
        "id_number": application.id_number,
        "phone": application.phone,
        "email": application.email,
        "address": application.address,
        "postcode": application.postcode,
        "contact_person": application.contact_person,
    }


def recompute_open_cases(*, years: Iterable[int], actor: Actor = None) -> int:
    """After a calendar change: recompute every open case's due date, logging each change on the case.

    Returns the number of cases whose due date changed. Runs inside the caller's transaction.
    """
    calendar = current_calendar()
    changed = 0
    years_list = sorted(set(years))
    # A due date before the first changed year was fixed by days that did not change.
    first_day = datetime.date(years_list[0], 1, 1) if years_list else datetime.date.min
    queryset = (
        Application.objects.filter(status=Status.OPEN)
        .filter(Q(due_date__isnull=True) | Q(due_date__gte=first_day) | Q(paused_since__isnull=False))
        .select_for_update()
        .order_by("pk")
        .prefetch_related("events")
    )
    for application in queryset.iterator(chunk_size=500):
        old_due, old_problem = application.due_date, application.clock_problem
        refresh(application, calendar=calendar)
        if application.due_date != old_due or application.clock_problem != old_problem:
            changed += 1
            _append(
                application,
                EventKind.DUE_DATE_RECOMPUTED,
                timezone.localdate(),
                actor,
                {
                    "years": years_list,
                    "old_due_date": old_due.isoformat() if old_due else None,
                    "new_due_date": application.due_date.isoformat() if application.due_date else None,
                    "problem": application.clock_problem,
                },
            )
            record_audit(
                actor,
                "application.due_date_recomputed",
                application,
                years=years_list,
                old=old_due.isoformat() if old_due else None,
                new=application.due_date.isoformat() if application.due_date else None,
            )
    return changed
