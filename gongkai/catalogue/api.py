"""The open-data API of the catalogue: read-only JSON (documented in ``docs/api.md``).

* ``GET /gk/api/items/`` — published entries, newest first, paginated (``page``, ``page_size`` ≤ 100)
  and filtered like the public catalogue (:mod:`gongkai.catalogue.public_filters`) plus ``agency``; the
  count is exact, except that a search (``q``) stops counting at 500 (``count_is_lower_bound``; plus the
  exact ones beyond, ``indexing.SEARCH_WINDOW``) and lists its best matches first (exact title, 文号 or
  索引号; then title; summary; body; then newest);
* ``GET /gk/api/items/<id>/`` — one entry with its sanitised body; a withdrawn entry answers with its
  index number, title and the reason only; anything else is 404;
* ``GET /gk/api/agencies/`` — every agency with its contact data (the 指南's) and its number of
  published entries.

Only what the public pages show is ever served: no drafts, no review history, no user. A parameter that
is not understood is answered with 400 and a message in Chinese and English.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Iterable
from functools import wraps
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.core.paginator import EmptyPage, Page
from django.db import connection
from django.db.models import F, Field, Prefetch, QuerySet
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import reverse
from django.utils import translation
from django.utils.encoding import iri_to_uri
from django.views.decorators.csrf import csrf_exempt

from gongkai.agencies.models import Agency
from gongkai.catalogue import openapi, public_filters, totals
from gongkai.catalogue.indexing import SearchPaginator, SearchResults
from gongkai.catalogue.models import (
    Attachment,
    Category,
    DisclosureMode,
    DocumentType,
    Item,
    ItemKind,
    ItemVersion,
    Status,
    Validity,
)
from gongkai.catalogue.presenters_public import label_of, sanitized
from gongkai.catalogue.public_filters import FilterError, clean_value, published_items
from gongkai.catalogue.search import is_searchable
from gongkai.catalogue.selectors import PAGE_STATUSES, ColumnSearch, published_counts
from gongkai.catalogue.site_search import SiteSearch
from gongkai.catalogue.taxonomy import ARTICLE_20_ITEMS, article_20_label
from gongkai.core import rawrows
from gongkai.core.i18n import render
from gongkai.core.messages import N_, Message
from gongkai.core.pagination import CappedPaginator
from gongkai.core.rawrows import loaded
from gongkai.core.reversing import filler
from gongkai.statute.standard_areas import STANDARD_AREAS, area_name

DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100
ITEM_PARAMETERS = frozenset({*public_filters.FILTER_PARAMETERS, "page", "page_size", "status"})
#: ``status``: the published entries (default), or the withdrawn ones (已撤回) with the day and the reason.
STATUSES = (Status.PUBLISHED, Status.WITHDRAWN)
#: The parameters that combine with ``status=withdrawn``: a withdrawn entry shows no content, so it is
#: neither searched nor filtered by what it held.
WITHDRAWN_PARAMETERS = frozenset({"agency", "page", "page_size", "status"})
_JSON = "application/json; charset=utf-8"
_ATTACHMENT_FIELDS = ("id", "item_id", "filename", "kind", "content_type", "size", "sha256")
_WITHDRAWN_FIELDS = (
    "id",
    "agency__short_code",
    "agency__name",
    "index_number",
    "title",
    "status",
    "published_on",
    "withdrawn_on",
    "withdrawn_reason",
)
_LINK_FIELDS = ("id", "title", "index_number", "status", "interprets_id", "agency__short_code")

View = Callable[..., HttpResponse]


def _json(data: dict[str, Any], status: int = 200) -> JsonResponse:
    return JsonResponse(data, status=status, content_type=_JSON, json_dumps_params={"ensure_ascii": False})


def _error(status: int, code: str, message: Message, errors: Iterable[FilterError] = ()) -> JsonResponse:
    """The JSON error: ``message`` in Chinese and ``message_en`` in English, both from the catalogue."""
    with translation.override("en"):
        message_en = render(message)
    body: dict[str, Any] = {"status": status, "code": code, "message": str(message), "message_en": message_en}
    details = [{"parameter": e.parameter, "message": e.message, "message_en": e.message_en} for e in errors]
    if details:
        body["parameters"] = details
    return _json({"error": body}, status=status)


def _bad_parameters(errors: list[FilterError]) -> JsonResponse:
    first = errors[0]
    return _error(400, "invalid_parameter", first.text, errors)


def api_view(allowed: frozenset[str]) -> Callable[[View], View]:
    """GET/HEAD only (JSON 405 otherwise), unknown parameters refused, labels always in Chinese."""

    def decorate(view: View) -> View:
        # Exempt from the CSRF check, which would answer a POST with Django's 403 HTML page before the
        # method is looked at: the API changes nothing (no method but GET/HEAD reaches a view) and uses no
        # cookie, so there is nothing to forge; every other method gets the JSON 405 below.
        @csrf_exempt
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if request.method not in ("GET", "HEAD"):
                response = _error(405, "method_not_allowed", Message(N_("只支持 GET 请求。")))
                response["Allow"] = "GET, HEAD"
                return response
            unknown = sorted(set(request.GET) - allowed)
            if unknown:
                names = ", ".join(unknown)
                known = ", ".join(sorted(allowed)) or Message(N_("（无）"))
                errors = [
                    FilterError(
                        name,
                        Message(
                            N_("不支持的参数：%(name)s。可用参数：%(known)s。"),
                            {"name": name, "known": known},
                        ),
                    )
                    for name in unknown
                ]
                return _error(
                    400,
                    "unknown_parameter",
                    Message(
                        N_("不支持的参数：%(names)s。可用参数：%(known)s。"), {"names": names, "known": known}
                    ),
                    errors,
                )
            with translation.override(settings.LANGUAGE_CODE):
                return view(request, *args, **kwargs)

        return wrapper

    return decorate


# ---------------------------------------------------------------------------------------------
# Serialisation
# ---------------------------------------------------------------------------------------------


def _iso(value: Any) -> str | None:
    return value.isoformat() if value else None


class _Links:
    """The absolute URLs of one request's entries (their page, their API page, their files): what
    ``request.build_absolute_uri(fast_reverse(…))`` gives, with the site's origin (``scheme://host``, the
    request's) and each pattern (:func:`~gongkai.core.reversing.filler`) found once per request, not once per
    link — three to five links per entry, 60–100 a page (issue 16)."""

    def __init__(self, request: HttpRequest) -> None:
        self.request = request
        # build_absolute_uri(path) is iri_to_uri(origin + path), which is origin + iri_to_uri(path).
        self.origin = request.build_absolute_uri("/")[:-1]
        self.item_path = filler("catalogue_public:item", 2)
        self.api_item_path = filler("catalogue_public:api_item", 1)
        self.attachment_path = filler("catalogue_public:attachment", 3)

    def absolute(self, path: str) -> str:
        """``request.build_absolute_uri(path)``."""
        if path.startswith("/") and not path.startswith("//") and "/./" not in path and "/../" not in path:
            return self.origin + iri_to_uri(path)
        return self.request.build_absolute_uri(path)


def _links(request: HttpRequest) -> _Links:
    """The request's :class:`_Links` (made at its first link)."""
    links = getattr(request, "_gongkai_api_links", None)
    if not isinstance(links, _Links):
        links = _Links(request)
        setattr(request, "_gongkai_api_links", links)  # noqa: B010 - an attribute HttpRequest does not declare
    return links


