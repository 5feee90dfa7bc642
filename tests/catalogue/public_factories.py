"""Entries for the public-site tests, written directly with the ORM (not through the review workflow).

A published entry gets a unique index number (``CODE/YYYY-NNNNN``) and a publication date, and is
indexed for search (``indexing.reindex``) as the publishing service would do.
"""

from __future__ import annotations

import datetime
import hashlib
import itertools
from html.parser import HTMLParser
from typing import Any

from gongkai.agencies.models import Agency
from gongkai.catalogue import indexing
from gongkai.catalogue.models import Attachment, Category, Item, Status

_serials = itertools.count(1)

#: Every status that is not public: these entries must never show anywhere on the public side.
HIDDEN_STATUSES = (
    Status.DRAFT,
    Status.SUBMITTED,
    Status.REVIEWED,
    Status.APPROVED,
    Status.RETURNED,
)


def category(name: str = "综合政务") -> Category:
    return Category.objects.get(name=name)


def make_item(
    agency: Agency,
    title: str = "示范县关于做好2025年防汛工作的通知",
    *,
    status: str = Status.PUBLISHED,
    published_on: datetime.date | None = datetime.date(2025, 6, 10),
    body: str = "<p>各乡镇人民政府：现将有关事项通知如下。</p>",
    **fields: Any,
) -> Item:
    """An entry of ``agency``; published by default (with an index number and a publication date)."""
    public = status in (Status.PUBLISHED, Status.WITHDRAWN)
    year = (published_on or datetime.date(2025, 1, 1)).year
    values: dict[str, Any] = {
        "agency": agency,
        "title": title,
        "status": status,
        "publisher": agency.name,
        "written_on": (published_on or datetime.date(2025, 6, 1)) - datetime.timedelta(days=3),
        "published_on": published_on if public else None,
        "index_number": f"{agency.short_code.upper()}/{year}-{next(_serials):05d}" if public else None,
        "body": body,
    }
    values.update(fields)
    item = Item.objects.create(**values)
    indexing.reindex(item)
    item.refresh_from_db()
    return item


def add_file(
    item: Item,
    filename: str = "附件1.pdf",
    data: bytes = b"%PDF-1.4\n% demo\n",
    *,
    content_type: str = "application/pdf",
    kind: str = "pdf",
    text: str = "",
) -> Attachment:
    file = Attachment(
        item=item,
        filename=filename,
        kind=kind,
        content_type=content_type,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        text=text,
    )
    file.store_bytes(data)
    file.save()
    indexing.reindex(item)
    return file


def public_urls(item: Item) -> list[str]:
    """Every public URL an entry has (page, API, and each file)."""
    code = item.agency.short_code
    urls = [f"/gk/{code}/items/{item.pk}/", f"/gk/api/items/{item.pk}/"]
    urls += [f"/gk/{code}/items/{item.pk}/files/{file.pk}/" for file in item.attachments.all()]
    return urls


class PageStructure(HTMLParser):
    """Headings, form fields and labels of a page (standard library parser)."""

    def __init__(self) -> None:
        super().__init__()
        self.headings: list[tuple[int, str]] = []
        self.fields: list[dict[str, str]] = []
        self.label_targets: set[str] = set()
        self._heading: int | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
            self._heading, self._text = int(tag[1]), []
        elif tag in ("input", "select", "textarea") and values.get("type") not in ("hidden", "submit"):
            self.fields.append(values)
        elif tag == "label" and values.get("for"):
            self.label_targets.add(values["for"])

    def handle_endtag(self, tag: str) -> None:
        if self._heading is not None and tag == f"h{self._heading}":
            self.headings.append((self._heading, "".join(self._text).strip()))
            self._heading = None

    def handle_data(self, data: str) -> None:
        if self._heading is not None:
            self._text.append(data)

    def unlabelled(self) -> list[dict[str, str]]:
        return [f for f in self.fields if f.get("id") not in self.label_targets and not f.get("aria-label")]


def structure(html: bytes | str) -> PageStructure:
    parser = PageStructure()
    parser.feed(html.decode() if isinstance(html, bytes) else html)
    return parser


def check_structure(html: bytes | str) -> PageStructure:
    """One h1, no heading level skipped, a label for every form field."""
    page = structure(html)
    levels = [level for level, _text in page.headings]
    assert levels.count(1) == 1, page.headings
    for before, after in itertools.pairwise(levels):
        assert after <= before + 1, page.headings
    assert page.unlabelled() == []
    return page
