"""The review steps: submit, the confidentiality review (保密审查), the approval (领导审批) and the
returns; :func:`perform` runs any step by name."""

from __future__ import annotations

from collections.abc import Collection

from django.db import transaction
from django.utils.translation import gettext as _

from gongkai.catalogue import notices, workflow
from gongkai.catalogue.content import CatalogueError, check_note, validate
from gongkai.catalogue.models import Item
from gongkai.catalogue.scanning import scan_item, scan_summary
from gongkai.catalogue.services.acknowledging import gate
from gongkai.catalogue.services.common import lock, require, transition
from gongkai.catalogue.services.publication import publish, withdraw
from gongkai.core.actors import Actor


def _check_complete(item: Item) -> None:
    """What a catalogue entry must have before review: 名称、内容概述、生成日期 (第十二条) and more."""
    errors: dict[str, list[str]] = {}
    if not item.summary:
        errors["summary"] = [_("提交审查前请填写内容概述（政府信息公开目录的必备项目，条例第十二条）。")]
    if item.category_id is None:
        errors["category"] = [_("提交审查前请选择主题分类。")]
    if not item.body and not item.attachments.exists():
        errors["body"] = [_("提交审查前请填写正文或上传附件。")]
    if errors:
        raise CatalogueError(errors, code="incomplete")


def submit(*, actor: Actor, item: Item, note: str = "", acknowledge: Collection[str] = ()) -> Item:
    """Submit for the confidentiality review (信息员); the scan's result is kept on the event.

    Every finding of the scan must have been acknowledged by the officer (``acknowledge``: keys ticked
    with the step, or earlier: :func:`~gongkai.catalogue.services.acknowledging.acknowledge`); else the
    step is refused with them."""
    note = check_note(note, required=False, label="说明")
    with transaction.atomic():
        item = lock(item)
        decision = require(actor, item, workflow.SUBMIT)
        validate(item)
        _check_complete(item)
        findings = scan_item(item)
        gate(actor, item, workflow.SUBMIT, findings, acknowledge, note)
        summary = scan_summary(findings)
        item = transition(
            actor=actor,
            item=item,
            action=workflow.SUBMIT,
            note=note,
            data={"scan": summary},
            audit={"scan_hits": summary["count"]},
            decision=decision,
        )
        notices.announce(item, workflow.SUBMIT)
        return item


def review_pass(*, actor: Actor, item: Item, note: str = "", acknowledge: Collection[str] = ()) -> Item:
    """保密审查通过 (审核人, not the submitter), once the reviewer has acknowledged every finding (an
    opinion saying “不涉及…个人隐私” over unacknowledged findings is named in the refusal)."""
    note = check_note(note, required=False, label="审查意见")
    with transaction.atomic():
        item = lock(item)
        decision = require(actor, item, workflow.REVIEW_PASS)
        findings = scan_item(item)
        gate(actor, item, workflow.REVIEW_PASS, findings, acknowledge, note)
        summary = scan_summary(findings)
        item = transition(
            actor=actor,
            item=item,
            action=workflow.REVIEW_PASS,
            note=note,
            data={"scan": summary},
            audit={"scan_hits": summary["count"]},
            decision=decision,
        )
        notices.announce(item, workflow.REVIEW_PASS)
        return item


def review_return(*, actor: Actor, item: Item, reason: str) -> Item:
    """保密审查退回, with the reasons (审核人)."""
    reason = check_note(reason, required=True, label="退回理由")
    with transaction.atomic():
        return transition(actor=actor, item=lock(item), action=workflow.REVIEW_RETURN, note=reason)


def approve(*, actor: Actor, item: Item, note: str = "") -> Item:
    """领导审批同意 (分管领导)."""
    note = check_note(note, required=False, label="审批意见")
    with transaction.atomic():
        return transition(actor=actor, item=lock(item), action=workflow.APPROVE, note=note)


def approve_return(*, actor: Actor, item: Item, reason: str) -> Item:
    """领导审批退回, with the reasons (分管领导)."""
    reason = check_note(reason, required=True, label="退回理由")
    with transaction.atomic():
        return transition(actor=actor, item=lock(item), action=workflow.APPROVE_RETURN, note=reason)


def publish_return(*, actor: Actor, item: Item, reason: str) -> Item:
    """Return an approved entry before publishing it (信息员 or 分管领导)."""
    reason = check_note(reason, required=True, label="退回理由")
    with transaction.atomic():
        return transition(actor=actor, item=lock(item), action=workflow.PUBLISH_RETURN, note=reason)


def perform(*, actor: Actor, item: Item, action: str, note: str = "") -> Item:
    """Run the step ``action`` (one of :data:`workflow.STEPS`) with ``note``: the opinion, the reason
    for a return or withdrawal, or the reason for publishing despite the scanner's hits."""
    if action == workflow.SUBMIT:
        return submit(actor=actor, item=item, note=note)
    if action == workflow.REVIEW_PASS:
        return review_pass(actor=actor, item=item, note=note)
    if action == workflow.REVIEW_RETURN:
        return review_return(actor=actor, item=item, reason=note)
    if action == workflow.APPROVE:
        return approve(actor=actor, item=item, note=note)
    if action == workflow.APPROVE_RETURN:
        return approve_return(actor=actor, item=item, reason=note)
    if action == workflow.PUBLISH_RETURN:
        return publish_return(actor=actor, item=item, reason=note)
    if action == workflow.PUBLISH:
        return publish(actor=actor, item=item, override_reason=note)
    if action == workflow.WITHDRAW:
        return withdraw(actor=actor, item=item, reason=note)
    raise ValueError(f"not a workflow step: {action}")
