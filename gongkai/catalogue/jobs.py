"""The catalogue's jobs (:mod:`gongkai.jobs`): reading a file after its upload answered, redacting a file
(``catalogue.redact_attachment``), and the import of an existing catalogue (``catalogue.import_sheet``,
``catalogue.crawl``; :mod:`gongkai.catalogue.imports`).

``catalogue.extract_attachment`` (params ``{"attachment": pk, "item": pk}``): extract the file's text in the
limited child process, keep it with what could not be checked, and scan the entry
(:mod:`gongkai.catalogue.services.reading`). One step per file: a job run again after a worker was
killed does not read a file already read, and a file deleted meanwhile is skipped.
"""

from __future__ import annotations

from contextlib import ExitStack

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from gongkai.agencies.models import Agency
from gongkai.catalogue.content import CatalogueError
from gongkai.catalogue.imports import apply, batch, crawl, rows, sheet
from gongkai.catalogue.imports.files import FileSource, FilesUnreadable, MemorySource, ZipSource, open_source
from gongkai.catalogue.models import ImportOutcome, ImportRecord
from gongkai.catalogue.services import reading, redaction
from gongkai.catalogue.services.files import MAX_ATTACHMENT_BYTES
from gongkai.core.messages import N_, Message, message_from_json, message_to_json
from gongkai.documents.fetch import Fetcher
from gongkai.jobs.errors import JobFailed
from gongkai.jobs.registry import job_kind
from gongkai.jobs.runner import JobRun


@job_kind(reading.JOB_KIND, label=_("读取附件并检查隐私信息"))
def extract_attachment(run: JobRun) -> dict[str, object]:
    pk = int(str(run.params["attachment"]))
    item_pk = int(str(run.params["item"]))
    run.set_total(1)
    attachment = reading.unread_attachment(pk)
    stored = False
    if attachment is not None:
        run.message(_("正在读取附件“%(name)s”") % {"name": attachment.filename})
        extracted = reading.extract_attachment(attachment)  # up to 90 s: outside any transaction
        with run.step(f"attachment:{pk}") as step:
            if not step.done:
                stored = reading.store_reading(actor=run.actor, attachment=attachment, extracted=extracted)
    else:
        with run.step(f"attachment:{pk}"):
            pass  # deleted, or read by an earlier run
    findings = reading.scan_entry(item_pk)
    return {
        "read": stored,
        "findings": findings,
        "next_url": reverse("catalogue_manage:detail", kwargs={"pk": item_pk}),
    }


@job_kind(redaction.JOB_KIND, label=_("涂黑附件中的个人信息"))
def redact_attachment(run: JobRun) -> dict[str, object]:
    """Two units of progress: the copy made (converted, redacted), then written with the original sealed."""
    params = run.params
    key = f"redact:{params['attachment']}"
    next_url = reverse("catalogue_manage:detail", kwargs={"pk": int(str(params["item"]))})
    run.set_total(2)
    if run.job.steps.filter(key=key).exists():  # written by an earlier attempt: nothing to do again
        run.advance(2)
        return {"redacted": True, "next_url": next_url}
    run.check_cancelled()
    run.message(gettext("正在生成涂黑后的文件……"))
    try:
        prepared = redaction.prepare(params)
    except redaction.RedactionFailed as exc:
        raise JobFailed(exc.message) from None
    run.advance()
    run.check_cancelled()
    run.message(gettext("正在保存涂黑后的文件并封存原文件……"))
    try:
        with run.step(key) as step:
            if not step.done:
                redaction.apply(actor=run.actor, prepared=prepared)
    except redaction.RedactionFailed as exc:
        raise JobFailed(exc.message) from None
    except (PermissionDenied, CatalogueError) as exc:
        raise JobFailed(_("您已不能涂黑该条目的附件（条目的状态或您的岗位已经变化），未作修改。")) from exc
    return {
        "redacted": True,
        "filename": prepared.filename,
        "pages": prepared.pages,
        "next_url": next_url,
    }


