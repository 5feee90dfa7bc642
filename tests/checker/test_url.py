"""The checker page checks a report given by its URL (gongkai.checker.remote), fetched from the local
column site: an HTML article, the PDF an article links, a Word file; and says in Chinese why a URL could
not be read (robots.txt, a private address, too large, a timeout, no such page, not a report)."""

from __future__ import annotations

import datetime
import re
import zoneinfo
from collections.abc import Iterator

import pytest
import time_machine
from django.test import Client
from django.utils import translation

from gongkai.checker.remote import MSG_ROBOTS, check_url, fetch_report, make_fetcher
from gongkai.checker.source import UnreadableFile
from gongkai.core.i18n import render_error
from tests.support.column_site import ColumnSite, column_site

__all__ = ["column_site"]

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 6, 1, 10, 0, tzinfo=zoneinfo.ZoneInfo("Asia/Shanghai"))


@pytest.fixture(autouse=True)
def _pinned() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def local(settings: pytest.FixtureRequest) -> None:
    """The column site runs on 127.0.0.1: let the fetcher reach it."""
    settings.GONGKAI_FETCH_ALLOW_PRIVATE = True  # type: ignore[attr-defined]
    settings.GONGKAI_FETCH_TIMEOUT = 5  # type: ignore[attr-defined]
    settings.GONGKAI_FETCH_MIN_INTERVAL = 0  # type: ignore[attr-defined]


def check(url: str) -> tuple[int, str]:
    response = Client().post("/check/", {"url": url})
    return response.status_code, response.content.decode()


def errors_of(page: str) -> list[str]:
    return re.findall(r"无法检查：([^<]*)<", page)


@pytest.mark.usefixtures("local")
@pytest.mark.parametrize("slug", ["nr", "finance", "drc", "water", "civil"])
def test_a_report_by_its_url(column_site: ColumnSite, slug: str) -> None:
    agency = column_site.agency(slug)
    status, page = check(agency.report_url)
    assert status == 200
    assert errors_of(page) == []
    assert agency.report_url in page
    assert "示范县" in page and "2025" in page


@pytest.mark.usefixtures("local")
def test_an_article_linking_its_pdf_is_checked_by_the_pdf(column_site: ColumnSite) -> None:
    agency = column_site.agency("finance")
    result = check_url(agency.report_url, make_fetcher(min_interval=0))
    assert result.path == agency.file_url
    assert result.report.agency == "示范县财政局" and result.report.year == 2025
    assert not result.has_errors


@pytest.mark.usefixtures("local")
def test_the_page_says_which_file_was_checked(column_site: ColumnSite) -> None:
    agency = column_site.agency("finance")
    status, page = check(agency.report_url)
    assert f"{agency.report_url}（检查的是网页所附的报告文件 {agency.file_url}）" in page
    assert errors_of(page) == []


@pytest.mark.usefixtures("local")
def test_among_equal_files_the_one_the_checker_reads(column_site: ColumnSite) -> None:
    pdf = column_site.agency("finance").file_url
    column_site.add_page(
        "/t/r.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1 an old Word file", "application/msword"
    )
    url = column_site.add_page(
        "/t/doc-and-pdf.html",
        '<div class="content"><p>附件：<a href="/t/r.doc">年度报告.doc</a></p>'
        f'<p>附件：<a href="{pdf}">年度报告.pdf</a></p></div>',
    )
    remote = fetch_report(url, make_fetcher(min_interval=0))
    assert remote.url == pdf and remote.page_url == url


@pytest.mark.usefixtures("local")
def test_the_file_linked_first_is_fetched_politely(column_site: ColumnSite) -> None:
    column_site.reset()
    remote = fetch_report(column_site.agency("finance").report_url, make_fetcher(min_interval=0))
    assert remote.data.startswith(b"%PDF-") and remote.filename.endswith(".pdf")
    assert [r.path for r in column_site.requests] == [
        "/robots.txt",
        "/art/2026/1/25/art_2001_1.html",
        "/finance/files/P020260125123456.pdf",
    ]
    assert all(r.user_agent.startswith("Gongkai/") for r in column_site.requests)


@pytest.mark.usefixtures("local")
@pytest.mark.parametrize(
    ("path", "words"),
    [
        ("/forbidden/edu/nb/", "robots.txt 不允许自动程序读取这个网址"),
        ("/stats/nb/", "网页不存在（HTTP 404）"),
        ("/_t/status/503", "网站返回错误（HTTP 503）"),
        ("/nr/nb/index.html", "既不是年度报告，也没有链接年度报告文件"),
        (f"/_t/redirect/{9}", "网址跳转的次数过多"),
    ],
)
def test_why_a_url_was_not_checked(column_site: ColumnSite, path: str, words: str) -> None:
    status, page = check(column_site.url(path))
    assert status == 200
    (error,) = errors_of(page)
    assert words in error


