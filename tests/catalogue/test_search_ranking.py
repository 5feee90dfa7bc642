"""Search that finds the thing (issue 15): 文号, 索引号, titles and words typed exactly find the entry that
contains them first, among a realistic catalogue of near-duplicates (7号/17号/27号, 〔2025〕/〔2026〕, the
same title in several agencies), the same on SQLite and PostgreSQL (run with a ``postgres://``
DATABASE_URL for the GIN path). The entries are written in bulk and indexed by ``indexing.rebuild_all``,
the function of the migration that introduced the stored form."""

from __future__ import annotations

import datetime
import json
from dataclasses import dataclass

import pytest
from django.db import connection
from django.test import Client

from gongkai.agencies.models import Agency, AgencyKind, Role
from gongkai.agencies.services import add_membership, create_agency
from gongkai.catalogue import indexing, search
from gongkai.catalogue.models import Attachment, Item, Status
from gongkai.catalogue.public_filters import parse, published_items
from tests.conftest import make_user

pytestmark = pytest.mark.django_db

NEWEST = datetime.date(2026, 6, 30)


@dataclass(frozen=True)
class Entry:
    code: str
    title: str
    doc_number: str = ""
    summary: str = ""
    body: str = ""


#: Topics of the normative documents, one per number so that titles differ.
TOPICS = (
    "国土空间规划管理办法",
    "土地储备管理办法",
    "不动产登记工作规程",
    "矿产资源开发管理规定",
    "地质灾害防治工作方案",
    "耕地保护责任目标考核办法",
    "林地使用审核办法",
    "测绘成果管理规定",
    "建设用地审批管理办法",
    "自然资源执法监督办法",
)


def catalogue() -> list[Entry]:
    """About 100 entries of three agencies, the kind a county publishes, with their near-duplicates."""
    rows: list[Entry] = []
    # 示范县自然资源局: normative documents 〔2026〕1/2/6/7/17/27号 and 〔2025〕7/12/70号, one 示自然资发.
    for n, (year, number) in enumerate(
        [
            (2026, 1),
            (2026, 2),
            (2026, 6),
            (2026, 7),
            (2026, 17),
            (2026, 27),
            (2025, 7),
            (2025, 12),
            (2025, 70),
        ]
    ):
        rows.append(
            Entry(
                "nr",
                f"关于印发《示范县{TOPICS[n]}》的通知",
                f"示自然资规〔{year}〕{number}号",
                summary=f"印发{TOPICS[n]}，自发布之日起施行。",
                body=f"<p>各乡镇人民政府：现将《示范县{TOPICS[n]}》印发给你们，请认真贯彻执行。</p>",
            )
        )
    rows.append(Entry("nr", "关于开展2026年地籍调查工作的通知", "示自然资发〔2026〕7号"))
    # Decisions numbered 1 to 30 (行政许可): 7号, 17号 and 27号 among them.
    for number in range(1, 31):
        rows.append(
            Entry(
                "nr",
                f"示范县自然资源局建设用地规划许可决定（第{number}号）",
                f"示自然资许〔2025〕{number}号",
                summary="准予建设用地规划许可。",
            )
        )
    rows += [
        Entry("nr", "示范县自然资源局2025年部门预算", summary="自然资源局2025年部门预算公开。"),
        Entry(
            "nr", "示范县自然资源局2024年部门决算", body="<p>资源局2024年决算，资源局20251号项目除外。</p>"
        ),
        Entry("nr", "示范县自然资源局2025年政府信息公开工作年度报告"),
        Entry("nr", "关于做好2025年防汛工作的通知", body="<p>做好防汛工作。</p>"),
        Entry("nr", "土地征收成片开发方案", summary="本县土地征收成片开发。"),
        Entry("nr", "关于征求意见的公告", summary="就土地征收补偿标准征求意见。"),
        Entry("nr", "集体土地补偿安置公告", body="<p>依法实施土地征收，补偿安置如下。</p>"),
        Entry("nr", "防汛应急工作预案", body="<p>防汛和应急值守工作。</p>"),
    ]
    # 示范县人民政府: 示政办发〔2025〕12号 and its neighbours; the same 防汛 title.
    for year, number, topic in [
        (2025, 12, "示范县政务公开工作要点"),
        (2025, 120, "示范县政府信息公开保密审查办法"),
        (2025, 1, "示范县优化营商环境若干措施"),
        (2026, 12, "示范县政务服务事项清单"),
        (2024, 12, "示范县乡村振兴规划"),
    ]:
        rows.append(Entry("gov", f"关于印发《{topic}》的通知", f"示政办发〔{year}〕{number}号"))
    rows.append(Entry("gov", "关于印发《示范县应急预案》的通知", "示政发〔2025〕12号"))
    rows += [
        Entry("gov", "关于做好2025年防汛工作的通知", body="<p>各乡镇做好防汛工作。</p>"),
        Entry("gov", "示范县人民政府2025年政府信息公开工作年度报告"),
        Entry("gov", "示范县2025年国民经济和社会发展统计公报", body="<p>全县生产总值增长7.5%。</p>"),
    ]
    for n in range(1, 21):
        rows.append(Entry("gov", f"示范县人民政府关于任免工作人员的通知（{2025 - n % 3}年第{n}批）"))
    # 示范县财政局.
    for number in (7, 17, 70):
        rows.append(Entry("fin", f"关于下达第{number}批专项资金的通知", f"示财预〔2025〕{number}号"))
    rows += [
        Entry("fin", "关于做好2025年防汛工作的通知"),
        Entry("fin", "示范县财政局2025年部门预算", body="<p>财政局2025年部门预算。</p>"),
        Entry("fin", "示范县财政局2025年政府信息公开工作年度报告"),
    ]
    for n in range(1, 11):
        rows.append(Entry("fin", f"示范县2025年第{n}季度财政收支情况", body=f"<p>第{n}季度收支。</p>"))
    return rows