def _item_url(request: HttpRequest, short_code: str, pk: int) -> str:
    links = _links(request)
    return links.absolute(links.item_path(short_code, pk))


def _api_item_url(request: HttpRequest, pk: int) -> str:
    links = _links(request)
    return links.absolute(links.api_item_path(pk))


def _link(request: HttpRequest, item: Item) -> dict[str, Any]:
    return {
        "id": item.pk,
        "index_number": item.index_number,
        "title": item.title,
        "status": item.status,
        "url": _item_url(request, item.agency.short_code, item.pk),
        "api_url": _api_item_url(request, item.pk),
    }


def attachment_json(request: HttpRequest, item: Item, file: Attachment) -> dict[str, Any]:
    links = _links(request)
    return {
        "id": file.pk,
        "name": file.filename,
        "size": file.size,
        "type": file.content_type,
        "kind": file.kind,
        "sha256": file.sha256,
        "url": links.absolute(links.attachment_path(item.agency.short_code, item.pk, file.pk)),
    }


def item_json(
    request: HttpRequest,
    item: Item,
    *,
    interprets: Item | None,
    interpretations: list[Item],
    attachments: list[Attachment],
    body: bool = False,
) -> dict[str, Any]:
    """One published entry: every public metadata field, its links, its files (and the body if asked)."""
    data: dict[str, Any] = {
        "id": item.pk,
        "url": _item_url(request, item.agency.short_code, item.pk),
        "api_url": _api_item_url(request, item.pk),
        "status": item.status,
        "index_number": item.index_number,
        "title": item.title,
        "agency": {"short_code": item.agency.short_code, "name": item.agency.name},
        "publisher": item.publisher or item.agency.name,
        "kind": item.kind,
        "kind_label": label_of(ItemKind, item.kind),
        "document_type": item.document_type,
        "document_type_label": label_of(DocumentType, item.document_type),
        "doc_number": item.doc_number,
        "written_on": _iso(item.written_on),
        "published_on": _iso(item.published_on),
        "effective_on": _iso(item.effective_on),
        "repealed_on": _iso(item.repealed_on),
        "validity": item.validity or None,
        "validity_label": label_of(Validity, item.validity) if item.validity else None,
        "category": {"id": item.category.pk, "name": item.category.name} if item.category else None,
        "article20": (
            {"item": item.article20_item, "label": article_20_label(item.article20_item)}
            if item.article20_item in ARTICLE_20_ITEMS
            else None
        ),
        "disclosure_mode": item.disclosure_mode,
        "disclosure_mode_label": label_of(DisclosureMode, item.disclosure_mode),
        "summary": item.summary,
        "keywords": item.keywords,
        "standard_area": (
            {"code": item.standard_area, "name": area_name(item.standard_area)}
            if item.standard_area in STANDARD_AREAS
            else None
        ),
        "topic": item.topic or None,
        "is_ogi_rule": item.is_ogi_rule,
        "interprets": _link(request, interprets) if interprets is not None else None,
        "interpretations": [_link(request, other) for other in interpretations],
        "attachments": [attachment_json(request, item, file) for file in attachments],
        # 更正: each correction published onto the entry (same index number), with its public note.
        "corrections": [
            {"corrected_on": _iso(v.corrected_on), "note": v.public_note}
            for v in getattr(item, "public_versions", [])
        ],
    }
    if body:
        data["body_html"] = str(sanitized(item.body))
    return data


