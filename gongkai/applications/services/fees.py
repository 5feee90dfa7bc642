"""Fees (国办函〔2020〕109号): the quote, the fee notice, the payment and the lapse."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gongkai.applications import timeline
from gongkai.applications.clock import PauseKind
from gongkai.applications.errors import CaseError
from gongkai.applications.models import Application, EventKind
from gongkai.applications.selectors import earlier_pieces_this_month
from gongkai.applications.services.answers import close_with_outcome
from gongkai.applications.services.common import (
    append_event,
    check_date,
    issue_letter,
    lock,
    require_act,
    require_allowed,
    working_day_after,
)
from gongkai.applications.services.refresh import refresh
from gongkai.core.actors import Actor
from gongkai.core.audit import record_audit
from gongkai.core.messages import N_
from gongkai.statute.fees import PAYMENT_PERIOD_WORKING_DAYS, FeeMethod, FeeQuote, quote_pages, quote_pieces

#: Fee quantities beyond this are a typing mistake, not an application.
MAX_FEE_QUANTITY = 100_000


def quote_fee(application: Application, method: str, quantity: int | None = None) -> FeeQuote:
    if FeeMethod(method) == FeeMethod.PIECES:
        pieces = quantity or application.pieces
        if not 1 <= pieces <= MAX_FEE_QUANTITY:
            raise CaseError(_("件数应在1至%(max)s之间。") % {"max": MAX_FEE_QUANTITY}, code="bad_quantity")
        return quote_pieces(pieces, earlier_this_month=earlier_pieces_this_month(application))
    if quantity is None or not 1 <= quantity <= MAX_FEE_QUANTITY:
        raise CaseError(
            _("按量计收请填写页数（1至%(max)s）。") % {"max": MAX_FEE_QUANTITY}, code="bad_quantity"
        )
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
    require_act(actor, application)
    with transaction.atomic():
        application = lock(application)
        require_allowed(application, timeline.ISSUE_FEE_NOTICE, timezone.localdate())
        check_date(on, application, N_("收费通知日期"))
        quote = quote_fee(application, method, quantity)
        if quote.amount == 0:
            raise CaseError(
                _("按国办函〔2020〕109号的标准，本申请不收费（未超过免费额度），无需发出收费通知。"),
                code="fee_is_zero",
            )
        payment_due = working_day_after(on, PAYMENT_PERIOD_WORKING_DAYS)
        append_event(
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
        issue_letter(application, "fee", actor, on, quote=quote, payment_due=payment_due)
        record_audit(
            actor, "application.fee_notice_issued", application, amount=quote.amount, method=quote.method
        )
    return application


def record_payment(*, actor: Actor, application: Application, on: datetime.date) -> Application:
    require_act(actor, application)
    with transaction.atomic():
        application = lock(application)
        s = require_allowed(application, timeline.RECORD_PAYMENT, on)
        check_date(on, application, N_("缴费日期"))
        notice = next((p.start for p in s.facts.pauses if p.kind == PauseKind.FEE and p.end is None), None)
        if notice is not None and on < notice:
            raise CaseError(
                _("缴费日期不能早于发出收费通知的日期（%(day)s）。") % {"day": notice}, code="before_notice"
            )
        append_event(application, EventKind.FEE_PAID, on, actor)
        refresh(application)
        record_audit(actor, "application.fee_paid", application, on=on.isoformat())
    return application


def lapse_fee(*, actor: Actor, application: Application, on: datetime.date) -> Application:
    """Not paid within 20 working days: deemed abandoned (109号; row （六）2)."""
    return close_with_outcome(
        actor=actor,
        application=application,
        on=on,
        action=timeline.LAPSE_FEE,
        audit_action="application.fee_lapsed",
        outcome="other_no_fee",
        reasons="申请人未在收费通知规定的期限内缴纳信息处理费。",
    )
