"""The public "政府信息公开" column of each agency (no login; 条例 第十二、二十三、二十四条).

``/gk/`` lists the agencies; ``/gk/<short_code>/`` is an agency's column with its five parts — the guide
(指南, built by :mod:`gongkai.catalogue.guide`), the OGI rules (制度), the statutory catalogue (法定主动公开
内容: browse, filter, search), the annual reports (年报) and 依申请公开 — plus one page per entry and
its file downloads.

Only published entries are listed, searched or shown (:func:`public_filters.published_items`); a
withdrawn entry keeps a page that says so, with its index number, title and the reason, and nothing
else. Drafts and entries under review do not exist here (404). Bodies are stored sanitised and are
sanitised again before they are rendered.

Thin views: the reads are in :mod:`gongkai.catalogue.selectors`, what a page shows in
:mod:`gongkai.catalogue.presenters_public`. The 年报 part is a page of the annual-report app (URL name
``annual_public:column_reports``), which the catalogue links to and never imports.
"""

from __future__ import annotations

from typing import Any

from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import get_conditional_response
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_safe

from gongkai.agencies.models import Agency
from gongkai.catalogue import public_filters, selectors
from gongkai.catalogue.guide import build_guide, office_contacts
from gongkai.catalogue.indexing import RankedSearch
from gongkai.catalogue.models import ColumnTotals, DocumentType, Item, Status, Topic, Validity
from gongkai.catalogue.presenters_public import (
    agency_groups,
    agency_options,
    agency_tree,
    column_context,
    content_disposition,
    facets,
    metadata,
    page_context,
    paginate,
    pairs,
    part_links,
    query_string,
    sanitized,
    selected_labels,
)
from gongkai.catalogue.public_filters import published_in, published_items
from gongkai.catalogue.search import is_searchable
from gongkai.catalogue.taxonomy import ARTICLE_20_ITEMS, article_20_label
from gongkai.core.responses import NEUTRAL_TYPE, HttpResponsePermanentRedirectKeepMethod, serve_file
from gongkai.statute.standard_areas import SOURCE, area_name

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


def _column(
    request: HttpRequest, agency: Agency, current: str, template: str, **context: Any
) -> HttpResponse:
    return render(request, f"catalogue/public/{template}", column_context(agency, current, **context))


#: Agencies per page of the front page.
FRONT_PAGE_AGENCIES = 60


@csrf_exempt  # a POST is only redirected (below); the checker's page checks the repeated POST's token
@require_http_methods(["GET", "HEAD", "POST"])
def home(request: HttpRequest) -> HttpResponse:
    """The site's front page ``/``: a search across every agency's catalogue and the agencies' columns,
    grouped by parent and level, paginated when many. Until issue 15 ``/`` was the report checker, now at
    ``/check/``: a POST here (its old form) is sent there with a 308, which repeats it."""
    if request.method == "POST":
        return HttpResponsePermanentRedirectKeepMethod(reverse("checker:check"))
    page = Paginator(selectors.front_page_agencies(), FRONT_PAGE_AGENCIES).get_page(request.GET.get("page"))
    agencies = list(page.object_list)
    parents = selectors.agencies_by_id(a.parent_id for a in agencies if a.parent_id)
    counts = selectors.published_counts()
    return render(
        request,
        "catalogue/public/home.html",
        {
            "groups": agency_groups(agencies, parents, counts),
            "total": sum(counts.values()),
            **page_context(page, {}),
        },
    )


@require_safe
def search(request: HttpRequest) -> HttpResponse:
    """``/gk/search/``: one search over every agency's published entries (``q`` and the catalogue's
    filters, ``agency`` among them), through the catalogue's search (:mod:`public_filters`, ``indexing``)."""
    filters, errors = public_filters.parse(request.GET, allow_agency=True)
    params = filters.raw
    matches = filters.apply(published_items())
    # A search lists the best matches first (indexing.RankedSearch); browsing lists the newest first.
    results = (
        selectors.public_search(matches, filters.q, with_agency=True, scope=filters.narrow(published_items()))
        if filters.q
        else selectors.public_rows_with_agency(matches)
    )
    context = paginate(request, results, params, search=bool(filters.q)) if filters.active else {}
    return render(
        request,
        "catalogue/public/search.html",
        {
            "filters": filters,
            "params": params,
            "errors": errors,
            "agency_options": agency_options(selectors.agency_choices(), params.get("agency", "")),
            "unsearchable": bool(filters.q) and not is_searchable(filters.q),
            **context,
        },
    )


@require_safe
def index(request: HttpRequest) -> HttpResponse:
    counts = selectors.published_counts()
    nodes = agency_tree(selectors.site_agencies(), counts)
    return render(request, "catalogue/public/index.html", {"nodes": nodes, "total": sum(counts.values())})


