"""The public "政府信息公开" column of each agency (no login; 条例 第十二、二十三、二十四条).

``/gk/`` lists the agencies; ``/gk/<short_code>/`` is an agency's column with its five parts — the guide
(指南, built by :mod:`gongkai.catalogue.guide`), the OGI rules (制度), the statutory catalogue (法定主动公开
内容: browse, filter, search), the annual reports (年报) and 依申请公开 — plus one page per entry and
its file downloads.

Only published entries are listed, searched or shown (:func:`public_filters.published_items`); a
withdrawn entry keeps a page that says so, with its index number, title and the reason, and nothing
else. Drafts and entries under review do not exist here (404). Bodies are stored sanitised and are
sanitised again before they are rendered.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, urlencode

import nh3
from django.core.cache import cache
from django.core.paginator import Page, Paginator
from django.db.models import Count, Max, Q, QuerySet
from django.db.models.functions import ExtractYear
from django.db.models.signals import post_delete, post_save
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase, StreamingHttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.cache import get_conditional_response
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_safe

from gongkai.agencies.models import Agency
from gongkai.catalogue import public_filters
from gongkai.catalogue.guide import build_guide, office_contacts
from gongkai.catalogue.models import Attachment, Category, DocumentType, Item, ItemKind, Status
from gongkai.catalogue.public_filters import Filters, published_items
from gongkai.catalogue.search import is_searchable
from gongkai.catalogue.taxonomy import ARTICLE_20_ITEMS, article_20_label, article_20_number
from gongkai.core.pagination import DEFAULT_COUNT_CAP, CappedPaginator

PAGE_SIZE = 20
#: How long the browsing counts of a catalogue are kept (their key changes with every change anyway).
FACET_CACHE_SECONDS = 600
#: Entries shown on the column's front page.
LATEST = 10
#: The columns a list row needs (never the body, the search text or file contents).
ROW_FIELDS = ("id", "agency_id", "index_number", "title", "published_on", "doc_number", "kind")
#: Statuses that have a public page: published ones in full, withdrawn ones as a notice.
PAGE_STATUSES = (Status.PUBLISHED, Status.WITHDRAWN)

#: Content types served as they are; anything else is sent as application/octet-stream.
SAFE_CONTENT_TYPES = frozenset(
    {
        "application/pdf",
        "application/msword",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "application/vnd.ms-excel",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "application/vnd.ms-powerpoint",
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        "application/ofd",
        "application/zip",
        "image/png",
        "image/jpeg",
        "image/gif",
        "image/webp",
        "image/tiff",
        "text/plain",
        "text/csv",
    }
)


@dataclass(frozen=True)
class Part:
    key: str
    label: Any
    url_name: str
    description: Any


#: The column's five parts (and its front page), in the order government sites show them.
PARTS: tuple[Part, ...] = (
    Part(
        "guide",
        gettext_lazy("政府信息公开指南"),
        "guide",
        gettext_lazy("信息分类、获取方式和工作机构联系方式"),
    ),
    Part(
        "rules", gettext_lazy("政府信息公开制度"), "rules", gettext_lazy("本机关政府信息公开工作的规章制度")
    ),
    Part(
        "catalogue",
        gettext_lazy("法定主动公开内容"),
        "catalogue",
        gettext_lazy("按主题分类、第二十条事项、类别和年份浏览和检索"),
    ),
    Part(
        "reports", gettext_lazy("政府信息公开年报"), "reports", gettext_lazy("历年政府信息公开工作年度报告")
    ),
    Part("apply", gettext_lazy("依申请公开"), "apply", gettext_lazy("申请获取未主动公开的政府信息")),
)


def sanitized(html: str) -> SafeString:
    """The entry body, sanitised again (it is stored sanitised; defence in depth)."""
    return mark_safe(nh3.clean(html or ""))  # nh3's output is safe HTML


def _agency(short_code: str) -> Agency:
    return get_object_or_404(Agency.objects.select_related("parent"), short_code=short_code)


def _nav(agency: Agency, current: str) -> list[dict[str, Any]]:
    front = {
        "label": _("专栏首页"),
        "url": reverse("catalogue_public:column", args=[agency.short_code]),
        "current": current == "column",
    }
    return [front] + [
        {
            "label": part.label,
            "url": reverse(f"catalogue_public:{part.url_name}", args=[agency.short_code]),
            "current": current == part.key,
        }
        for part in PARTS
    ]


def _column(
    request: HttpRequest, agency: Agency, current: str, template: str, **context: Any
) -> HttpResponse:
    context.update(
        agency=agency,
        nav=_nav(agency, current),
        current_part=next((p for p in PARTS if p.key == current), None),
        rss_url=reverse("catalogue_public:feed_rss", args=[agency.short_code]),
        atom_url=reverse("catalogue_public:feed_atom", args=[agency.short_code]),
    )
    return render(request, f"catalogue/public/{template}", context)


def _rows(queryset: QuerySet[Item]) -> QuerySet[Item]:
    return queryset.only(*ROW_FIELDS).order_by("-published_on", "-id")


def _query(params: Mapping[str, str], **changes: str | None) -> str:
    """``?a=1&b=2`` from ``params`` with ``changes`` applied (``None`` removes a key); never a page."""
    merged = {k: v for k, v in params.items() if k != "page"}
    for key, value in changes.items():
        if value is None:
            merged.pop(key, None)
        else:
            merged[key] = value
    return "?" + urlencode(merged) if merged else "?"


def _paginate(
    request: HttpRequest, queryset: QuerySet[Item], params: Mapping[str, str], *, search: bool = False
) -> dict[str, Any]:
    """One page of ``queryset``. Only a text search (``search``) caps its count at
    :data:`~gongkai.core.pagination.DEFAULT_COUNT_CAP` (the newest ones are listed and the page says so);
    browsing and filtered lists count exactly, so that every entry can be reached."""
    paginator = CappedPaginator(queryset, PAGE_SIZE, cap=DEFAULT_COUNT_CAP if search else None)
    page: Page[Item] = paginator.get_page(request.GET.get("page"))
    base = _query(params)
    joiner = "&" if base != "?" else ""
    links = []
    for number in paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1):
        if number == Paginator.ELLIPSIS:
            links.append({"ellipsis": True, "label": number})
        else:
            links.append(
                {"label": number, "url": f"{base}{joiner}page={number}", "current": number == page.number}
            )
    return {
        "page": page,
        "page_links": links if paginator.num_pages > 1 else [],
        "previous_url": f"{base}{joiner}page={page.previous_page_number()}" if page.has_previous() else "",
        "next_url": f"{base}{joiner}page={page.next_page_number()}" if page.has_next() else "",
    }


# ---------------------------------------------------------------------------------------------
# /gk/: the agencies
# ---------------------------------------------------------------------------------------------


@dataclass
class AgencyNode:
    agency: Agency
    count: int
    children: list[AgencyNode] = field(default_factory=list)


def agency_tree(agencies: Iterable[Agency], counts: Mapping[int, int]) -> list[AgencyNode]:
    """Agencies as a forest (parents first, then by name), each with its number of published entries."""
    children: dict[int | None, list[Agency]] = defaultdict(list)
    agencies = list(agencies)
    known = {a.pk for a in agencies}
    for agency in agencies:
        parent = agency.parent_id if agency.parent_id in known else None
        children[parent].append(agency)

    def build(parent: int | None) -> list[AgencyNode]:
        nodes = []
        for agency in children.get(parent, []):
            nodes.append(AgencyNode(agency, counts.get(agency.pk, 0), build(agency.pk)))
        return nodes

    # Depth is bounded by the path column (255 characters), so recursion is shallow.
    return build(None)


#: The published entries of every agency, for /gk/ and the API's agency list (a GROUP BY over the whole
#: catalogue): kept in the shared database cache with the newest entry id and dropped on every save or
#: delete of an entry, so no process serves stale counts; kept at most this long in any case.
SITE_COUNTS_KEY = "gongkai:catalogue:published-per-agency"
SITE_COUNTS_SECONDS = 60


def published_counts() -> dict[int, int]:
    """``{agency id: number of published entries}``."""
    newest = Item.objects.aggregate(newest=Max("id"))["newest"]  # the primary key's index
    cached = cache.get(SITE_COUNTS_KEY)
    if isinstance(cached, tuple) and len(cached) == 2 and cached[0] == newest:
        return dict(cached[1])
    counts = dict(
        published_items()
        .order_by()
        .values_list("agency_id")
        .annotate(n=Count("id"))
        .values_list("agency_id", "n")
    )
    cache.set(SITE_COUNTS_KEY, (newest, counts), SITE_COUNTS_SECONDS)
    return counts


def _forget_counts(**kwargs: Any) -> None:
    cache.delete(SITE_COUNTS_KEY)


post_save.connect(_forget_counts, sender=Item, dispatch_uid="gongkai.catalogue.public.counts.save")
post_delete.connect(_forget_counts, sender=Item, dispatch_uid="gongkai.catalogue.public.counts.delete")


@require_safe
def index(request: HttpRequest) -> HttpResponse:
    agencies = Agency.objects.only("id", "name", "short_code", "parent_id", "path").order_by("name", "id")
    counts = published_counts()
    nodes = agency_tree(agencies, counts)
    return render(request, "catalogue/public/index.html", {"nodes": nodes, "total": sum(counts.values())})


# ---------------------------------------------------------------------------------------------
# An agency's column
# ---------------------------------------------------------------------------------------------


@require_safe
def column(request: HttpRequest, short_code: str) -> HttpResponse:
    agency = _agency(short_code)
    mine = published_items().filter(agency=agency)
    totals = mine.order_by().aggregate(
        total=Count("id"),
        rules=Count("id", filter=Q(is_ogi_rule=True)),
        reports=Count("id", filter=Q(kind=ItemKind.ANNUAL_REPORT)),
    )
    latest = list(_rows(mine)[:LATEST])
    children = list(agency.children.only("id", "name", "short_code", "parent_id").order_by("name"))
    parts = [
        {
            "label": part.label,
            "description": part.description,
            "url": reverse(f"catalogue_public:{part.url_name}", args=[agency.short_code]),
        }
        for part in PARTS
    ]
    return _column(
        request, agency, "column", "column.html", totals=totals, latest=latest, children=children, parts=parts
    )


@require_safe
def guide(request: HttpRequest, short_code: str) -> HttpResponse:
    agency = _agency(short_code)
    site = request.build_absolute_uri("/")
    return _column(request, agency, "guide", "guide.html", guide=build_guide(agency, site=site))


@require_safe
def rules(request: HttpRequest, short_code: str) -> HttpResponse:
    agency = _agency(short_code)
    queryset = _rows(published_items().filter(agency=agency, is_ogi_rule=True))
    return _column(request, agency, "rules", "rules.html", **_paginate(request, queryset, {}))


@require_safe
def reports(request: HttpRequest, short_code: str) -> HttpResponse:
    agency = _agency(short_code)
    queryset = _rows(published_items().filter(agency=agency, kind=ItemKind.ANNUAL_REPORT))
    # Reports written and published in Gongkai (gongkai.annual): the latest version of each year.
    from gongkai.annual.models import ReportVersion, VersionStatus

    generated: dict[int, ReportVersion] = {}
    for version in (
        ReportVersion.objects.filter(report__agency=agency, status=VersionStatus.PUBLISHED)
        .select_related("report")
        .order_by("report__year", "number")
    ):
        generated[version.report.year] = version
    return _column(
        request,
        agency,
        "reports",
        "reports.html",
        generated=sorted(generated.values(), key=lambda v: -v.report.year),
        **_paginate(request, queryset, {}),
    )


@require_safe
def apply(request: HttpRequest, short_code: str) -> HttpResponse:
    agency = _agency(short_code)
    # /apply/ has no way to preselect an agency (the form starts empty); the applicant picks this one.
    return _column(
        request,
        agency,
        "apply",
        "apply.html",
        apply_url=reverse("public:apply"),
        status_url=reverse("public:status"),
        guide_url=reverse("catalogue_public:guide", args=[agency.short_code]),
        office=office_contacts(agency),
    )


# ---------------------------------------------------------------------------------------------
# The catalogue: browse, filter, search
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FacetValue:
    value: str
    label: str
    count: int
    url: str
    current: bool


@dataclass(frozen=True)
class Facet:
    key: str
    label: str  # of the form field
    title: str  # of the browsing list
    values: list[FacetValue]
    all_url: str
    active: bool


def _facet(
    key: str,
    label: str,
    title: str,
    rows: Iterable[tuple[Any, str, int]],
    params: Mapping[str, str],
    selected: tuple[str, str] | None,
) -> Facet:
    """One way to browse; ``selected`` is the chosen (value, label), listed even if nothing has it."""
    current = selected[0] if selected else ""
    values = [
        FacetValue(str(value), text, count, _query(params, **{key: str(value)}), str(value) == current)
        for value, text, count in rows
    ]
    if selected and not any(v.current for v in values):
        values.append(FacetValue(current, selected[1], 0, _query(params, **{key: current}), True))
    return Facet(key, label, title, values, _query(params, **{key: None}), bool(current))


def _selected(filters: Filters) -> dict[str, tuple[str, str]]:
    """The chosen value and its label of each browsing facet."""
    chosen: dict[str, tuple[str, str]] = {}
    if filters.category is not None:
        chosen["category"] = (str(filters.category.pk), filters.category.name)
    if filters.article20 is not None:
        number = filters.article20
        chosen["article20"] = (str(number), f"{article_20_number(number)}{ARTICLE_20_ITEMS[number]}")
    if filters.kind:
        chosen["kind"] = (filters.kind, str(ItemKind(filters.kind).label))
    if filters.document_type:
        chosen["document_type"] = (filters.document_type, str(DocumentType(filters.document_type).label))
    if filters.year is not None:
        chosen["year"] = (str(filters.year), _("%(year)d年") % {"year": filters.year})
    return chosen


@dataclass
class FacetCounts:
    category: Counter[int] = field(default_factory=Counter)
    article20: Counter[int] = field(default_factory=Counter)
    kind: Counter[str] = field(default_factory=Counter)
    document_type: Counter[str] = field(default_factory=Counter)
    year: Counter[int] = field(default_factory=Counter)


def facet_counts(base: QuerySet[Item]) -> FacetCounts:
    """Entries of ``base`` by category, 第二十条 item, kind, document type and year, in ONE scan.

    The database groups by the five columns together (a few hundred groups even for an agency with
    tens of thousands of entries); the sums per column are made here.
    """
    counts = FacetCounts()
    rows = (
        base.order_by()
        .annotate(y=ExtractYear("published_on"))
        .values_list("category_id", "article20_item", "kind", "document_type", "y")
        .annotate(n=Count("id"))
    )
    for category_id, article20, kind, document_type, year, n in rows:
        if category_id is not None:
            counts.category[category_id] += n
        if article20 is not None:
            counts.article20[article20] += n
        counts.kind[kind] += n
        counts.document_type[document_type] += n
        if year:
            counts.year[year] += n
    return counts


def cached_facet_counts(agency: Agency) -> FacetCounts:
    """:func:`facet_counts` of the agency's published entries, cached.

    The cache key holds the number of published entries, the newest id and the latest change, read
    in one cheap aggregate: publishing, withdrawing or editing an entry makes a new key, so the counts
    are never stale; :data:`FACET_CACHE_SECONDS` only bounds how long an unused key is kept.
    """
    base = published_items().filter(agency=agency)
    stamp = base.order_by().aggregate(n=Count("id"), last=Max("id"), changed=Max("updated_at"))
    changed = stamp["changed"].timestamp() if stamp["changed"] else 0
    key = f"gongkai:catalogue:facets:{agency.pk}:{stamp['n']}:{stamp['last']}:{changed}"
    counts = cache.get(key)
    if not isinstance(counts, FacetCounts):
        counts = facet_counts(base)
        cache.set(key, counts, FACET_CACHE_SECONDS)
    return counts


def _facets(agency: Agency, filters: Filters) -> list[Facet]:
    """The agency's whole catalogue counted by category, 第二十条 item, kind, document type and year."""
    counts = cached_facet_counts(agency)
    names = Category.objects.filter(pk__in=list(counts.category)).order_by("order", "name")
    categories = [(c.pk, c.name, counts.category[c.pk]) for c in names.only("id", "name", "order")]
    article20 = [
        (number, f"{article_20_number(number)}{ARTICLE_20_ITEMS[number]}", counts.article20[number])
        for number in sorted(counts.article20)
        if number in ARTICLE_20_ITEMS
    ]
    kinds = [(k.value, str(k.label), counts.kind[k.value]) for k in ItemKind if counts.kind[k.value]]
    types = [
        (t.value, str(t.label), counts.document_type[t.value])
        for t in DocumentType
        if t != DocumentType.OTHER and counts.document_type[t.value]
    ]
    years = [
        (year, _("%(year)d年") % {"year": year}, counts.year[year])
        for year in sorted(counts.year, reverse=True)
    ]
    params, chosen = filters.raw, _selected(filters)
    return [
        _facet("category", _("主题分类"), _("按主题分类"), categories, params, chosen.get("category")),
        _facet(
            "article20",
            _("第二十条事项"),
            _("按条例第二十条事项"),
            article20,
            params,
            chosen.get("article20"),
        ),
        _facet("kind", _("信息类别"), _("按信息类别"), kinds, params, chosen.get("kind")),
        _facet("document_type", _("文件类型"), _("按文件类型"), types, params, chosen.get("document_type")),
        _facet("year", _("发布年份"), _("按发布年份"), years, params, chosen.get("year")),
    ]


