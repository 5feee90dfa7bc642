"""RSS 2.0 and Atom feeds per agency: valid XML, the latest 50 published entries and withdrawals, nothing
else."""

from __future__ import annotations

import datetime
import re
from typing import Any
from xml.etree import ElementTree

import pytest
from django.test import Client

from gongkai.catalogue.models import Item, Status
from tests.catalogue.public_factories import category, make_item
from tests.conftest import Tree

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"


def test_rss(client: Client, tree: Tree) -> None:
    entry = make_item(
        tree.county_a,
        "甲县关于做好防汛工作的通知",
        summary="做好汛期值班和转移避险。",
        doc_number="甲政办发〔2025〕5号",
        category=category(),
    )
    make_item(tree.county_a, "草稿", status=Status.DRAFT)
    withdrawn = make_item(
        tree.county_a,
        "撤回的",
        status=Status.WITHDRAWN,
        withdrawn_reason="错误",
        summary="撤回的概述",
        withdrawn_on=datetime.date(2025, 7, 1),
    )
    make_item(tree.county_b, "乙县的信息")
    response = client.get("/gk/county-a/feed.rss")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/rss+xml; charset=utf-8"
    root = ElementTree.fromstring(response.content)
    assert root.tag == "rss" and root.get("version") == "2.0"
    channel = root.find("channel")
    assert channel is not None
    assert channel.findtext("title") == "甲县人民政府 · 政府信息公开"
    assert channel.findtext("link") == "http://testserver/gk/county-a/catalogue/"
    assert channel.findtext("language") == "zh-cn"
    items = channel.findall("item")
    # A withdrawal is an update of the entry, newest first: its link, 已撤回, the day and the reason only.
    assert [item.findtext("title") for item in items] == ["【已撤回】撤回的", "甲县关于做好防汛工作的通知"]
    gone = items[0]
    assert gone.findtext("link") == f"http://testserver/gk/county-a/items/{withdrawn.pk}/"
    assert gone.findtext("description") == (
        f"索引号：{withdrawn.index_number}\n状态：已撤回\n撤回日期：2025-07-01\n撤回理由：错误"
    )
    assert [c.text for c in gone.findall("category")] == ["已撤回"]
    item = items[1]
    assert item.findtext("link") == f"http://testserver/gk/county-a/items/{entry.pk}/"
    assert item.findtext("guid") == item.findtext("link")
    description = item.findtext("description") or ""
    assert entry.index_number and entry.index_number in description
    assert "甲政办发〔2025〕5号" in description and "做好汛期值班和转移避险。" in description
    assert item.findtext("pubDate") == "Tue, 10 Jun 2025 00:00:00 +0800"
    assert [c.text for c in item.findall("category")] == ["综合政务", "政府信息"]


def test_atom(client: Client, tree: Tree) -> None:
    entry = make_item(tree.county_a, "甲县通知")
    response = client.get("/gk/county-a/feed.atom")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/atom+xml; charset=utf-8"
    root = ElementTree.fromstring(response.content)
    assert root.tag == f"{ATOM}feed"
    assert root.findtext(f"{ATOM}title") == "甲县人民政府 · 政府信息公开"
    assert root.findtext(f"{ATOM}subtitle") == "甲县人民政府主动公开的政府信息（最新 50 条）"
    self_link = [link for link in root.findall(f"{ATOM}link") if link.get("rel") == "self"]
    assert self_link[0].get("href") == "http://testserver/gk/county-a/feed.atom"
    entries = root.findall(f"{ATOM}entry")
    assert len(entries) == 1
    assert entries[0].findtext(f"{ATOM}title") == "甲县通知"
    assert entries[0].findtext(f"{ATOM}id") == f"http://testserver/gk/county-a/items/{entry.pk}/"
    assert entries[0].findtext(f"{ATOM}updated") == "2025-06-10T00:00:00+08:00"
    assert entries[0].findtext(f"{ATOM}author/{ATOM}name") == "甲县人民政府"


