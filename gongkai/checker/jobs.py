"""The checker page's large checks as a job (``checker.check``, run by a worker, :mod:`gongkai.jobs`).

The page checks small uploads in the request (:func:`runs_inline`); larger ones are stored as the inputs of
a ``checker.check`` job — the report files in their order, then the pasted text (``粘贴的文本``), then last
year's report — and the visitor is sent to the job's page (``checker:job``), which shows the progress and then
the same results the inline check shows. Nothing is written but the job's result, so an attempt after a
killed worker simply checks every file again: each file's ``run.step`` only moves the progress bar.

The result (:func:`result_items`) is JSON: for each file its name and either the checker's result
(``CheckResult.to_json()``) or the reason it was not checked, kept as a message (rendered in the reader's
language when shown).

Who may see the job: the user who started it, or — a visitor not logged in — the browser session that
started it (its id is kept in the session: ``jobs.services.grant_session``); nobody after :data:`JOB_MAX_AGE`.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Sequence
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.contrib.sessions.backends.base import SessionBase
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gongkai.checker.forms import screen_upload
from gongkai.checker.pipeline import UnreadableFile, check_bytes, parse_bytes
from gongkai.checker.result import ParsedReport
from gongkai.checker.selectors import agency_names
from gongkai.core.messages import N_, Message, message_to_json
from gongkai.documents.sniffing import slow_to_read
from gongkai.jobs import services as jobs
from gongkai.jobs.models import Job, JobStatus
from gongkai.jobs.permissions import SESSION_JOBS
from gongkai.jobs.registry import job_kind
from gongkai.jobs.runner import JobRun

logger = logging.getLogger(__name__)

KIND = "checker.check"
#: Uploads checked in the request: at most this many files (reports and last year's report) …
INLINE_MAX_FILES = 3
#: … of at most this many bytes together; anything larger becomes a job (docs/benchmarks.md).
INLINE_MAX_BYTES = 2 * 1024 * 1024
#: A check job is shown for this long after it was started, then not at all.
JOB_MAX_AGE = datetime.timedelta(hours=24)
PASTED_NAME = "pasted.txt"

MSG_CRASHED = N_("检查这个文件时程序出错，已记录下来。请稍后再试，或者把文件发给我们。")
MSG_PREVIOUS_CRASHED = N_("读取上年度报告时程序出错，已记录下来。")


def runs_inline(uploads: Sequence[UploadedFile]) -> bool:
    """Whether these uploads (reports and last year's report) are checked in the request: a few small
    files, none slow to read (a scan to OCR, an old Word or WPS file to convert: seconds each)."""
    total = sum(u.size or 0 for u in uploads)
    if len(uploads) > INLINE_MAX_FILES or total > INLINE_MAX_BYTES:
        return False
    return not any(_slow(u) for u in uploads)


def _slow(upload: UploadedFile) -> bool:
    upload.seek(0)
    try:
        return slow_to_read(upload.read(INLINE_MAX_BYTES + 1))
    finally:
        upload.seek(0)


def start_check(
    *,
    user: AbstractBaseUser | AnonymousUser,
    uploads: Sequence[UploadedFile],
    text: str,
    previous: UploadedFile | None,
) -> Job:
    """Store the files as a ``checker.check`` job's inputs (unread) and start it. A file refused before
    reading (``screen_upload``) is not stored: the result lists it in its place with the reason (in the
    language of the visitor who sent it)."""
    reports: list[UploadedFile] = []
    refused: list[list[object]] = []
    for position, upload in enumerate(uploads):
        reason = screen_upload(upload)
        if reason is None:
            reports.append(upload)
        else:
            refused.append([position, upload.name or "", reason])
    for upload in reports:
        upload.seek(0)
    inputs: list[tuple[str, UploadedFile | bytes]] = [(u.name or "", u) for u in reports]
    if text.strip():
        inputs.append((PASTED_NAME, text.encode("utf-8")))
    if previous is not None:
        previous.seek(0)
        inputs.append((previous.name or "", previous))
    count = len(uploads) + (1 if text.strip() else 0)
    return jobs.start(
        KIND,
        actor=user if user.is_authenticated else None,
        agency=None,
        params={
            "reports": len(reports),
            "text": bool(text.strip()),
            "previous": previous is not None,
            "refused": refused,
        },
        inputs=inputs,
        title=_("年报检查（%(count)d 个文件）") % {"count": count},
    )


def can_see(
    user: AbstractBaseUser | AnonymousUser, session: SessionBase, job: Job, now: datetime.datetime
) -> bool:
    """Only whoever started it — by account, or (a visitor not logged in) the browser session given it by
    ``jobs.services.grant_session`` — and only within :data:`JOB_MAX_AGE`."""
    if job.kind != KIND or now - job.created_at > JOB_MAX_AGE:
        return False
    if job.owner_id is not None:
        return bool(user.is_authenticated and user.pk == job.owner_id)
    return str(job.pk) in {str(v) for v in session.get(SESSION_JOBS, [])}


def succeeded(job: Job) -> bool:
    return job.status == JobStatus.SUCCEEDED


def _error(message: Message) -> dict[str, Any]:
    return message_to_json(message)


def _read_previous(data: bytes, name: str) -> ParsedReport | Message:
    try:
        return parse_bytes(data, name)
    except UnreadableFile as exc:
        return exc.message
    except Exception:
        logger.exception("the checker failed on an uploaded previous report %r", name)
        return Message(MSG_PREVIOUS_CRASHED)


def _check_one(
    data: bytes, filename: str, name: str, previous: ParsedReport | None, agencies: Sequence[str]
) -> dict[str, Any]:
    try:
        result = check_bytes(data, filename=filename, previous=previous, path=name, agencies=agencies)
        return {"name": name, "result": result.to_json()}
    except UnreadableFile as exc:
        return {"name": name, "error": _error(exc.message)}
    except Exception:  # one file the checker chokes on must not take the others' results with it
        logger.exception("the checker failed on an uploaded file %r", name)
        return {"name": name, "error": _error(Message(MSG_CRASHED))}


@job_kind(KIND, label=gettext_lazy("年报检查"))
def check_job(run: JobRun) -> dict[str, object]:
    params = run.params
    files = list(run.inputs())
    count = int(str(params["reports"]))
    has_text = bool(params.get("text"))
    reports, rest = files[:count], files[count:]
    text = rest.pop(0) if has_text else None
    previous_file = rest.pop(0) if params.get("previous") and rest else None
    run.set_total(len(reports) + (1 if text else 0) + (1 if previous_file else 0))
    previous: ParsedReport | None = None
    previous_error: dict[str, Any] | None = None
    if previous_file is not None:
        run.message(_("正在读取上年度报告：%(name)s") % {"name": previous_file.name})
        with run.step("previous"):  # nothing is stored: a later attempt reads it again
            read = _read_previous(previous_file.read(), previous_file.name)
        if isinstance(read, Message):
            previous_error = _error(read)
        else:
            previous = read
    items: list[dict[str, Any]] = []
    agencies = agency_names()
    for number, stored in enumerate(reports, start=1):
        run.check_cancelled()
        run.message(
            _("正在检查 %(n)d/%(total)d：%(name)s")
            % {"n": number, "total": len(reports), "name": stored.name}
        )
        with run.step(f"file:{number}"):  # a later attempt checks every file again (nothing is stored)
            items.append(_check_one(stored.read(), stored.name, stored.name, previous, agencies))
    if text is not None:
        run.check_cancelled()
        with run.step("text"):
            items.append({**_check_one(text.read(), PASTED_NAME, "", previous, agencies), "pasted": True})
    for position, name, reason in params.get("refused") or []:  # back in their places, in order
        items.insert(int(position), {"name": name, "refused": reason})
    for stored in files:  # not kept once checked (a failed job keeps them, for a retry)
        stored.file.delete(save=False)
        stored.delete()
    return {
        "items": items,
        "previous_name": previous_file.name if previous_file is not None else "",
        "previous_error": previous_error,
    }
