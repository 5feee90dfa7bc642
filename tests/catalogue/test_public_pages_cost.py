"""What the public pages cost with the page cache off (issue 16), without changing what they show: a deep
page's ids read first, the catalogue's count and browsing-counts key from the column counters, list rows,
facets and links made in Python — each checked against what the pages made before (the old template
markup, Django's ``reverse`` and ``get_<field>_display``)."""

from __future__ import annotations

import datetime
import re
from typing import Any

import pytest
from django.db import connection, models
from django.http import Http404
from django.template import engines
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse, set_script_prefix

from gongkai.catalogue import selectors, totals
from gongkai.catalogue.models import (
    Category,
    ColumnTotals,
    DisclosureMode,
    DocumentType,
    Item,
    ItemKind,
    Validity,
)
from gongkai.catalogue.presenters_public import facets, label_of
from gongkai.catalogue.public_filters import Filters
from gongkai.core.reversing import fast_reverse
from tests.catalogue.public_factories import category, make_item
from tests.conftest import Tree

pytestmark = pytest.mark.django_db

URL = "/gk/county-a/catalogue/"


@pytest.fixture(autouse=True)
def cache_off(settings: Any) -> None:
    """Every page made (the page cache would serve the second request of a page from the first)."""
    settings.GONGKAI_PAGE_CACHE = False


def titles(page: str) -> list[str]:
    return re.findall(r'<a href="/gk/county-a/items/\d+/">([^<]+)</a>', page)


