"""Chinese search in the public catalogue: one-, two- and many-character queries, substrings across
bigram boundaries, full-width digits, several words, file text; on PostgreSQL through the GIN-indexed
unigram/bigram ``tsvector`` (run this module with a ``postgres://`` DATABASE_URL to cover that path)."""

from __future__ import annotations

import json
import re

import pytest
from django.db import connection
from django.test import Client

from gongkai.catalogue import indexing
from gongkai.catalogue.models import Item
from gongkai.catalogue.public_filters import published_items
from gongkai.catalogue.search import index_tokens, normalize, query_terms, query_tokens
from tests.catalogue.public_factories import add_file, make_item
from tests.conftest import Tree

pytestmark = pytest.mark.django_db


@pytest.fixture
def entries(tree: Tree) -> dict[str, Item]:
    return {
        "ogi": make_item(
            tree.county_a,
            "甲县政府信息公开工作年度报告",
            body="<p>全年主动公开政府信息1234条。</p>",
            doc_number="",
        ),
        "budget": make_item(
            tree.county_a,
            "甲县2025年部门预算",
            body="<p>一般公共预算财政拨款收入。</p>",
            keywords="预算、三公经费",
        ),
        "tax": make_item(tree.county_a, "关于减免小微企业房产税的通知", doc_number="甲政办发〔2025〕12号"),
        "flood": make_item(
            tree.county_a, "甲县防汛防台应急预案", body="<p>台风<strong>防御</strong>措施。</p>"
        ),
        "other_agency": make_item(tree.county_b, "乙县政府信息公开指南"),
    }


def found(query: str, agency_code: str = "county-a") -> set[str]:
    queryset = indexing.search(published_items().filter(agency__short_code=agency_code), query)
    return set(queryset.values_list("title", flat=True))


def test_the_search_path_matches_the_database(entries: dict[str, Item]) -> None:
    # On PostgreSQL every entry has its tsvector; elsewhere the LIKE path is used.
    with_vector = Item.objects.filter(search_vector__isnull=False).count()
    assert with_vector == (5 if connection.vendor == "postgresql" else 0)


@pytest.mark.parametrize(
    ("query", "titles"),
    [
        # one character
        ("税", {"关于减免小微企业房产税的通知"}),
        ("汛", {"甲县防汛防台应急预案"}),
        # the publisher (甲县人民政府) is searched too
        (
            "县",
            {
                "甲县政府信息公开工作年度报告",
                "甲县2025年部门预算",
                "关于减免小微企业房产税的通知",
                "甲县防汛防台应急预案",
            },
        ),
        # two characters (a word)
        ("预算", {"甲县2025年部门预算"}),
        ("预案", {"甲县防汛防台应急预案"}),
        # two characters across a word boundary: 信息公开 contains the bigram 息公
        ("息公", {"甲县政府信息公开工作年度报告"}),
        # many characters
        ("政府信息公开", {"甲县政府信息公开工作年度报告"}),
        ("信息公开工作年度报告", {"甲县政府信息公开工作年度报告"}),
        ("防汛防台应急预案", {"甲县防汛防台应急预案"}),
        # all the characters are there, but not in this order: no match
        ("开信", set()),
        ("公开信息", set()),
        # several words: all must be there
        ("甲县 预算", {"甲县2025年部门预算"}),
        ("预算 报告", set()),
        # digits, full-width digits and the 文号
        # (every index number has the year 2025 in it)
        (
            "2025",
            {
                "甲县政府信息公开工作年度报告",
                "甲县2025年部门预算",
                "关于减免小微企业房产税的通知",
                "甲县防汛防台应急预案",
            },
        ),
        ("２０２５年部门", {"甲县2025年部门预算"}),
        ("１２３４条", {"甲县政府信息公开工作年度报告"}),
        ("甲政办发〔2025〕12号", {"关于减免小微企业房产税的通知"}),
        # body text, with its tags removed, and keywords
        ("防御措施", {"甲县防汛防台应急预案"}),
        ("三公经费", {"甲县2025年部门预算"}),
        # nothing to search for (punctuation only): nothing, not everything
        ("、、 ！", set()),
        ("不存在的词", set()),
    ],
)
def test_search(entries: dict[str, Item], query: str, titles: set[str]) -> None:
    assert found(query) == titles


def test_the_index_number_is_searchable(entries: dict[str, Item]) -> None:
    number = entries["tax"].index_number
    assert number is not None
    assert found(number) == {"关于减免小微企业房产税的通知"}
    assert found(number.lower()) == {"关于减免小微企业房产税的通知"}


def test_file_text_is_searchable(entries: dict[str, Item]) -> None:
    # Numbers match whole: 456 is not found inside another number (an index number's serial 00456,
    # which a long test run reaches, or 1456), and a number with punctuation is one phrase.
    add_file(entries["budget"], "预算表.xlsx", b"PK", text="机关运行经费 456.7 万元")
    assert found("运行经费") == {"甲县2025年部门预算"}
    assert found("456.7万元") == {"甲县2025年部门预算"}
    assert found("456.7") == {"甲县2025年部门预算"}
    make_item(entries["budget"].agency, "另一条", index_number="COUNTY-A/2025-00456", body="<p>1456.7元</p>")
    assert found("456.7") == {"甲县2025年部门预算"}
    assert found("456") == {"甲县2025年部门预算"}
    assert found("00456") == {"另一条"}


def test_the_tokens(entries: dict[str, Item]) -> None:
    tokens = index_tokens("政府信息公开").split()
    assert {"政", "开", "政府", "息公", "公开"} <= set(tokens)
    assert query_tokens("信息公开") == ["信息", "息公", "公开"]
    assert query_tokens("税") == ["税"]
    assert query_terms("２０２５年 预算") == ["2025", "年", "预算"]