def withdrawn_json(request: HttpRequest, item: Item) -> dict[str, Any]:
    """A withdrawn entry: what the public page shows, nothing more."""
    return {
        "id": item.pk,
        "url": _item_url(request, item.agency.short_code, item.pk),
        "api_url": _api_item_url(request, item.pk),
        "status": item.status,
        "index_number": item.index_number,
        "title": item.title,
        "agency": {"short_code": item.agency.short_code, "name": item.agency.name},
        "published_on": _iso(item.published_on),
        "withdrawn_on": _iso(item.withdrawn_on),
        "withdrawn_reason": item.withdrawn_reason,
    }


def _with_links(queryset: Any) -> Any:
    """Prefetch each entry's files (metadata only) and its published 政策解读."""
    return queryset.select_related("agency", "category").prefetch_related(
        Prefetch("attachments", queryset=Attachment.objects.only(*_ATTACHMENT_FIELDS).order_by("id")),
        Prefetch(
            "versions",
            queryset=ItemVersion.objects.only(
                "id", "item_id", "number", "corrected_on", "public_note"
            ).order_by("number"),
            to_attr="public_versions",
        ),
        Prefetch(
            "interpretations",
            queryset=Item.objects.filter(status=Status.PUBLISHED)
            .select_related("agency")
            .only(*_LINK_FIELDS)
            .order_by("-published_on", "-id"),
            to_attr="public_interpretations",
        ),
    )


