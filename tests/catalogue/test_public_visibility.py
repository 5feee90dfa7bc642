"""The public never sees an entry before it is published, nor a withdrawn entry's body or files.

Every non-public status (draft, submitted, reviewed, approved, returned) is checked on every public URL
and in every list: the column, the catalogue (browse and search), the rules and reports parts, the API
and both feeds. Bodies and titles are escaped or sanitised.
"""

from __future__ import annotations

import json
from xml.etree import ElementTree

import pytest
from django.test import Client

from gongkai.catalogue.models import ItemKind, Status
from tests.catalogue.public_factories import HIDDEN_STATUSES, add_file, make_item, public_urls
from tests.conftest import Tree

pytestmark = pytest.mark.django_db

SECRET = "绝密草稿内容"


def without_echo(content: str, url: str) -> str:
    """The page without the search form's and the result line's echo of the query itself."""
    if "q=" in url:
        query = url.split("q=", 1)[1].split("&", 1)[0]
        content = content.replace(f'value="{query}"', "").replace(f"检索“{query}”", "")
    return content


def listing_urls(code: str) -> list[str]:
    return [
        "/gk/",
        f"/gk/{code}/",
        f"/gk/{code}/rules/",
        f"/gk/{code}/reports/",
        f"/gk/{code}/catalogue/",
        f"/gk/{code}/catalogue/?q={SECRET}",
        f"/gk/{code}/catalogue/?q=草稿",
        f"/gk/{code}/catalogue/?q=密",
        f"/gk/{code}/catalogue/?kind=annual_report",
        f"/gk/{code}/feed.rss",
        f"/gk/{code}/feed.atom",
        "/gk/api/items/",
        f"/gk/api/items/?q={SECRET}",
        f"/gk/api/items/?agency={code}&page_size=100",
    ]


@pytest.mark.parametrize("status", HIDDEN_STATUSES)
def test_unpublished_entries_are_404_and_absent_everywhere(client: Client, tree: Tree, status: str) -> None:
    hidden = make_item(
        tree.county_a,
        f"{SECRET}的标题",
        status=status,
        body=f"<p>{SECRET}</p>",
        is_ogi_rule=True,
        kind=ItemKind.ANNUAL_REPORT,
    )
    add_file(hidden, "草稿附件.pdf", text=SECRET)
    make_item(tree.county_a, "已发布的信息")
    for url in public_urls(hidden):
        assert client.get(url).status_code == 404, url
    for url in listing_urls("county-a"):
        response = client.get(url)
        assert response.status_code == 200, url
        content = without_echo(response.content.decode(), url)
        assert SECRET not in content, url
        assert f"/items/{hidden.pk}/" not in content, url
    counts = json.loads(client.get("/gk/api/agencies/").content)
    county_a = next(a for a in counts["results"] if a["short_code"] == "county-a")
    assert county_a["published_items"] == 1


def test_a_withdrawn_entry_shows_only_its_number_title_and_reason(client: Client, tree: Tree) -> None:
    entry = make_item(
        tree.county_a,
        "甲县关于调整收费标准的通知",
        status=Status.WITHDRAWN,
        body=f"<p>{SECRET}</p>",
        summary="不应公开的概述",
        doc_number="甲政发〔2025〕9号",
        withdrawn_reason="与上级政策不一致，已撤回。",
    )
    file = add_file(entry, "撤回的附件.pdf", text=SECRET)
    response = client.get(f"/gk/county-a/items/{entry.pk}/")
    assert response.status_code == 200
    page = response.content.decode()
    assert entry.index_number and entry.index_number in page
    assert "甲县关于调整收费标准的通知" in page
    assert "已撤回" in page and "与上级政策不一致，已撤回。" in page
    for leaked in (SECRET, "不应公开的概述", "撤回的附件.pdf", f"/files/{file.pk}/"):
        assert leaked not in page, leaked
    assert '<meta name="robots" content="noindex">' in page
    # The file itself is gone, and so is the entry from every list and search; the feeds carry the
    # withdrawal as an update of the entry (its link, 已撤回 and the reason), never its content.
    assert client.get(f"/gk/county-a/items/{entry.pk}/files/{file.pk}/").status_code == 404
    for url in listing_urls("county-a"):
        content = without_echo(client.get(url).content.decode(), url)
        assert SECRET not in content and "不应公开的概述" not in content, url
        if "/feed." in url:
            assert f"/items/{entry.pk}/" in content and "【已撤回】" in content, url
            assert "与上级政策不一致，已撤回。" in content and "甲政发〔2025〕9号" not in content, url
        else:
            assert f"/items/{entry.pk}/" not in content, url
    data = json.loads(client.get(f"/gk/api/items/{entry.pk}/").content)
    assert data == {
        "id": entry.pk,
        "url": f"http://testserver/gk/county-a/items/{entry.pk}/",
        "api_url": f"http://testserver/gk/api/items/{entry.pk}/",
        "status": "withdrawn",
        "index_number": entry.index_number,
        "title": "甲县关于调整收费标准的通知",
        "agency": {"short_code": "county-a", "name": "甲县人民政府"},
        "published_on": "2025-06-10",
        "withdrawn_on": None,
        "withdrawn_reason": "与上级政策不一致，已撤回。",
    }