AGENCIES = {
    "nr": ("示范县自然资源局", "MB1000001"),
    "gov": ("示范县人民政府", "MB2000002"),
    "fin": ("示范县财政局", "MB3000003"),
}


@pytest.fixture
def world(db: None) -> dict[str, Item]:
    """The catalogue, written in bulk: each entry five days older than the one before it (the last listed
    are the oldest), with an index number ``PREFIX/YYYY-NNNNN`` (serials 1, 2 … 7 … 17 … 27 …)."""
    agencies: dict[str, Agency] = {
        code: create_agency(
            actor=None, name=name, short_code=f"demo-{code}", kind=AgencyKind.DEPARTMENT, parent=None
        )
        for code, (name, _prefix) in AGENCIES.items()
    }
    serials: dict[str, int] = {}
    items = []
    for n, entry in enumerate(catalogue()):
        day = NEWEST - datetime.timedelta(days=5 * n)
        serials[entry.code] = serials.get(entry.code, 0) + 1
        name, prefix = AGENCIES[entry.code]
        items.append(
            Item(
                agency=agencies[entry.code],
                title=entry.title,
                doc_number=entry.doc_number,
                summary=entry.summary,
                body=entry.body,
                publisher=name,
                status=Status.PUBLISHED,
                written_on=day,
                published_on=day,
                index_number=f"{prefix}/{day.year}-{serials[entry.code]:05d}",
            )
        )
    Item.objects.bulk_create(items)
    assert indexing.rebuild_all(Item, Attachment, batch=40) == len(items)
    return {item.index_number or "": item for item in Item.objects.all()}


def results(query: str, agency: str = "") -> list[Item]:
    """What a search finds, best first: the public column's (``agency``) or the site-wide API's."""
    params = {"q": query, **({"agency": f"demo-{agency}"} if agency else {})}
    filters, errors = parse(params, allow_agency=True)
    assert not errors
    return list(indexing.SearchResults(filters.apply(published_items()), filters.q))


def contains(item: Item, query: str) -> bool:
    """Whether the entry contains every word of ``query`` as a phrase (read with Python, not SQL)."""
    text = indexing.searchable_text(item)
    return all(word.pattern in text for word in search.words(query))


def first_failures(cases: list[tuple[str, Item, str]]) -> list[str]:
    """The cases whose expected entry is not the first result, or which find an entry without the query."""
    failures = []
    for query, expected, agency in cases:
        found = results(query, agency)
        if not found or found[0].pk != expected.pk:
            failures.append(f"{query!r} ({agency or 'site'}): {[item.title for item in found[:3]]}")
        elif not all(contains(item, query) for item in found):
            failures.append(f"{query!r}: finds entries without it")
    return failures


