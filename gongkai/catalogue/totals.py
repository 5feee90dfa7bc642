"""The column's totals kept as counters, and the page-version bumps of the catalogue's public changes.

Every save or delete of an entry that has a public page (published or withdrawn: 主动公开) counts the
agency's totals again — one index-only count on ``catalogue_totals_idx`` — under the lock of its
:class:`~gongkai.catalogue.models.ColumnTotals` row, and bumps the version of the public pages
(:func:`gongkai.core.pagecache.bump`), both in the transaction of the change: the front page reads one
row, and no cached page outlives the change. So do a file of such an entry, a category (its name is
shown) and an index-number pattern (the 指南 shows an example). Drafts and entries under review change
nothing public and bump nothing.

Writes that bypass the models' signals (``QuerySet.update``, ``bulk_create``, ``COPY``, a restore) call
:func:`rebuild` (every agency) or :func:`refresh` and :func:`gongkai.core.pagecache.bump` themselves.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.db import transaction
from django.db.models import Count, Q, Sum
from django.db.models.signals import post_delete, post_save

from gongkai.agencies.models import Agency
from gongkai.catalogue.models import Attachment, Category, ColumnTotals, IndexPattern, Item, ItemKind, Status
from gongkai.core import pagecache

#: Statuses with a public page (published in full, withdrawn as a notice).
PUBLIC_STATUSES = frozenset({Status.PUBLISHED, Status.WITHDRAWN})


def count(agency_id: int) -> dict[str, int]:
    """The agency's totals counted now: published entries in all, 制度, annual reports."""
    counts: dict[str, int] = (
        Item.objects.filter(agency_id=agency_id, status=Status.PUBLISHED)
        .order_by()
        .aggregate(
            total=Count("id"),
            rules=Count("id", filter=Q(is_ogi_rule=True)),
            reports=Count("id", filter=Q(kind=ItemKind.ANNUAL_REPORT)),
        )
    )
    return counts


def refresh(agency_id: int, *, create: bool = True) -> None:
    """Count the agency's totals again and store them (in the caller's transaction). ``create=False``
    only updates a row that exists (an entry deleted with its agency: no new row for a deleted agency)."""
    with transaction.atomic():
        row = ColumnTotals.objects.select_for_update().filter(agency_id=agency_id).first()
        if row is None:
            if not create:
                return
            row, _created = ColumnTotals.objects.select_for_update().get_or_create(agency_id=agency_id)
        for name, value in count(agency_id).items():
            setattr(row, name, value)
        row.stamp = uuid.uuid4()
        row.save(update_fields=["total", "rules", "reports", "stamp"])


def rebuild() -> None:
    """Every agency's totals counted again (after a bulk load or a restore): one grouped count."""
    rows = (
        Item.objects.filter(status=Status.PUBLISHED)
        .order_by()
        .values("agency_id")
        .annotate(
            total=Count("id"),
            rules=Count("id", filter=Q(is_ogi_rule=True)),
            reports=Count("id", filter=Q(kind=ItemKind.ANNUAL_REPORT)),
        )
    )
    with transaction.atomic():
        ColumnTotals.objects.all().delete()
        ColumnTotals.objects.bulk_create(ColumnTotals(**row) for row in rows)
        pagecache.bump()


def counters_of(agency: Agency) -> ColumnTotals | None:
    """The agency's counter row (``None`` if never counted): its totals and the stamp that every count
    renews, so every change of its published or withdrawn entries (:func:`refresh`, :func:`rebuild`)."""
    return ColumnTotals.objects.filter(agency_id=agency.pk).first()


def totals_of(agency: Agency) -> dict[str, int]:
    """The agency's totals: its counter row, or (never counted: an agency with no public entry yet, or
    data loaded around the services before :func:`rebuild`) counted now."""
    row = ColumnTotals.objects.filter(agency_id=agency.pk).first()
    if row is None:
        return count(agency.pk)
    return {"total": row.total, "rules": row.rules, "reports": row.reports}


def published_count(agency: Agency | None = None) -> int:
    """How many entries are published: by ``agency``, or in the whole catalogue (the sum of the counters:
    a few thousand rows, not a count of a million entries)."""
    if agency is not None:
        return totals_of(agency)["total"]
    return int(ColumnTotals.objects.aggregate(n=Sum("total"))["n"] or 0)


# ---------------------------------------------------------------------------------------------
# Signals
# ---------------------------------------------------------------------------------------------


def _item_saved(sender: type[Item], instance: Item, **kwargs: Any) -> None:
    if instance.status in PUBLIC_STATUSES:
        refresh(instance.agency_id)
        pagecache.bump()


def _item_deleted(sender: type[Item], instance: Item, **kwargs: Any) -> None:
    if instance.status in PUBLIC_STATUSES:
        refresh(instance.agency_id, create=False)
        pagecache.bump()


def _attachment_changed(sender: type[Attachment], instance: Attachment, **kwargs: Any) -> None:
    if Item.objects.filter(pk=instance.item_id, status__in=PUBLIC_STATUSES).exists():
        pagecache.bump()


def restored(**kwargs: Any) -> None:
    """After ``gongkai restore``: every count anew (the rows came in around the models)."""
    rebuild()


def connect() -> None:
    """Connect the receivers (from the app's ``ready``)."""
    uid = "gongkai.catalogue.totals"
    post_save.connect(_item_saved, sender=Item, dispatch_uid=f"{uid}.item.save")
    post_delete.connect(_item_deleted, sender=Item, dispatch_uid=f"{uid}.item.delete")
    post_save.connect(_attachment_changed, sender=Attachment, dispatch_uid=f"{uid}.attachment.save")
    post_delete.connect(_attachment_changed, sender=Attachment, dispatch_uid=f"{uid}.attachment.delete")
    for model in (Category, IndexPattern):
        post_save.connect(pagecache.bump_on_signal, sender=model, dispatch_uid=f"{uid}.{model.__name__}.save")
        post_delete.connect(
            pagecache.bump_on_signal, sender=model, dispatch_uid=f"{uid}.{model.__name__}.delete"
        )
