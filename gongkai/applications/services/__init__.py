"""Every step of an application, one function each: permission-checked, validated, audited, atomic.

Each step appends a :class:`~gongkai.applications.models.CaseEvent`, recomputes the case's clock
from all its events (:mod:`gongkai.applications.clock`), keeps the case's cached columns in step,
issues the step's letter and records an audit event — all in one transaction, with the case row
locked so that two officers acting at once are serialised.

Errors a user can fix raise :class:`CaseError` (a ``ValidationError`` with a Chinese message);
a user without the right raises ``PermissionDenied``.

One module per family of steps: :mod:`.intake` (registration, online submission, confirming
receipt), :mod:`.correction`, :mod:`.consultation`, :mod:`.extension`, :mod:`.fees`,
:mod:`.answers` (answer, withdrawal, reopening), :mod:`.appeals`, :mod:`.personal_data`,
:mod:`.amend` (更正: correcting recorded details and the answer, with a trail), and
:mod:`.refresh` (the cached columns, paused cases, recomputing after a calendar change); the shared
machinery (permission, state, dates, row lock, events, letters) is in :mod:`.common`. Reads of a
case are in :mod:`gongkai.applications.selectors`, tracking codes and secrets in
:mod:`gongkai.applications.codes`.
"""

from gongkai.applications.errors import CaseError
from gongkai.applications.services.amend import (
    answer_in_force,
    correct_details,
    correct_outcome,
    details_changes,
)
from gongkai.applications.services.answers import answer, reopen, withdraw
from gongkai.applications.services.appeals import conclude_appeal, record_appeal
from gongkai.applications.services.consultation import end_consultation, start_consultation
from gongkai.applications.services.correction import lapse_correction, record_correction, request_correction
from gongkai.applications.services.extension import grant_extension
from gongkai.applications.services.fees import issue_fee_notice, lapse_fee, quote_fee, record_payment
from gongkai.applications.services.intake import Applicant, Request, confirm_receipt, register, submit_online
from gongkai.applications.services.personal_data import reveal_applicant
from gongkai.applications.services.refresh import recompute_open_cases, refresh, refresh_paused_cases

__all__ = [
    "Applicant",
    "CaseError",
    "Request",
    "answer",
    "answer_in_force",
    "conclude_appeal",
    "confirm_receipt",
    "correct_details",
    "correct_outcome",
    "details_changes",
    "end_consultation",
    "grant_extension",
    "issue_fee_notice",
    "lapse_correction",
    "lapse_fee",
    "quote_fee",
    "recompute_open_cases",
    "record_appeal",
    "record_correction",
    "record_payment",
    "refresh",
    "refresh_paused_cases",
    "register",
    "reopen",
    "request_correction",
    "reveal_applicant",
    "start_consultation",
    "submit_online",
    "withdraw",
]