def test_the_world_is_realistic(world: dict[str, Item]) -> None:
    assert 90 <= len(world) <= 110
    vectors = Item.objects.filter(search_vector__isnull=False).count()
    assert vectors == (len(world) if connection.vendor == "postgresql" else 0)


def test_every_doc_number_finds_its_entry_first(world: dict[str, Item]) -> None:
    cases = []
    for item in world.values():
        if item.doc_number:
            cases.append((item.doc_number, item, ""))
            cases.append((item.doc_number, item, item.agency.short_code.removeprefix("demo-")))
            # Typed with the brackets of an ordinary keyboard, or full-width digits.
            typed = item.doc_number.replace("〔", "[").replace("〕", "]")
            cases.append((typed, item, ""))
            cases.append(
                (item.doc_number.replace("〔", "（").replace("〕", "）").replace("2", "２"), item, "")
            )
    assert len(cases) >= 4 * 45
    assert first_failures(cases) == []


def test_every_index_number_finds_its_entry_first(world: dict[str, Item]) -> None:
    cases = [(number, item, "") for number, item in world.items()]
    cases += [(number.lower(), item, "") for number, item in list(world.items())[::7]]
    # The serial alone: 00007 is not 00017 nor 00070.
    cases += [
        (number.split("-")[-1] + " " + number.split("/")[0], item, "") for number, item in world.items()
    ]
    assert first_failures(cases) == []


def test_every_title_finds_its_entry_first(world: dict[str, Item]) -> None:
    cases = []
    for item in world.values():
        agency = item.agency.short_code.removeprefix("demo-")
        cases.append((item.title, item, agency))
        same_title = [other for other in world.values() if other.title == item.title]
        if len(same_title) == 1:
            cases.append((item.title, item, ""))
    assert first_failures(cases) == []
    # The same title in three agencies: each agency's own first in its column, all three site-wide.
    title = "关于做好2025年防汛工作的通知"
    assert [item.title for item in results(title)[:3]] == [title] * 3
    assert {item.agency.short_code for item in results(title)[:3]} == {"demo-nr", "demo-gov", "demo-fin"}


def test_numbers_match_whole_and_punctuation_loosely(world: dict[str, Item]) -> None:
    # 7号 is in 〔2026〕7号, 〔2025〕7号 (两件) and (第7号), never in 17号 or 27号.
    found = results("7号")
    assert found, "7号"
    assert all("17号" not in item.doc_number and "27号" not in item.doc_number for item in found)
    assert {item.doc_number for item in found} == {
        "示自然资规〔2026〕7号",
        "示自然资规〔2025〕7号",
        "示自然资发〔2026〕7号",
        "示自然资许〔2025〕7号",
        "示财预〔2025〕7号",
    }
    # The exact 文号: only it (not 6号 and 2号, not 17号, not 〔2025〕7号).
    assert [item.doc_number for item in results("示自然资规〔2026〕7号")] == ["示自然资规〔2026〕7号"]
    assert {item.doc_number for item in results("〔2025〕12号")} == {
        "示自然资规〔2025〕12号",
        "示自然资许〔2025〕12号",
        "示政办发〔2025〕12号",
        "示政发〔2025〕12号",
    }
    # Chinese next to a number: only the entries containing it (资源局20251 is another number).
    assert {item.title for item in results("资源局2025")} == {
        "示范县自然资源局2025年部门预算",
        "示范县自然资源局2025年政府信息公开工作年度报告",
    }
    assert {item.title for item in results("7.5%")} == {"示范县2025年国民经济和社会发展统计公报"}
    # A Chinese word still matches anywhere in a run, one or two characters too.
    assert len(results("资源")) > 40
    assert {item.title for item in results("决算")} == {"示范县自然资源局2024年部门决算"}