def test_the_page_says_how_many_were_found(client: Client, entries: dict[str, Item]) -> None:
    for query, count in (
        ("税", 1),
        ("预算", 1),
        ("息公", 1),
        ("政府信息公开", 1),
        ("县", 4),
        ("汛", 1),
        ("无此词", 0),
    ):
        page = client.get("/gk/county-a/catalogue/", {"q": query}).content.decode()
        assert f"检索“{query}”，共找到 {count} 条结果。" in page, query
        assert page.count('<a href="/gk/county-a/items/') == count, query
    # Another agency's entries are never in this agency's results.
    page = client.get("/gk/county-a/catalogue/", {"q": "指南"}).content.decode()
    assert "共找到 0 条结果" in page


def test_the_api_searches_across_agencies(client: Client, entries: dict[str, Item]) -> None:
    data = json.loads(client.get("/gk/api/items/", {"q": "信息公开"}).content)
    assert {item["title"] for item in data["results"]} == {
        "甲县政府信息公开工作年度报告",
        "乙县政府信息公开指南",
    }
    data = json.loads(client.get("/gk/api/items/", {"q": "信息公开", "agency": "county-b"}).content)
    assert [item["title"] for item in data["results"]] == ["乙县政府信息公开指南"]


def test_search_with_many_entries_finds_only_the_right_ones(tree: Tree) -> None:
    for n in range(60):
        make_item(tree.county_a, f"第{n}号通知", body=f"<p>内容{n}</p>")
    make_item(tree.county_a, "关于政务公开的通知")
    assert found("政务公开") == {"关于政务公开的通知"}
    assert len(found("通知")) == 61


# Characters outside the basic CJK block and the ASCII letters: CJK extensions, kana, Cyrillic, Greek.
# Before, a query made only of them searched for nothing and listed the whole catalogue.

RARE_TITLES = {
    "ext_b": "𠮷野家财政补贴公示",  # 𠮷 U+20BB7 (CJK Extension B)
    "ext_b_only": "𠮷田村村务公开",
    "kana": "ひらがな表記の案内",
    "cyrillic": "Москва 合作项目",
    "greek": "α 系数调整说明",
    "plain": "甲县财政预算执行情况",
}


@pytest.fixture
def rare(tree: Tree) -> dict[str, Item]:
    return {key: make_item(tree.county_a, title) for key, title in RARE_TITLES.items()}


@pytest.mark.parametrize(
    ("query", "keys"),
    [
        ("𠮷", {"ext_b", "ext_b_only"}),
        ("𠮷财政", set()),  # 𠮷 is not dropped: no entry has 𠮷 next to 财政
        ("𠮷野家财政", {"ext_b"}),
        ("𠮷田", {"ext_b_only"}),
        ("ひらがな", {"kana"}),
        ("МОСКВА", {"cyrillic"}),  # case folded like Latin words
        ("москва 合作", {"cyrillic"}),
        ("Москвы", set()),
        ("α", {"greek"}),
        ("β", set()),
        ("！！", set()),
        ("、。…", set()),
        ("财政", {"ext_b", "plain"}),
    ],
)
def test_search_beyond_the_basic_cjk_block(rare: dict[str, Item], query: str, keys: set[str]) -> None:
    assert found(query) == {RARE_TITLES[key] for key in keys}, query


def test_the_rare_characters_are_tokens() -> None:
    assert query_tokens("𠮷财政") == ["𠮷财", "财政"]
    assert {"𠮷", "𠮷野", "野家"} <= set(index_tokens("𠮷野家").split())
    assert query_tokens("ひらがな Москва α") == ["ひらがな", "москва", "α"]
    assert query_terms("！！ 、") == []
    # Chinese text of the basic block, ASCII and punctuation keep exactly the tokens they are stored with.
    for text in (
        "二〇二五年 政府信息公开 ABC-123",
        "甲政办发〔２０２５〕12号：关于减免小微企业房产税的通知（试行）",
        "兀 﨑 㐀 ＧＤＰ增长 4.5%，CPI_2025 ① ⅱ",
    ):
        assert index_tokens(text) == tokens_before_the_fix(text), text


def tokens_before_the_fix(text: str) -> str:
    """``index_tokens`` as it was, for text it already indexed (the BMP CJK blocks and ASCII)."""
    cjk = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
    tokens: set[str] = set()
    for run in re.findall(rf"[{cjk}]+|[0-9A-Za-z]+", normalize(text)):
        if re.match(rf"[{cjk}]", run):
            tokens.update(run if len(run) == 1 else [run[i : i + 2] for i in range(len(run) - 1)])
            tokens.update(run)
        else:
            tokens.add(run)
    return " ".join(sorted(tokens))


def test_a_query_of_punctuation_only_finds_nothing_and_says_so(client: Client, rare: dict[str, Item]) -> None:
    page = client.get("/gk/county-a/catalogue/", {"q": "！！"}).content.decode()
    assert "检索词“!!”中只有标点或符号，没有可检索的文字，未找到结果。" in page
    assert '<a href="/gk/county-a/items/' not in page
    page = client.get("/gk/county-a/catalogue/", {"q": "𠮷"}).content.decode()
    assert "检索“𠮷”，共找到 2 条结果。" in page
    data = json.loads(client.get("/gk/api/items/", {"q": "！！"}).content)
    assert (data["count"], data["results"]) == (0, [])
    data = json.loads(client.get("/gk/api/items/", {"q": "ひらがな"}).content)
    assert [item["title"] for item in data["results"]] == [RARE_TITLES["kana"]]