def _selected_labels(filters: Filters) -> list[str]:
    labels = []
    if filters.category is not None:
        labels.append(_("主题分类：%(v)s") % {"v": filters.category.name})
    if filters.article20 is not None:
        labels.append(_("第二十条事项：%(v)s") % {"v": article_20_label(filters.article20)})
    if filters.kind:
        labels.append(_("信息类别：%(v)s") % {"v": ItemKind(filters.kind).label})
    if filters.document_type:
        labels.append(_("文件类型：%(v)s") % {"v": DocumentType(filters.document_type).label})
    if filters.year is not None:
        labels.append(_("发布年份：%(v)d年") % {"v": filters.year})
    if filters.published_after is not None:
        labels.append(_("发布日期不早于：%(v)s") % {"v": filters.published_after.isoformat()})
    if filters.published_before is not None:
        labels.append(_("发布日期不晚于：%(v)s") % {"v": filters.published_before.isoformat()})
    return labels


@require_safe
def catalogue(request: HttpRequest, short_code: str) -> HttpResponse:
    agency = _agency(short_code)
    filters, errors = public_filters.parse(request.GET)
    params = filters.raw
    base = published_items().filter(agency=agency)
    results = _rows(filters.apply(base))
    facets = _facets(agency, filters)
    context = _paginate(request, results, params, search=bool(filters.q))
    return _column(
        request,
        agency,
        "catalogue",
        "catalogue.html",
        filters=filters,
        params=params,
        errors=errors,
        facets=facets,
        selected=_selected_labels(filters),
        # A query of punctuation or symbols only finds nothing; the page says why.
        unsearchable=bool(filters.q) and not is_searchable(filters.q),
        clear_url=reverse("catalogue_public:catalogue", args=[agency.short_code]),
        **context,
    )