# ---------------------------------------------------------------------------------------------
# An agency's column
# ---------------------------------------------------------------------------------------------


@require_safe
def column(request: HttpRequest, short_code: str) -> HttpResponse:
    agency = selectors.column_agency(short_code)
    return _column(
        request,
        agency,
        "column",
        "column.html",
        totals=selectors.column_totals(agency),
        latest=selectors.latest_published(agency),
        children=selectors.child_agencies(agency),
        parts=part_links(agency),
    )


@require_safe
def guide(request: HttpRequest, short_code: str) -> HttpResponse:
    agency = selectors.column_agency(short_code)
    site = request.build_absolute_uri("/")
    return _column(request, agency, "guide", "guide.html", guide=build_guide(agency, site=site))


@require_safe
def rules(request: HttpRequest, short_code: str) -> HttpResponse:
    agency = selectors.column_agency(short_code)
    queryset = selectors.public_rows(published_items().filter(agency=agency, is_ogi_rule=True))
    return _column(request, agency, "rules", "rules.html", **paginate(request, queryset, {}))


@require_safe
def apply(request: HttpRequest, short_code: str) -> HttpResponse:
    agency = selectors.column_agency(short_code)
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


@require_safe
def catalogue(request: HttpRequest, short_code: str) -> HttpResponse:
    filters, errors = public_filters.parse(request.GET)
    params = filters.raw
    results: QuerySet[Item] | RankedSearch[Any] | selectors.BrowseRows
    counters: ColumnTotals | None = None
    categories: list[tuple[int, str]] | None = None
    if filters.only_query and is_searchable(filters.q):
        # A search and nothing else (the column's usual one): the agency with its counters and the categories'
        # names in one statement (the facets' counts are in them), the search in SQL of its own
        # (selectors.ColumnSearch).
        agency, counters, categories = selectors.browsing_column(short_code)
        results = selectors.ColumnSearch(agency.pk, filters.q, entries=counters.total if counters else None)
    elif filters.active:
        agency = selectors.column_agency(short_code)
        matches = filters.apply(published_in(agency))
        # A search lists the best matches first (indexing.RankedSearch); browsing lists the newest first.
        results = (
            selectors.public_search(matches, filters.q, scope=filters.narrow(published_in(agency)))
            if filters.q
            else selectors.public_rows(matches)
        )
    else:
        # Browsing the whole catalogue (its busiest page): the agency with its counters and the categories'
        # names in one statement, the total the count and the browsing counts kept; the rows in SQL of their
        # own.
        agency, counters, categories = selectors.browsing_column(short_code)
        results = selectors.BrowseRows(agency.pk, counters)
    context = paginate(
        request,
        results,
        params,
        search=bool(filters.q),
        count=counters.total if counters and not filters.q else None,
    )
    return _column(
        request,
        agency,
        "catalogue",
        "catalogue.html",
        filters=filters,
        params=params,
        errors=errors,
        facets=facets(agency, filters, counters, categories),
        selected=selected_labels(filters),
        # A query of punctuation or symbols only finds nothing; the page says why.
        unsearchable=bool(filters.q) and not is_searchable(filters.q),
        clear_url=reverse("catalogue_public:catalogue", args=[agency.short_code]),
        **context,
    )


# ---------------------------------------------------------------------------------------------
# Standing sub-columns: 政策文件库, 基层政务公开标准目录 areas, 建议提案办理结果, 依申请公开转主动公开
# ---------------------------------------------------------------------------------------------

#: 政策文件库: the documents that carry a 有效性 (规章, 行政规范性文件).
POLICY_TYPES = (DocumentType.REGULATION, DocumentType.NORMATIVE)


@require_safe
def policies(request: HttpRequest, short_code: str) -> HttpResponse:
    """政策文件库: the agency's published 规章 and 行政规范性文件, filtered by 有效性 (``validity``) and
    searchable (``q``), with each one's validity."""
    agency = selectors.column_agency(short_code)
    wanted: dict[str, str] = {k: str(request.GET[k]) for k in ("validity", "q") if k in request.GET}
    filters, errors = public_filters.parse(wanted)
    params = filters.raw
    base = published_in(agency).filter(document_type__in=POLICY_TYPES)
    results = selectors.public_rows(filters.apply(base)).only(
        *selectors.ROW_FIELDS, "validity", "effective_on"
    )
    counts = selectors.published_counts_by(agency, "validity", document_type__in=POLICY_TYPES)
    url = reverse("catalogue_public:policies", args=[agency.short_code])
    tabs = [
        {
            "label": label,
            "count": (sum(n for v, n in counts.items() if v) if not value else counts.get(value, 0)),
            "url": url + query_string({"q": filters.q} if filters.q else {}, validity=value or None),
            "current": filters.validity == value,
        }
        for value, label in [("", _("全部")), *((v, name) for v, name in Validity.choices if v)]
    ]
    return _column(
        request,
        agency,
        "policies",
        "policies.html",
        filters=filters,
        params=params,
        errors=errors,
        tabs=tabs,
        clear_url=url,
        **paginate(request, results, params, search=bool(filters.q)),
    )


