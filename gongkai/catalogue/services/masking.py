"""Masking a scanner hit in an entry's own text, one click at a time."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from gongkai.catalogue import indexing, scanner, workflow
from gongkai.catalogue.content import CatalogueError, one_line, sanitize_html, strip_controls
from gongkai.catalogue.models import Item
from gongkai.catalogue.scanning import BODY_TEXT_SOURCE, TEXT_SOURCES, scan
from gongkai.catalogue.selectors import word_list_for
from gongkai.catalogue.services.common import lock, record_event, require
from gongkai.core.actors import Actor
from gongkai.core.audit import record_audit


def mask_hit(*, actor: Actor, item: Item, source: str, start: int, end: int, kind: str) -> Item:
    """Replace one scanner hit in the title, summary or body by its masked form (one click); a 错敏词 by
    its suggested correction (更正; by ``*`` when the word list suggests none).

    The hit is found again by scanning the field now: if the text has changed since the page was
    shown, nothing is masked and the user is asked to look again. Files cannot be edited here.
    """
    if source == BODY_TEXT_SOURCE:
        raise CatalogueError(
            _("该处内容被正文的格式分隔（如加粗、不间断空格），不能一键遮盖：请在正文中手工修改。"),
            code="not_maskable",
        )
    if source not in TEXT_SOURCES:
        raise CatalogueError(
            _("附件中的内容请用“在附件中涂黑”处理（原文件封存备查），或替换为处理后的文件。"),
            code="not_maskable",
        )
    with transaction.atomic():
        item = lock(item)
        require(actor, item, workflow.MASK)
        text = getattr(item, source) or ""
        hits = scan(text, word_list_for(item.agency_id))
        hit = next((h for h in hits if (h.start, h.end, h.kind) == (start, end, kind)), None)
        if hit is None:
            raise CatalogueError(
                _("该处内容已经变化（可能已经遮盖），请刷新页面后重新查看。"), code="hit_not_found"
            )
        masked = scanner.mask_one(text, hit)
        if source == "body":
            masked = sanitize_html(masked)
        elif source == "title":
            masked = one_line(masked)[:300]
        else:
            masked = strip_controls(masked)
        setattr(item, source, masked)
        item.save(update_fields=[source, "updated_at"])
        details: dict[str, Any] = {
            "source": source,
            "source_label": TEXT_SOURCES[source],
            "kind": hit.kind,
            "kind_label": hit.kind_label,
            "masked": hit.masked,
            "start": hit.start,
        }
        if hit.kind == scanner.SENSITIVE_WORD:
            details["replacement"] = hit.written_over  # 更正: the word is corrected, not blanked
        record_event(item, workflow.MASK, actor, from_status=item.status, data=details)
        record_audit(actor, "catalogue.hit_masked", item, **details)
        indexing.reindex(item)
    return item
