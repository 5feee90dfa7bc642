"""What the pages of the catalogue workspace (/manage/catalogue/) show: the list rows, the entry page
with its steps and review log, and the print forms for the paper file (保密审查表, 发布登记表).

Page shaping only: the reads are in :mod:`gongkai.catalogue.selectors`, the views in
:mod:`gongkai.catalogue.views_manage`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from gongkai.catalogue import content, extract, permissions, scanning, selectors, workflow
from gongkai.catalogue.forms_manage import AttachmentForm, StepForm
from gongkai.catalogue.models import Attachment, Item, ItemEvent, Reading, Status
from gongkai.catalogue.services import redaction
from gongkai.catalogue.taxonomy import article_20_label
from gongkai.core.i18n import render
from gongkai.core.messages import N_, message_from_json
from gongkai.jobs.models import Job, JobStatus
from gongkai.jobs.permissions import can_view as can_view_job

#: What each event of an entry is called in the review log.
EVENT_LABELS: dict[str, str] = {
    "create": N_("创建草稿"),
    "attachment_add": N_("上传附件"),
    "attachment_remove": N_("删除附件"),
    **workflow.ACTION_LABELS,
    "acknowledge": N_("确认检查结果"),
    "attachment_redact": N_("涂黑附件"),
    workflow.CORRECT: N_("开始更正"),
    "corrected": N_("更正已发布"),
    "import": N_("从原有目录导入"),
    "import_update": N_("导入时更新"),
}
FIELD_LABELS: dict[str, Any] = {
    name: getattr(Item._meta.get_field(name), "verbose_name", name) for name in content.EDITABLE_FIELDS
}


@dataclass
class Row:
    item: Item
    clock: selectors.PublicationClock | None


def describe_event(event: ItemEvent) -> list[str]:
    """The event's data in Chinese, one line per item (masked values only)."""
    data: dict[str, Any] = event.data if isinstance(event.data, dict) else {}
    lines: list[str] = []
    if event.action == workflow.EDIT and isinstance(data.get("fields"), list):
        names = "、".join(str(FIELD_LABELS.get(str(f), str(f))) for f in data["fields"])
        lines.append(_("修改了：%(fields)s") % {"fields": names})
    elif event.action in ("attachment_add", "attachment_remove"):
        lines.append(str(data.get("filename", "")))
    elif event.action == selectors.ACKNOWLEDGE_EVENT:
        lines.append(_("确认了 %(n)s 处检查结果（已核对）") % {"n": data.get("count", 0)})
        lines.extend(
            _("%(source)s：%(kind)s %(masked)s")
            % {
                "source": render(str(h.get("source_label", ""))),
                "kind": render(str(h.get("kind_label", ""))),
                "masked": h.get("masked", ""),
            }
            for h in (data.get("hits") or [])[:20]
            if isinstance(h, dict)
        )
    elif event.action == "attachment_redact":
        lines.append(
            _("涂黑（或更正）附件“%(name)s”中的 %(n)s 处；原文件已封存")
            % {"name": data.get("filename", ""), "n": len(data.get("hits") or [])}
        )
        if data.get("filename_before"):
            lines.append(
                _("旧版 Word 或 WPS 文件“%(before)s”已转换为 PDF 后涂黑")
                % {"before": data["filename_before"]}
            )
    elif event.action == workflow.MASK:
        lines.append(
            _("遮盖%(source)s中的%(kind)s：%(masked)s")
            % {
                "source": render(str(data.get("source_label", ""))),
                "kind": render(str(data.get("kind_label", ""))),
                "masked": data.get("masked", ""),
            }
        )
    if event.action == "corrected" and isinstance(data.get("fields"), list):
        lines.extend(correction_lines(data["fields"], str(data.get("public_note", ""))))
    elif event.action == workflow.CORRECT and data.get("draft"):
        lines.append(_("更正稿：第 %(pk)s 号条目") % {"pk": data["draft"]})
    scan = data.get("scan")
    if isinstance(scan, dict):
        lines.append(scan_text(scan))
    if data.get("index_number"):
        lines.append(_("索引号：%(number)s") % {"number": data["index_number"]})
    if data.get("override_reason"):
        lines.append(_("隐私检查结果未处理，说明理由后发布。"))
    return lines


def field_names(fields: list[Any]) -> str:
    """``名称、正文、附件``: the changed fields of a correction."""
    labels = {**FIELD_LABELS, "attachments": _("附件")}
    return "、".join(str(labels.get(str(f), str(f))) for f in fields)


def correction_lines(fields: list[Any], public_note: str) -> list[str]:
    return [
        _("更正了：%(fields)s") % {"fields": field_names(fields)},
        _("更正说明（公开）：%(note)s") % {"note": public_note},
    ]