@require_safe
def columns(request: HttpRequest, short_code: str) -> HttpResponse:
    """专题栏目: the agency's standing sub-columns with their numbers of entries."""
    agency = selectors.column_agency(short_code)
    areas = selectors.column_areas(agency)
    area_counts = selectors.published_counts_by(agency, "standard_area") if areas else {}
    topic_counts = selectors.published_counts_by(agency, "topic")
    return _column(
        request,
        agency,
        "columns",
        "columns.html",
        areas=[
            {
                "code": code,
                "name": area_name(code),
                "count": area_counts.get(code, 0),
                "url": reverse("catalogue_public:area", args=[agency.short_code, code]),
            }
            for code in areas
        ],
        topics=[
            {
                "code": topic.value,
                "name": topic.label,
                "count": topic_counts.get(topic.value, 0),
                "url": reverse("catalogue_public:topic", args=[agency.short_code, topic.value]),
            }
            for topic in Topic
            if topic.value
        ],
        source=SOURCE,
    )


@require_safe
def area(request: HttpRequest, short_code: str, code: str) -> HttpResponse:
    """One 基层政务公开标准目录 area the agency chose: the entries filed under it (404 for another)."""
    agency = selectors.column_agency(short_code)
    if code not in selectors.column_areas(agency):
        raise Http404
    queryset = selectors.public_rows(published_items().filter(agency=agency, standard_area=code))
    return _column(
        request,
        agency,
        "columns",
        "subcolumn.html",
        in_section=True,
        heading=area_name(code),
        note=SOURCE,
        **paginate(request, queryset, {}),
    )


@require_safe
def topic(request: HttpRequest, short_code: str, code: str) -> HttpResponse:
    """建议提案办理结果 or 依申请公开转主动公开 (条例 第四十四条): the entries filed under it."""
    agency = selectors.column_agency(short_code)
    if code not in Topic.values or not code:
        raise Http404
    queryset = selectors.public_rows(published_items().filter(agency=agency, topic=code))
    return _column(
        request,
        agency,
        "columns",
        "subcolumn.html",
        in_section=True,
        heading=Topic(code).label,
        note=TOPIC_NOTES[code],
        **paginate(request, queryset, {}),
    )


#: What each standing topic holds, for its page.
TOPIC_NOTES = {
    Topic.PROPOSAL_RESPONSES.value: _lazy("本机关对人大代表建议和政协委员提案的办理结果（复文）及办理情况。"),
    Topic.FROM_REQUESTS.value: _lazy(
        "依申请公开的政府信息，可能涉及公众利益调整、需要公众广泛知晓或者需要公众参与决策的，"
        "本机关依照《中华人民共和国政府信息公开条例》第四十四条转为主动公开。"
    ),
}


# ---------------------------------------------------------------------------------------------
# One entry and its files
# ---------------------------------------------------------------------------------------------


@require_safe
def item(request: HttpRequest, short_code: str, pk: int) -> HttpResponse:
    entry = selectors.public_entry(short_code, pk)
    agency = entry.agency
    if entry.status == Status.WITHDRAWN:
        return _column(request, agency, "catalogue", "withdrawn.html", item=entry, in_section=True)
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
        attachments=selectors.entry_attachments(entry),
        interpretations=selectors.published_interpretations(entry),
        interprets=selectors.interpreted_entry(entry),
        corrections=selectors.entry_corrections(entry),
    )


@require_safe
def attachment(request: HttpRequest, short_code: str, pk: int, attachment_pk: int) -> HttpResponseBase:
    """One file of a published entry; ``304`` when the client's ``If-None-Match`` has its ETag (sha256).

    The file is read from the database only when it is sent. ``bytes`` go out as they are (no copy); a
    ``memoryview`` (what some database drivers return) is sent in slices rather than copied whole.
    """
    file = selectors.public_attachment(short_code, pk, attachment_pk)
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
        content_type = NEUTRAL_TYPE
    try:
        data = file.open_file()  # sent in blocks (FileResponse), with its length
    except FileNotFoundError:  # deleted since the first query
        raise Http404 from None
    response = serve_file(
        data,
        filename=file.filename,
        content_type=content_type,
        disposition=content_disposition(file.filename, file.pk),
        # A PDF or an image opens in the browser (never HTML or SVG: serve_file); ?download=1 saves it.
        inline=request.GET.get("download") != "1",
    )
    if etag is not None:
        response["ETag"] = etag
    return response