#: The columns of an entry the API shows (:func:`item_json`), with its agency's code and name, its category.
_LISTING_FIELDS = (
    "id",
    "agency",
    "agency__short_code",
    "agency__name",
    "category",
    "category__name",
    "status",
    "index_number",
    "title",
    "publisher",
    "kind",
    "document_type",
    "doc_number",
    "written_on",
    "published_on",
    "effective_on",
    "repealed_on",
    "validity",
    "article20_item",
    "disclosure_mode",
    "summary",
    "keywords",
    "standard_area",
    "topic",
    "is_ogi_rule",
    "interprets",
)


def _attname(name: str) -> str:
    """The column of ``Item``'s field ``name`` (``agency`` → ``agency_id``)."""
    field = Item._meta.get_field(name)
    if not isinstance(field, Field):
        raise TypeError(f"{name} is not a column of Item")
    return field.attname


#: The columns of :data:`_LISTING_FIELDS` as :func:`_rows_by_id` reads them: the entry's own fields, by their
#: ``attname`` (``agency_id``, ``category_id``, ``interprets_id``), in the same order.
_ROW_NAMES = tuple(_attname(name) for name in _LISTING_FIELDS if "__" not in name)
_ROW_COLUMNS = ", ".join(f'i."{name}"' for name in _ROW_NAMES)


def _rows_by_id(ids: list[int]) -> list[Item]:
    """The entries ``ids``, in that order, with the columns the API shows (:data:`_LISTING_FIELDS`), their
    agency's code and name and their category's name: what ``select_related("agency", "category")
    .only(*_LISTING_FIELDS)`` makes, in one statement of its own (D51; a test compares them). An id no
    longer there is left out."""
    if not ids:
        return []
    marks = ", ".join(["%s"] * len(ids))
    alias = connection.alias
    agencies: dict[int, Agency] = {}
    categories: dict[int, Category] = {}
    found: dict[int, Item] = {}
    # The agency's code and name and the category's name as sub-selects by primary key, one per row: joined,
    # PostgreSQL hashed every agency (2,000: 0.3 ms) for the page's 20 rows.
    for row in rawrows.rows(
        f"SELECT {_ROW_COLUMNS}, "
        f'(SELECT a."short_code" FROM "agencies_agency" a WHERE a."id" = i."agency_id"), '
        f'(SELECT a."name" FROM "agencies_agency" a WHERE a."id" = i."agency_id"), '
        f'(SELECT c."name" FROM "catalogue_category" c WHERE c."id" = i."category_id") '
        f'FROM "catalogue_item" i WHERE i."id" IN ({marks})',
        ids,
    ):
        *values, short_code, agency_name, category_name = row
        item = loaded(Item, alias, _ROW_NAMES, values)
        agency = agencies.get(item.agency_id)
        if agency is None:
            agency = loaded(
                Agency, alias, ["id", "short_code", "name"], [item.agency_id, short_code, agency_name]
            )
            agencies[item.agency_id] = agency
        item.agency = agency
        if item.category_id is None:
            item.category = None
        else:
            category = categories.get(item.category_id)
            if category is None:
                category = loaded(Category, alias, ["id", "name"], [item.category_id, category_name])
                categories[item.category_id] = category
            item.category = category
        found[item.pk] = item
    return [found[pk] for pk in ids if pk in found]