def test_the_latest_fifty_newest_first(
    client: Client, tree: Tree, django_assert_max_num_queries: object, settings: Any
) -> None:
    # The views' own queries: the page cache (its version, its read and write) is counted in
    # tests/catalogue/test_page_cache.py.
    settings.GONGKAI_PAGE_CACHE = False
    start = datetime.date(2025, 1, 1)
    for n in range(55):
        make_item(tree.county_a, f"信息{n:02d}", published_on=start + datetime.timedelta(days=n))
    for url in ("/gk/county-a/feed.rss", "/gk/county-a/feed.atom"):
        # The agency, then its latest entries and withdrawals in one statement.
        with django_assert_max_num_queries(2):  # type: ignore[operator]
            content = client.get(url).content
        root = ElementTree.fromstring(content)
        titles = [e.text for e in root.iter() if e.tag in ("title", f"{ATOM}title")][1:]
        assert len(titles) == 50
        assert titles[0] == "信息54" and titles[-1] == "信息05"


def test_an_empty_feed_is_valid_and_an_unknown_agency_is_404(client: Client, tree: Tree) -> None:
    root = ElementTree.fromstring(client.get("/gk/town-b1/feed.rss").content)
    assert root.find("channel/item") is None
    ElementTree.fromstring(client.get("/gk/town-b1/feed.atom").content)
    assert client.get("/gk/nobody/feed.rss").status_code == 404
    assert client.get("/gk/nobody/feed.atom").status_code == 404


def test_markup_in_a_description_is_shown_as_typed_never_rendered(client: Client, tree: Tree) -> None:
    """Readers take an RSS description and an Atom summary of type html as HTML: the 文号, 内容概述 and
    撤回理由 are text, so their markup arrives escaped (the parsed XML holds ``&lt;b&gt;``, not ``<b>``)."""
    make_item(
        tree.county_a,
        "有标记的",
        doc_number="<b>示〔2026〕7号</b>",
        summary="a < b & c",
        published_on=datetime.date(2026, 3, 1),
    )
    gone = make_item(tree.county_a, "撤回的", published_on=datetime.date(2026, 3, 2))
    Item.objects.filter(pk=gone.pk).update(
        status=Status.WITHDRAWN, withdrawn_on=datetime.date(2026, 3, 3), withdrawn_reason="<script>x</script>"
    )
    rss = ElementTree.fromstring(client.get("/gk/county-a/feed.rss").content)
    descriptions = [item.findtext("description") or "" for item in rss.iter("item")]
    assert any("文号：&lt;b&gt;示〔2026〕7号&lt;/b&gt;" in text for text in descriptions)
    assert any("a &lt; b &amp; c" in text for text in descriptions)
    assert any("撤回理由：&lt;script&gt;x&lt;/script&gt;" in text for text in descriptions)
    assert not any("<" in text for text in descriptions)
    atom = ElementTree.fromstring(client.get("/gk/county-a/feed.atom").content)
    summaries = [element.text or "" for element in atom.iter("{http://www.w3.org/2005/Atom}summary")]
    assert any("&lt;script&gt;" in text for text in summaries) and not any("<" in text for text in summaries)


def test_noncharacters_stored_before_they_were_stripped_leave_the_feeds_well_formed(
    client: Client, tree: Tree
) -> None:
    """U+FFFE and U+FFFF are not XML 1.0 characters: a row that holds them (written before the services
    stripped them) is written without them, and the feeds still parse."""
    item = make_item(tree.county_a, "标题", published_on=datetime.date(2026, 3, 1))
    Item.objects.filter(pk=item.pk).update(title="标题\uffff尾", summary="概述\ufffe完")
    for url in ("/gk/county-a/feed.rss", "/gk/county-a/feed.atom"):
        body = client.get(url).content
        ElementTree.fromstring(body)
        assert "标题尾".encode() in body and "概述完".encode() in body


# ---------------------------------------------------------------------------------------------
# The same bytes as Django's syndication framework (tests/catalogue/feed_reference.py: main's feeds)
# ---------------------------------------------------------------------------------------------

