"""The polite fetcher (gongkai.documents.fetch) against the local column site: robots.txt, one request per
interval per host (measured with an injected clock), the address rule, the size cap, retries, timeouts,
redirects and encodings."""

from __future__ import annotations

import datetime
import hashlib
import socket
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from gongkai.documents.fetch import ERRORS, MAX_REDIRECTS, Fetcher, decode_html, is_public_address, user_agent
from tests.support.column_site import ColumnSite, column_site

__all__ = ["column_site"]

UA = user_agent("https://gongkai.example.gov.cn")


class FakeClock:
    """A clock that only moves when the fetcher sleeps: every wait is recorded, none is spent."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(round(seconds, 6))
        self.now += seconds


def fetcher(site: ColumnSite, clock: FakeClock | None = None, **options: Any) -> Fetcher:
    clock = clock or FakeClock()
    settings: dict[str, Any] = {
        "user_agent": UA,
        "allow_private": True,
        "timeout": 2.0,
        "clock": clock,
        "sleep": clock.sleep,
        "resolve": site.resolve,
    }
    settings.update(options)
    return Fetcher(**settings)


# -- what a fetch gives -------------------------------------------------------------------------------


def test_a_page_is_fetched_with_its_hash_time_and_our_user_agent(column_site: ColumnSite) -> None:
    column_site.reset()
    got = fetcher(column_site).get(column_site.url("/nr/nb/index.html"))
    assert got.error == "" and got.ok
    assert got.status == 200
    assert got.content_type == "text/html; charset=utf-8"
    assert got.sha256 == hashlib.sha256(got.body).hexdigest()
    assert "示范县自然资源局2025年政府信息公开工作年度报告" in got.body.decode("utf-8")
    assert got.fetched_at.tzinfo is datetime.UTC
    assert got.final_url == got.url and got.redirects == ()
    agents = {r.user_agent for r in column_site.requests}
    assert agents == {UA}
    assert UA.startswith("Gongkai/") and "https://gongkai.example.gov.cn" in UA


def test_user_agent_is_ascii_and_names_gongkai() -> None:
    ua = user_agent("https://gk.example.cn/")
    assert ua.isascii()
    assert ua.split("/")[0] == "Gongkai"


def test_every_error_code_is_documented() -> None:
    assert set(ERRORS) >= {"robots", "timeout", "too_large", "private_address", "bad_url", "http_status"}


# -- politeness ---------------------------------------------------------------------------------------


def test_one_request_per_interval_per_host_robots_txt_included(column_site: ColumnSite) -> None:
    clock = FakeClock()
    fetch = fetcher(column_site, clock, min_interval=1.0)
    fetch.get(column_site.url("/nr/nb/index.html", host="a.test"))  # robots.txt at 0, the page waits 1 s
    assert clock.sleeps == [1.0]
    fetch.get(column_site.url("/drc/nb/index.html", host="b.test"))  # another host: its robots.txt at once
    assert clock.sleeps == [1.0, 1.0]  # ... and its page a second after its robots.txt
    fetch.get(column_site.url("/qingshan/nb/", host="a.test"))  # a.test's last request was 1 s ago
    assert clock.sleeps == [1.0, 1.0]
    fetch.get(column_site.url("/water/nb/", host="a.test"))
    assert clock.sleeps == [1.0, 1.0, 1.0]


class FrozenClock:
    """A clock that never moves: each thread's wait is recorded (thread-safe), none is spent. Every turn of
    a host is then exactly ``n × interval`` after the first, whatever order the threads run in."""

    def __init__(self) -> None:
        self.sleeps: list[float] = []
        self._lock = threading.Lock()

    def __call__(self) -> float:
        return 1000.0

    def sleep(self, seconds: float) -> None:
        with self._lock:
            self.sleeps.append(round(seconds, 6))


def test_threads_sharing_a_fetcher_take_the_hosts_turns_one_by_one(column_site: ColumnSite) -> None:
    column_site.reset()
    clock = FrozenClock()
    fetch = fetcher(column_site, clock, min_interval=1.0)  # type: ignore[arg-type]
    pages = ["/nr/nb/index.html", "/drc/nb/index.html", "/qingshan/nb/", "/water/nb/", "/edu/nb/"] * 2
    with ThreadPoolExecutor(max_workers=5) as pool:
        got = list(pool.map(lambda path: fetch.get(column_site.url(path, host="shared.test")), pages))
    assert all(g.status for g in got)
    # robots.txt read once (the other threads waited for it), then every page its own turn: 1 s, 2 s, ...
    assert column_site.count("/robots.txt") == 1
    assert sorted(clock.sleeps) == [float(n) for n in range(1, len(pages) + 1)]


def test_a_longer_crawl_delay_of_robots_txt_is_obeyed(column_site: ColumnSite) -> None:
    clock = FakeClock()
    fetch = fetcher(column_site, clock, min_interval=1.0)
    fetch.get(column_site.url("/nr/nb/index.html", host="slowrobots.test"))
    fetch.get(column_site.url("/water/nb/", host="slowrobots.test"))
    assert clock.sleeps == [5.0, 5.0]


def test_robots_txt_is_read_once_per_fetcher_and_host(column_site: ColumnSite) -> None:
    column_site.reset()
    fetch = fetcher(column_site, min_interval=0)
    for path in ("/nr/nb/index.html", "/water/nb/", "/civil/nb/"):
        assert fetch.get(column_site.url(path, host="once.test")).ok
    assert column_site.count("/robots.txt") == 1
    fetcher(column_site, min_interval=0).get(column_site.url("/nr/nb/index.html", host="once.test"))
    assert column_site.count("/robots.txt") == 2  # a new run reads it again


def test_a_path_robots_txt_forbids_is_not_requested(column_site: ColumnSite) -> None:
    column_site.reset()
    got = fetcher(column_site, min_interval=0).get(column_site.url("/forbidden/edu/nb/"))
    assert got.error == "robots" and got.status is None and got.body == b""
    assert column_site.count("/forbidden/edu/nb/") == 0


def test_no_robots_txt_allows_everything(column_site: ColumnSite) -> None:
    got = fetcher(column_site, min_interval=0, retries=0).get(
        column_site.url("/forbidden/edu/nb/", host="norobots.test")
    )
    assert got.ok and got.status == 200


def test_a_robots_txt_answering_5xx_disallows_everything_as_rfc_9309_says(column_site: ColumnSite) -> None:
    column_site.reset()
    got = fetcher(column_site, min_interval=0, retries=0).get(
        column_site.url("/forbidden/edu/nb/", host="brokenrobots.test")
    )
    assert got.error == "robots_unavailable" and got.body == b""
    assert [path for path in column_site.requests if "forbidden" in str(path)] == []


# -- the address rule (SSRF guard) ---------------------------------------------------------------------


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "[::1]", "[::ffff:127.0.0.1]"])
def test_a_private_address_is_refused_before_any_request(column_site: ColumnSite, host: str) -> None:
    column_site.reset()
    fetch = Fetcher(user_agent=UA)  # allow_private defaults to False; the real resolver
    got = fetch.get(column_site.url("/nr/nb/index.html", host=host))
    assert got.error == "private_address" and got.status is None
    assert column_site.requests == []  # not even robots.txt


def test_a_redirect_to_a_private_address_is_refused(column_site: ColumnSite) -> None:
    column_site.reset()
    fetch = Fetcher(user_agent=UA, allow_hosts=["127.0.0.1"], min_interval=0)  # this host only
    inner = column_site.url("/nr/nb/index.html", host="localhost")
    got = fetch.get(column_site.url(f"/_t/redirect-to?url={inner}"))
    assert got.error == "private_address"
    assert got.redirects == (inner,) and got.final_url == inner
    assert column_site.count("/nr/nb/index.html") == 0


def test_a_name_resolving_to_any_private_address_is_refused() -> None:
    def resolve(host: str, port: int, **kwargs: Any) -> list[tuple[Any, ...]]:
        return [
            (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("93.184.216.34", port)),
            (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("10.0.0.7", port)),
        ]

    got = Fetcher(user_agent=UA, resolve=resolve).get("http://rebinding.example/")
    assert got.error == "private_address"


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "10.1.2.3",
        "172.16.0.1",
        "192.168.1.1",
        "169.254.169.254",  # cloud metadata
        "100.64.0.1",
        "0.0.0.0",
        "224.0.0.1",
        "240.0.0.1",
        "255.255.255.255",
        "::1",
        "fe80::1",
        "fc00::1",
        "ff02::1",
        "::ffff:127.0.0.1",
        "::ffff:10.0.0.1",
        "2002:7f00:1::",  # 6to4 of 127.0.0.1
    ],
)
def test_addresses_that_are_not_public(address: str) -> None:
    assert not is_public_address(address)


@pytest.mark.parametrize("address", ["8.8.8.8", "93.184.216.34", "2001:4860:4860::8888", "::ffff:8.8.8.8"])
def test_public_addresses(address: str) -> None:
    assert is_public_address(address)


@pytest.mark.parametrize(
    "url",
    [
        "ftp://example.com/a.pdf",
        "file:///etc/passwd",
        "javascript:alert(1)",
        "http:///nohost",
        "http://a:99999/",
    ],
)
def test_only_http_and_https_urls_with_a_host(url: str) -> None:
    assert Fetcher(user_agent=UA).get(url).error == "bad_url"


def test_a_name_that_does_not_resolve() -> None:
    def resolve(host: str, port: int, **kwargs: Any) -> list[tuple[Any, ...]]:
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    assert Fetcher(user_agent=UA, resolve=resolve).get("https://nowhere.invalid/").error == "dns"


# -- size cap -----------------------------------------------------------------------------------------


def test_a_declared_length_over_the_cap_is_refused(column_site: ColumnSite) -> None:
    got = fetcher(column_site, min_interval=0, max_bytes=1000).get(column_site.url("/_t/bytes/1001"))
    assert got.error == "too_large" and got.body == b"" and got.status == 200
    assert fetcher(column_site, min_interval=0, max_bytes=1000).get(column_site.url("/_t/bytes/1000")).ok


def test_an_undeclared_length_is_cut_at_the_cap(column_site: ColumnSite) -> None:
    fetch = fetcher(column_site, min_interval=0, max_bytes=100_000)
    assert fetch.get(column_site.url("/_t/stream/3000000")).error == "too_large"
    got = fetch.get(column_site.url("/_t/stream/99999"))
    assert got.ok and len(got.body) == 99999


def test_a_compressed_body_counts_unpacked(column_site: ColumnSite) -> None:
    fetch = fetcher(column_site, min_interval=0, max_bytes=10_000)
    assert fetch.get(column_site.url("/_t/gzip/10000000")).error == "too_large"  # 10 MB in ~10 KB
    assert fetch.get(column_site.url("/_t/gzip/5000")).body == b"z" * 5000


# -- retries, timeouts, redirects ------------------------------------------------------------------------


def test_a_5xx_is_retried_with_exponential_back_off(column_site: ColumnSite) -> None:
    column_site.reset()
    clock = FakeClock()
    got = fetcher(column_site, clock, min_interval=0, retries=2, backoff=2.0).get(
        column_site.url("/_t/flaky/a/2")
    )
    assert got.ok and got.body == b"ok"
    assert clock.sleeps == [2.0, 4.0]
    assert column_site.count("/_t/flaky/a/2") == 3


def test_retries_are_bounded(column_site: ColumnSite) -> None:
    column_site.reset()
    got = fetcher(column_site, min_interval=0, retries=1).get(column_site.url("/_t/flaky/b/5"))
    assert got.error == "http_status" and got.status == 503
    assert column_site.count("/_t/flaky/b/5") == 2


def test_a_4xx_is_not_retried(column_site: ColumnSite) -> None:
    column_site.reset()
    clock = FakeClock()
    got = fetcher(column_site, clock, min_interval=0, retries=3).get(column_site.url("/_t/status/404"))
    assert got.error == "http_status" and got.status == 404 and got.body == b""
    assert column_site.count("/_t/status/404") == 1 and clock.sleeps == []


def test_the_column_that_fails_once_is_found_on_retry(column_site: ColumnSite) -> None:
    column_site.reset()
    got = fetcher(column_site, min_interval=0).get(column_site.agency("transport").column_url)
    assert got.ok and "示范县交通运输局" in decode_html(got.body, got.content_type)
    assert column_site.count("/transport/nb/") == 2


def test_a_page_slower_than_the_timeout(column_site: ColumnSite) -> None:
    column_site.reset()
    clock = FakeClock()
    got = fetcher(column_site, clock, min_interval=0, timeout=0.2, retries=1, backoff=1.0).get(
        column_site.url("/_t/sleep/1.5")
    )
    assert got.error == "timeout" and got.status is None
    assert column_site.count("/_t/sleep/1.5") == 2 and clock.sleeps == [1.0]


def test_a_refused_connection_is_retried_then_reported() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    clock = FakeClock()
    fetch = Fetcher(
        user_agent=UA,
        allow_private=True,
        min_interval=0,
        retries=2,
        backoff=0.5,
        clock=clock,
        sleep=clock.sleep,
    )
    got = fetch.get(f"http://127.0.0.1:{port}/")
    assert got.error == "connection" and got.status is None
    assert clock.sleeps == [0.5, 1.0]  # robots.txt tried 3 times; the host unreachable, the page not asked


def test_redirects_are_followed_and_kept(column_site: ColumnSite) -> None:
    got = fetcher(column_site, min_interval=0).get(column_site.url("/_t/redirect/3"))
    assert got.ok and got.body == b"arrived"
    assert got.redirects == tuple(column_site.url(f"/_t/redirect/{n}") for n in (2, 1, 0))
    assert got.final_url == column_site.url("/_t/redirect/0")


def test_too_many_redirects(column_site: ColumnSite) -> None:
    got = fetcher(column_site, min_interval=0).get(column_site.url(f"/_t/redirect/{MAX_REDIRECTS + 1}"))
    assert got.error == "too_many_redirects" and len(got.redirects) == MAX_REDIRECTS + 1


def test_a_redirect_into_a_forbidden_path_is_not_followed(column_site: ColumnSite) -> None:
    column_site.reset()
    got = fetcher(column_site, min_interval=0).get(column_site.url("/_t/redirect-to?url=/forbidden/edu/nb/"))
    assert got.error == "robots" and got.final_url == column_site.url("/forbidden/edu/nb/")
    assert column_site.count("/forbidden/edu/nb/") == 0


def test_the_moved_column(column_site: ColumnSite) -> None:
    got = fetcher(column_site, min_interval=0).get(column_site.agency("health").column_url)
    assert got.ok and got.final_url == column_site.url("/health/xxgk/nb/index.html")


# -- encodings ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("charset", ["gb2312", "gbk", "gb18030", "utf-8", "big5"])
def test_a_page_in_its_declared_charset(column_site: ColumnSite, charset: str) -> None:
    got = fetcher(column_site, min_interval=0).get(column_site.url(f"/_t/html?charset={charset}"))
    assert got.content_type == "text/html"  # no charset in the header: the page's <meta> says it
    text = decode_html(got.body, got.content_type)
    expected = "示范县水利局" if charset != "big5" else "示範縣水利局"
    assert expected in text


def test_the_header_charset_wins_when_the_bytes_decode_in_it() -> None:
    body = '<meta charset="utf-8"><p>年度报告</p>'.encode("gbk")
    assert "年度报告" in decode_html(body, "text/html; charset=GBK")
    assert "年度报告" in decode_html(body, "text/html; charset=utf-8")  # a wrong header: the bytes decide


@pytest.mark.parametrize("header", ["ISO-8859-1", "latin1", "us-ascii", "windows-1252"])
def test_a_servers_default_latin_1_is_not_believed(header: str) -> None:
    body = '<meta charset="gb2312"><p>政府信息公开工作年度报告</p>'.encode("gbk")
    assert "政府信息公开工作年度报告" in decode_html(body, f"text/html; charset={header}")
    assert "年度报告" in decode_html("<p>年度报告</p>".encode(), f"text/html; charset={header}")


def test_undecodable_bytes_never_fail() -> None:
    assert decode_html(b"\xff\xfe\x00\x00\x00broken\x00", "text/html; charset=nonsense")


# -- the site's reports are reports ----------------------------------------------------------------------


@pytest.mark.parametrize("slug", ["nr", "finance", "drc", "water"])
def test_the_site_reports_read_as_this_years_report(column_site: ColumnSite, slug: str) -> None:
    from gongkai.checker.pipeline import check_bytes

    agency = column_site.agency(slug)
    got = fetcher(column_site, min_interval=0).get(agency.file_url or agency.report_url)
    assert got.ok
    name = {"html": "report.html", "pdf": "report.pdf", "docx": "report.docx"}[agency.kind]
    data = got.body if agency.kind != "html" else decode_html(got.body, got.content_type).encode("utf-8")
    result = check_bytes(data, name)
    assert result.report.year == 2025
    assert result.report.agency == agency.name
    assert not [f for f in result.findings if f.severity == "error"]
