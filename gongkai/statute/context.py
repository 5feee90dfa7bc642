"""The statutory periods for templates, so that prose quotes :mod:`gongkai.statute.periods` instead of
repeating its numbers (a template context processor: ``{{ STATUTE_DAYS.answer }}``)."""

from __future__ import annotations

from gongkai.statute import periods
from gongkai.statute.fees import PAYMENT_PERIOD_WORKING_DAYS

STATUTE_DAYS: dict[str, int] = {
    "answer": periods.ANSWER_WORKING_DAYS,
    "extension": periods.EXTENSION_WORKING_DAYS,
    "correction_notice": periods.CORRECTION_NOTICE_WORKING_DAYS,
    "consultation_reply": periods.CONSULTATION_REPLY_WORKING_DAYS,
    "publication": periods.PUBLICATION_WORKING_DAYS,
    "fee_payment": PAYMENT_PERIOD_WORKING_DAYS,
}


def statute_days(request: object) -> dict[str, dict[str, int]]:
    """Context processor: the statutory periods in working days, by name."""
    return {"STATUTE_DAYS": STATUTE_DAYS}
