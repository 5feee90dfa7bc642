"""The delivery (送达) of a case's letters: how, when and to whom each letter reached its addressee.

Recording a delivery appends a :class:`~gongkai.applications.models.LetterDelivery` and a case event and is
audited, in one transaction with the case row locked. It never moves the clock: whether the answer was in
time is judged on the day the answer was made (作出答复, 条例 第三十三条), not on its delivery (D16).
"""

from __future__ import annotations

import datetime
import re
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gongkai.applications.errors import CaseError
from gongkai.applications.models import (
    Application,
    AttachmentKind,
    CaseAttachment,
    DeliveryMethod,
    EventKind,
    Letter,
    LetterDelivery,
)
from gongkai.applications.services.common import append_event, lock, require_act
from gongkai.core.actors import Actor, display_name, user_of
from gongkai.core.audit import record_audit

#: A postal tracking number (邮件单号): letters, digits and dashes.
TRACKING_NUMBER = re.compile(r"^[A-Za-z0-9-]{5,60}$")


def _check(
    letter: Letter,
    method: str,
    delivered_on: datetime.date,
    tracking_number: str,
    proof: CaseAttachment | None,
    today: datetime.date,
) -> None:
    errors: dict[str, list[str]] = {}
    if method not in DeliveryMethod.values:
        errors["method"] = [_("请选择送达方式。")]
    if method == DeliveryMethod.POST and not tracking_number:
        errors["tracking_number"] = [_("邮寄送达须填写邮件单号（挂号信或 EMS 的单号），以便查证送达日期。")]
    elif tracking_number and not TRACKING_NUMBER.match(tracking_number):
        errors["tracking_number"] = [
            _("邮件单号只能包含字母、数字和连字符（5 至 60 位），请核对后重新填写。")
        ]
    if delivered_on > today:
        errors["delivered_on"] = [
            _("送达日期（%(day)s）不能晚于今天（%(today)s）。") % {"day": delivered_on, "today": today}
        ]
    elif delivered_on < letter.issued_on:
        errors["delivered_on"] = [
            _("送达日期（%(day)s）不能早于文书的出具日期（%(issued)s）。")
            % {"day": delivered_on, "issued": letter.issued_on}
        ]
    if proof is not None and (
        proof.application_id != letter.application_id
        or proof.kind != AttachmentKind.DELIVERY_PROOF
        or proof.removed
    ):
        errors["proof"] = [_("送达凭证须是本案卷中类别为“送达凭证”且未移除的材料，请先上传凭证。")]
    if errors:
        raise CaseError(errors)


def record_delivery(
    *,
    actor: Actor,
    letter: Letter,
    method: str,
    delivered_on: datetime.date,
    tracking_number: str = "",
    recipient: str = "",
    note: str = "",
    proof: CaseAttachment | None = None,
    today: datetime.date | None = None,
) -> LetterDelivery:
    """Record how and when ``letter`` was delivered (the case's officers)."""
    require_act(actor, letter.application)
    tracking_number = tracking_number.strip()
    _check(letter, method, delivered_on, tracking_number, proof, today or timezone.localdate())
    with transaction.atomic():
        application = lock(letter.application)
        return _save(
            application, letter, method, delivered_on, actor, tracking_number, recipient, note, proof
        )


def record_online_receipt(application: Application, letter: Letter) -> LetterDelivery:
    """An online application's receipt (接收回执) reaches the applicant on the submission page itself, where
    it is shown and downloaded: delivered online (网上平台) that day, recorded by the system. Called inside
    the submission's transaction."""
    return _save(application, letter, DeliveryMethod.ONLINE, letter.issued_on, None)


def _save(
    application: Application,
    letter: Letter,
    method: str,
    delivered_on: datetime.date,
    actor: Actor,
    tracking_number: str = "",
    recipient: str = "",
    note: str = "",
    proof: CaseAttachment | None = None,
) -> LetterDelivery:
    user = user_of(actor)
    delivery = LetterDelivery(
        letter=letter,
        method=method,
        delivered_on=delivered_on,
        tracking_number=tracking_number,
        recipient=recipient.strip(),
        note=note.strip(),
        proof=proof,
        recorded_by=user,
        recorded_by_label=display_name(user),
    )
    delivery.full_clean()
    delivery.save()
    details: dict[str, Any] = {
        "delivery_id": delivery.pk,
        "letter_id": letter.pk,
        "title": letter.title,
        "number": letter.number,
        "method": method,
        "tracking_number": tracking_number,
        "proof_id": proof.pk if proof is not None else None,
    }
    append_event(application, EventKind.DELIVERY_RECORDED, delivered_on, actor, details, delivery.note)
    record_audit(actor, "letter.delivery_recorded", application, **details)
    return delivery