# --- Import of an existing catalogue (gongkai.catalogue.imports) ------------------------------------


def _import_agency(run: JobRun) -> Agency:
    """The job's agency, once its owner may still import there (a job outlives a role); a job without an
    owner was started by the command line."""
    agency = run.agency
    if agency is None or not (
        (run.actor is None and run.params.get("command_line"))
        or (run.actor is not None and apply.can_import(run.actor, agency))
    ):
        raise JobFailed(_("只有本机关的信息员可以导入主动公开目录；您已不在该岗位。"))
    return agency


def _reason(run: JobRun) -> str:
    return str(run.params.get("reason") or "") or gettext(apply.DEFAULT_REASON)


#: Rows applied (or previewed) in one job step: written in one transaction, their entries looked up, their
#: events and audit events written and their column's totals counted once for the batch.
BATCH_ROWS = 100
#: ... holding at most about this many bytes of attachments at once.
BATCH_BYTES = 64 * 2**20


def _done_rows(run: JobRun) -> set[int]:
    """The rows an earlier attempt of the job did: its steps ``rows:FIRST-LAST`` (a batch; the rows
    between that are not in it were done before it) and ``row:N`` (one row: jobs started before the
    batches)."""
    done: set[int] = set()
    for key in run.job.steps.filter(key__startswith="row").values_list("key", flat=True):
        name, _colon, value = key.partition(":")
        first, _dash, last = value.partition("-")
        try:
            if name == "rows":
                done.update(range(int(first), int(last) + 1))
            elif name == "row":
                done.add(int(value))
        except ValueError:  # pragma: no cover - no other key starts so
            continue
    return done


class _Batches:
    """The rows of a run gathered into batches (:data:`BATCH_ROWS` rows, :data:`BATCH_BYTES` of files),
    each applied — or previewed — as one job step ``rows:FIRST-LAST``: the batch's entries and records
    commit together, or none of them (a resumed job skips the batches done, :func:`_done_rows`)."""

    def __init__(self, run: JobRun, agency: Agency, *, dry_run: bool, check_agencies: bool = False) -> None:
        self.run = run
        self.agency = agency
        self.dry_run = dry_run
        #: A crawl's rows are checked one by one: their index numbers are checked against the other
        #: agencies' entries here, once per batch (a spreadsheet's were, all at once).
        self.check_agencies = check_agencies
        self.reason = _reason(run)
        self.pending: list[apply.Planned] = []
        self.size = 0

    def add(self, row: rows.Row, files: FileSource | None, source_label: str) -> None:
        prepared = apply.prepare_files(row, files) if row.valid else []
        self.pending.append(apply.Planned(row, prepared, source_label))
        self.size += sum(len(f.data) for f in prepared)
        if len(self.pending) >= BATCH_ROWS or self.size >= BATCH_BYTES:
            self.flush()

    def flush(self) -> None:
        pending, self.pending, self.size = self.pending, [], 0
        if not pending:
            return
        run, job_id = self.run, self.run.job.pk
        run.check_cancelled()
        if self.check_agencies:
            rows.mark_other_agencies(self.agency, [planned.row for planned in pending])
            for planned in pending:
                if not planned.row.valid:
                    planned.files = []
        key = f"rows:{pending[0].row.position}-{pending[-1].row.position}"
        if self.dry_run:
            with run.step(key, count=len(pending)) as step:
                if not step.done:
                    apply.preview_batch(job_id, self.agency, pending)
            return
        apply.plan_batch(self.agency, pending)
        for planned in pending:
            if planned.outcome in (ImportOutcome.CREATED, ImportOutcome.UPDATED):
                apply.read_texts(planned.files)  # the child processes, outside the step's transaction
        with run.step(key, count=len(pending)) as step:
            if not step.done:
                apply.apply_rows(
                    actor=run.actor, agency=self.agency, batch=pending, reason=self.reason, job=job_id
                )


