"""The feeds as ``main`` wrote them before issue 16's feed17 (Django's syndication framework: ``Feed`` with
``Rss201rev2Feed`` / ``Atom1Feed``), kept as the reference :mod:`gongkai.catalogue.feeds` must match byte
for byte (``tests/catalogue/test_feeds.py``), but for one change made since: the descriptions are written as
HTML (``html.escape``), since readers take them as HTML. Not used by the site."""

from __future__ import annotations

import datetime
import html
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.db.models import F, OuterRef, Subquery
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed
from django.utils.html import strip_tags
from django.utils.text import Truncator

from gongkai.agencies.models import Agency
from gongkai.catalogue.content import strip_controls
from gongkai.catalogue.models import Item, ItemKind, ItemVersion, Status
from gongkai.catalogue.presenters_public import label_of
from gongkai.core.reversing import fast_reverse

FEED_SIZE = 50
_FEED_FIELDS = (
    "id",
    "agency_id",
    "title",
    "index_number",
    "doc_number",
    "summary",
    "kind",
    "status",
    "published_on",
)


_WITHDRAWN_FIELDS = (
    "id",
    "agency_id",
    "title",
    "index_number",
    "status",
    "published_on",
    "withdrawn_on",
    "withdrawn_reason",
)
#: The longest 内容概述 shown (characters, after the tags are stripped).
SUMMARY_CHARS = 300


def _midnight(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=ZoneInfo(settings.TIME_ZONE))


class CatalogueRssFeed(Feed[Item, Agency]):
    feed_type: type[Rss201rev2Feed | Atom1Feed] = Rss201rev2Feed
    language = "zh-cn"

    def get_object(self, request: HttpRequest, short_code: str) -> Agency:
        return get_object_or_404(Agency.objects.only("id", "name", "short_code"), short_code=short_code)

    def title(self, obj: Agency) -> str:
        return strip_controls(f"{obj.name} · 政府信息公开")

    def link(self, obj: Agency) -> str:
        return reverse("catalogue_public:catalogue", args=[obj.short_code])

    def description(self, obj: Agency) -> str:
        return html.escape(
            strip_controls(f"{obj.name}主动公开的政府信息（最新 {FEED_SIZE} 条）"), quote=False
        )

    subtitle = description

    def feed_url(self, obj: Agency) -> str:
        name = "catalogue_public:feed_atom" if self.feed_type is Atom1Feed else "catalogue_public:feed_rss"
        return reverse(name, args=[obj.short_code])

    def items(self, obj: Agency) -> list[Item]:
        """The latest published entries and the latest withdrawals, by the day each was last updated."""
        # Published: public_filters.published_items(), here through the agency's related manager, whose rows
        # carry the agency itself (no join, no copy of it per row); the category name is a column of the row.
        published = list(
            obj.catalogue_items.filter(status=Status.PUBLISHED)
            .only(*_FEED_FIELDS)
            .annotate(category_name=F("category__name"))
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
        # 已撤回: a withdrawal is an update of the entry (same link, same id), so that a reader who holds it
        # learns that it was withdrawn, when, and why; it shows nothing of the withdrawn content.
        withdrawn = list(
            obj.catalogue_items.filter(status=Status.WITHDRAWN)
            .only(*_WITHDRAWN_FIELDS)
            .order_by(F("withdrawn_on").desc(nulls_last=True), "-id")[:FEED_SIZE]
        )
        rows = published + withdrawn
        rows.sort(key=lambda item: (self._updated_day(item) or datetime.date.min, item.pk), reverse=True)
        return rows[:FEED_SIZE]

    @staticmethod
    def _updated_day(item: Item) -> datetime.date | None:
        if item.status == Status.WITHDRAWN:
            return item.withdrawn_on or item.published_on
        corrected: datetime.date | None = getattr(item, "last_corrected", None)
        return corrected or item.published_on

    def item_title(self, item: Item) -> str:
        if item.status == Status.WITHDRAWN:
            return strip_controls(f"【已撤回】{item.title}")
        return strip_controls(item.title)

    def item_description(self, item: Item) -> str:
        if item.status == Status.WITHDRAWN:
            withdrawn = [f"索引号：{item.index_number}", "状态：已撤回"]
            if item.withdrawn_on:
                withdrawn.append(f"撤回日期：{item.withdrawn_on.isoformat()}")
            if item.withdrawn_reason:
                withdrawn.append(f"撤回理由：{Truncator(item.withdrawn_reason).chars(SUMMARY_CHARS)}")
            return html.escape(strip_controls("\n".join(withdrawn)), quote=False)
        parts = [f"索引号：{item.index_number}"]
        if item.doc_number:
            parts.append(f"文号：{item.doc_number}")
        if item.summary:
            parts.append(Truncator(strip_tags(strip_controls(item.summary))).chars(SUMMARY_CHARS))
        return html.escape(strip_controls("\n".join(parts)), quote=False)

    def item_link(self, item: Item) -> str:
        return fast_reverse("catalogue_public:item", item.agency.short_code, item.pk)

    # No item_guid: the guid is the item's absolute link (isPermaLink="true" in RSS).

    def item_pubdate(self, item: Item) -> datetime.datetime | None:
        return _midnight(item.published_on) if item.published_on else None

    def item_updateddate(self, item: Item) -> datetime.datetime | None:
        day = self._updated_day(item)
        return _midnight(day) if day else None

    def item_author_name(self, item: Item) -> str:
        return strip_controls(item.agency.name)

    def item_categories(self, item: Item) -> list[str]:
        if item.status == Status.WITHDRAWN:
            return ["已撤回"]
        categories = [label_of(ItemKind, item.kind)]
        name: str | None = getattr(item, "category_name", None)
        if name is not None:
            categories.insert(0, name)
        return [strip_controls(c) for c in categories]


class CatalogueAtomFeed(CatalogueRssFeed):
    feed_type = Atom1Feed
