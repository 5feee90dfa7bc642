"""The site's front page ``/`` (the agencies' columns and a search across them), the site-wide search
``/gk/search/``, and the checker's move to ``/check/`` with permanent redirects from its old addresses."""

from __future__ import annotations

import re
import uuid
from typing import Any

import pytest
from django.test import Client

from gongkai.agencies.models import Agency
from gongkai.catalogue import views_public
from gongkai.catalogue.models import Status
from tests.catalogue.public_factories import make_item
from tests.conftest import Tree

pytestmark = pytest.mark.django_db


def test_the_front_page_lists_the_agencies_by_parent_and_level_with_a_search_box(
    client: Client, tree: Tree
) -> None:
    make_item(tree.county_a, "甲县防汛通知")
    response = client.get("/")
    assert response.status_code == 200
    page = response.content.decode()
    assert 'action="/gk/search/"' in page and 'name="q"' in page
    headings = re.findall(r"<h3 id=\"gk-group-\d+\">(.*?)</h3>", page)
    # The level above first, then each parent's agencies by kind.
    assert headings[0] == "人民政府"
    assert "甲县人民政府 · 政府部门" in headings and "甲县人民政府 · 乡镇街道" in headings
    assert '<a href="/gk/county-a/">甲县人民政府</a>' in page
    assert '<a href="/gk/county-a-finance/">' in page
    assert 'href="/check/"' in page
    assert "（1 条）" in page


def test_the_front_page_is_paginated_when_there_are_many_agencies(
    client: Client, tree: Tree, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(views_public, "FRONT_PAGE_AGENCIES", 3)
    first = client.get("/").content.decode()
    assert len(re.findall(r'<li><a href="/gk/([\w-]+)/">', first)) == 3
    assert "第 1 页，共" in first and 'href="?page=2"' in first
    names = set()
    page = 1
    while True:
        content = client.get("/", {"page": page}).content.decode()
        found = re.findall(r'<li><a href="/gk/([\w-]+)/">', content)
        names.update(found)
        if f'href="?page={page + 1}"' not in content:
            break
        page += 1
    assert len(names) == len(tree.__dict__)  # every agency, once
    assert client.get("/", {"page": "x"}).status_code == 200  # a bad page number is the first page


def test_the_site_wide_search_finds_entries_of_every_agency(client: Client, tree: Tree) -> None:
    make_item(tree.county_a, "甲县关于防汛工作的通知")
    make_item(tree.county_b, "乙县防汛应急预案")
    make_item(tree.county_b, "乙县预算公开")
    make_item(tree.county_b, "乙县防汛草稿", status=Status.DRAFT)
    page = client.get("/gk/search/", {"q": "防汛"}).content.decode()
    assert "共找到 2 条结果" in page
    # The words found are marked (the search ranks and highlights as the column's does).
    assert "甲县关于<mark>防汛</mark>工作的通知" in page and "乙县<mark>防汛</mark>应急预案" in page
    assert "草稿" not in page and "乙县预算公开" not in page
    assert "/gk/county-a/items/" in page and "/gk/county-b/items/" in page
    one = client.get("/gk/search/", {"q": "防汛", "agency": "county-b"}).content.decode()
    assert "共找到 1 条结果" in one and "甲县关于防汛工作的通知" not in one
    # The agency filter lists every agency by name (made in Python, escaped), the chosen one selected.
    options = re.findall(r'<option value="([^"]*)"( selected)?>([^<]*)</option>', one)
    assert options[0] == ("", "", "全部")
    assert [name for _code, _on, name in options[1:]] == sorted(a.name for a in tree.all())
    assert [code for code, on, _name in options if on] == ["county-b"]
    Agency.objects.filter(pk=tree.town_b1.pk).update(name='乙县"一镇"<b>')
    page = client.get("/gk/search/").content.decode()
    assert '<option value="town-b1">乙县&quot;一镇&quot;&lt;b&gt;</option>' in page
    assert " selected>" not in page.split('id="gk-agency"')[1].split("</select>")[0]
    bad = client.get("/gk/search/", {"q": "防汛", "agency": "nobody"})
    assert bad.status_code == 200 and "nobody" in bad.content.decode()
    assert "检索结果" not in client.get("/gk/search/").content.decode()  # no query, no list


def test_the_checker_lives_at_check() -> None:
    client = Client()
    page = client.get("/check/")
    assert page.status_code == 200 and "年报检查" in page.content.decode()


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("/checks/", "/check/saved/"),
        ("/checks/12/", "/check/saved/12/"),
        ("/checks/12/delete/", "/check/saved/12/delete/"),
        ("/checks/save/", "/check/save/"),
        (f"/checks/job/{uuid.UUID(int=7)}/", f"/check/job/{uuid.UUID(int=7)}/"),
    ],
)
def test_the_checkers_old_addresses_redirect_for_good(old: str, new: str) -> None:
    client = Client(enforce_csrf_checks=True)
    response = client.get(old, {"x": "1"})
    assert response.status_code == 301 and response["Location"] == f"{new}?x=1"
    # A form posting to an old address is posted again, unchanged, to the new one.
    posted = client.post(old, {"text": "报告"})
    assert posted.status_code == 308 and posted["Location"] == new


def test_the_old_check_form_posting_to_the_root_is_sent_to_check() -> None:
    response = Client(enforce_csrf_checks=True).post("/", {"text": "报告"})
    assert response.status_code == 308 and response["Location"] == "/check/"
    assert Client().put("/").status_code == 405


def test_the_front_page_and_the_search_make_a_bounded_number_of_queries(
    client: Client, tree: Tree, django_assert_max_num_queries: Any
) -> None:
    for n in range(30):
        make_item(tree.county_a if n % 2 else tree.county_b, f"防汛通知{n}")
    client.get("/")  # warms the per-agency counts
    with django_assert_max_num_queries(6):
        assert client.get("/").status_code == 200
    # The ranked search (ids and ranks, then the page's rows), and the page cache's version and store.
    with django_assert_max_num_queries(10):
        assert client.get("/gk/search/", {"q": "防汛"}).status_code == 200
