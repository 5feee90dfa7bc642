"""RSS 2.0 and Atom feeds of an agency's catalogue: its latest published entries, written as XML directly.

``/gk/<short_code>/feed.rss`` and ``/gk/<short_code>/feed.atom``. Published entries appear, and withdrawn
ones as updates (title 【已撤回】…, the withdrawal day and reason, never their content); the description
is the entry's 内容概述, never the body. The description is text written as HTML (``html.escape``: its
``<``, ``>`` and ``&`` as references), since readers take an RSS ``description`` and an Atom ``summary``
of ``type="html"`` as HTML: a 文号, 索引号, 撤回理由 or 内容概述 holding markup is shown as typed, never
rendered.

The documents are the bytes Django's syndication framework (``Feed`` with ``Rss201rev2Feed`` /
``Atom1Feed``) wrote for the same entries — elements, attribute order, escaping (``xml.sax.saxutils``'
``escape`` and ``quoteattr``, as its ``XMLGenerator``), empty elements closed short, characters UTF-8
cannot carry as character references, ``Last-Modified`` from the newest date — but without its cost: that
framework looked up a dozen attributes per entry through ``inspect``, built a dictionary per entry and wrote
~1,800 pieces through a SAX handler, most of the feed's 16 ms of Python (issue 16). A test builds both
from hostile entries and compares the bytes (``tests/catalogue/test_feeds.py``).

Every text is written without ASCII control characters (XML 1.0 cannot carry them): the services strip them
at every save, and rows written before that are cleaned here, so that one old entry cannot break the feed.
"""

from __future__ import annotations

import datetime
import email.utils
import html
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple
from xml.sax.saxutils import escape, quoteattr
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.encoding import iri_to_uri
from django.utils.html import strip_tags
from django.utils.http import http_date
from django.utils.text import Truncator

from gongkai.catalogue.content import strip_controls
from gongkai.catalogue.models import ItemKind, Status
from gongkai.catalogue.presenters_public import label_of
from gongkai.core import rawrows
from gongkai.core.reversing import fast_reverse

FEED_SIZE = 50
#: The longest 内容概述 shown (characters, after the tags are stripped).
SUMMARY_CHARS = 300
LANGUAGE = "zh-cn"
RSS_CONTENT_TYPE = "application/rss+xml; charset=utf-8"
ATOM_CONTENT_TYPE = "application/atom+xml; charset=utf-8"

#: The latest published entries and the latest withdrawals of one agency, in one statement (portable SQL).
#: Published: ``public_filters.published_items()``'s condition; the category's name; 更正: a corrected entry
#: is updated on the day of its latest correction (a sub-query for the 50 rows read, not a join grouped over
#: every entry of the agency: 1.2 s at 54,000 entries). 已撤回: a withdrawal is an update of the entry (same
#: link, same id), so that a reader who holds it learns that it was withdrawn, when, and why; nothing of
#: the withdrawn content is read.
_ROWS_SQL = """
SELECT * FROM (
    SELECT i."id", i."status", i."title", i."index_number", i."doc_number", i."summary", i."kind",
        i."published_on", CAST(NULL AS date) AS "withdrawn_on", '' AS "withdrawn_reason",
        c."name" AS "category_name",
        (SELECT v."corrected_on" FROM "catalogue_itemversion" v WHERE v."item_id" = i."id"
         ORDER BY v."corrected_on" DESC LIMIT 1) AS "last_corrected"
    FROM "catalogue_item" i LEFT OUTER JOIN "catalogue_category" c ON c."id" = i."category_id"
    WHERE i."agency_id" = %s AND i."status" = %s
    ORDER BY i."published_on" DESC, i."id" DESC LIMIT %s
) published
UNION ALL
SELECT * FROM (
    SELECT i."id", i."status", i."title", i."index_number", '', '', '',
        i."published_on", i."withdrawn_on", i."withdrawn_reason", NULL, CAST(NULL AS date)
    FROM "catalogue_item" i
    WHERE i."agency_id" = %s AND i."status" = %s
    ORDER BY i."withdrawn_on" DESC NULLS LAST, i."id" DESC LIMIT %s
) withdrawn
"""


class _Row(NamedTuple):
    """A row of :data:`_ROWS_SQL` (a withdrawn entry's content columns are not read: empty)."""

    id: int
    status: str
    title: str
    index_number: str
    doc_number: str
    summary: str
    kind: str
    published_on: Any
    withdrawn_on: Any
    withdrawn_reason: str
    category_name: str | None
    last_corrected: Any


@dataclass(frozen=True, slots=True)
class Entry:
    """One entry of a feed, as written: texts (escaped when written), its absolute link, its days."""

    title: str
    link: str
    description: str
    author: str
    categories: Sequence[str]
    published: datetime.date | None
    updated: datetime.date | None