def test_a_title_with_markup_is_escaped_everywhere(client: Client, tree: Tree) -> None:
    entry = make_item(
        tree.county_a,
        '<script>alert("标题")</script>通知',
        summary="<b>概述</b>",
        doc_number="<i>文号</i>",
        keywords='"><img src=x onerror=alert(1)>',
    )
    for url in (
        "/gk/county-a/",
        "/gk/county-a/catalogue/",
        "/gk/county-a/catalogue/?q=通知",
        f"/gk/county-a/items/{entry.pk}/",
    ):
        page = client.get(url).content.decode()
        assert "<script>alert" not in page, url
        # A search escapes the title first, then marks the word found.
        title = "&lt;script&gt;alert(&quot;标题&quot;)&lt;/script&gt;" + (
            "<mark>通知</mark>" if "q=" in url else "通知"
        )
        assert title in page, url
        assert "<img src=x" not in page, url
    # The feeds carry the title as text: parsed, it is the title; raw, it is escaped.
    rss = client.get("/gk/county-a/feed.rss").content
    assert b"<script>" not in rss
    feed_title = ElementTree.fromstring(rss).find("channel/item/title")
    assert feed_title is not None and feed_title.text == '<script>alert("标题")</script>通知'
    # The API is JSON: the title is a string, as given.
    data = json.loads(client.get(f"/gk/api/items/{entry.pk}/").content)
    assert data["title"] == '<script>alert("标题")</script>通知'


def test_a_dangerous_body_is_sanitised_when_shown(client: Client, tree: Tree) -> None:
    # Stored bodies are sanitised already; one that is not (an old import, a bug) is cleaned again.
    entry = make_item(
        tree.county_a,
        body=(
            '<p onclick="steal()">正文<img src="x.png" onerror="alert(1)">'
            '<a href="javascript:alert(2)">链接</a><script>alert(3)</script>'
            '<iframe src="https://evil.example"></iframe><strong>保留</strong></p>'
        ),
    )
    page = client.get(f"/gk/county-a/items/{entry.pk}/").content.decode()
    body = page[page.index('class="gk-body__text"') :]
    body = body[: body.index("</section>")]
    for bad in ("onerror", "onclick", "javascript:", "<script", "alert(3)", "<iframe"):
        assert bad not in body, bad
    assert "<strong>保留</strong>" in body and 'src="x.png"' in body and "正文" in body
    api = json.loads(client.get(f"/gk/api/items/{entry.pk}/").content)
    assert "onerror" not in api["body_html"] and "<script" not in api["body_html"]
    assert "<strong>保留</strong>" in api["body_html"]


def test_bad_input_never_fails(client: Client, tree: Tree) -> None:
    entry = make_item(tree.county_a)
    for url in (
        "/gk/county-a/catalogue/?page=-1",
        "/gk/county-a/catalogue/?page=99999",
        "/gk/county-a/catalogue/?page=abc",
        "/gk/county-a/catalogue/?year=１９９９９",
        "/gk/county-a/catalogue/?category=%00",
        "/gk/county-a/catalogue/?q=%E9%A2%84%00%E7%AE%97&year=20%0025",
        "/gk/county-a/catalogue/?article20=0&kind=x&document_type=y&published_after=2025-13-01",
        "/gk/county-a/catalogue/?q=" + "长" * 500,
        "/gk/county-a/catalogue/?q=%27%22%3C%3E%5C%25_",
        "/gk/county-a/catalogue/?q=%E2%80%8B",
        "/gk/county-a/rules/?page=0",
        f"/gk/county-a/items/{entry.pk}/?x=<script>",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "<script>" not in response.content.decode().split("</header>", 1)[1], url
    assert client.get("/gk/county-a/items/99999999999999999999/").status_code == 404
    assert client.get("/gk/county-a/items/1/files/abc/").status_code == 404
