"""The column's search with no other filter (``selectors.ColumnSearch``, SQL of its own) finds what the
querysets find (``indexing.SearchResults`` over ``Filters.apply``/``narrow``), in the same order, capped
or not, with the exact title/文号/索引号 entries first however old; and the page is the same either way.
Run with a ``postgres://`` DATABASE_URL as well (the ``tsvector`` and the head keys' index)."""

from __future__ import annotations

import datetime
import importlib
import itertools
import random
from typing import Any
from urllib.parse import urlencode

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from gongkai.agencies.models import Agency
from gongkai.catalogue import indexing, public_filters, selectors
from gongkai.catalogue.models import Item, Status
from gongkai.catalogue.presenters_public import query_string
from gongkai.catalogue.public_filters import published_in
from tests.catalogue.public_factories import make_item
from tests.conftest import Tree

pytestmark = pytest.mark.django_db

QUERIES = (
    "预",
    "预算",
    "部门预算",
    "部门 预算",
    "预算 部门",
    "7号",
    "示自然资规〔2026〕7号",
    "gdp",
    "50%",
    "a_b",
    "资金 2026",
    "没有的词",
)


@pytest.fixture
def entries(tree: Tree) -> list[Item]:
    agency = tree.county_a
    day = itertools.count()

    def on() -> datetime.date:
        return datetime.date(2026, 3, 1) - datetime.timedelta(days=next(day) % 5)  # ties on a day: by id

    made = [
        make_item(agency, "部门预算", published_on=datetime.date(2019, 1, 5)),  # exact, old
        make_item(agency, "甲县部门预算公开", published_on=on()),
        make_item(agency, "关于资金的通知", doc_number="示自然资规〔2026〕7号", published_on=on()),
        make_item(agency, "关于资金的补充通知", doc_number="示自然资规〔2026〕17号", published_on=on()),
        make_item(agency, "年度公开", summary="部门预算 预算执行", published_on=on()),
        make_item(agency, "GDP 统计公报", body="<p>增长 50% 以上，a_b 项目</p>", published_on=on()),
        make_item(agency, "预备役工作", keywords="预算", published_on=on()),
        make_item(agency, "其他事项", body="<p>预算部门的说明</p>", published_on=on()),
        make_item(agency, "50%的资金", published_on=on()),
        make_item(agency, "ab 项目", published_on=on()),
    ]
    # Never found by the column: another agency's, a draft, a withdrawn one.
    make_item(tree.county_b, "部门预算", published_on=on())
    make_item(agency, "部门预算", status=Status.DRAFT)
    make_item(agency, "部门预算", status=Status.WITHDRAWN, published_on=on())
    return made


def by_querysets(agency: Agency, query: str) -> indexing.SearchResults:
    filters, errors = public_filters.parse({"q": query})
    assert not errors
    scope = filters.narrow(published_in(agency))
    return selectors.public_search(filters.apply(published_in(agency)), filters.q, scope=scope)


def rows(results: indexing.RankedSearch[Any]) -> list[tuple[object, ...]]:
    return [(r.pk, r.index_number, r.title, r.published_on, r.doc_number) for r in results]


