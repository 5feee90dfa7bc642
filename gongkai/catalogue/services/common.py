"""What every step of a catalogue entry shares: the locked row, the permission and workflow check,
the entry's event and the move from one state to the next (audited in the same transaction)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from gongkai.catalogue import indexing, permissions, workflow
from gongkai.catalogue.content import CatalogueError
from gongkai.catalogue.models import Item, ItemEvent, Reading
from gongkai.catalogue.selectors import decide
from gongkai.core.actors import Actor, display_name, user_of
from gongkai.core.audit import record_audit
from gongkai.core.i18n import render


def actor_label(user: User | None) -> str:
    """The name stored with a step (shown should the user be deleted): the person's name."""
    return display_name(user)[: ItemEvent._meta.get_field("actor_label").max_length]


def lock(item: Item) -> Item:
    return Item.objects.select_for_update().select_related("agency").get(pk=item.pk)


def require(actor: Actor, item: Item, action: str) -> workflow.Decision:
    """The decision (:func:`decide`) for ``actor`` on the (locked) ``item``, or the error."""
    if actor is None or not permissions.can_act(actor, item.agency):
        raise PermissionDenied(_("您没有办理该机关主动公开事项的权限。"))
    decision = decide(actor, item, action)
    if decision.allowed:
        _require_files_read(item, action)
        return decision
    if decision.code == workflow.REFUSED_STATE:
        raise CatalogueError(render(decision.reason), code="not_allowed")
    raise PermissionDenied(render(decision.reason))


def _require_files_read(item: Item, action: str) -> None:
    """A step that relies on the privacy scan waits until every file has been read (its job done)."""
    if action not in workflow.NEEDS_FILES_READ:
        return
    unread = item.attachments.exclude(reading=Reading.DONE).order_by("id").values_list("filename", flat=True)
    refusal = workflow.unread_files_refusal(action, unread)
    if refusal is not None:
        raise CatalogueError(render(refusal), code="files_unread")


def record_event(
    item: Item,
    action: str,
    actor: Actor,
    *,
    from_status: str,
    note: str = "",
    data: dict[str, Any] | None = None,
) -> ItemEvent:
    user = user_of(actor)
    return ItemEvent.objects.create(
        item=item,
        action=action,
        from_status=from_status,
        to_status=item.status,
        actor=user,
        actor_label=actor_label(user),
        note=note,
        data=data or {},
    )


def transition(
    *,
    actor: Actor,
    item: Item,
    action: str,
    note: str = "",
    data: dict[str, Any] | None = None,
    audit: dict[str, Any] | None = None,
    decision: workflow.Decision | None = None,
) -> Item:
    """Move the (locked) entry by ``action``; the caller holds the transaction (and may have checked
    the step already: ``decision``)."""
    decision = decision or require(actor, item, action)
    from_status = item.status
    item.status = decision.to_state
    item.save()
    record_event(item, action, actor, from_status=from_status, note=note, data=data)
    record_audit(
        actor,
        f"catalogue.item_{action}",
        item,
        from_status=from_status,
        to_status=item.status,
        note=note,
        **(audit or {}),
    )
    indexing.reindex(item)
    return item