def _apply_rows(
    run: JobRun,
    agency: Agency,
    rows_: list[rows.Row],
    files: FileSource | None,
    *,
    dry_run: bool,
    source_label: str,
) -> None:
    """The rows in batches (:class:`_Batches`): each row's record (and, unless a dry run, its entry)
    written once."""
    done = _done_rows(run)
    batches = _Batches(run, agency, dry_run=dry_run)
    for row in rows_:
        if row.position in done:
            run.advance()
            continue
        batches.add(row, files, source_label)
    batches.flush()


def _refuse_invalid(run: JobRun, invalid: int) -> None:
    raise JobFailed(
        Message(
            N_("有 %(n)s 行有错误，未导入任何条目：请改正后重新导入，或选择“跳过有错误的行”。"),
            {"n": invalid},
        )
    )


@job_kind("catalogue.import_sheet", label=_("导入主动公开目录（表格）"))
def import_sheet(run: JobRun) -> dict[str, object]:
    """params: ``dry_run``, ``skip_invalid``, ``reason``, ``filename``, ``files_path`` (the command line's
    folder) or a second input (the attachments' .zip)."""
    agency = _import_agency(run)
    dry_run = bool(run.params.get("dry_run"))
    inputs = run.inputs()
    if not inputs:  # pragma: no cover - started with its file
        raise JobFailed(_("导入的表格文件已不存在，请重新上传。"))
    with ExitStack() as stack:
        try:
            if len(inputs) > 1:
                source: FileSource = stack.enter_context(ZipSource(inputs[1].file.open("rb")))
            else:
                source = stack.enter_context(open_source(run.params.get("files_path")))
            with inputs[0].file.open("rb") as handle:
                data = handle.read()
            checked = batch.take_checked(data, agency) or batch.check_sheet(
                data, str(run.params.get("filename") or ""), agency, source
            )
        except (sheet.TableUnreadable, batch.HeaderUnusable, FilesUnreadable) as exc:
            raise JobFailed(exc.message) from None
        invalid = len(checked.invalid)
        if invalid and not dry_run and not run.params.get("skip_invalid"):
            _refuse_invalid(run, invalid)
        run.set_total(len(checked.rows))
        _apply_rows(
            run,
            agency,
            checked.rows,
            source,
            dry_run=dry_run,
            source_label=str(run.params.get("filename") or ""),
        )
    run.message(gettext("已处理 %(n)s 行。") % {"n": len(checked.rows)})
    return {
        **batch.summary(run.job.pk, dry_run=dry_run),
        "rows": len(checked.rows),
        "notes": [message_to_json(m) for m in checked.notes],
        "next_url": reverse("catalogue_manage:import_result", kwargs={"job_id": run.job.pk}),
    }