def correction_context(item: Item, allowed: tuple[str, ...]) -> dict[str, Any]:
    """The entry page's 更正 parts: the entry's corrections, its draft under way; for a draft, what it
    corrects and the fields that differ from the published entry."""
    context: dict[str, Any] = {
        "may_correct": workflow.CORRECT in allowed,
        "open_correction": selectors.open_correction(item) if item.status == Status.PUBLISHED else None,
        "versions": [(v, field_names(v.fields)) for v in selectors.item_versions(item)],
        "corrects": None,
        "correction_changes": "",
    }
    if item.corrects_id is not None:
        original = item.corrects
        context["corrects"] = original
        if original is not None and item.status != Status.APPLIED:
            changed = [
                n
                for n in content.EDITABLE_FIELDS
                if content.field_value(original, n) != content.field_value(item, n)
            ]
            context["correction_changes"] = field_names(changed) if changed else _("（尚未修改）")
    return context


def state_change(event: ItemEvent) -> str:
    """``草稿 → 待保密审查`` when the event moved the entry, else ``""``."""
    if event.from_status == event.to_status:
        return ""
    labels = dict(Status.choices)
    before = str(labels.get(event.from_status, event.from_status)) if event.from_status else ""
    after = str(labels.get(event.to_status, event.to_status))
    return f"{before} → {after}" if before else after


def scan_text(scan: dict[str, Any]) -> str:
    count = int(scan.get("count") or 0)
    if not count:
        return _("隐私检查：未发现身份证号、电话号码、银行卡号、电子邮箱或错敏词。")
    by_kind = scan.get("by_kind") if isinstance(scan.get("by_kind"), dict) else {}
    parts = "、".join(
        _("%(kind)s %(n)s 处") % {"kind": render(kind), "n": n} for kind, n in (by_kind or {}).items()
    )
    return _("隐私检查发现 %(count)s 处：%(parts)s") % {"count": count, "parts": parts}


@dataclass
class Step:
    name: str
    label: str
    form: StepForm

    @property
    def open(self) -> bool:
        return self.form.is_bound


#: How far a file's reading is (:mod:`gongkai.catalogue.services.reading`).
READ = "done"
READING = "pending"
READING_FAILED = "failed"


@dataclass(frozen=True)
class AttachmentRow:
    """A file as the entry page lists it: its kind and what could not be checked, in the reader's language."""

    attachment: Attachment
    kind_label: str
    #: "" when the file's text was extracted and checked in full.
    problem: str
    #: :data:`READ`, :data:`READING` (its job queued or running) or :data:`READING_FAILED` (the job failed
    #: or was cancelled: the file is read again from the page).
    reading: str = READ
    #: The job reading the file, when the person may follow it (its progress bar is shown).
    job: Job | None = None
    #: The file's latest redaction job while it runs, or when it failed or was cancelled (its reason shown).
    redaction: Job | None = None
    #: Whether the person may follow that job (its progress bar and its page: jobs.permissions).
    redaction_visible: bool = False
    #: Why that redaction failed, in the reader's language ("" while it runs).
    redaction_error: str = ""
    #: Redacting the file turns it into a PDF (.doc, .wps: said by its button).
    becomes_pdf: bool = False


def job_ended_unfinished(job: Job) -> bool:
    """The job failed or was cancelled: it will not read the file."""
    return job.status in (JobStatus.FAILED, JobStatus.CANCELLED)


def reading_state(attachment: Attachment, job: Job | None) -> str:
    if attachment.reading == Reading.DONE:
        return READ
    if job is None or job_ended_unfinished(job):
        return READING_FAILED
    return READING


def _shown_redaction(job: Job | None) -> tuple[Job | None, str]:
    """The redaction job a file's row shows (running, failed or cancelled; one that succeeded is told by
    the file itself) and its failure in the reader's language."""
    if job is None or job.status == JobStatus.SUCCEEDED:
        return None, ""
    error = message_from_json(job.error) if job.error else None
    return job, render(error) if error is not None else ""


def attachment_rows(
    attachments: list[Attachment], user: AbstractBaseUser | AnonymousUser | None = None
) -> list[AttachmentRow]:
    separator = pgettext("list separator", "；")
    jobs = selectors.reading_jobs(attachments)
    redactions = selectors.attachment_jobs(attachments[0].item_id, redaction.JOB_KIND) if attachments else {}
    rows = []
    for a in attachments:
        job = jobs.get(a.reading_job) if a.reading_job is not None else None
        redacting, redaction_error = _shown_redaction(redactions.get(a.pk))
        rows.append(
            AttachmentRow(
                a,
                render(extract.KIND_LABELS.get(a.kind, a.kind)),
                separator.join(render(p) for p in scanning.attachment_problems(a)),
                reading_state(a, job),
                job if job is not None and user is not None and can_view_job(user, job) else None,
                redacting,
                redacting is not None and user is not None and can_view_job(user, redacting),
                redaction_error,
                redaction.becomes_pdf(a),
            )
        )
    return rows