@pytest.mark.parametrize("cap", [100, 2])
def test_the_column_search_finds_what_the_querysets_find_in_the_same_order(
    tree: Tree, entries: list[Item], cap: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(indexing, "SEARCH_WINDOW", cap)
    found_any = False
    for query in QUERIES:
        filters, _errors = public_filters.parse({"q": query})
        expected = by_querysets(tree.county_a, filters.q)
        column = selectors.ColumnSearch(tree.county_a.pk, filters.q)
        assert column.ids == expected.ids, query
        assert column.capped == expected.capped, query
        assert rows(column) == rows(expected), query
        found_any = found_any or bool(expected.ids)
    assert found_any


def test_an_old_exact_entry_comes_first_when_the_search_is_capped(
    tree: Tree, entries: list[Item], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(indexing, "SEARCH_WINDOW", 2)
    column = selectors.ColumnSearch(tree.county_a.pk, "部门预算")
    assert column.capped
    assert column.ids[0] == entries[0].pk  # the 2019 entry titled 部门预算, older than the window
    assert len(column) == 3  # the window of 2 and the exact one
    uncapped = selectors.ColumnSearch(tree.county_a.pk, "gdp")
    assert not uncapped.capped and uncapped.ids == [entries[5].pk]


def test_a_query_with_nothing_searchable_is_refused() -> None:
    with pytest.raises(ValueError):
        selectors.ColumnSearch(1, "〔〕")


@pytest.mark.parametrize("query", ["部门预算", "预", "7号", "50%", "〔〕"])
def test_the_page_is_the_same_with_the_querysets(
    tree: Tree,
    entries: list[Item],
    client: Client,
    monkeypatch: pytest.MonkeyPatch,
    settings: Any,
    query: str,
) -> None:
    settings.GONGKAI_PAGE_CACHE = False
    monkeypatch.setattr(indexing, "SEARCH_WINDOW", 2)
    monkeypatch.setattr(indexing, "token_frequencies", dict)  # no statistics read: statements compared
    monkeypatch.setattr(indexing, "agency_token_counts", dict)
    url = "/gk/county-a/catalogue/"
    client.get(url)  # the column's browsing counts counted and kept once, before either is measured
    with CaptureQueriesContext(connection) as fast:
        page = client.get(url, {"q": query})
    monkeypatch.setattr(public_filters.Filters, "only_query", property(lambda self: False))
    with CaptureQueriesContext(connection) as slow:
        reference = client.get(url, {"q": query})
    assert page.status_code == reference.status_code == 200
    assert page.content == reference.content
    if query != "〔〕":
        assert len(fast) < len(slow)  # the agency with its counters; the facets' counts from them


def test_other_filters_keep_the_querysets(tree: Tree, entries: list[Item], client: Client) -> None:
    """A search with a year: the entries of that year only (the column's own SQL knows no filter)."""
    page = client.get("/gk/county-a/catalogue/", {"q": "部门预算", "year": "2019"}).content.decode()
    assert f"/gk/county-a/items/{entries[0].pk}/" in page
    assert f"/gk/county-a/items/{entries[1].pk}/" not in page  # 2026
    filters, _errors = public_filters.parse({"q": "部门预算", "year": "2019"})
    assert not filters.only_query
    assert public_filters.parse({"q": "部门预算"})[0].only_query
    assert not public_filters.parse({"q": "", "kind": "information"})[0].only_query


def test_query_strings_are_written_as_urlencode_writes_them() -> None:
    params = {"q": "部门 预算&a=b/c?+%", "kind": "information", "page": "3", "年": "二〇二五"}
    assert query_string(params) == "?" + urlencode({k: v for k, v in params.items() if k != "page"})
    assert query_string(params, kind=None, year="2019") == "?" + urlencode(
        {"q": params["q"], "年": "二〇二五", "year": "2019"}
    )
    assert query_string({}) == "?"


# --- The bounded walk (PostgreSQL): a frequent word of several tokens --------------------------------


def test_a_frequent_word_of_several_tokens_walks_the_newest_entries(
    tree: Tree, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The share of a word is its rarest token's (PostgreSQL's statistics; here given): frequent enough
    for the agency's size, the newest entries are read with a bound, and the results are the bitmap's.
    When the bound holds too few matches (the share overestimated), the bitmap is read after all."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite has one plan (LIKE on the stored text)")
    monkeypatch.setattr(indexing, "SEARCH_WINDOW", 3)
    agency = tree.county_a
    for n in range(12):
        title = f"住房公积金缴存第{n}号" if n % 2 else f"其他事项第{n}号"
        make_item(agency, title, published_on=datetime.date(2026, 1, 1) + datetime.timedelta(days=n))
    make_item(agency, "公积金", published_on=datetime.date(2018, 1, 1))  # exact, old
    expected = by_querysets(agency, "公积金")
    assert expected.capped and expected.ids[0] == Item.objects.get(title="公积金").pk
    monkeypatch.setattr(indexing, "agency_token_counts", dict)
    monkeypatch.setattr(indexing, "token_frequencies", lambda: {"公积": 0.5, "积金": 0.5})
    assert indexing.agency_query_frequency(agency.pk, "公积金", 100) == 0.5  # the table's share: no key
    assert indexing.agency_query_frequency(agency.pk, "公积金 其他", 100) == 0.0  # 其他: not a frequent token
    walking = selectors.ColumnSearch(agency.pk, "公积金", entries=100)
    # (The first _walk_rows reads the agency's vectors' size, kept: the statements counted below are the
    # search's.)
    assert walking._walk_rows(4) == 17  # 2 * 4 / 0.5 + 1 (share² × entries = 25 > 4)
    assert selectors.ColumnSearch(agency.pk, "公积金", entries=13)._walk_rows(4) is None  # 3.25: the bitmap
    with CaptureQueriesContext(connection) as queries:
        assert walking.ids == expected.ids and walking.capped == expected.capped
    assert "LIMIT 17)" in str(queries.captured_queries[0]["sql"])
    assert len(queries) == 2  # the walk with the exact ones, their ranks: no bitmap after it
    # A share of 1: 9 rows (2 * 4 / 1.0 + 1), which hold 5 matches here: enough, the same results.
    monkeypatch.setattr(indexing, "token_frequencies", lambda: {"公积": 1.0, "积金": 1.0})
    short = selectors.ColumnSearch(agency.pk, "公积金", entries=100)
    assert short._walk_rows(4) == 9
    with CaptureQueriesContext(connection) as queries:
        assert short.ids == expected.ids
    assert len(queries) == 2
    # A rare word (share 0) or an unknown size: PostgreSQL's own plan, one statement for the candidates.
    assert selectors.ColumnSearch(agency.pk, "公积金")._walk_rows(4) is None
    assert selectors.ColumnSearch(agency.pk, "缴存", entries=100)._walk_rows(4) is None  # not frequent


def test_a_walk_with_too_few_matches_falls_back_to_the_bitmap(
    tree: Tree, monkeypatch: pytest.MonkeyPatch
) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("SQLite has one plan (LIKE on the stored text)")
    monkeypatch.setattr(indexing, "SEARCH_WINDOW", 3)
    agency = tree.county_a
    for n in range(6):  # the matches are the oldest six of 20: a walk of the newest few finds none
        make_item(
            agency, f"公积金第{n}号", published_on=datetime.date(2020, 1, 1) + datetime.timedelta(days=n)
        )
    for n in range(14):
        make_item(
            agency, f"其他事项第{n}号", published_on=datetime.date(2026, 1, 1) + datetime.timedelta(days=n)
        )
    monkeypatch.setattr(indexing, "agency_token_counts", dict)
    monkeypatch.setattr(indexing, "token_frequencies", lambda: {"公积": 0.9, "积金": 0.9})
    expected = by_querysets(agency, "公积金").ids
    search = selectors.ColumnSearch(agency.pk, "公积金", entries=20)
    assert search._walk_rows(4) == 9
    with CaptureQueriesContext(connection) as queries:
        assert search.ids == expected
    assert len(queries) == 2  # the walk (with the exact ones) found too few; the bitmap's statement
    assert indexing.AGENCY_LEXEMES_SQL in str(queries.captured_queries[1]["sql"])  # the agency's keys
    assert len(search) == 3 and search.capped


def test_a_word_common_in_one_agency_only_walks_by_the_agencys_statistics(
    tree: Tree, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The review's fifth finding: a token rare in the whole table (no share there, so PostgreSQL reads
    every match from the bitmap) but in most of one agency's entries; the agency's key among the index's
    statistics gives its share there, and the agency's newest entries are walked, bounded. The same
    results either way."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite has one plan (LIKE on the stored text)")
    monkeypatch.setattr(indexing, "SEARCH_WINDOW", 3)
    agency = tree.county_a
    for n in range(20):
        title = f"编号0001第{n}号" if n % 4 else f"其他事项第{n}号"
        make_item(agency, title, published_on=datetime.date(2026, 1, 1) + datetime.timedelta(days=n))
    make_item(agency, "0001", published_on=datetime.date(2019, 1, 1))  # exact, old
    expected = by_querysets(agency, "0001")
    assert expected.capped and expected.ids[0] == Item.objects.get(title="0001").pk
    monkeypatch.setattr(indexing, "token_frequencies", dict)
    monkeypatch.setattr(indexing, "agency_token_counts", dict)
    assert selectors.ColumnSearch(agency.pk, "0001", entries=21)._walk_rows(4) is None  # rare: the bitmap
    key = indexing.agency_lexeme(agency.pk, "0001")
    monkeypatch.setattr(indexing, "agency_token_counts", lambda: {key: 15.0})
    assert indexing.agency_query_frequency(agency.pk, "0001", 20) == 0.75
    assert indexing.agency_query_frequency(agency.pk + 1, "0001", 20) == 0.0  # another agency's key
    assert indexing.agency_query_frequency(agency.pk, "0001 其他", 20) == 0.0  # 其他: no share anywhere
    search = selectors.ColumnSearch(agency.pk, "0001", entries=20)
    # (Reads the agency's vectors' size, kept: the statements counted below are the search's.)
    assert search._walk_rows(4) == 11  # 2 * 4 / 0.75 + 1 (0.75² × 20 = 11.25 > 4)
    with CaptureQueriesContext(connection) as queries:
        assert search.ids == expected.ids and search.capped == expected.capped
    assert "LIMIT 11)" in str(queries.captured_queries[0]["sql"])
    assert len(queries) == 2  # the walk with the exact ones, their ranks
    assert rows(search) == rows(expected)
    # Frequent in the whole table as well (one token PostgreSQL's statistics count right): the walk is still
    # written out, bounded — left to itself PostgreSQL read every match from the (agency_id, search_vector)
    # bitmap in agencies of a few thousand entries, twice the walk's time (D64). The same results.
    monkeypatch.setattr(indexing, "token_frequencies", lambda: {"0001": 0.75})
    both = selectors.ColumnSearch(agency.pk, "0001", entries=20)
    assert both._walk_rows(4) == 11
    with CaptureQueriesContext(connection) as queries:
        assert both.ids == expected.ids and both.capped == expected.capped
    assert "LIMIT 11)" in str(queries.captured_queries[0]["sql"])
    assert len(queries) == 2  # the walk with the exact ones, their ranks: no fallback after it
    assert rows(both) == rows(expected)


