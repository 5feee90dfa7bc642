"""What a correction (更正) of a case may change, and a change itself: shared by the service that makes
corrections (:mod:`gongkai.applications.services.amend`) and the pages that show them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

#: The applicant (条例第二十九条第二款第一项) and the 件数.
APPLICANT_FIELDS = (
    "applicant_type",
    "applicant_name",
    "id_type",
    "id_number",
    "contact_person",
    "phone",
    "email",
    "address",
    "postcode",
)
#: The receipt facts (第三十一条; D2): they decide the receipt date and so the due date.
RECEIPT_FIELDS = ("channel", "arrived_at", "confirmed_on")
CORRECTABLE_FIELDS = (*APPLICANT_FIELDS, "pieces", *RECEIPT_FIELDS)
#: Personal data: masked on the timeline, never in the audit log (as ``reveal_applicant`` treats it).
PERSONAL_FIELDS = frozenset({"id_number", "contact_person", "phone", "email", "address", "postcode"})


def event_context(field: str) -> str:
    """The sealing context of a personal value kept in a correction's event (``data["old"|"new"]``):
    a correction keeps the previous and the new personal values sealed, as the case keeps its own."""
    return f"applications.caseevent.{field}"


@dataclass(frozen=True)
class Change:
    """One corrected field: its value before and after."""

    field: str
    old: Any
    new: Any