# ---------------------------------------------------------------------------------------------
# One entry and its files
# ---------------------------------------------------------------------------------------------


def _dash(value: Any) -> Any:
    return value if value not in (None, "") else "—"


def _date(value: Any) -> str:
    return value.isoformat() if value else "—"


def metadata(item: Item) -> list[tuple[str, Any]]:
    """The entry's metadata as government sites show it (docs/law.md §5.2), in display order."""
    return [
        (_("索引号"), _dash(item.index_number)),
        (_("主题分类"), _dash(item.category.name if item.category else "")),
        (_("发布机构"), _dash(item.publisher or item.agency.name)),
        (_("信息类别"), item.get_kind_display()),
        (_("成文日期"), _date(item.written_on)),
        (_("发布日期"), _date(item.published_on)),
        (_("实施日期"), _date(item.effective_on)),
        (_("废止日期"), _date(item.repealed_on)),
        (_("文号"), _dash(item.doc_number)),
        (_("有效性"), _dash(item.get_validity_display() if item.validity else "")),
        (_("公开方式"), item.get_disclosure_mode_display()),
        (_("关键词"), _dash(item.keywords)),
    ]


def pairs(rows: list[tuple[str, Any]]) -> list[tuple[tuple[str, Any], ...]]:
    """Rows of two label/value pairs, as the four-column tables of government sites show them."""
    return [tuple(rows[i : i + 2]) for i in range(0, len(rows), 2)]