class _SearchPages(SearchPaginator):
    """A search's pages (its ranked ids: :class:`~gongkai.catalogue.indexing.SearchResults`, or
    :class:`~gongkai.catalogue.site_search.SiteSearch` for ``q`` alone), each page's
    rows read by id with :func:`_rows_by_id` and :func:`_with_page_links` — the ORM's ``select_related``
    and three ``Prefetch``es over the results' queryset were half the search request's Python (issue 16).
    The same pages as ``Paginator.page`` (orphans included), the same rows."""

    def page(self, number: Any) -> Page[Item]:
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        return Page(_with_page_links(_rows_by_id(self.results.ids[bottom:top])), number, self)


#: What :func:`_with_page_links` reads of the page's entries, in one statement: ``(part, id, item, text,
#: text, text, number, text, date)`` — part 1 a correction (``public_note``, ``number``, ``corrected_on``),
#: part 2 a file (``filename``, ``kind``, ``content_type``, ``size``, ``sha256``), part 3 a published 政策解读
#: of the entry (``title``, ``index_number``, ``status``, its agency's id and code, ``published_on``). The
#: corrections come first: SQLite types a compound statement's columns by its first ``SELECT`` (the date).
#: ``{ids}``: the page's ids, written into the statement as numbers (psycopg parses a statement of more than
#: 50 parameters again at each call instead of keeping it: ~0.3 ms for three lists of 20). When a 政策解读 is
#: on the page, :data:`_TARGETS_SQL` adds the documents interpreted (part 4).
_PAGE_LINKS_SQL = (
    'SELECT 1, "id", "item_id", "public_note", NULL, NULL, "number", NULL, "corrected_on" '
    'FROM "catalogue_itemversion" WHERE "item_id" IN ({ids}) '
    'UNION ALL SELECT 2, "id", "item_id", "filename", "kind", "content_type", "size", "sha256", NULL '
    'FROM "catalogue_attachment" WHERE "item_id" IN ({ids}) '
    'UNION ALL SELECT 3, i."id", i."interprets_id", i."title", i."index_number", i."status", i."agency_id", '
    '(SELECT a."short_code" FROM "agencies_agency" a WHERE a."id" = i."agency_id"), i."published_on" '
    'FROM "catalogue_item" i WHERE i."interprets_id" IN ({ids}) AND i."status" = %s'
)
#: Part 4 of :data:`_PAGE_LINKS_SQL`: the documents the page's 政策解读 interpret (``{targets}``), where the
#: public may see them (:data:`~gongkai.catalogue.selectors.PAGE_STATUSES`), as :func:`_targets` reads them.
_TARGETS_SQL = (
    ' UNION ALL SELECT 4, i."id", i."interprets_id", i."title", i."index_number", i."status", i."agency_id", '
    '(SELECT a."short_code" FROM "agencies_agency" a WHERE a."id" = i."agency_id"), NULL '
    'FROM "catalogue_item" i WHERE i."id" IN ({targets}) AND i."status" IN ({statuses})'
)