def test_a_private_address_is_refused(column_site: ColumnSite) -> None:
    column_site.reset()
    status, page = check(column_site.url("/nr/nb/index.html"))  # GONGKAI_FETCH_ALLOW_PRIVATE is off
    (error,) = errors_of(page)
    assert "不读取内部网络的地址（127.0.0.1）" in error
    assert column_site.requests == []


@pytest.mark.usefixtures("local")
def test_a_file_over_the_size_cap(column_site: ColumnSite, settings: pytest.FixtureRequest) -> None:
    settings.GONGKAI_CHECK_MAX_UPLOAD_BYTES = 2 * 1024 * 1024  # type: ignore[attr-defined]
    (error,) = errors_of(check(column_site.url(f"/_t/bytes/{3 * 1024 * 1024}"))[1])
    assert "网址上的文件超过 2 MB，没有读取。" in error


@pytest.mark.usefixtures("local")
def test_a_page_slower_than_the_timeout(column_site: ColumnSite, settings: pytest.FixtureRequest) -> None:
    settings.GONGKAI_FETCH_TIMEOUT = 1  # type: ignore[attr-defined]
    (error,) = errors_of(check(column_site.url("/_t/sleep/2.5"))[1])
    assert "在 1 秒内没有响应" in error


@pytest.mark.parametrize(
    "url", ["ftp://example.com/r.pdf", "www.example.gov.cn/r.html", "https://", "http:// x"]
)
def test_the_form_refuses_what_is_not_a_url(url: str) -> None:
    status, page = check(url)
    assert status == 200
    assert "网址无效：请填写以 http:// 或 https:// 开头的完整网址。" in page


def test_an_empty_form_says_the_url_is_a_choice() -> None:
    assert "或者填写报告的网址" in check("")[1]


@pytest.mark.usefixtures("local")
def test_a_url_counts_against_the_hours_limit(
    column_site: ColumnSite, settings: pytest.FixtureRequest
) -> None:
    settings.GONGKAI_CHECK_FILES_PER_HOUR = 1  # type: ignore[attr-defined]
    client = Client()
    url = column_site.agency("nr").report_url
    assert client.post("/check/", {"url": url}).status_code == 200
    column_site.reset()
    response = client.post("/check/", {"url": url})
    assert response.status_code == 429
    assert column_site.requests == []  # nothing fetched past the limit


def test_the_messages_in_english() -> None:
    from gongkai.core.messages import Message

    with translation.override("en"):
        text = render_error(UnreadableFile(Message(MSG_ROBOTS, {"host": "www.example.gov.cn"})))
    assert "robots.txt" in text and "www.example.gov.cn" in text
    assert not re.search(r"[\u4e00-\u9fff]", text)


# -- gongkai check URL ------------------------------------------------------------------------------------


def run(*args: str) -> tuple[int, str, str]:
    import io

    from django.core.management import call_command

    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("check_reports", *args, stdout=out, stderr=err)
        code = 0
    except SystemExit as exc:
        code = int(exc.code or 0)
    return code, out.getvalue(), err.getvalue()


@pytest.mark.usefixtures("local")
def test_the_command_checks_urls_and_files_together(
    column_site: ColumnSite, tmp_path: pytest.TempPathFactory
) -> None:
    import json

    column_site.reset()
    drc, civil = column_site.agency("drc"), column_site.agency("civil")
    code, out, err = run("--json", drc.report_url, civil.report_url, column_site.url("/forbidden/edu/nb/"))
    results = json.loads(out)
    assert [r["path"] for r in results] == [drc.report_url, civil.report_url]
    assert [r["agency"] for r in results] == ["示范县发展和改革局", "示范县民政局"]
    assert code == 2  # one URL could not be read
    assert "robots.txt 不允许自动程序读取这个网址" in err
    assert column_site.count("/robots.txt") == 1  # one fetcher for the run


@pytest.mark.usefixtures("local")
def test_the_previous_report_by_its_url(column_site: ColumnSite) -> None:
    code, out, err = run(
        "--previous", column_site.agency("nr").report_url, column_site.agency("drc").report_url
    )
    assert "上年度报告" not in err
    assert "示范县发展和改革局" in out