def test_title_then_summary_then_body_then_date(world: dict[str, Item]) -> None:
    # The body match is the newest of the three, the title match the oldest.
    found = [item.title for item in results("土地征收")]
    assert found == ["土地征收成片开发方案", "关于征求意见的公告", "集体土地补偿安置公告"]
    # Words of a query next to each other rank above the same words apart; then the newest first.
    found = [item.title for item in results("防汛 工作", "nr")]
    assert found == ["关于做好2025年防汛工作的通知", "防汛应急工作预案"]
    # An exact title comes before titles that contain it.
    assert results("示范县财政局2025年部门预算")[0].title == "示范县财政局2025年部门预算"


def test_filters_combine_with_search(world: dict[str, Item]) -> None:
    filters, errors = parse({"q": "7号", "agency": "demo-fin", "year": "2026"}, allow_agency=True)
    assert not errors
    found = list(indexing.SearchResults(filters.apply(published_items()), filters.q))
    assert [item.doc_number for item in found] == []  # its 7号 was published in 2025
    filters, _errors = parse({"q": "7号", "agency": "demo-fin", "year": "2025"}, allow_agency=True)
    found = list(indexing.SearchResults(filters.apply(published_items()), filters.q))
    assert [item.doc_number for item in found] == ["示财预〔2025〕7号"]
    filters, _errors = parse({"q": "7号", "year": "2026"}, allow_agency=True)
    found = list(indexing.SearchResults(filters.apply(published_items()), filters.q))
    assert found
    assert {item.published_on.year for item in found if item.published_on} == {2026}
    assert len(found) < len(results("7号"))


def test_the_page_ranks_highlights_and_escapes(client: Client, world: dict[str, Item]) -> None:
    Item.objects.filter(title="防汛应急工作预案").update(title="防汛<script>x</script>工作预案")
    indexing.reindex(Item.objects.get(title__startswith="防汛<script>"))
    page = client.get("/gk/demo-nr/catalogue/", {"q": "示自然资规[2026]7号"}).content.decode()
    assert "检索“示自然资规[2026]7号”，共找到 1 条结果。" in page
    assert "<mark>示自然资规〔2026〕7号</mark>" in page
    page = client.get("/gk/demo-nr/catalogue/", {"q": "防汛 工作"}).content.decode()
    assert page.index("关于做好2025年") < page.index("&lt;script&gt;")
    assert "<mark>防汛</mark><mark>工作</mark>" in page or "<mark>防汛工作</mark>" in page
    assert "&lt;script&gt;" in page and "<script>x" not in page
    data = json.loads(client.get("/gk/api/items/", {"q": "示政办发〔2025〕12号"}).content)
    assert [item["doc_number"] for item in data["results"]] == ["示政办发〔2025〕12号"]


def test_highlight_marks_what_the_search_matches() -> None:
    def marked(text: str, query: str) -> list[str]:
        return [piece for piece, on in search.highlight(text, query) if on]

    assert marked("示自然资规〔2026〕7号、17号与27号", "7号") == ["7号"]
    assert marked("示自然资规〔２０２６〕7号", "示自然资规[2026]7号") == ["示自然资规〔２０２６〕7号"]
    assert marked("甲县2025年部门预算", "２０２５年 预算") == ["2025年", "预算"]
    assert marked("ABC-123 abcd", "abc") == ["ABC"]
    assert marked("政府信息公开", "") == []
    assert search.highlight("", "x") == []


def test_the_staff_list_ranks_and_highlights(client: Client, world: dict[str, Item]) -> None:
    officer = make_user("nr-officer")
    add_membership(
        actor=None,
        user=officer,
        agency=Agency.objects.get(short_code="demo-nr"),
        role=Role.INFORMATION_OFFICER,
    )
    # The oldest changed first: a plain list would put the body match first.
    for title in ("集体土地补偿安置公告", "关于征求意见的公告", "土地征收成片开发方案"):
        Item.objects.filter(title=title).update(title=title)  # updated_at: now, in this order
    client.force_login(officer)
    page = client.get("/manage/catalogue/", {"q": "土地征收"}).content.decode()
    assert page.index("<mark>土地征收</mark>成片开发方案") < page.index("关于征求意见的公告")
    assert page.index("关于征求意见的公告") < page.index("集体土地补偿安置公告")
    assert "最相关的排在前面。" in page
    # Another agency's entries are never listed.
    page = client.get("/manage/catalogue/", {"q": "示政办发〔2025〕12号"}).content.decode()
    assert "共 0 条" in page and "<mark>" not in page
