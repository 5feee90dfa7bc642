"""Finding each agency's report on the local test site: every scenario's status, report and date."""

from __future__ import annotations

import pytest

from gongkai.monitoring import engine, services
from tests.monitoring.conftest import YEAR
from tests.support.column_site import ColumnSite


@pytest.mark.parametrize(
    "slug",
    [
        "nr",  # HTML article
        "finance",  # article → attached PDF
        "drc",  # a .docx linked from the list, title cut with "…"
        "chengguan",  # on page 2
        "qingshan",  # no report of the year
        "donghu",  # times out
        "edu",  # forbidden by robots.txt
        "health",  # moved (301)
        "transport",  # 500 once, then found on retry
        "water",  # GBK pages
        "civil",  # traditional characters
        "justice",  # 关于…的公告
        "stats",  # 404
    ],
)
def test_each_scenario_gets_its_status(site: ColumnSite, slug: str) -> None:
    site.reset()
    expected = site.agency(slug)
    result = engine.monitor_column(services.make_fetcher(), expected.column_url, YEAR)
    assert result.status == expected.expected
    if expected.expected == engine.FOUND:
        assert result.published_on == expected.published_on
        assert result.report is not None and result.report.body
        assert result.report_url == (expected.file_url or expected.report_url)
        assert result.steps[-1].role == "report"
        checked = services.check_report(result)
        assert checked is not None and "unreadable" not in checked, checked
        assert checked.get("year") == YEAR
    elif expected.expected == engine.UNREACHABLE:
        assert result.error == (expected.error if expected.error != "http_status" else "http_404")
        assert result.report is None
    else:
        assert result.report is None and result.report_url == ""


def test_found_on_page_two_reads_both_pages(site: ColumnSite) -> None:
    site.reset()
    result = engine.monitor_column(services.make_fetcher(), site.agency("chengguan").column_url, YEAR)
    assert [s.role for s in result.steps][:2] == ["column", "page"]


def test_pages_followed_are_bounded(site: ColumnSite) -> None:
    site.reset()
    result = engine.monitor_column(
        services.make_fetcher(), site.agency("chengguan").column_url, YEAR, max_pages=0
    )
    assert result.status == engine.NOT_FOUND
    assert [s.role for s in result.steps] == ["column"]


def test_the_user_agent_names_gongkai_and_the_site(site: ColumnSite, settings: object) -> None:
    site.reset()
    engine.monitor_column(services.make_fetcher(), site.agency("nr").column_url, YEAR)
    agents = {r.user_agent for r in site.requests}
    assert len(agents) == 1
    assert next(iter(agents)).startswith("Gongkai/")


def test_private_addresses_are_refused_unless_allowed(site: ColumnSite, settings: object) -> None:
    setattr(settings, "GONGKAI_FETCH_ALLOW_PRIVATE", False)  # noqa: B010 - the pytest-django settings fixture
    result = engine.monitor_column(services.make_fetcher(), site.agency("nr").column_url, YEAR)
    assert (result.status, result.error) == (engine.UNREACHABLE, "private_address")


def test_a_report_the_checker_cannot_read_is_found_and_said_unreadable(site: ColumnSite) -> None:
    name = "示范县测试局"
    item = (
        f'<li><a href="/ofd/nb/report.ofd">{name}{YEAR}年政府信息公开工作年度报告</a>'
        f'<span class="date">{YEAR + 1}-01-22</span></li>'
    )
    column = site.add_page("/ofd/nb/index.html", f"<html><body><ul>{item}</ul></body></html>")
    site.add_page("/ofd/nb/report.ofd", b"PK\x03\x04 not an OFD the checker reads", "application/ofd")
    result = engine.monitor_column(services.make_fetcher(), column, YEAR)
    assert result.status == engine.FOUND and result.report_filename == "report.ofd"
    checked = services.check_report(result)
    assert checked is not None and checked["unreadable"]