@job_kind("catalogue.crawl", label=_("采集本机关网站原有的公开目录"))
def crawl_column(run: JobRun) -> dict[str, object]:
    """params: ``config`` (:class:`crawl.CrawlConfig` as JSON), ``dry_run``, ``limit`` (a preview's first
    entries), ``skip_invalid``, ``reason``. Pass 1 is one step per entry (``check:N``), pass 2 one per
    batch of entries (``rows:FIRST-LAST``); the list pages are walked again by a resumed job (cheap) and
    the entries already done skipped."""
    agency = _import_agency(run)
    try:
        config = crawl.parse_config(run.params.get("config"))
    except crawl.ConfigError as exc:
        raise JobFailed(exc.message) from None
    dry_run = bool(run.params.get("dry_run"))
    limit = run.params.get("limit")
    fetcher = make_fetcher()
    run.message(gettext("正在读取栏目列表页……"))
    listing = crawl.walk_lists(fetcher, config, int(limit) if limit else None)
    if listing.errors and not listing.entries:
        raise JobFailed(listing.errors[0])
    entries = listing.entries
    run.set_total(2 * len(entries))
    checker = rows.Checker(agency)
    skip_invalid = bool(run.params.get("skip_invalid"))
    # Pass 1: each detail page read and its cells checked (the files are fetched in pass 2).
    for position, url in enumerate(entries, start=1):
        run.check_cancelled()
        with run.step(f"check:{position}") as step:
            if step.done:
                continue
            run.message(gettext("正在读取第 %(n)s 条：%(url)s") % {"n": position, "url": url})
            _check_entry(run, fetcher, agency, checker, position, url, config)
    invalid = ImportRecord.objects.filter(job=run.job.pk, outcome=ImportOutcome.INVALID).count()
    if invalid and not dry_run and not skip_invalid:
        _refuse_invalid(run, invalid)
    # Pass 2: the files fetched, each entry checked whole, then applied (or previewed) in batches.
    done = _done_rows(run)
    batches = _Batches(run, agency, dry_run=dry_run, check_agencies=True)
    for record in ImportRecord.objects.filter(job=run.job.pk).order_by("position"):
        if record.position in done:
            run.advance()
            continue
        run.check_cancelled()  # an entry's files are fetched politely: a cancel is not kept waiting
        cells = {str(k): str(v) for k, v in (record.cells.get("cells") or {}).items()}
        files = MemorySource()
        if record.outcome != ImportOutcome.INVALID:
            for name, file_url in record.cells.get("files") or []:
                got = fetcher.get(str(file_url))
                if got.ok:
                    files.put(str(name), got.body)
        checker.files = files
        checker.seen.pop(record.index_number, None)
        row = checker.check(record.position, record.source, cells)
        if record.outcome == ImportOutcome.INVALID:
            row.errors = [m for m in (message_from_json(e) for e in record.errors) if m is not None]
        batches.add(row, files, record.source)
    batches.flush()
    return {
        **batch.summary(run.job.pk, dry_run=dry_run),
        "rows": len(listing.entries),
        "pages": listing.pages,
        "notes": [message_to_json(m) for m in listing.errors],
        "next_url": reverse("catalogue_manage:import_result", kwargs={"job_id": run.job.pk}),
    }


def _check_entry(
    run: JobRun,
    fetcher: Fetcher,
    agency: Agency,
    checker: rows.Checker,
    position: int,
    url: str,
    config: crawl.CrawlConfig,
) -> None:
    """Pass 1 of one entry: its page read, its cells checked and kept on its record."""
    fetched = fetcher.get(url)
    if fetched.ok:
        entry = crawl.detail_page(fetched.body, fetched.content_type, fetched.final_url, config)
        cells, files = entry.cells, entry.files
    else:
        cells, files = {}, []
    names = cells.pop("附件", "")
    row = checker.check(position, url, cells)
    if not fetched.ok:
        row.errors = [Message(crawl.MSG_FETCH, {"url": url, "error": fetched.error})]
    rows.mark_other_agencies(agency, [row])
    outcome = ImportOutcome.INVALID if row.errors else ImportOutcome.UNCHANGED
    record = apply.record(run.job.pk, agency, row, outcome, dry_run=True)
    if names:
        cells["附件"] = names
    record.cells = {"cells": cells, "files": files}
    record.save(update_fields=["cells"])


def make_fetcher() -> Fetcher:
    """The polite fetcher (:mod:`gongkai.documents.fetch`) set up by the site's settings."""
    site = str(getattr(settings, "GONGKAI_SITE_URL", "") or "https://github.com/gongkai")
    return Fetcher(
        user_agent=f"Gongkai/1.0 (+{site}; catalogue import)",
        allow_private=bool(getattr(settings, "GONGKAI_FETCH_ALLOW_PRIVATE", False)),
        timeout=float(getattr(settings, "GONGKAI_FETCH_TIMEOUT", 15)),
        min_interval=float(getattr(settings, "GONGKAI_FETCH_MIN_INTERVAL", 1.0)),
        retries=int(getattr(settings, "GONGKAI_FETCH_RETRIES", 2)),
        backoff=float(getattr(settings, "GONGKAI_FETCH_BACKOFF", 2.0)),
        max_bytes=MAX_ATTACHMENT_BYTES,
    )