@require_safe
def item(request: HttpRequest, short_code: str, pk: int) -> HttpResponse:
    entry = get_object_or_404(
        Item.objects.select_related("agency", "category")
        .defer("search_text", "search_vector")
        .filter(agency__short_code=short_code, status__in=PAGE_STATUSES),
        pk=pk,
    )
    agency = entry.agency
    if entry.status == Status.WITHDRAWN:
        return _column(request, agency, "catalogue", "withdrawn.html", item=entry, in_section=True)
    attachments = list(
        entry.attachments.only("id", "item_id", "filename", "kind", "content_type", "size").order_by("id")
    )
    interpretations = list(
        entry.interpretations.filter(status=Status.PUBLISHED)
        .select_related("agency")
        .only("id", "title", "index_number", "published_on", "interprets_id", "agency__short_code")
        .order_by("-published_on", "-id")
    )
    interprets = None
    if entry.interprets_id is not None:
        interprets = (
            Item.objects.filter(pk=entry.interprets_id, status__in=PAGE_STATUSES)
            .select_related("agency")
            .only("id", "title", "index_number", "status", "agency__short_code")
            .first()
        )
    article20 = article_20_label(entry.article20_item) if entry.article20_item in ARTICLE_20_ITEMS else ""
    return _column(
        request,
        agency,
        "catalogue",
        "item.html",
        item=entry,
        in_section=True,
        metadata_pairs=pairs(metadata(entry)),
        article20=article20,
        body=sanitized(entry.body),
        attachments=attachments,
        interpretations=interpretations,
        interprets=interprets,
    )