@dataclass(frozen=True, slots=True)
class Head:
    """The feed's own elements: its title, description, the column's link and the feed's own (absolute)."""

    title: str
    description: str
    link: str
    feed_url: str


# ---------------------------------------------------------------------------------------------
# Writing
# ---------------------------------------------------------------------------------------------


def _text(value: str) -> str:
    """Character data: control characters removed, ``&``, ``<``, ``>`` escaped (as ``XMLGenerator``)."""
    return escape(strip_controls(value))


def _element(name: str, value: str) -> str:
    """``<name>value</name>``, or ``<name/>`` when empty (``SimplerXMLGenerator.addQuickElement``)."""
    text = _text(value)
    return f"<{name}>{text}</{name}>" if text else f"<{name}/>"


def _midnight(day: datetime.date) -> datetime.datetime:
    """The start of ``day`` in the site's time zone (an entry's days are dates)."""
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=ZoneInfo(settings.TIME_ZONE))


def _rfc2822(day: datetime.date) -> str:
    """As ``feedgenerator.rfc2822_date`` (RSS)."""
    return email.utils.format_datetime(_midnight(day))


def _rfc3339(day: datetime.date) -> str:
    """As ``feedgenerator.rfc3339_date`` of an aware date (Atom)."""
    return _midnight(day).isoformat()


def latest(entries: Sequence[Entry]) -> datetime.datetime:
    """The newest day any entry was published or updated, at midnight; now when there is none
    (``SyndicationFeed.latest_post_date``)."""
    days = [day for entry in entries for day in (entry.updated, entry.published) if day]
    return _midnight(max(days)) if days else datetime.datetime.now(tz=datetime.UTC)


def rss(head: Head, entries: Sequence[Entry]) -> str:
    """The RSS 2.0 document (``Rss201rev2Feed``): the guid is the entry's link, the author ``dc:creator``."""
    newest = latest(entries)
    out = [
        '<?xml version="1.0" encoding="utf-8"?>\n'
        '<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom"><channel>',
        _element("title", head.title),
        _element("link", head.link),
        _element("description", head.description),
        f'<atom:link href={quoteattr(head.feed_url)} rel="self"/>',
        _element("language", LANGUAGE),
        _element("lastBuildDate", email.utils.format_datetime(newest)),
    ]
    for entry in entries:
        out.append("<item>")
        out.append(_element("title", entry.title))
        out.append(_element("link", entry.link))
        out.append(_element("description", entry.description))
        author = _text(entry.author)
        if author:
            out.append(f'<dc:creator xmlns:dc="http://purl.org/dc/elements/1.1/">{author}</dc:creator>')
        if entry.published:
            out.append(f"<pubDate>{_rfc2822(entry.published)}</pubDate>")
        out.append(_element("guid", entry.link))
        out.extend(_element("category", name) for name in entry.categories)
        out.append("</item>")
    out.append("</channel></rss>")
    return "".join(out)


def atom(head: Head, entries: Sequence[Entry]) -> str:
    """The Atom 1.0 document (``Atom1Feed``): the id is the entry's link, the summary ``type="html"``."""
    out = [
        '<?xml version="1.0" encoding="utf-8"?>\n'
        f'<feed xml:lang="{LANGUAGE}" xmlns="http://www.w3.org/2005/Atom">',
        _element("title", head.title),
        f'<link href={quoteattr(head.link)} rel="alternate"/>',
        f'<link href={quoteattr(head.feed_url)} rel="self"/>',
        _element("id", head.link),
        _element("updated", latest(entries).isoformat()),
        _element("subtitle", head.description),
    ]
    for entry in entries:
        out.append("<entry>")
        out.append(_element("title", entry.title))
        out.append(f'<link href={quoteattr(entry.link)} rel="alternate"/>')
        if entry.published:
            out.append(f"<published>{_rfc3339(entry.published)}</published>")
        if entry.updated:
            out.append(f"<updated>{_rfc3339(entry.updated)}</updated>")
        out.append(f"<author>{_element('name', entry.author)}</author>")
        out.append(_element("id", entry.link))
        summary = _text(entry.description)
        out.append(f'<summary type="html">{summary}</summary>' if summary else '<summary type="html"/>')
        out.extend(f"<category term={quoteattr(strip_controls(name))}/>" for name in entry.categories)
        out.append("</entry>")
    out.append("</feed>")
    return "".join(out)


# ---------------------------------------------------------------------------------------------
# Reading
# ---------------------------------------------------------------------------------------------


def _chars(text: str, length: int = SUMMARY_CHARS) -> str:
    """``Truncator(text).chars(length)``: the text NFC-normalised, cut with "…" past ``length`` characters.
    A text no longer than that comes back normalised without Truncator's walk over every character (most
    summaries: 0.2 ms per entry of a feed)."""
    normalised = unicodedata.normalize("NFC", text)
    if len(normalised) <= length:
        return normalised
    return Truncator(text).chars(length)


