"""The 法定主动公开内容 part: browse by category, 第二十条 item, kind, document type and year; filters
combine in the query string; 20 per page, newest first; bad values are reported and ignored."""

from __future__ import annotations

import datetime
import re

import pytest
from django.test import Client

from gongkai.catalogue.models import Category, DocumentType, Item, ItemKind
from tests.catalogue.public_factories import category, check_structure, make_item
from tests.conftest import Tree

pytestmark = pytest.mark.django_db

URL = "/gk/county-a/catalogue/"


def titles(client: Client, query: str = "") -> list[str]:
    page = client.get(URL + query).content.decode()
    # A search marks the words it found (<mark>): the titles without the marks.
    page = page.replace("<mark>", "").replace("</mark>", "")
    return re.findall(r'<a href="/gk/county-a/items/\d+/">([^<]+)</a>', page)


@pytest.fixture
def catalogue(tree: Tree) -> dict[str, int]:
    finance, general = category("财政、金融、审计"), category("综合政务")
    make_item(
        tree.county_a,
        "2024年部门预算",
        category=finance,
        article20_item=7,
        published_on=datetime.date(2024, 2, 1),
    )
    make_item(
        tree.county_a,
        "2025年部门预算",
        category=finance,
        article20_item=7,
        published_on=datetime.date(2025, 2, 1),
    )
    make_item(
        tree.county_a,
        "甲县规范性文件管理办法",
        category=general,
        article20_item=1,
        document_type=DocumentType.NORMATIVE,
        published_on=datetime.date(2025, 3, 1),
    )
    make_item(
        tree.county_a,
        "关于准予某公司取水许可的决定",
        kind=ItemKind.LICENSING,
        article20_item=5,
        published_on=datetime.date(2025, 4, 1),
    )
    make_item(
        tree.county_a,
        "行政处罚决定书（王某某违法建设案）",
        kind=ItemKind.PENALTY,
        article20_item=6,
        published_on=datetime.date(2025, 5, 1),
    )
    make_item(tree.county_b, "乙县2025年部门预算", category=finance, article20_item=7)
    return {"finance": finance.pk, "general": general.pk}


def test_the_catalogue_lists_the_agency_entries_newest_first(
    client: Client, catalogue: dict[str, int]
) -> None:
    response = client.get(URL)
    assert response.status_code == 200
    check_structure(response.content)
    assert titles(client) == [
        "行政处罚决定书（王某某违法建设案）",
        "关于准予某公司取水许可的决定",
        "甲县规范性文件管理办法",
        "2025年部门预算",
        "2024年部门预算",
    ]
    assert "共 5 条" in response.content.decode()


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("?category={finance}", {"2024年部门预算", "2025年部门预算"}),
        ("?article20=7", {"2024年部门预算", "2025年部门预算"}),
        ("?article20=1", {"甲县规范性文件管理办法"}),
        ("?kind=licensing", {"关于准予某公司取水许可的决定"}),
        ("?kind=penalty", {"行政处罚决定书（王某某违法建设案）"}),
        ("?document_type=normative", {"甲县规范性文件管理办法"}),
        ("?year=2024", {"2024年部门预算"}),
        ("?year=２０２４", {"2024年部门预算"}),
        ("?category={finance}&year=2025", {"2025年部门预算"}),
        ("?article20=7&q=预算&year=2025", {"2025年部门预算"}),
        (
            "?published_after=2025-03-01&published_before=2025-04-30",
            {"甲县规范性文件管理办法", "关于准予某公司取水许可的决定"},
        ),
        ("?category={general}&kind=penalty", set()),
    ],
)
def test_filters_combine(client: Client, catalogue: dict[str, int], query: str, expected: set[str]) -> None:
    assert set(titles(client, query.format(**catalogue))) == expected


