"""The local column site (tests/support/column_site.py) and the reading of columns end to end: for every
agency on it, fetching its column, following its pages and choosing among its links finds what the site
says should be found — the report's URL and date, or why nothing was found."""

from __future__ import annotations

import datetime
from collections.abc import Iterator

import pytest

from gongkai.documents.fetch import Fetcher, decode_html, user_agent
from gongkai.documents.links import Candidate, article_attachments, find_report_links, next_page_links
from tests.support.column_site import ColumnSite


class NoWait:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture(scope="module")
def site() -> Iterator[ColumnSite]:
    with ColumnSite(slow_seconds=1.0, extra_agencies=10, agency_hosts=True) as site:
        yield site


def discover(fetch: Fetcher, url: str, year: int) -> tuple[str, str, Candidate | None]:
    """(status, error, the best link): what the monitoring does with a column, in a few lines."""
    for _page in range(5):
        got = fetch.get(url)
        if got.error:
            return "unreachable", got.error, None
        page = decode_html(got.body, got.content_type)
        found = find_report_links(page, got.final_url, year)
        if found:
            return "found", "", found[0]
        following = next_page_links(page, got.final_url)
        if not following:
            break
        url = following[0]
    return "not_found", "", None


def test_every_agency_is_read_as_the_site_says(site: ColumnSite) -> None:
    clock = NoWait()
    fetch = Fetcher(
        user_agent=user_agent("https://gk.example.gov.cn"),
        allow_private=True,
        timeout=0.3,
        retries=1,
        clock=clock,
        sleep=clock.sleep,
        resolve=site.resolve,
    )
    assert len(site.agencies) == 13 + 10
    assert len({a.column_url.split("/")[2] for a in site.agencies}) == len(site.agencies)  # a host each
    wrong = []
    for agency in site.agencies:
        status, error, best = discover(fetch, agency.column_url, site.year)
        seen = (status, error, best.url if best else "", best.published_on if best else None)
        expected = (agency.expected, agency.error, agency.report_url, agency.published_on)
        if seen != expected:
            wrong.append((agency.slug, seen, expected))
    assert wrong == []
    kinds = {a.kind for a in site.agencies if a.expected == "found"}
    assert kinds == {"html", "pdf", "docx"}


def test_the_articles_give_the_report_file(site: ColumnSite) -> None:
    fetch = Fetcher(user_agent="Gongkai/1.0", allow_private=True, min_interval=0, resolve=site.resolve)
    for agency in site.agencies:
        if agency.expected != "found" or agency.report_url == agency.file_url:
            continue
        got = fetch.get(agency.report_url)
        files = article_attachments(decode_html(got.body, got.content_type), got.final_url)
        assert [c.url for c in files or []][:1] == ([agency.file_url] if agency.file_url else []), agency.slug


def test_dates_follow_the_year() -> None:
    with ColumnSite(year=2023) as site:
        nr = site.agency("nr")
        assert nr.published_on == datetime.date(2024, 1, 20)
        fetch = Fetcher(user_agent="Gongkai/1.0", allow_private=True, min_interval=0)
        status, _error, best = discover(fetch, nr.column_url, 2023)
        assert status == "found" and best is not None and best.url == nr.report_url
        assert site.csv().startswith("agency,url\n示范县自然资源局,http://127.0.0.1:")
