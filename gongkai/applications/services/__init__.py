"""Every step of an application, one function each: permission-checked, validated, audited, atomic.

Each step appends a :class:`~gongkai.applications.models.CaseEvent`, recomputes the case's clock
from all its events (:mod:`gongkai.applications.clock`), keeps the case's cached columns in step,
issues the step's letter and records an audit event — all in one transaction, with the case row
locked so that two officers acting at once are serialised.

Errors a user can fix raise :class:`CaseError` (a ``ValidationError`` with a Chinese message);
a user without the right raises ``PermissionDenied``.

One module per family of steps: :mod:`.intake` (registration, online submission, confirming
receipt), :mod:`.correction`, :mod:`.consultation`, :mod:`.extension`, :mod:`.fees`,
:mod:`.answers` (answer, withdrawal, reopening), :mod:`.approvals` (the head's sign-off, D15),
:mod:`.appeals`, :mod:`.personal_data`, :mod:`.amend` (更正: correcting recorded details and the answer, with
a trail), and
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
from gongkai.applications.services.answers import answer, check_answer, reopen, withdraw
from gongkai.applications.services.appeals import conclude_appeal, record_appeal
from gongkai.applications.services.approvals import (
    approve,
    return_for_changes,
    submit_answer,
    submit_extension,
)
from gongkai.applications.services.consultation import end_consultation, start_consultation
from gongkai.applications.services.correction import lapse_correction, record_correction, request_correction
from gongkai.applications.services.extension import check_extension, grant_extension
from gongkai.applications.services.fees import issue_fee_notice, lapse_fee, quote_fee, record_payment
from gongkai.applications.services.intake import Applicant, Request, confirm_receipt, register, submit_online
from gongkai.applications.services.letter_render import retry_letter_render
from gongkai.applications.services.personal_data import (
    download_letter,
    record_applicant_download,
    record_case_export,
    record_case_view,
    reveal_applicant,
)
from gongkai.applications.services.refresh import (
    RECOMPUTE_JOB,
    cases_to_recompute,
    cases_to_retime,
    recompute_cases,
    refresh,
    refresh_paused_cases,
    retime_cases,
    start_recompute,
)

__all__ = [
    "retry_letter_render",
    "RECOMPUTE_JOB",
    "cases_to_recompute",
    "cases_to_retime",
    "recompute_cases",
    "retime_cases",
    "start_recompute",
    "download_letter",
    "record_applicant_download",
    "record_case_export",
    "Applicant",
    "CaseError",
    "Request",
    "answer",
    "approve",
    "check_answer",
    "check_extension",
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
    "record_appeal",
    "record_correction",
    "record_payment",
    "refresh",
    "refresh_paused_cases",
    "register",
    "reopen",
    "request_correction",
    "return_for_changes",
    "record_case_view",
    "reveal_applicant",
    "start_consultation",
    "submit_answer",
    "submit_extension",
    "submit_online",
    "withdraw",
]