def test_a_walked_entry_costs_more_when_its_vector_is_kept_apart() -> None:
    """In the row, a walked entry costs what a bitmap's does; kept in TOAST (long entries), twice (D65)."""
    assert indexing.walked_entry_cost(0) == 1.0
    assert indexing.walked_entry_cost(indexing.TOASTED_BYTES - 1) == 1.0
    assert indexing.walked_entry_cost(indexing.TOASTED_BYTES) == indexing.TOASTED_WALK_COST == 2.0
    assert indexing.walked_entry_cost(26_000) == 2.0


def _long_body(seed: int, chars: int = 1500) -> str:
    """A body of ``chars`` varied ideographs: its search vector is stored compressed in TOAST, not in the
    row (random text does not compress below ~2 kB)."""
    rng = random.Random(seed)
    return "<p>" + "".join(chr(rng.randrange(0x4E00, 0x9FA5)) for _ in range(chars)) + "</p>"


def test_an_agency_of_long_entries_is_walked_only_for_a_much_more_frequent_word(
    tree: Tree, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A word in 60 % of the agency's entries: walking reads fewer entries than the bitmap (0.6² × 20 / 4 =
    1.8 of the bitmap's per walked one), and is chosen where the entries are short; where they are long, each
    walked entry's vector is read from TOAST, which costs more than 1.8 of the bitmap's (D65: 2), so the
    matches are read from the agency's keys — until the word is frequent enough (in every entry: 5 per
    walked one). The same results as the querysets every way; the vectors' size read once per agency."""
    if connection.vendor != "postgresql":
        assert indexing.agency_vector_bytes(tree.county_a.pk) == 0.0
        pytest.skip("SQLite has one plan (LIKE on the stored text)")
    monkeypatch.setattr(indexing, "SEARCH_WINDOW", 3)
    agency, short = tree.county_a, tree.county_b
    for n in range(20):
        title = f"编号0001第{n}号" if n % 5 < 3 else f"其他事项第{n}号"
        day = datetime.date(2026, 1, 1) + datetime.timedelta(days=n)
        make_item(agency, title, published_on=day, body=_long_body(n))
        make_item(short, title, published_on=day)
    expected = by_querysets(agency, "0001")
    assert expected.capped
    with CaptureQueriesContext(connection) as queries:
        long_bytes = indexing.agency_vector_bytes(agency.pk)
        assert indexing.agency_vector_bytes(agency.pk) == long_bytes  # kept: one statement
    assert len(queries) == 1
    assert long_bytes > indexing.TOASTED_BYTES > indexing.agency_vector_bytes(short.pk) > 0
    monkeypatch.setattr(indexing, "token_frequencies", dict)
    keys = {indexing.agency_lexeme(agency.pk, "0001"): 12.0, indexing.agency_lexeme(short.pk, "0001"): 12.0}
    monkeypatch.setattr(indexing, "agency_token_counts", lambda: keys)
    search = selectors.ColumnSearch(agency.pk, "0001", entries=20)
    assert search._walk_rows(4) is None
    with CaptureQueriesContext(connection) as queries:
        assert search.ids == expected.ids and search.capped == expected.capped
    candidates = str(queries.captured_queries[0]["sql"])
    assert indexing.AGENCY_LEXEMES_SQL in candidates and "LIMIT 14)" not in candidates
    assert rows(search) == rows(expected)
    # The same word in an agency of short entries (vectors in their rows): walked, 2 × 4 / 0.6 + 1 entries.
    walked = selectors.ColumnSearch(short.pk, "0001", entries=20)
    assert walked._walk_rows(4) == 14
    with CaptureQueriesContext(connection) as queries:
        assert walked.ids == by_querysets(short, "0001").ids
    assert "LIMIT 14)" in str(queries.captured_queries[0]["sql"])
    # Counted in every entry of the long agency: 1² × 20 / 4 = 5 > 2, walked there too (its newest 9).
    keys[indexing.agency_lexeme(agency.pk, "0001")] = 20.0
    frequent = selectors.ColumnSearch(agency.pk, "0001", entries=20)
    assert frequent._walk_rows(4) == 9
    with CaptureQueriesContext(connection) as queries:
        assert frequent.ids == expected.ids
    assert "LIMIT 9)" in str(queries.captured_queries[0]["sql"])
    assert rows(frequent) == rows(expected)


