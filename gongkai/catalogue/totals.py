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
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import ExtractYear
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


@dataclass
class FacetCounts:
    """An agency's published entries counted by category, 第二十条 item, kind, document type and year (the
    catalogue's browsing counts)."""

    category: Counter[int] = field(default_factory=Counter)
    article20: Counter[int] = field(default_factory=Counter)
    kind: Counter[str] = field(default_factory=Counter)
    document_type: Counter[str] = field(default_factory=Counter)
    year: Counter[int] = field(default_factory=Counter)

    def add(self, category_id: Any, article20: Any, kind: str, document_type: str, year: Any, n: int) -> None:
        """Count ``n`` entries of one group (of :func:`facet_counts`' grouped rows)."""
        if category_id is not None:
            self.category[category_id] += n
        if article20 is not None:
            self.article20[article20] += n
        self.kind[kind] += n
        self.document_type[document_type] += n
        if year:
            self.year[year] += n

    def as_json(self) -> dict[str, list[list[Any]]]:
        """What :attr:`ColumnTotals.facets` stores: each count as ``[value, n]`` pairs (JSON keys: text)."""
        return {
            "category": [[k, n] for k, n in self.category.items()],
            "article20": [[k, n] for k, n in self.article20.items()],
            "kind": [[k, n] for k, n in self.kind.items()],
            "document_type": [[k, n] for k, n in self.document_type.items()],
            "year": [[k, n] for k, n in self.year.items()],
        }

    @classmethod
    def from_json(cls, data: dict[str, list[list[Any]]]) -> FacetCounts:
        """The counts :meth:`as_json` stored."""
        return cls(
            category=Counter({int(k): int(n) for k, n in data.get("category", [])}),
            article20=Counter({int(k): int(n) for k, n in data.get("article20", [])}),
            kind=Counter({str(k): int(n) for k, n in data.get("kind", [])}),
            document_type=Counter({str(k): int(n) for k, n in data.get("document_type", [])}),
            year=Counter({int(k): int(n) for k, n in data.get("year", [])}),
        )


_FACET_COLUMNS = ("category_id", "article20_item", "kind", "document_type", "y")


def facet_counts(base: QuerySet[Item]) -> FacetCounts:
    """Entries of ``base`` by category, 第二十条 item, kind, document type and year, in ONE scan.

    The database groups by the five columns together (a few hundred groups even for an agency with
    tens of thousands of entries); the sums per column are made here.
    """
    counts = FacetCounts()
    rows = (
        base.order_by()
        .annotate(y=ExtractYear("published_on"))
        .values_list(*_FACET_COLUMNS)
        .annotate(n=Count("id"))
    )
    for row in rows:
        counts.add(*row)
    return counts


def every_agency_facets() -> dict[int, FacetCounts]:
    """:func:`facet_counts` of every agency's published entries, in one grouped count (:func:`rebuild`)."""
    counts: dict[int, FacetCounts] = {}
    rows = (
        Item.objects.filter(status=Status.PUBLISHED)
        .order_by()
        .annotate(y=ExtractYear("published_on"))
        .values_list("agency_id", *_FACET_COLUMNS)
        .annotate(n=Count("id"))
    )
    for agency_id, *row in rows:
        if agency_id not in counts:
            counts[agency_id] = FacetCounts()
        counts[agency_id].add(*row)
    return counts


def keep_facets(agency_id: int, stamp: uuid.UUID, counts: FacetCounts) -> None:
    """Store ``counts`` (counted by a reader) in the agency's counter row if it still has ``stamp`` and no
    counts: a count since (another stamp) or another reader's store (counts already) leaves it as it is, so
    counts made before a change are never stored after it."""
    ColumnTotals.objects.filter(agency_id=agency_id, stamp=stamp, facets__isnull=True).update(
        facets=counts.as_json()
    )


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
        row.facets = None  # counted again by the catalogue's first reader (selectors.cached_facet_counts)
        row.save(update_fields=["total", "rules", "reports", "stamp", "facets"])


def rebuild() -> None:
    """Every agency's totals and browsing counts counted again (after a bulk load or a restore): two grouped
    counts."""
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
        facets = every_agency_facets()
        ColumnTotals.objects.all().delete()
        ColumnTotals.objects.bulk_create(
            ColumnTotals(**row, facets=facets.get(row["agency_id"], FacetCounts()).as_json()) for row in rows
        )
        pagecache.bump()


def counters_of(agency: Agency) -> ColumnTotals | None:
    """The agency's counter row (``None`` if never counted): its totals and the stamp that every count
    renews, so every change of its published or withdrawn entries (:func:`refresh`, :func:`rebuild`)."""
    return ColumnTotals.objects.filter(agency_id=agency.pk).first()


def totals_of(agency: Agency) -> dict[str, int]:
    """The agency's totals: its counter row, or (never counted: an agency with no public entry yet, or
    data loaded around the services before :func:`rebuild`) counted now."""
    row = ColumnTotals.objects.filter(agency_id=agency.pk).values_list("total", "rules", "reports").first()
    if row is None:
        return count(agency.pk)
    return {"total": row[0], "rules": row[1], "reports": row[2]}


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