def test_facets_count_and_link_with_the_other_filters_kept(client: Client, catalogue: dict[str, int]) -> None:
    page = client.get(URL + "?year=2025").content.decode()
    facets = page[page.index('id="gk-browse"') :]
    # Counts are over the agency's whole catalogue; links keep the other filters.
    assert re.search(
        rf'href="\?year=2025&amp;category={catalogue["finance"]}">财政、金融、审计</a> <span[^>]*>2<', facets
    )
    assert re.search(r'href="\?year=2025&amp;kind=licensing">行政许可决定</a> <span[^>]*>1<', facets)
    assert re.search(r'href="\?year=2024"[^>]*>2024年</a> <span[^>]*>1<', facets)
    assert re.search(r'href="\?"[^>]*>不限</a>', facets)  # drop the year again
    assert 'aria-current="true" class="is-current">2025年</a>' in facets
    assert "（七）财政预算、决算信息" in facets
    # The form's selects are filled in from the current filters.
    assert '<option value="2025" selected>2025年</option>' in page


def test_a_chosen_value_with_no_entries_is_still_shown(client: Client, catalogue: dict[str, int]) -> None:
    page = client.get(URL + "?year=1999&article20=14").content.decode()
    assert '<option value="1999" selected>1999年</option>' in page
    assert "（十四）公务员招考" in page
    assert "没有符合条件的信息" in page
    assert "共 0 条" in page


def test_bad_filter_values_are_reported_and_ignored(client: Client, catalogue: dict[str, int]) -> None:
    response = client.get(URL + "?year=abc&category=无此分类&article20=16&kind=x&published_after=2025-02-30")
    assert response.status_code == 200
    page = response.content.decode()
    assert 'role="alert"' in page
    for message in (
        "参数 year 应为",
        "没有编号或名称为“无此分类”的主题分类",
        "article20 应为 1 至 15",
        "kind 应为",
        "published_after",
    ):
        assert message in page, message
    assert len(titles(client, "?year=abc")) == 5


def test_category_by_name(client: Client, catalogue: dict[str, int]) -> None:
    assert set(titles(client, "?category=财政、金融、审计")) == {"2024年部门预算", "2025年部门预算"}


def test_pagination_twenty_per_page(client: Client, tree: Tree) -> None:
    start = datetime.date(2025, 1, 1)
    for n in range(45):
        make_item(tree.county_a, f"第{n:02d}号信息", published_on=start + datetime.timedelta(days=n))
    first = client.get(URL).content.decode()
    assert "共 45 条" in first and "第 1 页，共 3 页" in first
    assert titles(client)[:2] == ["第44号信息", "第43号信息"]
    assert len(titles(client)) == 20
    assert 'href="?page=2" rel="next"' in first
    third = titles(client, "?page=3")
    assert third == [f"第{n:02d}号信息" for n in range(4, -1, -1)]
    # Filters survive paging; a page past the end shows the last one; junk shows the first.
    filtered = client.get(URL + "?q=信息&year=2025").content.decode()
    assert 'href="?year=2025&amp;q=%E4%BF%A1%E6%81%AF&amp;page=2"' in filtered
    assert titles(client, "?page=99") == third
    assert titles(client, "?page=x")[0] == "第44号信息"
    assert Category.objects.count() == 22


def test_browsing_counts_follow_every_change(client: Client, catalogue: dict[str, int], tree: Tree) -> None:
    def finance_count() -> str:
        page = client.get(URL).content.decode()
        facets = page[page.index('id="gk-browse"') :]
        match = re.search(r">财政、金融、审计</a> <span[^>]*>(\d+)<", facets)
        return match.group(1) if match else "0"

    assert finance_count() == "2"
    entry = make_item(tree.county_a, "2026年部门预算", category=category("财政、金融、审计"))
    assert finance_count() == "3"
    entry.status = "withdrawn"
    entry.save()
    assert finance_count() == "2"
    budget = Item.objects.get(title="2024年部门预算")
    budget.category = category("综合政务")
    budget.save()
    assert finance_count() == "1"
