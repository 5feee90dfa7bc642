"""Intake: registering an application that came in at the counter, by post, fax or e-mail; an online
submission; confirming receipt (D2).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gongkai.agencies.models import Agency
from gongkai.applications import clock as clock_module
from gongkai.applications import timeline
from gongkai.applications.clock import Channel
from gongkai.applications.codes import (
    SECRET_LENGTH,
    TRACKING_CODE_LENGTH,
    hash_secret,
    new_code,
    secret_for_submission,
)
from gongkai.applications.errors import CaseError
from gongkai.applications.models import Application, EventKind
from gongkai.applications.services.common import (
    append_event,
    check_date,
    issue_letter,
    lock,
    require_act,
    require_allowed,
)
from gongkai.applications.services.delivery import record_online_receipt
from gongkai.applications.services.refresh import refresh
from gongkai.applications.validators import compact_id
from gongkai.core.actors import Actor, user_of
from gongkai.core.audit import record_audit
from gongkai.core.messages import N_
from gongkai.core.sequences import next_number

#: 《政府信息公开条例》(国务院令第492号) in force: no application can have arrived before.
REGULATIONS_IN_FORCE = datetime.date(2008, 5, 1)


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
        tracking_code=new_code(TRACKING_CODE_LENGTH),
        secret_hash=hash_secret(secret),
        submission_key=submission_key,
        created_by=created_by,
    )
    application.full_clean(exclude=["reference"])
    if application.channel in {c.value for c in clock_module.CHANNELS_NEEDING_CONFIRMATION}:
        if confirmed_on is not None and confirmed_on < timezone.localdate(arrived_at):
            raise CaseError(_("确认收到的日期不能早于申请到达的日期。"), code="confirmed_before_arrival")
        if confirmed_on is not None and confirmed_on > timezone.localdate():
            raise CaseError(_("确认收到的日期不能晚于今天。"), code="future_date")
    elif confirmed_on is not None:
        raise CaseError(
            _("只有平信邮寄、电子邮件和传真提交的申请需要填写确认收到日期。"), code="needless_confirmation"
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
                application.tracking_code = new_code(TRACKING_CODE_LENGTH)
                continue
            raise
    raise RuntimeError("could not allocate a unique tracking code")  # pragma: no cover


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
    require_act(actor, agency=agency)
    if channel == Channel.ONLINE:
        raise CaseError(_("网上申请由申请人在网上提交，无需登记。"), code="online_channel")
    if timezone.localdate(arrived_at) > timezone.localdate():
        raise CaseError(_("申请到达时间不能晚于今天。"), code="future_arrival")
    if timezone.localdate(arrived_at) < REGULATIONS_IN_FORCE:
        raise CaseError(
            _("申请到达日期不能早于《政府信息公开条例》施行之日（%(day)s）。")
            % {"day": REGULATIONS_IN_FORCE},
            code="too_early",
        )
    secret = new_code(SECRET_LENGTH)
    with transaction.atomic():
        application = _build(
            agency=agency,
            applicant=applicant,
            request=request,
            channel=channel,
            arrived_at=arrived_at,
            confirmed_on=confirmed_on,
            pieces=pieces,
            created_by=user_of(actor),
            submission_key=None,
            secret=secret,
        )
        _save_new(application)
        append_event(
            application,
            EventKind.REGISTERED,
            timezone.localdate(arrived_at),
            actor,
            {"channel": channel},
            note,
        )
        if confirmed_on is not None:
            append_event(application, EventKind.RECEIPT_CONFIRMED, confirmed_on, actor)
        refresh(application)
        if application.receipt_date is not None:
            # The 回执 is dated the receipt date: it is what the applicant got when handing it in.
            issue_letter(application, "receipt", actor, application.receipt_date)
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
        raise CaseError(_("表单已失效，请刷新页面后重新提交。"), code="bad_submission_key")
    secret = secret_for_submission(submission_key)

    def same_submission(existing: Application) -> tuple[Application, str, bool]:
        # A repeat (double click) carries the same applicant; anything else is a replayed key, which
        # must not reveal the first case or its secret.
        if (
            existing.id_number != compact_id(applicant.id_number)
            or existing.applicant_name != applicant.name.strip()
        ):
            raise CaseError(_("表单已失效，请刷新页面后重新填写提交。"), code="stale_submission_key")
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
            append_event(
                application, EventKind.SUBMITTED_ONLINE, timezone.localdate(now), None, {"channel": "online"}
            )
            refresh(application)
            if application.receipt_date is not None:
                receipt = issue_letter(application, "receipt", None, application.receipt_date)
                record_online_receipt(application, receipt)
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
    require_act(actor, application)
    with transaction.atomic():
        application = lock(application)
        require_allowed(application, timeline.CONFIRM_RECEIPT, timezone.localdate())
        check_date(confirmed_on, application, N_("确认收到日期"))
        append_event(application, EventKind.RECEIPT_CONFIRMED, confirmed_on, actor)
        refresh(application)
        issue_letter(application, "receipt", actor, timezone.localdate())
        record_audit(
            actor, "application.receipt_confirmed", application, confirmed_on=confirmed_on.isoformat()
        )
    return application