def test_a_word_frequent_in_the_table_but_rare_in_the_agency_reads_the_agencys_keys(
    tree: Tree, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A token the whole table's statistics count as frequent, but the agency's own key counts as rare: not
    walked (the agency has few matches), and read through the agency's own posting lists — not the plain
    condition, for which PostgreSQL, going by the table's share, would expect many matches and walk the
    agency's entries for them. The same results."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite has one plan (LIKE on the stored text)")
    monkeypatch.setattr(indexing, "SEARCH_WINDOW", 3)
    agency = tree.county_a
    for n in range(20):
        title = f"编号0001第{n}号" if n in (3, 11) else f"其他事项第{n}号"
        make_item(agency, title, published_on=datetime.date(2026, 1, 1) + datetime.timedelta(days=n))
    expected = by_querysets(agency, "0001")
    assert len(expected) == 2 and not expected.capped
    monkeypatch.setattr(indexing, "token_frequencies", lambda: {"0001": 0.9})
    key = indexing.agency_lexeme(agency.pk, "0001")
    monkeypatch.setattr(indexing, "agency_token_counts", lambda: {key: 2.0})
    search = selectors.ColumnSearch(agency.pk, "0001", entries=20)
    assert search._share == pytest.approx(0.1)  # the agency's own, not the table's 0.9
    assert search._walk_rows(4) is None  # 0.1² × 20 = 0.2: the bitmap
    with CaptureQueriesContext(connection) as queries:
        assert search.ids == expected.ids and not search.capped
    assert indexing.AGENCY_LEXEMES_SQL in str(queries.captured_queries[0]["sql"])
    assert rows(search) == rows(expected)


def test_the_exact_entries_are_read_with_the_candidates(
    tree: Tree, entries: list[Item], monkeypatch: pytest.MonkeyPatch
) -> None:
    """On PostgreSQL the exact title/文号/索引号 entries come in the candidates' statement (one round trip
    less when the search is capped), in the list's order; not read again after it. The same results."""
    monkeypatch.setattr(indexing, "SEARCH_WINDOW", 2)
    monkeypatch.setattr(indexing, "token_frequencies", dict)
    monkeypatch.setattr(indexing, "agency_token_counts", dict)
    old = make_item(tree.county_a, "部门预算", published_on=datetime.date(2018, 1, 1))  # a second exact one
    expected = by_querysets(tree.county_a, "部门预算").ids
    search = selectors.ColumnSearch(tree.county_a.pk, "部门预算")
    with CaptureQueriesContext(connection) as queries:
        assert search.ids == expected and search.capped
    assert search.ids[:2] == [entries[0].pk, old.pk]  # the exact ones first, newest first
    postgres = connection.vendor == "postgresql"
    assert len(queries) == (2 if postgres else 3)  # (the candidates, the exact ones,) their ranks
    assert ("UNION ALL" in str(queries.captured_queries[0]["sql"])) is postgres
    # Asked again for the same condition, the ones read with the candidates, without a statement (on
    # PostgreSQL; SQLite read them apart); asked for another condition, that one is read.
    exact = indexing.exact_sql("部门预算")
    assert exact is not None
    where, params = exact
    with CaptureQueriesContext(connection) as again:
        assert search._exact_ids(where, params) == [entries[0].pk, old.pk]
    assert len(again) == (0 if postgres else 1)
    assert search._exact_ids("1 = 0", []) == []


def test_the_agency_keys_statistics_are_postgresqls(tree: Tree, monkeypatch: pytest.MonkeyPatch) -> None:
    """After ``ANALYZE``, the agency keys' index has statistics of its expression: its most common keys,
    counted in entries."""
    monkeypatch.setattr(indexing, "_kept_statistics", {})
    if connection.vendor != "postgresql":
        assert indexing.agency_token_counts() == {}
        return
    for n in range(30):
        make_item(tree.county_a, f"预算公开第{n}号", published_on=datetime.date(2026, 1, 1))
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE catalogue_item")
    with CaptureQueriesContext(connection) as queries:
        counts = indexing.agency_token_counts()
        assert indexing.agency_token_counts() is counts
    assert len(queries) == 1
    assert counts[indexing.agency_lexeme(tree.county_a.pk, "预算")] == pytest.approx(30, abs=1)


def test_token_frequencies_are_postgresqls_statistics_kept_for_a_while(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(indexing, "_kept_statistics", {})
    with CaptureQueriesContext(connection) as queries:
        first = indexing.token_frequencies()
        assert indexing.token_frequencies() is first
    assert len(queries) == (1 if connection.vendor == "postgresql" else 0)
    if connection.vendor != "postgresql":
        assert first == {}


def _highlight_as_before(text: str, query: str) -> list[tuple[str, bool]]:
    """``search.highlight`` as it was (each character normalised at each call, the pattern made each time)."""
    import re

    from gongkai.catalogue.search import _word_regex, normalize, words

    parts = words(query)
    if not text or not parts:
        return [(text, False)] if text else []
    folded: list[str] = []
    origin: list[int] = []
    for i, char in enumerate(text):
        for out in normalize(char):
            folded.append(out)
            origin.append(i)
    pattern = re.compile(
        "|".join(f"(?:{_word_regex(word)})" for word in sorted(parts, key=lambda w: -len(w.pattern)))
    )
    spans: list[tuple[int, int]] = []
    for match in pattern.finditer("".join(folded)):
        if match.end() > match.start():
            start, end = origin[match.start()], origin[match.end() - 1] + 1
            if spans and start <= spans[-1][1]:
                spans[-1] = (spans[-1][0], max(end, spans[-1][1]))
            else:
                spans.append((start, end))
    pieces: list[tuple[str, bool]] = []
    position = 0
    for start, end in spans:
        if start > position:
            pieces.append((text[position:start], False))
        pieces.append((text[start:end], True))
        position = end
    if position < len(text):
        pieces.append((text[position:], False))
    return pieces


@pytest.mark.parametrize(
    "text",
    [
        "",
        "关于部门预算的通知",
        "示自然资规〔２０２６〕7号",
        "ＧＤＰ统计公报（2026年）",
        "ΣΊΣΥΦΟΣ GDP İstanbul ﬁle ㈱ ①号",
        "e\u0301té 预算 Ａ_Ｂ 50％",
        "部门预算部门预算",
        "关于2025年部门预算的通知",
        "（预算）ＡＢＣ２０２５年报告",
        "BUDGET Budget budget-2025",
        "㈠预算㈡ ﬁnance ﬁle",  # one character folded to three, a ligature to two
        "İstanbul预算İ",  # a capital folded to two characters
        "<script>\"&'预算",
    ],
)
@pytest.mark.parametrize(
    "query",
    [
        "预",
        "预算",
        "7号",
        "gdp",
        "ｇｄｐ 公报",
        "50%",
        "〔〕",
        "file",
        "部门 预算",
        "budget",
        "fi",
        "ABC",
        "2025",
        "(一)",
        "istanbul",
    ],
)
def test_highlight_marks_what_it_marked_before(text: str, query: str) -> None:
    from gongkai.catalogue.search import highlight

    assert highlight(text, query) == _highlight_as_before(text, query)
    assert highlight(text, query) == _highlight_as_before(text, query)  # again, from what it keeps


# --- The walk's own index (PostgreSQL): catalogue.0020 ----------------------------------------------


def test_the_walk_migration_indexes_what_the_search_asks() -> None:
    """A query spelled otherwise than the indexes' condition would not use them."""
    migration = importlib.import_module("gongkai.catalogue.migrations.0020_search_walk_covered")
    assert migration.WALK_COVERED_SQL == indexing.WALK_COVERED_SQL
    assert (migration.INDEX, migration.LONG_INDEX) == (indexing.WALK_INDEX, indexing.WALK_LONG_INDEX)


def test_a_walk_reads_short_entries_from_its_index_and_long_ones_from_the_table(
    tree: Tree, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A word settled by its tokens, frequent in the agency: its newest entries are walked through the
    walk's index (each short entry's vector and head in the index), merged in date order with the long
    entries (a vector or a head too long for an index entry: in the other index), and the results are the
    querysets' — short and long entries interleaved, more of each than the walk reads, some of both
    published the same day (the id decides), a draft, a withdrawn entry and one without a vector among the
    newest. A word its tokens do not settle walks the table as before. Long entries are saved (an index
    entry over 2,704 bytes would refuse the row)."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite has one plan (LIKE on the stored text)")
    monkeypatch.setattr(indexing, "SEARCH_WINDOW", 3)
    agency = tree.county_a
    for n in range(40):
        title = f"编号0001第{n}号公积金" if n % 5 < 3 else f"其他事项第{n}号"
        day = datetime.date(2026, 1, 1) + datetime.timedelta(days=n // 2)  # two entries a day
        fields: dict[str, Any] = {}
        if n % 4 == 1:
            fields["body"] = _long_body(n)  # a long vector
        elif n % 4 == 2:
            fields["summary"] = "摘要" * 400  # a long head, a short vector
        make_item(agency, title, published_on=day, **fields)
    newest = datetime.date(2026, 3, 1)
    make_item(agency, "编号0001草稿", status=Status.DRAFT)
    make_item(agency, "编号0001已撤回", status=Status.WITHDRAWN, published_on=newest)
    unindexed = make_item(agency, "编号0001没有检索向量", published_on=newest)
    Item.objects.filter(pk=unindexed.pk).update(search_vector=None)
    with connection.cursor() as cursor:
        cursor.execute(
            f'SELECT count(*) FILTER (WHERE {indexing.WALK_COVERED_SQL}), count(*) FROM "catalogue_item" '
            'WHERE "agency_id" = %s AND "status" = \'published\' AND "search_vector" IS NOT NULL',
            [agency.pk],
        )
        covered, total = cursor.fetchone()
    assert (covered, total) == (20, 40)  # more of each kind than the walk's 14
    monkeypatch.setattr(indexing, "token_frequencies", dict)
    keys = {indexing.agency_lexeme(agency.pk, token): 24.0 for token in ("0001", "公积", "积金")}
    monkeypatch.setattr(indexing, "agency_token_counts", lambda: keys)
    monkeypatch.setattr(indexing, "agency_vector_bytes", lambda agency_id: 0.0)  # walk whatever their size
    for query, covered_walk in (("0001", True), ("公积金", False)):
        expected = by_querysets(agency, query)
        assert expected.capped
        search = selectors.ColumnSearch(agency.pk, query, entries=41)
        assert search._walk_rows(4) == 14  # 2 × 4 / 0.6 + 1
        with CaptureQueriesContext(connection) as queries:
            assert search.ids == expected.ids and search.capped == expected.capped
        statements = [str(query["sql"]) for query in queries.captured_queries]
        walk = statements[0]
        assert "LIMIT 14)" in walk
        # The walk found enough: the agency's keys (the bitmap) are not read, neither in it nor after it.
        assert not any(indexing.AGENCY_LEXEMES_SQL in statement for statement in statements)
        assert (indexing.WALK_COVERED_SQL in walk) is covered_walk
        assert rows(search) == rows(expected)
    # PostgreSQL reads the short entries from the walk's index, not the agency's entries testing the
    # condition on each (a table this small would rather be read whole and sorted: that plan is ruled out).
    statement, params = selectors.ColumnSearch(agency.pk, "0001", entries=41)._newest(14)
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_bitmapscan = off")
        cursor.execute(f"EXPLAIN {statement}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert f"using {indexing.WALK_INDEX} " in plan and f"using {indexing.WALK_LONG_INDEX} " in plan, plan
    assert "Filter" not in plan, plan  # the condition is the indexes', never tested on a row


def test_an_entry_just_inside_the_walks_bound_is_kept_in_its_index(tree: Tree) -> None:
    """The walk's index keeps an entry whose vector and head fit (a Latin word of 900 bytes and a head of
    ~1,400): the row is saved and its index entry stays under PostgreSQL's 2,704 bytes; a little more head
    and it goes to the other index. A stored vector is its text, one byte a lexeme and 9."""
    if connection.vendor != "postgresql":
        pytest.skip("the walk's indexes are PostgreSQL's")

    def sizes(item: Item) -> tuple[bool, int, int]:
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT {indexing.WALK_COVERED_SQL}, octet_length(search_vector::text) + 4 * "
                "length(search_vector) + octet_length(search_head), pg_column_size(search_vector) + "
                'octet_length(search_head) FROM "catalogue_item" WHERE "id" = %s',
                [item.pk],
            )
            return cursor.fetchone()

    body = "<p>" + "a" * 900 + "</p>"
    plain = sizes(make_item(tree.county_a, "边界", body=body, summary="摘摘"))  # its lexemes: 摘, 摘摘
    summary = 2 + (2_395 - plain[1]) // 3  # each "摘" more: 3 bytes more of head, no lexeme more
    inside = sizes(make_item(tree.county_a, "边界", body=body, summary="摘" * summary))
    assert inside[0] and 2_300 < inside[1] <= 2_400
    assert inside[2] <= inside[1] + 9 < 2_704 - 100  # room for the keys and the entry's header
    outside = sizes(make_item(tree.county_a, "边界", body=body, summary="摘" * (summary + 5)))
    assert not outside[0] and outside[1] > 2_400


# --- The agency's own posting lists (PostgreSQL): catalogue.0019's index ------------------------------


def test_the_migration_indexes_what_the_search_asks() -> None:
    """A query spelled otherwise than the index's expression would not use it."""
    migration = importlib.import_module("gongkai.catalogue.migrations.0019_search_by_agency_lexemes")
    assert migration.AGENCY_LEXEMES_SQL == indexing.AGENCY_LEXEMES_SQL


def test_an_entrys_tokens_are_kept_under_its_agency() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("SQLite searches with LIKE: no token index")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tsvector_to_array(gongkai_agency_lexemes(17, to_tsvector('simple', %s)))", ["gdp 开 社会"]
        )
        (lexemes,) = cursor.fetchone()
    assert set(lexemes) == {"17~gdp", "17~社会", "17~开"}
    assert indexing.agency_lexeme(17, "开") == "17~开"


def test_a_rare_word_is_read_from_the_agencys_own_posting_lists(
    tree: Tree, entries: list[Item], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Not frequent in the agency (or its size unknown): the candidates through the agency's keys
    (``17~预算``), with the index; frequent, even a single token: the agency's newest entries walked, written
    out, the plain condition on their rows (D64), then the agency's keys if the walk held too few. The same
    results either way."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite searches with LIKE: no token index")
    agency = tree.county_a
    expected = by_querysets(agency, "预算")
    assert expected.ids
    monkeypatch.setattr(indexing, "agency_token_counts", dict)
    monkeypatch.setattr(indexing, "token_frequencies", lambda: {"预算": 0.5})
    # Frequent when share² × entries exceeds the candidates asked (501): 0.5² × 4 = 1; 0.5² × 10,000 = 2,500.
    keys = indexing.AGENCY_LEXEMES_SQL.replace('"', "")
    for entries_known in (None, 4):
        search = selectors.ColumnSearch(agency.pk, "预算", entries=entries_known)
        with CaptureQueriesContext(connection) as queries:
            assert search.ids == expected.ids and search.capped == expected.capped
        candidates = str(queries.captured_queries[0]["sql"])
        assert keys in candidates.replace('"', "") and f"'{agency.pk}~预算'" in candidates
    # Frequent: the walk of 2 × 501 / 0.5 + 1 entries with the plain condition; it holds too few matches
    # here (the agency has a few entries, not 10,000), so the agency's keys after it.
    search = selectors.ColumnSearch(agency.pk, "预算", entries=10_000)
    # (Reads the agency's vectors' size, kept: the statements captured below are the search's. They are
    # short: the walk.)
    assert search._walk_rows(501) == 2005
    with CaptureQueriesContext(connection) as queries:
        assert search.ids == expected.ids and search.capped == expected.capped
    walk, after = (str(query["sql"]) for query in queries.captured_queries[:2])
    assert "LIMIT 2005)" in walk and keys not in walk.replace('"', "")
    assert keys in after.replace('"', "") and f"'{agency.pk}~预算'" in after
    # The condition uses the index (its expression spelled as the index's), not a scan of every row.
    condition, params = indexing.words_sql("预算", agency_id=agency.pk) or ("", [])
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f'EXPLAIN SELECT "id" FROM "catalogue_item" WHERE {condition}', params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "catalogue_item_agency_lexemes_gin" in plan, plan


def test_a_very_long_word_is_not_indexed_and_the_entry_is_saved(tree: Tree) -> None:
    """A run of letters or digits too long for a lexeme (PostgreSQL: 2,047 bytes; the agency's keys add
    their prefix) is left out of the tokens; the entry is saved and found by its other words."""
    from gongkai.catalogue.search import MAX_TOKEN_BYTES, index_tokens

    longest = "a" * MAX_TOKEN_BYTES
    assert sorted(index_tokens(longest + " 预算").split()) == sorted([longest, "预", "预算", "算"])
    assert sorted(index_tokens(longest + "a 预算").split()) == sorted(["预", "预算", "算"])
    item = make_item(tree.county_a, "长词的预算", body="<p>" + "a" * 2046 + "</p>")
    search = selectors.ColumnSearch(tree.county_a.pk, "预算")
    assert item.pk in search.ids