#: Texts XML and the feed writers find hard: markup and entities, a CDATA end, quotes of both kinds,
#: characters beyond the BMP, ASCII control characters (which the feeds strip), line ends of every kind.
HOSTILE = (
    "A & B <b>粗</b> ]]> &amp; \"双\" 'single' 𠀀😀 \x01\x08\x0b\x0c\x1f\x7f tab\tline\r\nCR\rend",
    "<![CDATA[x]]>",
    "\x01\x02",  # nothing left once stripped: an empty element
    "e\u0301" * 150 + "z" * 200,  # NFC and cut at 300 characters
)


def _hostile_world(tree: Tree) -> None:
    from gongkai.agencies.models import Agency
    from gongkai.catalogue.models import Category, Item, ItemVersion

    Agency.objects.filter(pk=tree.county_a.pk).update(name="甲县 & <人民政府> \"'\x03")
    odd = Category.objects.create(name='财政 & <审计> "它\'s"\x02\n', order=99)
    start = datetime.date(2025, 1, 1)
    for n in range(52):  # more than 50: the oldest are cut
        text = HOSTILE[n % len(HOSTILE)]
        make_item(
            tree.county_a,
            f"{n:02d} {text}"[:300],  # the title's column holds 300
            published_on=start + datetime.timedelta(days=n // 3),  # three a day: by id within a day
            summary=f"<p>{text}</p>" if n % 2 else text,
            doc_number=text[:90] if n % 5 == 0 else "",
            category=odd if n % 4 == 0 else (category() if n % 4 == 1 else None),
        )
    corrected = make_item(tree.county_a, "更正过的", published_on=start, summary=HOSTILE[0])
    for number, day in ((1, datetime.date(2025, 3, 1)), (2, datetime.date(2025, 1, 20))):
        draft = make_item(tree.county_a, "更正稿", status=Status.DRAFT)
        ItemVersion.objects.create(
            item=corrected, number=number, corrected_on=day, draft=draft, reason="笔误", public_note="更正"
        )
    withdrawals: list[tuple[datetime.date | None, str]] = [
        (datetime.date(2025, 1, 10), HOSTILE[0]),
        (None, HOSTILE[3]),
        (datetime.date(2025, 1, 17), ""),
    ]
    for n, (withdrawn_on, reason) in enumerate(withdrawals):
        gone = make_item(
            tree.county_a, f"撤回{n} {HOSTILE[n]}", published_on=start, summary="撤回的内容不应出现"
        )
        Item.objects.filter(pk=gone.pk).update(
            status=Status.WITHDRAWN, withdrawn_on=withdrawn_on, withdrawn_reason=reason
        )
    make_item(tree.county_b, "乙县的信息")


@pytest.mark.parametrize("secure", [False, True])
@pytest.mark.parametrize("kind", ["rss", "atom"])
def test_the_feeds_are_django_syndication_s_bytes(tree: Tree, kind: str, secure: bool) -> None:
    from django.contrib.syndication.views import Feed
    from django.test import RequestFactory

    from gongkai.catalogue import feeds
    from tests.catalogue import feed_reference

    _hostile_world(tree)
    url = f"/gk/county-a/feed.{kind}"
    request = RequestFactory().get(url, secure=secure)
    ours = (feeds.rss_feed if kind == "rss" else feeds.atom_feed)(request, short_code="county-a")
    reference = feed_reference.CatalogueRssFeed() if kind == "rss" else feed_reference.CatalogueAtomFeed()
    django_s = Feed.__call__(reference, request, short_code="county-a")
    assert ours.content == django_s.content
    assert ours["Content-Type"] == django_s["Content-Type"]
    assert ours["Last-Modified"] == django_s["Last-Modified"] == "Fri, 28 Feb 2025 16:00:00 GMT"
    # Valid XML with every text as written: the hostile texts without their control characters.
    root = ElementTree.fromstring(ours.content)
    texts = "".join(root.itertext())
    assert "A & B <b>粗</b> ]]> &amp; \"双\" 'single' 𠀀😀  tab\tline\nCR\nend" in texts
    assert "\x01" not in ours.content.decode() and "撤回的内容不应出现" not in texts
    titles = [e.text or "" for e in root.iter() if e.tag in ("title", f"{ATOM}title")][1:]
    # Newest update first (the correction of 1 March), then by day and id; the six oldest cut (1-2 January).
    assert (
        len(titles) == 50
        and titles[0] == "更正过的"
        and titles[1].startswith("51 ")
        and titles[-1].startswith("05 ")
    )
    assert any(t.startswith("【已撤回】撤回0 A & B") for t in titles) and not any(
        "撤回1" in t for t in titles
    )
    scheme = "https" if secure else "http"
    assert f"{scheme}://testserver/gk/county-a/items/" in ours.content.decode()


@pytest.mark.parametrize("kind", ["rss", "atom"])
def test_an_unknown_agency_and_an_empty_feed_as_django_s(tree: Tree, kind: str) -> None:
    from django.contrib.syndication.views import Feed
    from django.http import Http404
    from django.test import RequestFactory

    from gongkai.catalogue import feeds
    from tests.catalogue import feed_reference

    view = feeds.rss_feed if kind == "rss" else feeds.atom_feed
    reference = feed_reference.CatalogueRssFeed() if kind == "rss" else feed_reference.CatalogueAtomFeed()
    request = RequestFactory().get(f"/gk/town-b1/feed.{kind}")
    with pytest.raises(Http404):
        view(request, short_code="nobody")
    # No entry: the feed's date is the moment it is written (as Django's), so the bytes match once the
    # two moments are taken out.
    ours = view(request, short_code="town-b1").content.decode()
    django_s = Feed.__call__(reference, request, short_code="town-b1").content.decode()
    moment = r"<(lastBuildDate|updated)>[^<]+</"
    assert re.sub(moment, "", ours) == re.sub(moment, "", django_s)
    assert len(re.findall(moment, ours)) == 1


def _entries() -> list[Any]:
    from gongkai.catalogue.feeds import Entry

    day = datetime.date(2025, 6, 10)
    return [
        Entry(
            title=text,
            link=f"http://example.org/gk/a/items/{n}/",
            description=text,
            author=HOSTILE[(n + 1) % len(HOSTILE)],
            categories=[text, "政府信息"],
            published=day if n % 3 else None,
            updated=day + datetime.timedelta(days=n) if n % 2 else None,
        )
        for n, text in enumerate([*HOSTILE, "", "lone surrogate \ud800 and \udfff"])
    ]


@pytest.mark.parametrize("kind", ["rss", "atom"])
def test_the_writer_is_django_s_feedgenerator(kind: str) -> None:
    """Each text as Django's feedgenerator writes it once its control characters are stripped (Django
    refuses them), through to the bytes: a lone surrogate (which UTF-8 cannot carry) as a character
    reference, as Django's writer into a response does."""
    import io

    from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed

    from gongkai.catalogue import feeds
    from gongkai.catalogue.content import strip_controls

    entries = _entries()
    head = feeds.Head(
        title=HOSTILE[0],
        description=HOSTILE[1],
        link="http://example.org/gk/a/",
        feed_url="http://example.org/f",
    )
    generator = (Rss201rev2Feed if kind == "rss" else Atom1Feed)(
        title=strip_controls(head.title),
        link=head.link,
        description=strip_controls(head.description),
        subtitle=strip_controls(head.description),
        language="zh-cn",
        feed_url=head.feed_url,
    )
    for entry in entries:
        generator.add_item(
            title=strip_controls(entry.title),
            link=entry.link,
            description=strip_controls(entry.description),
            unique_id=entry.link,
            author_name=strip_controls(entry.author),
            pubdate=feeds._midnight(entry.published) if entry.published else None,
            updateddate=feeds._midnight(entry.updated) if entry.updated else None,
            categories=[strip_controls(c) for c in entry.categories],
        )
    written = io.BytesIO()
    generator.write(written, "utf-8")
    document = (feeds.rss if kind == "rss" else feeds.atom)(head, entries)
    assert document.encode("utf-8", "xmlcharrefreplace") == written.getvalue()
    assert b"&#55296;" in written.getvalue()  # the surrogate, as Django writes it
    # Without the surrogate entry, the document is XML a parser reads back.
    clean = (feeds.rss if kind == "rss" else feeds.atom)(head, entries[:-1])
    root = ElementTree.fromstring(clean.encode())
    assert "]]> &amp;" in "".join(root.itertext())
