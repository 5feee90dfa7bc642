"""The privacy gate at every step: the scanner's findings are acknowledged (确认) by the person who takes
the step — the 信息员 before submitting, the 审核人 before passing the confidentiality review (保密审查).

A finding is acknowledged when the person has looked at it and either handled it (遮盖, 涂黑, 更正, a new
file: the finding is then gone) or judged that it may stay (the agency's own public telephone number, a
scanned page read by a person). Each acknowledgement is an entry event (who, when, which findings, masked)
and an audit event ``catalogue.hits_acknowledged`` in the same transaction. Acknowledgements count in the
step where they were made (:func:`gongkai.catalogue.selectors.acknowledgements`): a change of the content
gives new findings, which must be looked at again.

* :func:`submit` (``services.review``) refuses while findings are unacknowledged, listing them;
* the review cannot pass while findings are unacknowledged, and an opinion that says the entry does not
  touch personal privacy (“不涉及…个人隐私”) is named in the refusal: it would be false.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from gongkai.catalogue import workflow
from gongkai.catalogue.content import CatalogueError, check_note
from gongkai.catalogue.models import Item
from gongkai.catalogue.scanning import Finding, scan_item
from gongkai.catalogue.selectors import ACKNOWLEDGE_EVENT, acknowledgements
from gongkai.catalogue.services.common import lock, record_event, require
from gongkai.core.actors import Actor
from gongkai.core.audit import record_audit
from gongkai.core.i18n import render

#: An opinion that says the entry involves no personal privacy (不涉及国家秘密……和个人隐私).
PRIVACY_CLEAR = re.compile(r"(不涉及|未涉及|无涉及|没有涉及)[^。；;！!\n]*(个人隐私|个人信息)")
#: Findings named in a refusal (the rest are counted).
LISTED = 20


def unacknowledged(item: Item, findings: list[Finding]) -> list[Finding]:
    """The findings nobody has acknowledged in the entry's current step."""
    done = acknowledgements(item)
    return [f for f in findings if f.key not in done]


def describe(finding: Finding) -> str:
    """One finding in a refusal: where, what kind, the masked value."""
    return _("%(source)s：%(kind)s %(masked)s") % {
        "source": render(finding.source_label),
        "kind": render(finding.hit.kind_label),
        "masked": finding.hit.masked,
    }


def listing(findings: list[Finding]) -> str:
    lines = [f"{n}. {describe(f)}" for n, f in enumerate(findings[:LISTED], start=1)]
    if len(findings) > LISTED:
        # The refusal ends the list with its own full stop.
        lines.append((_("另有 %(n)s 处未列出。") % {"n": len(findings) - LISTED}).rstrip("。."))
    return "；".join(lines)


def record(actor: Actor, item: Item, findings: list[Finding], note: str = "") -> int:
    """Acknowledge ``findings`` on the (locked) entry: the event and the audit event. Returns how many."""
    if not findings:
        return 0
    hits: list[dict[str, Any]] = [f.summary() for f in findings]
    data = {"keys": [f.key for f in findings], "hits": hits[:200], "count": len(findings)}
    record_event(item, ACKNOWLEDGE_EVENT, actor, from_status=item.status, note=note, data=data)
    record_audit(actor, "catalogue.hits_acknowledged", item, count=len(findings), hits=hits[:200], note=note)
    return len(findings)


def acknowledge(
    *, actor: Actor, item: Item, keys: Collection[str] = (), everything: bool = False, note: str = ""
) -> int:
    """Acknowledge the findings ``keys`` (or all current ones: ``everything``) of the entry: the 信息员
    while it can be edited, the 审核人 during the review. Returns how many were acknowledged."""
    note = check_note(note, required=False, label="说明")
    with transaction.atomic():
        item = lock(item)
        require(actor, item, workflow.MASK)
        wanted = set(keys)
        open_findings = unacknowledged(item, scan_item(item))
        chosen = [f for f in open_findings if everything or f.key in wanted]
        if not chosen:
            raise CatalogueError(
                _("没有需要确认的检查结果（页面显示后内容可能已经变化），请刷新页面后重新查看。"),
                code="nothing_to_acknowledge",
            )
        return record(actor, item, chosen, note)


def gate(
    actor: Actor, item: Item, action: str, findings: list[Finding], keys: Collection[str], note: str
) -> None:
    """Inside ``action``'s transaction: acknowledge ``keys`` (ticked on the step's form), then refuse the
    step while findings remain unacknowledged, listing them."""
    wanted = set(keys)
    remaining = unacknowledged(item, findings)
    record(actor, item, [f for f in remaining if f.key in wanted])
    remaining = [f for f in remaining if f.key not in wanted]
    if not remaining:
        return
    if action == workflow.SUBMIT:
        message = _(
            "隐私检查发现 %(n)s 处疑似个人信息或错敏词尚未确认，不能提交审查：%(list)s。"
            "请逐一处理（遮盖、涂黑附件、更正错敏词或替换附件）；确需保留的（如本机关公开的办公电话），"
            "请在“隐私和错敏词检查”中勾选确认后再提交。"
        )
    elif PRIVACY_CLEAR.search(note):
        message = _(
            "审查意见写明不涉及个人隐私，但隐私检查仍有 %(n)s 处结果未经审核人确认：%(list)s。"
            "请逐一核对并确认（或遮盖、涂黑），或退回修改后再作审查意见。"
        )
    else:
        message = _(
            "隐私检查仍有 %(n)s 处结果未经审核人确认，不能通过保密审查：%(list)s。"
            "请逐一核对并确认（或遮盖、涂黑），或退回修改。"
        )
    raise CatalogueError(
        {"note": [message % {"n": len(remaining), "list": listing(remaining)}]}, code="unacknowledged_hits"
    )