_NOT_FILENAME = re.compile(r'[\x00-\x1f\x7f"\\/]')


def ascii_fallback(filename: str, pk: int) -> str:
    """A plain ASCII name for clients that ignore ``filename*``: the name itself if it is plain ASCII,
    else ``attachment-<pk>.<ext>``."""
    stem, dot, ext = filename.rpartition(".")
    ext = ext.lower() if dot and re.fullmatch(r"[A-Za-z0-9]{1,8}", ext) else "bin"
    if dot and re.fullmatch(r"[A-Za-z0-9._ -]{1,100}", stem):
        return f"{stem}.{ext}"
    return f"attachment-{pk}.{ext}"


def content_disposition(filename: str, pk: int) -> str:
    """``attachment; filename="…"; filename*=UTF-8''…`` (RFC 6266 with the RFC 5987 encoding)."""
    clean = _NOT_FILENAME.sub("_", filename).strip() or f"attachment-{pk}"
    return f"attachment; filename=\"{ascii_fallback(clean, pk)}\"; filename*=UTF-8''{quote(clean, safe='')}"


#: Bytes per piece when a file held as a ``memoryview`` is sent.
DOWNLOAD_CHUNK = 256 * 1024


def _pieces(view: memoryview) -> Iterator[memoryview]:
    for start in range(0, len(view), DOWNLOAD_CHUNK):
        yield view[start : start + DOWNLOAD_CHUNK]