def _site(request: HttpRequest) -> str:
    """The scheme and host the links start with (syndication's ``add_domain`` with the request's site)."""
    return f"{'https' if request.is_secure() else 'http'}://{request.get_host()}"


def _day(value: Any) -> datetime.date | None:
    """A date column as read (SQLite gives a computed column's date as text)."""
    if value is None or isinstance(value, datetime.date):
        return value
    return datetime.date.fromisoformat(str(value))


def _agency(short_code: str) -> tuple[int, str]:
    with connection.cursor() as cursor:
        cursor.execute('SELECT "id", "name" FROM "agencies_agency" WHERE "short_code" = %s', [short_code])
        row = cursor.fetchone()
    if row is None:
        raise Http404("Feed object does not exist.")
    return int(row[0]), str(row[1])


def entries(request: HttpRequest, agency_id: int, agency_name: str, short_code: str) -> list[Entry]:
    """The latest published entries and the latest withdrawals, by the day each was last updated (then id),
    newest first: ``FEED_SIZE`` of them."""
    statuses = (Status.PUBLISHED.value, Status.WITHDRAWN.value)
    rows = rawrows.rows(_ROWS_SQL, [agency_id, statuses[0], FEED_SIZE, agency_id, statuses[1], FEED_SIZE])
    ranked = []
    for row in (_Row(*values) for values in rows):
        published, withdrawn_on = _day(row.published_on), _day(row.withdrawn_on)
        # The day the entry was last updated: withdrawn, else corrected, else published.
        withdrawn = row.status == Status.WITHDRAWN
        updated = (withdrawn_on if withdrawn else _day(row.last_corrected)) or published
        ranked.append((updated or datetime.date.min, row.id, updated, published, withdrawn_on, row))
    ranked.sort(key=lambda r: (r[0], r[1]), reverse=True)
    base = _site(request)
    found = []
    for _key, pk, updated, published, withdrawn_on, row in ranked[:FEED_SIZE]:
        if row.status == Status.WITHDRAWN:
            lines = [f"索引号：{row.index_number}", "状态：已撤回"]
            if withdrawn_on:
                lines.append(f"撤回日期：{withdrawn_on.isoformat()}")
            if row.withdrawn_reason:
                lines.append(f"撤回理由：{_chars(row.withdrawn_reason)}")
            title = f"【已撤回】{row.title}"
            categories: list[str] = ["已撤回"]
        else:
            lines = [f"索引号：{row.index_number}"]
            if row.doc_number:
                lines.append(f"文号：{row.doc_number}")
            if row.summary:
                lines.append(_chars(strip_tags(strip_controls(row.summary))))
            title = row.title
            categories = [label_of(ItemKind, row.kind)]
            if row.category_name is not None:
                categories.insert(0, row.category_name)
        found.append(
            Entry(
                title=title,
                link=iri_to_uri(base + fast_reverse("catalogue_public:item", short_code, pk)),
                description=html.escape("\n".join(lines), quote=False),
                author=agency_name,
                categories=categories,
                published=published,
                updated=updated,
            )
        )
    return found


# ---------------------------------------------------------------------------------------------
# Views
# ---------------------------------------------------------------------------------------------


def _feed(request: HttpRequest, short_code: str, *, is_atom: bool) -> HttpResponse:
    agency_id, name = _agency(short_code)
    base = _site(request)
    own = fast_reverse("catalogue_public:feed_atom" if is_atom else "catalogue_public:feed_rss", short_code)
    head = Head(
        title=f"{name} · 政府信息公开",
        description=html.escape(f"{name}主动公开的政府信息（最新 {FEED_SIZE} 条）", quote=False),
        link=iri_to_uri(base + fast_reverse("catalogue_public:catalogue", short_code)),
        feed_url=iri_to_uri(base + own),
    )
    found = entries(request, agency_id, name, short_code)
    document = atom(head, found) if is_atom else rss(head, found)
    response = HttpResponse(
        # Characters UTF-8 cannot carry (lone surrogates) as character references, as Django's writer did.
        document.encode("utf-8", "xmlcharrefreplace"),
        content_type=ATOM_CONTENT_TYPE if is_atom else RSS_CONTENT_TYPE,
    )
    response.headers["Last-Modified"] = http_date(latest(found).timestamp())
    return response


def rss_feed(request: HttpRequest, short_code: str) -> HttpResponse:
    """``/gk/<short_code>/feed.rss``."""
    return _feed(request, short_code, is_atom=False)


def atom_feed(request: HttpRequest, short_code: str) -> HttpResponse:
    """``/gk/<short_code>/feed.atom``."""
    return _feed(request, short_code, is_atom=True)
