"""Issue a case's letters: fill a :class:`~gongkai.letters.context.LetterContext` from the case and
store it as a :class:`~gongkai.applications.models.Letter` with its number.

Called by the services inside their transaction, so a letter exists exactly when its step does: its
record (number, date, kind, title, text, and the layout its .docx will print) is written there, and a
broken template refuses the step before anything is saved. The .docx itself (tens of milliseconds, and
large) is made after the request by the ``applications.render_letter`` job (:func:`render`, idempotent:
a letter is rendered once, from its stored layout, and a second run changes nothing). With
``GONGKAI_LETTERS_INLINE`` on, it is made in the step's transaction as before (no worker needed).
"""

from __future__ import annotations

import dataclasses
import datetime
from typing import Any, cast

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gongkai.applications import clock as clock_module
from gongkai.applications import letter_files
from gongkai.applications.codes import format_tracking_code
from gongkai.applications.errors import CaseError
from gongkai.applications.models import Application, CaseEvent, EventKind, Letter
from gongkai.applications.selectors import clock_of
from gongkai.core.actors import Actor, display_name, user_of
from gongkai.core.messages import N_
from gongkai.jobs import services as jobs
from gongkai.letters.agency_context import agency_fields
from gongkai.letters.compose import LetterRenderError
from gongkai.letters.context import LetterContext
from gongkai.letters.kinds import LetterKind
from gongkai.letters.numbering import next_letter_number
from gongkai.letters.render import compose_letter, docx_of, layout_of, render_text
from gongkai.statute.fees import METHOD_LABELS, FeeQuote
from gongkai.statute.outcomes import OUTCOME_BY_KEY

PAYMENT_INSTRUCTIONS = (
    "请按本通知载明的金额，通过非税收入缴款渠道缴入国库（政府收支分类科目103049950“其他缴入国库的行政事业性收费”），"
    "并将缴款凭证提交本机关。"
)


def context_for(application: Application, kind: str, on: datetime.date, **extra: Any) -> LetterContext:
    """Everything a letter of ``kind`` on ``application`` may print, as of ``on``."""
    agency = application.agency
    clock = None
    try:
        clock = clock_of(application, today=on)
    except LookupError:
        clock = None
    values: dict[str, Any] = {
        "kind": kind,
        "issued_on": on,
        # The agency's name, contact details, 行政复议机关 (行政复议法 第二十四条, from the tree) and court.
        **agency_fields(agency),
        "applicant_name": application.applicant_name,
        "applicant_address": application.address,
        "case_reference": application.reference,
        "arrived_on": timezone.localdate(application.arrived_at),
        "receipt_date": application.receipt_date,
        "channel_label": clock_module.CHANNEL_LABELS[clock_module.Channel(application.channel)],
        "description": application.description,
        "requested_form_label": application.get_requested_form_display(),
        "delivery_label": application.get_delivery_display(),
        "due_date": clock.due_date if clock else application.due_date,
        "original_due_date": clock.original_due_date if clock else None,
        "due_date_provisional": clock.provisional if clock else application.due_date_provisional,
    }
    if kind == LetterKind.CORRECTION:
        values["correction_items"] = extra.get("items", "")
        values["correction_period_end"] = extra.get("period_end")
    elif kind in {LetterKind.THIRD_PARTY, LetterKind.CO_PRODUCER}:
        values["consultee_name"] = extra.get("consultee", "")
        values["consultation_subject"] = extra.get("subject", "") or application.description
        values["consultation_reply_due"] = extra.get("reply_due")
    elif kind == LetterKind.EXTENSION:
        values["original_due_date"] = extra.get("original_due")
        values["reasons"] = extra.get("reason", "")
    elif kind == LetterKind.FEE:
        quote = cast(FeeQuote, extra["quote"])
        values.update(
            fee_method_label=METHOD_LABELS[quote.method],
            fee_quantity=quote.quantity,
            fee_amount=quote.amount,
            fee_explanation=quote.explanation(),
            fee_payment_due=extra.get("payment_due"),
            fee_payment_instructions=PAYMENT_INSTRUCTIONS,
        )
    elif kind == LetterKind.ANSWER:
        outcome = OUTCOME_BY_KEY[str(extra["outcome"])]
        values.update(
            outcome_key=outcome.key,
            outcome_label=outcome.label,
            outcome_group=outcome.group.value,
            outcome_basis=outcome.basis,
            legal_basis=extra.get("legal_basis", ""),
            reasons=extra.get("reasons", ""),
            how_to_obtain=extra.get("how_to_obtain", ""),
            responsible_agency=extra.get("responsible_agency", ""),
        )
    known = {f.name for f in dataclasses.fields(LetterContext)}
    if "tracking_code" in known:
        values["tracking_code"] = format_tracking_code(application.tracking_code)
    return LetterContext(**{k: v for k, v in values.items() if k in known and v is not None})