def _with_page_links(items: list[Item]) -> list[Item]:
    """What :func:`_with_links` prefetches, for a page of the listing: each entry's files (metadata only),
    corrections and published 政策解读, in one statement of its own (:data:`_PAGE_LINKS_SQL`) — Django's
    prefetching (three querysets compiled, then matched to the rows) was a third of the listing's cost, and
    three statements were three round trips (issue 16). The same rows in the same order as the
    ``Prefetch``es' (a test compares them): files by id, corrections by number, 政策解读 newest first. With
    them, the documents the page's 政策解读 interpret (``public_interprets``: what :func:`_targets` would read
    in an ORM statement of its own)."""
    by_id = {item.pk: item for item in items}
    for item in items:
        item.public_attachments = []  # type: ignore[attr-defined]
        item.public_versions = []  # type: ignore[attr-defined]
        item.public_interpretations = []  # type: ignore[attr-defined]
    if not by_id:
        return items
    numbers = ", ".join(str(int(pk)) for pk in by_id)
    alias = connection.alias
    versions: list[tuple[int, ItemVersion]] = []
    files: list[tuple[int, Attachment]] = []
    links: list[tuple[Any, int, int, Item]] = []
    targets: dict[int, Item] = {}
    sql, params = _PAGE_LINKS_SQL.format(ids=numbers), [Status.PUBLISHED.value]
    interpreted = sorted({item.interprets_id for item in items if item.interprets_id is not None})
    if interpreted:
        statuses = ", ".join(["%s"] * len(PAGE_STATUSES))
        sql += _TARGETS_SQL.format(targets=", ".join(str(int(pk)) for pk in interpreted), statuses=statuses)
        params += [status.value for status in PAGE_STATUSES]
    for part, pk, item_id, text, text2, text3, number, text4, day in rawrows.rows(sql, params):
        if part == 1:
            version = loaded(ItemVersion, alias, _VERSION_NAMES, [pk, item_id, number, day, text])
            versions.append((number, version))
        elif part == 2:
            file = loaded(
                Attachment, alias, _ATTACHMENT_FIELDS, [pk, item_id, text, text2, text3, number, text4]
            )
            files.append((pk, file))
        else:
            other = loaded(Item, alias, _INTERPRETATION_NAMES, [pk, text, text2, text3, item_id])
            other.agency = loaded(Agency, alias, ["id", "short_code"], [number, text4])
            if part == 3:
                links.append((day, pk, item_id, other))
            else:
                targets[pk] = other
    # Each list in its statement's former order (ORDER BY "number"; "id"; "published_on" DESC, "id" DESC).
    for _number, version in sorted(versions, key=lambda pair: pair[0]):
        by_id[version.item_id].public_versions.append(version)  # type: ignore[attr-defined]
    for _pk, file in sorted(files, key=lambda pair: pair[0]):
        by_id[file.item_id].public_attachments.append(file)  # type: ignore[attr-defined]
    for _day, _pk, item_id, other in sorted(links, key=lambda link: (link[0], link[1]), reverse=True):
        by_id[item_id].public_interpretations.append(other)  # type: ignore[attr-defined]
    for item in items:
        target = targets.get(item.interprets_id) if item.interprets_id is not None else None
        item.public_interprets = target  # type: ignore[attr-defined]
    return items


_VERSION_NAMES = ("id", "item_id", "number", "corrected_on", "public_note")
_INTERPRETATION_NAMES = ("id", "title", "index_number", "status", "interprets_id")


def _targets(items: list[Item]) -> dict[int, Item]:
    """The documents the given 政策解读 interpret, where the public may see them (one query; none when
    :func:`_with_page_links` has read them)."""
    if all(hasattr(item, "public_interprets") for item in items):
        return {item.public_interprets.pk: item.public_interprets for item in items if item.public_interprets}  # type: ignore[attr-defined]
    ids = {item.interprets_id for item in items if item.interprets_id is not None}
    if not ids:
        return {}
    targets = (
        Item.objects.filter(pk__in=ids, status__in=PAGE_STATUSES).select_related("agency").only(*_LINK_FIELDS)
    )
    return {target.pk: target for target in targets}


def _serialise(request: HttpRequest, items: list[Item], *, body: bool = False) -> list[dict[str, Any]]:
    targets = _targets(items)
    return [
        item_json(
            request,
            item,
            interprets=targets.get(item.interprets_id) if item.interprets_id else None,
            interpretations=list(getattr(item, "public_interpretations", [])),
            attachments=(
                item.public_attachments
                if hasattr(item, "public_attachments")
                else list(item.attachments.all())
            ),
            body=body,
        )
        for item in items
    ]


# ---------------------------------------------------------------------------------------------
# Endpoints
# ---------------------------------------------------------------------------------------------