@dataclass(frozen=True)
class ScanPart:
    """One part of the scan on the entry page: its findings, each with its acknowledgement (or None)."""

    source_label: Any
    rows: list[tuple[scanning.Finding, selectors.Acknowledgement | None]]
    unlisted: int


def scan_parts(
    overview: scanning.ScanOverview, done: dict[str, selectors.Acknowledgement]
) -> tuple[list[ScanPart], int]:
    """The parts of the scan with acknowledgements, and how many findings are not acknowledged (those not
    listed on the page count as not acknowledged, less the acknowledgements of findings not listed)."""
    parts = [
        ScanPart(p.source_label, [(f, done.get(f.key)) for f in p.findings], p.unlisted)
        for p in overview.parts
    ]
    listed = [f for p in overview.parts for f in p.findings]
    listed_done = sum(1 for f in listed if f.key in done)
    unlisted = sum(p.unlisted for p in overview.parts)
    remaining = len(listed) - listed_done + max(0, unlisted - (len(done) - listed_done))
    return parts, remaining


def entry_context(
    user: AbstractBaseUser | AnonymousUser,
    item: Item,
    *,
    bound: StepForm | None = None,
    attach_form: AttachmentForm | None = None,
) -> dict[str, Any]:
    """Everything the entry page shows, for ``user``."""
    allowed = selectors.allowed_actions(user, item)
    steps = [
        Step(
            name,
            render(workflow.action_message(name)),
            bound if bound is not None and bound.action == name else StepForm(action=name),
        )
        for name in allowed
        if name in workflow.STEPS
    ]
    events = selectors.item_events(item)
    rows = attachment_rows(selectors.item_attachments(item), user)
    # Cached per content and cut short per part (a roster of 30,000 rows must not slow the page).
    scan = scanning.scan_overview(item)
    parts, unacknowledged = scan_parts(scan, selectors.acknowledgements(item))
    return {
        "item": item,
        # Sanitised at every save; cleaned again here in case a row was written another way.
        "body_html": mark_safe(content.sanitize_html(item.body)),
        "clock": selectors.publication_clock(item),
        "attachments": rows,
        "becomes_pdf": {row.attachment.pk for row in rows if row.becomes_pdf},
        "reading": {row.reading for row in rows} - {READ},
        "scan": scan,
        "scan_parts": parts,
        "unacknowledged": unacknowledged,
        "may_edit": workflow.EDIT in allowed,
        "may_mask": workflow.MASK in allowed,
        "steps": steps,
        "attach_form": attach_form or AttachmentForm(),
        "events": [
            (e, render(EVENT_LABELS.get(e.action, e.action)), describe_event(e), state_change(e))
            for e in events
        ],
        "article20": article_20_label(item.article20_item) if item.article20_item else "",
        "may_act": permissions.can_act(user, item.agency),
        **correction_context(item, allowed),
    }


def _last_event(events: list[ItemEvent], *actions: str) -> ItemEvent | None:
    found = [e for e in events if e.action in actions]
    return found[-1] if found else None


def print_context(item: Item) -> dict[str, Any]:
    events = selectors.item_events(item)
    decisions = [
        (e, render(EVENT_LABELS.get(e.action, e.action)), describe_event(e))
        for e in events
        if e.action in workflow.STEPS
    ]
    return {
        "item": item,
        "clock": selectors.publication_clock(item),
        "attachments": selectors.item_attachments(item),
        "scan": scanning.scan_overview(item),
        "article20": article_20_label(item.article20_item) if item.article20_item else "",
        "decisions": decisions,
        "submitted": _last_event(events, workflow.SUBMIT),
        "reviewed": _last_event(events, workflow.REVIEW_PASS),
        "approved": _last_event(events, workflow.APPROVE),
        "published": _last_event(events, workflow.PUBLISH),
        "withdrawn": _last_event(events, workflow.WITHDRAW),
        "printed_at": timezone.localtime(),
    }


def version_context(item: Item, number: int) -> dict[str, Any]:
    """The page of the version of ``item`` before its correction ``number`` (for staff)."""
    version = selectors.item_version(item, number)
    previous = version.previous if isinstance(version.previous, dict) else {}
    rows = []
    for name in content.EDITABLE_FIELDS:
        value = previous.get(name)
        if name == "body":
            continue
        field = Item._meta.get_field(name)
        choices = dict(getattr(field, "flatchoices", []) or [])
        if name == "category" and value:
            found = selectors.categories_in_order([int(value)])
            value = found[0].name if found else value
        elif choices and value in choices:
            value = choices[value]
        rows.append((FIELD_LABELS[name], "—" if value in (None, "") else str(value), name in version.fields))
    return {
        "item": item,
        "version": version,
        "rows": rows,
        "body_html": mark_safe(content.sanitize_html(str(previous.get("body") or ""))),
        "body_changed": "body" in version.fields,
        "changed": field_names(version.fields),
        "attachments": selectors.item_attachments(version.draft),
    }
