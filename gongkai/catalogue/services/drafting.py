"""Drafting: a new entry (草稿) and changes to a draft or returned entry."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from gongkai.agencies.models import Agency
from gongkai.catalogue import indexing, permissions, workflow
from gongkai.catalogue.content import EDITABLE_FIELDS, apply_fields, changed_fields, field_value
from gongkai.catalogue.models import Item, Status
from gongkai.catalogue.services.common import lock, record_event, require
from gongkai.core.actors import Actor, user_of
from gongkai.core.audit import record_audit


def create_draft(
    *, actor: Actor, agency: Agency, data: Mapping[str, Any], source_application_id: int | None = None
) -> Item:
    """A new entry of ``agency`` in state 草稿 (the agency's 信息员); ``source_application_id``: the
    application case whose released information it proposes to publish (第四十四条; kept internally)."""
    if actor is None or not (
        permissions.is_superuser(actor) or workflow.OFFICER in permissions.roles_at(actor, agency.pk)
    ):
        raise PermissionDenied(_("只有本机关的信息员可以起草主动公开条目。"))
    item = Item(
        agency=agency,
        status=Status.DRAFT,
        created_by=user_of(actor),
        source_application_id=source_application_id,
    )
    apply_fields(item, data)
    with transaction.atomic():
        item.save()
        record_event(item, "create", actor, from_status="", data={"title": item.title})
        record_audit(actor, "catalogue.item_created", item, title=item.title)
        indexing.reindex(item)
    return item


def update_draft(*, actor: Actor, item: Item, data: Mapping[str, Any]) -> Item:
    """Change the fields of a draft or returned entry."""
    with transaction.atomic():
        item = lock(item)
        require(actor, item, workflow.EDIT)
        before = {name: field_value(item, name) for name in EDITABLE_FIELDS}
        apply_fields(item, data)
        changed = changed_fields(before, item)
        if not changed:
            return item
        item.save()
        record_event(item, workflow.EDIT, actor, from_status=item.status, data={"fields": changed})
        record_audit(actor, "catalogue.item_updated", item, fields=changed)
        indexing.reindex(item)
    return item