@pytest.fixture
def entries(tree: Tree) -> list[Item]:
    start = datetime.date(2025, 1, 1)
    # Two entries a day: the order within a day is the id's, newest first.
    return [
        make_item(tree.county_a, f"第{n:02d}号信息", published_on=start + datetime.timedelta(days=n // 2))
        for n in range(45)
    ]


def test_a_deep_page_reads_its_ids_first_and_shows_what_offset_showed(
    client: Client, entries: list[Item], monkeypatch: pytest.MonkeyPatch
) -> None:
    plain = client.get(URL + "?page=2").content.decode()
    monkeypatch.setattr(selectors, "DEEP_OFFSET", 20)
    with CaptureQueriesContext(connection) as queries:
        deep = client.get(URL + "?page=2").content.decode()
    assert deep == plain
    assert titles(deep) == [f"第{n:02d}号信息" for n in range(24, 4, -1)]
    ids = [
        q["sql"] for q in queries if re.match(r'SELECT ("catalogue_item"\.)?"id"( AS "pk")? FROM', q["sql"])
    ]
    assert len(ids) == 1 and "OFFSET 20" in ids[0]
    # The last page (5 rows) and a row withdrawn between the two reads is left out, not shown.
    assert titles(client.get(URL + "?page=3").content.decode()) == [
        f"第{n:02d}号信息" for n in range(4, -1, -1)
    ]
    rows = selectors.RowsByIds(selectors.public_rows(Item.objects.filter(agency__short_code="county-a")))
    ids_first = [row.pk for row in rows[20:40]]
    assert ids_first == [row.pk for row in selectors.public_rows(Item.objects.filter(pk__in=ids_first))]


@pytest.mark.parametrize("deep", [200, 20])
def test_the_browsing_rows_in_sql_are_the_orm_s(
    tree: Tree, entries: list[Item], monkeypatch: pytest.MonkeyPatch, deep: int
) -> None:
    monkeypatch.setattr(selectors, "DEEP_OFFSET", deep)
    make_item(tree.county_a, "草稿", status="draft")
    make_item(tree.county_b, "乙县的信息")
    entries[3].doc_number = "甲〔2025〕3号"
    entries[3].save()
    orm = selectors.public_rows(Item.objects.filter(agency=tree.county_a, status="published"))
    rows = selectors.BrowseRows(tree.county_a.pk)
    assert rows.count() == len(rows) == 45
    for start, stop in [(0, 20), (20, 40), (40, 60), (60, 80)]:
        expected = [
            (row.pk, row.index_number, row.title, row.published_on, row.doc_number) for row in orm[start:stop]
        ]
        assert [tuple(row) for row in rows[start:stop]] == expected
    assert rows[45:60] == []
    assert [category_id for category_id, _name in selectors.category_names([])] == []


def test_the_browsing_column_is_the_agency_with_its_counters(tree: Tree, entries: list[Item]) -> None:
    finance, roads = category("财政、金融、审计"), category("工业、交通")
    Category.objects.filter(pk=finance.pk).update(order=1)  # before 工业、交通 by order, after it by name
    Category.objects.filter(pk=roads.pk).update(order=2)
    with CaptureQueriesContext(connection) as queries:
        agency, counters, categories = selectors.browsing_column("county-a")
    assert len(queries) == 1
    assert (agency.pk, agency.name, agency.short_code) == (tree.county_a.pk, "甲县人民政府", "county-a")
    stored = ColumnTotals.objects.get(agency=tree.county_a)
    assert counters is not None
    assert (counters.total, counters.stamp, counters.facets) == (45, stored.stamp, stored.facets)
    # Every category, in the order category_names reads them.
    everything = [c.pk for c in Category.objects.all()]
    assert categories == selectors.category_names(everything)
    assert categories.index((finance.pk, finance.name)) < categories.index((roads.pk, roads.name))
    selectors.cached_facet_counts(agency, counters)  # counted and kept
    _agency, counters, _categories = selectors.browsing_column("county-a")
    assert counters is not None and counters.facets == ColumnTotals.objects.get(agency=tree.county_a).facets
    assert counters.facets is not None
    # An agency never counted has no counters (the categories all the same); an unknown one is 404.
    uncounted = selectors.browsing_column("town-b1")
    assert uncounted.counters is None and uncounted.categories == categories
    with pytest.raises(Http404):
        selectors.browsing_column("no-such-agency")
    expected = [(c.pk, c.name) for c in selectors.categories_in_order([roads.pk, finance.pk])]
    assert selectors.category_names([roads.pk, finance.pk]) == expected


def test_the_facets_with_the_column_s_categories_are_those_read_apart(
    tree: Tree, entries: list[Item]
) -> None:
    """The facets made with the categories read with the column (selectors.browsing_column) are those made
    with their names read apart (selectors.category_names): the categories the entries have, in order."""
    make_item(tree.county_a, "2024年部门预算", category=category("财政、金融、审计"))
    make_item(tree.county_a, "道路养护", category=category("工业、交通"))
    Category.objects.create(name="未使用的分类", order=0)
    agency, counters, categories = selectors.browsing_column("county-a")
    chosen = Filters(raw={"q": "预算"})
    apart = facets(agency, chosen, counters)
    together = facets(agency, chosen, counters, categories)
    assert together == apart
    used = Item.objects.filter(agency=tree.county_a, status="published").values_list("category", flat=True)
    expected = [c.name for c in selectors.categories_in_order([pk for pk in set(used) if pk is not None])]
    assert {"工业、交通", "财政、金融、审计"} <= set(expected)
    assert [value.label for value in together[0].values] == expected
    assert "未使用的分类" in [name for _pk, name in categories]


@pytest.mark.parametrize("query", [{}, {"q": "信息"}, {"q": "号信息", "page": "2"}])
def test_the_browsed_and_searched_pages_read_the_categories_with_the_column(
    client: Client, entries: list[Item], query: dict[str, str]
) -> None:
    """The catalogue browsed whole or searched (no other filter) reads the categories' names in the agency's
    statement, none apart; its facets list the categories its entries have."""
    Item.objects.filter(pk=entries[0].pk).update(category=category("财政、金融、审计"))
    Item.objects.filter(pk=entries[1].pk).update(category=category("工业、交通"))
    totals.refresh(entries[0].agency_id)
    with CaptureQueriesContext(connection) as queries:
        page = client.get(URL, query).content.decode()
    reading = [q["sql"] for q in queries if "catalogue_category" in q["sql"]]
    assert len(reading) == 1 and "agencies_agency" in reading[0]
    assert ">财政、金融、审计</a>" in page and ">工业、交通</a>" in page
    assert ">综合政务</a>" not in page  # a category no entry has


def test_browsing_counts_from_the_counters_not_a_count(client: Client, entries: list[Item]) -> None:
    with CaptureQueriesContext(connection) as queries:
        page = client.get(URL).content.decode()
    assert "共 45 条" in page and "第 1 页，共 3 页" in page
    assert not [q for q in queries if '"__count"' in q["sql"] and "catalogue_item" in q["sql"]]
    # A filter counts its matches.
    with CaptureQueriesContext(connection) as queries:
        filtered = client.get(URL + "?year=2025&kind=information").content.decode()
    assert "共 45 条" in filtered
    assert [q for q in queries if '"__count"' in q["sql"] and "catalogue_item" in q["sql"]]


def test_every_count_renews_the_stamp_of_the_browsing_counts(tree: Tree, entries: list[Item]) -> None:
    agency = tree.county_a
    before = ColumnTotals.objects.get(agency=agency).stamp
    totals.refresh(agency.pk)
    after = ColumnTotals.objects.get(agency=agency)
    assert after.stamp != before and after.total == 45
    finance = category("财政、金融、审计")
    assert selectors.cached_facet_counts(agency).category[finance.pk] == 0
    entry = entries[0]
    entry.category = finance  # a correction of the category: the number of entries stays
    entry.save()
    assert selectors.cached_facet_counts(agency).category[finance.pk] == 1
    totals.rebuild()
    assert ColumnTotals.objects.get(agency=agency).stamp != after.stamp
    # An agency never counted is keyed by its entries, as before the counters.
    ColumnTotals.objects.filter(agency=agency).delete()
    assert selectors.cached_facet_counts(agency).category[finance.pk] == 1


def test_the_browsing_counts_are_kept_in_the_counters_and_emptied_by_every_count(
    client: Client, tree: Tree, entries: list[Item]
) -> None:
    agency = tree.county_a
    finance = category("财政、金融、审计")
    totals.refresh(agency.pk)
    assert ColumnTotals.objects.get(agency=agency).facets is None
    fresh = totals.facet_counts(Item.objects.filter(agency=agency, status="published"))
    # The first reader counts them and keeps them under the stamp it read; the next one reads the row.
    first = client.get(URL).content.decode()
    kept = ColumnTotals.objects.get(agency=agency)
    assert kept.facets is not None and _counts(kept.facets) == fresh
    with CaptureQueriesContext(connection) as queries:
        again = client.get(URL).content.decode()
    assert again == first
    assert not [q for q in queries if "GROUP BY" in q["sql"] or "cache" in q["sql"]]
    # A change counts again and empties them: the next page shows the change, never the kept counts.
    entry = entries[0]
    entry.category = finance
    entry.save()
    assert ColumnTotals.objects.get(agency=agency).facets is None
    assert f'?category={finance.pk}">财政、金融、审计</a> <span class="gk-facet__count">1</span>' in (
        client.get(URL).content.decode()
    )
    assert _counts(ColumnTotals.objects.get(agency=agency).facets).category[finance.pk] == 1


def test_counts_made_before_a_change_are_not_kept_after_it(tree: Tree, entries: list[Item]) -> None:
    agency = tree.county_a
    totals.refresh(agency.pk)
    read = ColumnTotals.objects.get(agency=agency)
    stale = selectors.cached_facet_counts(agency, read)  # counted and kept under read.stamp
    totals.refresh(agency.pk)  # a change since
    totals.keep_facets(agency.pk, read.stamp, stale)  # a slow reader storing what it counted before it
    assert ColumnTotals.objects.get(agency=agency).facets is None
    # A second reader under the same stamp leaves the first one's counts.
    now = ColumnTotals.objects.get(agency=agency)
    counted = selectors.cached_facet_counts(agency, now)
    totals.keep_facets(agency.pk, now.stamp, totals.FacetCounts())
    assert _counts(ColumnTotals.objects.get(agency=agency).facets) == counted
    assert counted.kind["information"] == 45


def test_rebuild_counts_every_agency_s_browsing_counts(tree: Tree, entries: list[Item]) -> None:
    make_item(tree.county_b, "乙县的信息", category=category("财政、金融、审计"), article20_item=7)
    totals.rebuild()
    for agency in (tree.county_a, tree.county_b):
        kept = ColumnTotals.objects.get(agency=agency).facets
        assert kept is not None
        assert _counts(kept) == totals.facet_counts(Item.objects.filter(agency=agency, status="published"))
    assert _counts(ColumnTotals.objects.get(agency=tree.county_b).facets).article20 == {7: 1}


def _counts(kept: Any) -> totals.FacetCounts:
    assert kept is not None
    return totals.FacetCounts.from_json(kept)


_OLD_ROWS = (
    "{% load i18n catalogue_search %}"
    "{% for row in rows %}\n    <tr>\n"
    '      <td class="gk-list__index" data-label="{% translate \'索引号\' %}">'
    "{{ row.index_number|highlight:query }}</td>\n"
    "      <td data-label=\"{% translate '名称' %}\"><a href=\"{% url 'catalogue_public:item' "
    'agency.short_code row.pk %}">{{ row.title|highlight:query }}</a></td>\n'
    '      <td class="gk-list__date" data-label="{% translate \'发布日期\' %}"><time datetime="'
    '{{ row.published_on|date:\'Y-m-d\' }}">{{ row.published_on|date:"Y-m-d" }}</time></td>\n'
    '      <td class="gk-list__number" data-label="{% translate \'文号\' %}">{% if row.doc_number %}'
    "{{ row.doc_number|highlight:query }}{% else %}—{% endif %}</td>\n    </tr>\n    {% endfor %}"
)


@pytest.mark.parametrize("query", ["", "预算", "<b>"])
def test_the_rows_made_in_python_are_the_template_s(tree: Tree, query: str) -> None:
    rows = [
        make_item(tree.county_a, "2025年<部门>预算 & 决算", doc_number="甲财〔2025〕1号"),
        make_item(tree.county_a, "关于预算的通知", doc_number=""),
    ]
    context = {"rows": rows, "agency": tree.county_a, "query": query}
    engine = engines["django"]
    old = engine.from_string(_OLD_ROWS).render(context)
    new = engine.from_string("{% load catalogue_public %}{% item_rows rows query %}").render(context)
    assert new == old
    assert "&lt;部门&gt;" in new and "&amp;" in new


_OLD_FACETS = (
    "{% for facet in facets %}"
    '{% for value in facet.values %}<option value="{{ value.value }}"'
    "{% if value.current %} selected{% endif %}>"
    "{{ value.label }}</option>{% endfor %}|"
    "      {% for value in facet.values %}\n"
    '      <li><a href="{{ value.url }}"'
    '{% if value.current %} aria-current="true" class="is-current"{% endif %}>'
    '{{ value.label }}</a> <span class="gk-facet__count">{{ value.count }}</span></li>\n'
    "      {% endfor %}|{% endfor %}"
)
_NEW_FACETS = (
    "{% load catalogue_public %}{% for facet in facets %}{% facet_options facet %}|"
    "      {% facet_links facet %}|{% endfor %}"
)


def test_the_facets_made_in_python_are_the_template_s(tree: Tree, entries: list[Item]) -> None:
    make_item(tree.county_a, "2024年部门预算", category=category("财政、金融、审计"), article20_item=7)
    chosen = Filters(kind=ItemKind.INFORMATION, raw={"kind": "information", "q": "a&b"})
    context = {"facets": facets(tree.county_a, chosen)}
    engine = engines["django"]
    new = engine.from_string(_NEW_FACETS).render(context)
    assert new == engine.from_string(_OLD_FACETS).render(context)
    assert " selected>" in new and 'aria-current="true"' in new and "&amp;" in new


def test_fast_reverse_is_reverse(tree: Tree) -> None:
    cases: list[tuple[str, tuple[str | int, ...]]] = [
        ("catalogue_public:column", ("county-a",)),
        ("catalogue_public:item", ("county-a", 12)),
        ("catalogue_public:attachment", ("county_b", 3, 45)),
        ("catalogue_public:api_item", (7,)),
        ("catalogue_public:index", ()),
        ("annual_public:column_reports", ("city",)),
    ]
    for name, args in cases:
        assert fast_reverse(name, *args) == reverse(name, args=args)
    set_script_prefix("/site/")
    try:
        assert fast_reverse("catalogue_public:item", "county-a", 5) == "/site/gk/county-a/items/5/"
    finally:
        set_script_prefix("/")
    assert fast_reverse("catalogue_public:item", "county-a", 5) == "/gk/county-a/items/5/"


@pytest.mark.parametrize(
    ("choices", "field"),
    [
        (ItemKind, "kind"),
        (DocumentType, "document_type"),
        (Validity, "validity"),
        (DisclosureMode, "disclosure_mode"),
    ],
)
def test_label_of_is_get_display(tree: Tree, choices: type[models.TextChoices], field: str) -> None:
    from django.utils import translation

    item = make_item(tree.county_a)
    # In each language, asked again after the other (label_of keeps the labels per language).
    for language in ("zh-hans", "en", "zh-hans", "en"):
        with translation.override(language):
            for value in [*choices.values, "not-a-choice"]:
                setattr(item, field, value)
                assert label_of(choices, value) == str(getattr(item, f"get_{field}_display")())
    with translation.override("zh-hans"):
        assert label_of(ItemKind, ItemKind.INFORMATION) == "政府信息"
    with translation.override("en"):
        assert label_of(ItemKind, ItemKind.INFORMATION) == "Government information"


@pytest.mark.parametrize("length", [0, 299, 300, 301, 400])
def test_the_feed_s_summary_is_truncator_s(length: int) -> None:
    from django.utils.text import Truncator

    from gongkai.catalogue.feeds import _chars

    for text in ["政" * length, "e\u0301" * length, ("a" * (length - 1)) + "\u0301" if length else ""]:
        assert _chars(text) == Truncator(text).chars(300)


def test_the_api_listing_s_links_are_the_prefetched_ones(client: Client, tree: Tree) -> None:
    import json

    from gongkai.catalogue.models import ItemVersion
    from tests.catalogue.public_factories import add_file

    document = make_item(tree.county_a, "实施办法", category=category("卫生、体育"), summary="概述")
    plain = make_item(tree.county_b, "没有附件的信息")
    add_file(document, "b.pdf", b"%PDF-1.4 b")
    add_file(document, "a.pdf", b"%PDF-1.4 a")
    for number, day in ((2, 20), (1, 10)):
        draft = make_item(tree.county_a, "更正稿", status="draft")
        ItemVersion.objects.create(
            item=document,
            number=number,
            corrected_on=datetime.date(2025, 8, day),
            draft=draft,
            reason="笔误",
            public_note=f"第{number}次更正",
        )
    for n, day in ((1, 5), (2, 9)):
        make_item(
            tree.county_b,
            f"解读{n}",
            kind=ItemKind.INTERPRETATION,
            interprets=document,
            published_on=datetime.date(2025, 7, day),
        )
    make_item(
        tree.county_a, "未发布的解读", kind=ItemKind.INTERPRETATION, interprets=document, status="draft"
    )
    listed = json.loads(client.get("/gk/api/items/", {"page_size": 100}).content)["results"]
    assert len(listed) == 4
    for pk in (document.pk, plain.pk):
        one = json.loads(client.get(f"/gk/api/items/{pk}/").content)
        one.pop("body_html")
        assert next(row for row in listed if row["id"] == pk) == one
    shown = next(row for row in listed if row["id"] == document.pk)
    assert [f["name"] for f in shown["attachments"]] == ["b.pdf", "a.pdf"]
    assert [c["note"] for c in shown["corrections"]] == ["第1次更正", "第2次更正"]
    assert [i["title"] for i in shown["interpretations"]] == ["解读2", "解读1"]
    assert shown["interpretations"][0]["url"].endswith(
        f"/gk/county-b/items/{shown['interpretations'][0]['id']}/"
    )


@pytest.mark.parametrize("page", [1, 2, 3])
def test_the_api_search_s_pages_are_the_orm_s(client: Client, tree: Tree, page: int) -> None:
    """The API's search reads each page's rows by id in statements of its own (api._SearchPages): the same
    JSON, page by page, as the results' queryset with ``select_related`` and its ``Prefetch``es made."""
    import json

    from django.conf import settings
    from django.test import RequestFactory
    from django.utils import translation

    from gongkai.catalogue import api, public_filters
    from gongkai.catalogue.indexing import SearchPaginator, SearchResults
    from gongkai.catalogue.models import ItemVersion
    from tests.catalogue.public_factories import add_file

    start = datetime.date(2025, 1, 1)
    found = [
        make_item(
            (tree.county_a, tree.county_b, tree.town_a1)[n % 3],
            f"医疗保险第{n}号" if n % 4 else "医疗保险",  # exact titles rank first
            published_on=start + datetime.timedelta(days=n),
            category=category("卫生、体育") if n % 2 else None,
            summary=f"概述{n}",
            doc_number=f"甲〔2025〕{n}号" if n % 3 else "",
        )
        for n in range(8)
    ]
    make_item(tree.county_a, "无关的信息")
    add_file(found[7], "b.pdf", b"%PDF-1.4 b")
    add_file(found[7], "a.pdf", b"%PDF-1.4 a")
    draft = make_item(tree.county_a, "更正稿", status="draft")
    ItemVersion.objects.create(
        item=found[6], number=1, corrected_on=start, draft=draft, reason="笔误", public_note="更正"
    )
    make_item(tree.county_b, "医疗保险的解读", kind=ItemKind.INTERPRETATION, interprets=found[5])
    params = {"q": "医疗保险", "page_size": "3", "page": str(page)}
    data = json.loads(client.get("/gk/api/items/", params).content)

    request = RequestFactory().get("/gk/api/items/", params)
    with translation.override(settings.LANGUAGE_CODE):
        filters, _errors = public_filters.parse(request.GET, allow_agency=True)
        assert filters.q
        queryset = (
            filters.apply(public_filters.published_items())
            .defer("body", "search_text", "search_head", "search_vector")
            .order_by("-published_on", "-id")
        )
        rows = api._with_links(Item.objects.defer("body", "search_text", "search_head", "search_vector"))
        results = SearchResults(
            queryset, filters.q, rows=rows, scope=filters.narrow(public_filters.published_items())
        )
        paginator = SearchPaginator(results, 3)
        expected = api._serialise(request, list(paginator.page(page).object_list))
    assert data["count"] == paginator.count == 9 and data["num_pages"] == 3 and data["page"] == page
    assert data["results"] == json.loads(json.dumps(expected))
    assert len(data["results"]) == 3
    shown = {row["id"]: row for row in data["results"]}
    if found[7].pk in shown:
        assert [f["name"] for f in shown[found[7].pk]["attachments"]] == ["b.pdf", "a.pdf"]


def test_the_api_s_rows_by_id_keep_the_order_and_skip_the_missing(tree: Tree) -> None:
    from gongkai.catalogue import api

    first, second = make_item(tree.county_a, "一"), make_item(tree.county_b, "二", category=category())
    rows = api._rows_by_id([second.pk, 999_999, first.pk])
    assert [(r.pk, r.agency.short_code, r.category.name if r.category else None) for r in rows] == [
        (second.pk, "county-b", "综合政务"),
        (first.pk, "county-a", None),
    ]
    assert api._rows_by_id([]) == []


def test_a_deep_page_skips_the_newer_years_by_the_counters(
    client: Client, tree: Tree, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The years before a deep page's are skipped by their counts (selectors.newer_years): the same rows as
    ``OFFSET`` alone, across year boundaries, on each page; without browsing counts, or with counts that
    do not add up (out of step with the entries), ``OFFSET`` alone."""
    monkeypatch.setattr(selectors, "DEEP_OFFSET", 5)
    for year, n in ((2023, 17), (2024, 14), (2025, 19)):
        for day in range(n):
            make_item(tree.county_a, f"{year}年第{day:02d}号", published_on=datetime.date(year, 3, day + 1))
    selectors.cached_facet_counts(*selectors.browsing_column("county-a")[:2])  # the browsing counts kept
    agency, counters, _categories = selectors.browsing_column("county-a")
    assert counters is not None and counters.facets is not None
    orm = list(selectors.public_rows(Item.objects.filter(agency=tree.county_a, status="published")))
    assert len(orm) == 50
    assert selectors.newer_years(counters, 20) == (datetime.date(2025, 1, 1), 19)
    assert selectors.newer_years(counters, 33) == (datetime.date(2024, 1, 1), 33)
    assert selectors.newer_years(counters, 18) is None  # in the newest year: nothing to skip
    assert selectors.newer_years(counters, 50) is None  # past the end
    assert selectors.newer_years(None, 20) is None
    rows = selectors.BrowseRows(agency.pk, counters)
    for start in range(5, 51):
        for size in (1, 3, 20):
            with CaptureQueriesContext(connection) as queries:
                got = [row.pk for row in rows[start : start + size]]
            assert got == [row.pk for row in orm[start : start + size]], (start, size)
            skipped = selectors.newer_years(counters, start)
            if got and skipped is not None:
                assert f"OFFSET {start - skipped[1]}" in queries[0]["sql"]
    # The pages as a reader sees them: the same as without the counters.
    monkeypatch.setattr(selectors, "DEEP_OFFSET", 0)
    for page in (1, 2, 3):
        shown = titles(client.get(URL + f"?page={page}").content.decode())
        assert shown == [row.title for row in orm[(page - 1) * 20 : page * 20]]
    # Counts that do not add up to the total: OFFSET alone.
    counters.total += 1
    assert selectors.newer_years(counters, 33) is None
    assert [row.pk for row in selectors.BrowseRows(agency.pk, counters)[33:36]] == [r.pk for r in orm[33:36]]


def test_an_entry_s_reads_in_sql_are_the_orm_s(tree: Tree) -> None:
    """The entry's page reads (selectors.public_entry and its lists, in SQL of their own) hold what the ORM's
    queries held: every field but the search texts, its agency and category, its files, 政策解读 (another
    agency's too, newest first; unpublished ones left out), the document it interprets (withdrawn: still
    linked) and its corrections in order; 404 for another agency's code, a draft, an unknown or too large
    id."""
    from gongkai.catalogue.models import ItemVersion
    from tests.catalogue.public_factories import add_file

    document = make_item(tree.county_a, "实施办法", category=category("卫生、体育"), summary="概述")
    add_file(document, "b.pdf", b"%PDF-1.4 b")
    add_file(document, "a.pdf", b"%PDF-1.4 a")
    for number, day in ((2, 20), (1, 10)):
        ItemVersion.objects.create(
            item=document,
            number=number,
            corrected_on=datetime.date(2025, 8, day),
            draft=make_item(tree.county_a, "更正稿", status="draft"),
            reason="笔误",
            public_note=f"第{number}次更正",
        )
    readings = [
        make_item(
            agency,
            f"解读{n}",
            kind=ItemKind.INTERPRETATION,
            interprets=document,
            status=status,
            published_on=datetime.date(2025, 9, n),
        )
        for n, agency, status in (
            (1, tree.county_b, "published"),
            (2, tree.county_a, "published"),
            (3, tree.county_a, "draft"),
        )
    ]
    withdrawn = make_item(tree.county_a, "已撤回的文件", status="withdrawn")
    reading_of_withdrawn = make_item(
        tree.county_a, "解读", kind=ItemKind.INTERPRETATION, interprets=withdrawn
    )
    plain = make_item(tree.county_b, "没有分类的信息")
    kept = [f.attname for f in Item._meta.concrete_fields if not f.attname.startswith("search_")]
    for entry in (document, withdrawn, plain, readings[0]):
        read = selectors.public_entry(entry.agency.short_code, entry.pk)
        orm = Item.objects.select_related("agency", "category").get(pk=entry.pk)
        assert [getattr(read, name) for name in kept] == [getattr(orm, name) for name in kept]
        assert (read.agency.pk, read.agency.name, read.agency.short_code) == (
            orm.agency.pk,
            orm.agency.name,
            orm.agency.short_code,
        )
        assert (read.category and (read.category.pk, read.category.name)) == (
            orm.category and (orm.category.pk, orm.category.name)
        )
        assert sorted(read.get_deferred_fields()) == ["search_head", "search_text", "search_vector"]
    assert [(f.pk, f.filename, f.kind, f.size) for f in selectors.entry_attachments(document)] == [
        (f.pk, f.filename, f.kind, f.size) for f in document.attachments.order_by("id")
    ]
    assert [(r.pk, r.agency.short_code) for r in selectors.published_interpretations(document)] == [
        (readings[1].pk, "county-a"),
        (readings[0].pk, "county-b"),
    ]
    assert selectors.published_interpretations(plain) == []
    assert selectors.interpreted_entry(document) is None
    linked = selectors.interpreted_entry(readings[0])
    assert linked is not None and (linked.pk, linked.title, linked.agency.short_code) == (
        document.pk,
        "实施办法",
        "county-a",
    )
    linked = selectors.interpreted_entry(reading_of_withdrawn)
    assert linked is not None and linked.status == "withdrawn"
    assert selectors.interpreted_entry(make_item(tree.county_a, "解读草稿", interprets=readings[2])) is None
    assert [(v.number, v.public_note) for v in selectors.entry_corrections(document)] == [
        (1, "第1次更正"),
        (2, "第2次更正"),
    ]
    for code, pk in (
        ("county-b", document.pk),
        ("county-a", readings[2].pk),
        ("county-a", 10**9),
        ("county-a", 2**64),
    ):
        with pytest.raises(Http404):
            selectors.public_entry(code, pk)