@require_safe
def attachment(request: HttpRequest, short_code: str, pk: int, attachment_pk: int) -> HttpResponseBase:
    """One file of a published entry; ``304`` when the client's ``If-None-Match`` has its ETag (sha256).

    The file is read from the database only when it is sent. ``bytes`` go out as they are (no copy); a
    ``memoryview`` (what some database drivers return) is sent in slices rather than copied whole.
    """
    file = (
        Attachment.objects.filter(
            pk=attachment_pk, item_id=pk, item__status=Status.PUBLISHED, item__agency__short_code=short_code
        )
        .only("id", "filename", "content_type", "size", "sha256")
        .first()
    )
    if file is None:
        raise Http404
    etag = f'"{file.sha256}"' if file.sha256 else None
    if etag is not None:
        not_modified = get_conditional_response(request, etag=etag)
        if not_modified is not None:
            not_modified["ETag"] = etag
            return not_modified
    content_type = (file.content_type or "").split(";")[0].strip().lower()
    if content_type not in SAFE_CONTENT_TYPES:
        content_type = "application/octet-stream"
    try:
        data = file.data  # deferred: loaded now
    except Attachment.DoesNotExist:  # deleted since the first query
        raise Http404 from None
    response: HttpResponseBase
    if isinstance(data, memoryview):
        response = StreamingHttpResponse(_pieces(data), content_type=content_type)
    else:
        response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = content_disposition(file.filename, file.pk)
    response["Content-Length"] = str(len(data))
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    if etag is not None:
        response["ETag"] = etag
    return response
