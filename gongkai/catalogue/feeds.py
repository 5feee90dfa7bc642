"""RSS 2.0 and Atom feeds of an agency's catalogue: its latest published entries (Django syndication).

``/gk/<short_code>/feed.rss`` and ``/gk/<short_code>/feed.atom``. Only published entries appear; the
description is the entry's 内容概述 (plain text, escaped by the feed generator), never the body.

Every text is written without ASCII control characters (XML 1.0 cannot carry them, and the feed
generator refuses them): the services strip them at every save, and rows written before that are
cleaned here, so that one old entry cannot break the feed.
"""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.db.models import OuterRef, QuerySet, Subquery
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed
from django.utils.html import strip_tags
from django.utils.text import Truncator

from gongkai.agencies.models import Agency
from gongkai.catalogue.content import strip_controls
from gongkai.catalogue.models import Item, ItemVersion
from gongkai.catalogue.public_filters import published_items

FEED_SIZE = 50
_FEED_FIELDS = (
    "id",
    "agency_id",
    "title",
    "index_number",
    "doc_number",
    "summary",
    "kind",
    "published_on",
    "category__name",
    "agency__short_code",
    "agency__name",
)


def _midnight(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=ZoneInfo(settings.TIME_ZONE))


class CatalogueRssFeed(Feed[Item, Agency]):
    feed_type: type[Rss201rev2Feed | Atom1Feed] = Rss201rev2Feed
    language = "zh-cn"

    def get_object(self, request: HttpRequest, short_code: str) -> Agency:
        return get_object_or_404(Agency, short_code=short_code)

    def title(self, obj: Agency) -> str:
        return strip_controls(f"{obj.name} · 政府信息公开")

    def link(self, obj: Agency) -> str:
        return reverse("catalogue_public:catalogue", args=[obj.short_code])

    def description(self, obj: Agency) -> str:
        return strip_controls(f"{obj.name}主动公开的政府信息（最新 {FEED_SIZE} 条）")

    subtitle = description

    def feed_url(self, obj: Agency) -> str:
        name = "catalogue_public:feed_atom" if self.feed_type is Atom1Feed else "catalogue_public:feed_rss"
        return reverse(name, args=[obj.short_code])

    def items(self, obj: Agency) -> QuerySet[Item]:
        return (
            published_items()
            .filter(agency=obj)
            .select_related("category", "agency")
            .only(*_FEED_FIELDS)
            # 更正: a corrected entry is updated on the day of its latest correction (a sub-query for the
            # 50 rows shown, not a join grouped over every entry of the agency: 1.2 s at 54,000 entries).
            .annotate(
                last_corrected=Subquery(
                    ItemVersion.objects.filter(item=OuterRef("pk"))
                    .order_by("-corrected_on")
                    .values("corrected_on")[:1]
                )
            )
            .order_by("-published_on", "-id")[:FEED_SIZE]
        )

    def item_title(self, item: Item) -> str:
        return strip_controls(item.title)

    def item_description(self, item: Item) -> str:
        parts = [f"索引号：{item.index_number}"]
        if item.doc_number:
            parts.append(f"文号：{item.doc_number}")
        if item.summary:
            parts.append(Truncator(strip_tags(strip_controls(item.summary))).chars(300))
        return strip_controls("\n".join(parts))

    def item_link(self, item: Item) -> str:
        return reverse("catalogue_public:item", args=[item.agency.short_code, item.pk])

    # No item_guid: the guid is the item's absolute link (isPermaLink="true" in RSS).

    def item_pubdate(self, item: Item) -> datetime.datetime | None:
        return _midnight(item.published_on) if item.published_on else None

    def item_updateddate(self, item: Item) -> datetime.datetime | None:
        corrected: datetime.date | None = getattr(item, "last_corrected", None)
        if corrected is not None:
            return _midnight(corrected)
        return self.item_pubdate(item)

    def item_author_name(self, item: Item) -> str:
        return strip_controls(item.agency.name)

    def item_categories(self, item: Item) -> list[str]:
        categories = [str(item.get_kind_display())]
        if item.category is not None:
            categories.insert(0, item.category.name)
        return [strip_controls(c) for c in categories]


class CatalogueAtomFeed(CatalogueRssFeed):
    feed_type = Atom1Feed