#: The job kind that makes a letter's .docx (:mod:`gongkai.applications.jobs`).
RENDER_KIND = "applications.render_letter"
RENDER_FAILED = N_(
    "无法生成文书“%(title)s”（%(number)s）的 Word 文件：%(error)s。文书的记录已保存；请联系管理员。"
)


def issue(
    application: Application,
    kind: str,
    *,
    actor: Actor,
    on: datetime.date,
    for_applicant: bool = True,
    **extra: Any,
) -> Letter:
    """Number and store a letter, note it on the case's timeline, and have its .docx made."""
    kind = LetterKind(kind)
    _serial, number = next_letter_number(application.agency, on.year)
    context = dataclasses.replace(context_for(application, kind, on, **extra), number=number)
    try:
        composed = compose_letter(context, agency=application.agency)
    except LetterRenderError as exc:
        raise CaseError(
            f"无法生成“{kind.label}”：文书模板有误（{exc}）。请管理员在管理后台检查该文书模板；本步骤未保存。",
            code="letter_template_broken",
        ) from exc
    user = user_of(actor)
    letter = Letter(
        application=application,
        kind=kind.value,
        title=composed.title,
        number=composed.number,
        issued_on=on,
        issued_by=user,
        text="\n\n".join(composed.paragraphs),
        layout=layout_of(composed, context),
        filename=composed.filename,
        for_applicant=for_applicant,
    )
    letter.save()
    last = application.events.order_by("-seq").values_list("seq", flat=True).first() or 0
    CaseEvent.objects.create(
        application=application,
        seq=last + 1,
        kind=EventKind.LETTER_ISSUED,
        occurred_on=on,
        actor=user,
        actor_label=display_name(user),
        data={"letter_id": letter.pk, "kind": kind.value, "number": composed.number, "title": composed.title},
    )
    if getattr(settings, "GONGKAI_LETTERS_INLINE", False):
        render(letter.pk)
    else:
        start_render(letter, actor=actor)
    return letter


def start_render(letter: Letter, *, actor: Actor) -> Any:
    """Start the job that makes ``letter``'s .docx (enqueued when the current transaction commits)."""
    return jobs.start(
        RENDER_KIND,
        actor=user_of(actor),
        agency=letter.application.agency,
        params={"letter_id": letter.pk},
        title=_("生成文书：%(title)s %(number)s") % {"title": letter.title, "number": letter.number},
    )


def render(letter_pk: int) -> Letter:
    """Make the .docx of the letter ``letter_pk`` from its stored layout, unless it is made already.

    Idempotent and safe to run concurrently (the letter's row is locked): the file is made once, and its
    bytes depend on the layout alone. A layout that cannot be printed is a :class:`CaseError`; the
    letter's record stays as issued.
    """
    with transaction.atomic():
        letter = Letter.objects.select_for_update().select_related("application").get(pk=letter_pk)
        if letter_files.is_ready(letter):
            return letter
        try:
            data = docx_of(letter.layout)
        except ValueError as exc:
            raise CaseError(
                _(RENDER_FAILED),
                code="letter_render_failed",
                params={"title": letter.title, "number": letter.number, "error": str(exc)},
            ) from exc
        letter_files.write(letter, data)
    return letter


def note_render_failure(letter_pk: int, message: str) -> None:
    """Keep why the letter's render job failed, for the case page (its own small write: the job's
    transaction was rolled back)."""
    Letter.objects.filter(pk=letter_pk, rendered_at__isnull=True).update(render_error=message[:500])


def docx_now(letter: Letter) -> bytes:
    """The letter's .docx, made here and now if the job has not made it yet (the case export must not
    miss a letter)."""
    data = letter_files.read(letter)
    if data is None:
        data = letter_files.read(render(letter.pk))
    assert data is not None
    return data


def preview(application: Application, kind: str, on: datetime.date, **extra: Any) -> str:
    """The letter of ``kind`` as it would be issued on ``on``, as plain text, without a number (the draft the
    head reads before approving, D15). Nothing is stored."""
    kind = LetterKind(kind)
    try:
        return render_text(context_for(application, kind, on, **extra), application.agency)
    except LetterRenderError as exc:
        raise CaseError(
            f"无法生成“{kind.label}”：文书模板有误（{exc}）。请管理员在管理后台检查该文书模板。",
            code="letter_template_broken",
        ) from exc
