"""Publication (scan again, issue the index number) and withdrawal."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gongkai.catalogue import index_numbers, workflow
from gongkai.catalogue.content import CatalogueError, check_note
from gongkai.catalogue.models import Item, ItemKind, Status
from gongkai.catalogue.scanning import Finding, scan_item, scan_summary
from gongkai.catalogue.services.common import lock, require, transition
from gongkai.catalogue.services.corrections import apply_correction
from gongkai.core.actors import Actor
from gongkai.core.audit import record_audit


def _unresolved(findings: list[Finding]) -> str:
    """Why publishing needs a reason: the hits still in the entry, the files nobody could check."""
    unchecked = sum(1 for f in findings if f.unchecked)
    hits = len(findings) - unchecked
    parts: list[str] = []
    if hits:
        parts.append(_("发布前检查发现 %(n)s 处疑似个人信息或错敏词，尚未处理。") % {"n": hits})
    if unchecked:
        parts.append(
            (
                _("另有 %(n)s 个附件无法自动检查，须人工核对。")
                if hits
                else _("发布前检查发现 %(n)s 个附件无法自动检查，须人工核对。")
            )
            % {"n": unchecked}
        )
    return "".join(parts) + _(
        "请退回修改（遮盖、修改正文或替换附件）；确需按原样发布的（或已人工核对无误的），请填写理由。"
    )


def _require_interpreted_document(item: Item) -> None:
    """A 政策解读 is published only with the document it interprets, already published (docs/catalogue.md:
    文件与解读同步; the link is what the public follows from one to the other)."""
    if item.kind != ItemKind.INTERPRETATION:
        return
    document = item.interprets
    if document is None:
        raise CatalogueError(
            {
                "interprets": [
                    _(
                        "政策解读必须关联其解读的文件后才能发布。"
                        "请退回修改，在“解读的文件”中选择本机关已发布的文件后再发布。"
                    )
                ]
            },
            code="interpretation_without_document",
        )
    if document.status != Status.PUBLISHED:
        raise CatalogueError(
            {
                "interprets": [
                    _("政策解读所解读的文件《%(title)s》尚未发布（或已撤回），不能发布解读。请先发布该文件。")
                    % {"title": document.title}
                ]
            },
            code="interpretation_document_not_published",
        )


def publish(*, actor: Actor, item: Item, override_reason: str = "") -> Item:
    """Publish today (信息员): scan again, issue the index number, record everything.

    With hits still in the entry, or files the scanner could not check, publishing needs
    ``override_reason`` (e.g. the numbers are the agency's own public service lines, or the scanned
    pages were checked by a person); the reason and the masked hits go on the event and into the audit
    log. An index number that would not fit its column (:class:`index_numbers.IndexNumberTooLong`) is
    refused with what to change.
    """
    override_reason = check_note(override_reason, required=False, label="发布理由")
    try:
        with transaction.atomic():
            item = lock(item)
            decision = require(actor, item, workflow.PUBLISH)
            _require_interpreted_document(item)
            findings = scan_item(item)
            summary = scan_summary(findings)
            if findings and not override_reason:
                raise CatalogueError({"override_reason": [_unresolved(findings)]}, code="unresolved_hits")
            if item.corrects_id is not None:
                return _publish_correction(actor, item, findings, summary, override_reason)
            today = timezone.localdate()
            try:
                # An imported entry held for review keeps the number and date it was published with.
                item.index_number = item.index_number or index_numbers.issue(item.agency, today)
            except index_numbers.IndexNumberTooLong as exc:
                raise CatalogueError(
                    _(
                        "本机关的索引号（如“%(number)s”）有 %(length)s 个字符，"
                        "超过 %(max)s 个字符的上限，未能发布。"
                        "请系统管理员在管理后台本机关的“索引号规则”中设置较短的自定义前段码"
                        "（或为本机关填写统一社会信用代码）后再发布。"
                    )
                    % {"number": exc.number, "length": len(exc.number), "max": index_numbers.MAX_LENGTH},
                    code="index_number_too_long",
                ) from exc
            item.published_on = item.published_on or today
            data: dict[str, Any] = {"scan": summary, "index_number": item.index_number}
            audit: dict[str, Any] = {"index_number": item.index_number, "scan_hits": len(findings)}
            if findings:
                data["override_reason"] = override_reason
                audit["override_reason"] = override_reason
            item = transition(
                actor=actor,
                item=item,
                action=workflow.PUBLISH,
                note=override_reason,
                data=data,
                audit=audit,
                decision=decision,
            )
            if findings:
                record_audit(
                    actor,
                    "catalogue.scan_overridden",
                    item,
                    override_reason=override_reason,
                    index_number=item.index_number,
                    hits=summary["hits"],
                )
    except IntegrityError as exc:
        raise CatalogueError(_("索引号冲突，未能发布，请重试。"), code="index_number_conflict") from exc
    return item


def _publish_correction(
    actor: Actor, draft: Item, findings: list[Finding], summary: dict[str, Any], override_reason: str
) -> Item:
    """A correction draft (更正稿) is published onto the entry it corrects (same 索引号); the draft,
    now ``applied``, is returned."""
    data: dict[str, Any] = {"scan": summary}
    audit: dict[str, Any] = {"scan_hits": len(findings)}
    if findings:
        data["override_reason"] = audit["override_reason"] = override_reason
    corrected = apply_correction(actor=actor, draft=draft, data=data, audit=audit, note=override_reason)
    if findings:
        record_audit(
            actor,
            "catalogue.scan_overridden",
            corrected,
            override_reason=override_reason,
            index_number=corrected.index_number,
            hits=summary["hits"],
        )
    return draft


def withdraw(*, actor: Actor, item: Item, reason: str) -> Item:
    """Withdraw a published entry (信息员). It keeps its index number; the public sees only the
    title, the index number and 已撤回 with the reason."""
    reason = check_note(reason, required=True, label="撤回理由")
    with transaction.atomic():
        item = lock(item)
        decision = require(actor, item, workflow.WITHDRAW)
        item.withdrawn_reason = reason
        item.withdrawn_on = timezone.localdate()
        return transition(actor=actor, item=item, action=workflow.WITHDRAW, note=reason, decision=decision)