def _positive(name: str, raw: str | None, default: int, *, maximum: int | None = None) -> int | FilterError:
    if raw is None or not clean_value(raw):
        return default
    value = clean_value(raw)
    number = int(value) if re.fullmatch(r"\d{1,9}", value) else 0
    if number < 1 or (maximum is not None and number > maximum):
        if maximum:
            return FilterError(
                name, Message(N_("参数 %(name)s 应为1 至 %(max)s的整数。"), {"name": name, "max": maximum})
            )
        return FilterError(name, Message(N_("参数 %(name)s 应为大于等于 1的整数。"), {"name": name}))
    return number


def _status(raw: str | None) -> str | FilterError:
    value = clean_value(raw or "") or Status.PUBLISHED
    if value in STATUSES:
        return value
    return FilterError(
        "status", Message(N_("参数 status 应为以下之一：%(allowed)s。"), {"allowed": ", ".join(STATUSES)})
    )


def _withdrawn_conflicts(params: Any) -> list[FilterError]:
    return [
        FilterError(
            name,
            Message(
                N_("参数 %(name)s 不能与 status=withdrawn 同用：已撤回的条目只能按 agency 查询。"),
                {"name": name},
            ),
        )
        for name in sorted(set(params) - WITHDRAWN_PARAMETERS)
    ]


@api_view(ITEM_PARAMETERS)
def items(request: HttpRequest) -> HttpResponse:
    filters, errors = public_filters.parse(request.GET, allow_agency=True)
    status = _status(request.GET.get("status"))
    page_number = _positive("page", request.GET.get("page"), 1)
    page_size = _positive("page_size", request.GET.get("page_size"), DEFAULT_PAGE_SIZE, maximum=MAX_PAGE_SIZE)
    errors += [e for e in (status, page_number, page_size) if isinstance(e, FilterError)]
    if status == Status.WITHDRAWN:
        errors += _withdrawn_conflicts(request.GET)
    if errors:
        return _bad_parameters(errors)
    assert isinstance(page_number, int) and isinstance(page_size, int)
    serialise: Callable[[list[Item]], list[dict[str, Any]]]
    paginator: CappedPaginator | SearchPaginator
    if status == Status.WITHDRAWN:
        # 已撤回: the newest withdrawals first, with the day and the reason (what the entry's page shows).
        withdrawn = Item.objects.filter(status=Status.WITHDRAWN)
        if filters.agency is not None:
            withdrawn = withdrawn.filter(agency=filters.agency)
        withdrawn = (
            withdrawn.select_related("agency")
            .only(*_WITHDRAWN_FIELDS)
            .order_by(F("withdrawn_on").desc(nulls_last=True), "-id")
        )

        def serialise(rows: list[Item]) -> list[dict[str, Any]]:
            return [withdrawn_json(request, row) for row in rows]

        paginator = CappedPaginator(withdrawn, page_size, cap=None)
    else:

        def listing() -> QuerySet[Item]:
            return (
                filters.apply(published_items())
                .defer("body", "search_text", "search_head", "search_vector")
                .order_by("-published_on", "-id")
            )

        def serialise(rows: list[Item]) -> list[dict[str, Any]]:
            return _serialise(request, rows)

        def serialise_page(rows: list[Item]) -> list[dict[str, Any]]:
            return _serialise(request, _with_page_links(rows))

        # Only a text search caps its count (and so how far its pages go); every other list counts
        # exactly, so that each entry can be reached. A search lists its best matches first
        # (indexing.SearchResults). The default listing and one agency's take the count from the column
        # counters (catalogue.totals) instead of counting every published entry at each request.
        if filters.only_query and is_searchable(filters.q):
            # Every agency's entries searched, nothing else asked: the search itself in SQL of its own
            # (site_search.SiteSearch: the same ids as SearchResults' querysets, without compiling them).
            paginator = _SearchPages(SiteSearch(filters.q, _rows_by_id), page_size)
        elif (
            filters.agency is not None
            and dataclasses.replace(filters, agency=None).only_query
            and is_searchable(filters.q)
        ):
            # One agency's entries searched, nothing else asked: the column's search (selectors.ColumnSearch,
            # the same ids as SearchResults'; the agency's counters say how many entries it walks).
            agency = filters.agency
            column = ColumnSearch(agency.pk, filters.q, entries=totals.published_count(agency))
            paginator = _SearchPages(column, page_size)
        elif filters.q:
            # The page's rows, files, corrections and 政策解读 in statements of their own (_SearchPages).
            scope = filters.narrow(published_items())
            paginator = _SearchPages(SearchResults(listing(), filters.q, scope=scope), page_size)
        else:
            # The page's files, corrections and 政策解读 in statements of their own (_with_page_links).
            serialise = serialise_page
            paginator = CappedPaginator(
                listing().select_related("agency", "category").only(*_LISTING_FIELDS),
                page_size,
                cap=None,
                known_count=(
                    totals.published_count(filters.agency) if set(filters.raw) <= {"agency"} else None
                ),
            )
    try:
        page = paginator.page(page_number)
    except EmptyPage:
        return _error(
            404,
            "page_out_of_range",
            Message(
                N_("没有第 %(page)s 页（共 %(pages)s 页）。"),
                {"page": page_number, "pages": paginator.num_pages},
            ),
        )
    params = {k: v for k, v in request.GET.items() if k != "page"}
    base = request.build_absolute_uri(request.path)

    def page_url(number: int) -> str:
        return f"{base}?{urlencode({**params, 'page': number})}"

    return _json(
        {
            "count": paginator.count,
            # True when a search (``q``) has more than ``count`` results: its count stops at
            # indexing.SEARCH_WINDOW (500), plus the exact title/文号/索引号 ones beyond it.
            "count_is_lower_bound": paginator.capped,
            "page": page.number,
            "page_size": page_size,
            "num_pages": paginator.num_pages,
            "next": page_url(page.next_page_number()) if page.has_next() else None,
            "previous": page_url(page.previous_page_number()) if page.has_previous() else None,
            "results": serialise(list(page.object_list)),
        }
    )


@api_view(frozenset())
def item(request: HttpRequest, pk: int) -> HttpResponse:
    entry = (
        _with_links(
            Item.objects.filter(status__in=PAGE_STATUSES).defer("search_text", "search_head", "search_vector")
        )
        .filter(pk=pk)
        .first()
    )
    if entry is None:
        return _error(404, "not_found", Message(N_("没有该条目，或者该条目未公开。")))
    if entry.status == Status.WITHDRAWN:
        return _json(withdrawn_json(request, entry))
    return _json(_serialise(request, [entry], body=True)[0])


@api_view(frozenset())
def agencies(request: HttpRequest) -> HttpResponse:
    rows = list(Agency.objects.order_by("id"))
    codes = {agency.pk: agency.short_code for agency in rows}
    counts = published_counts()
    results = []
    for agency in rows:
        code = agency.short_code

        def url(name: str, code: str = code) -> str:
            return request.build_absolute_uri(reverse(f"catalogue_public:{name}", args=[code]))

        results.append(
            {
                "id": agency.pk,
                "short_code": code,
                "name": agency.name,
                "kind": agency.kind,
                "kind_label": str(agency.get_kind_display()),
                "parent": codes.get(agency.parent_id) if agency.parent_id else None,
                "uscc": agency.uscc or None,
                "published_items": counts.get(agency.pk, 0),
                "url": url("column"),
                "guide_url": url("guide"),
                "items_url": request.build_absolute_uri(
                    reverse("catalogue_public:api_items") + "?" + urlencode({"agency": code})
                ),
                "feeds": {"rss": url("feed_rss"), "atom": url("feed_atom")},
                "contact": {name: getattr(agency, name) for name in Agency.CONTACT_FIELDS},
            }
        )
    return _json({"count": len(results), "results": results})


@api_view(frozenset())
def openapi_json(request: HttpRequest) -> HttpResponse:
    """The OpenAPI 3.1 description of this API (:mod:`gongkai.catalogue.openapi`)."""
    return _json(openapi.document(request.build_absolute_uri("/").rstrip("/")))
