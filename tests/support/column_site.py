"""A local web site of agencies' public 年报 columns, for the fetcher, the monitoring and their benchmark.

API::

    from tests.support.column_site import ColumnSite, column_site   # column_site: a pytest fixture

    with ColumnSite(year=2025, slow_seconds=3.0, extra_agencies=0, agency_hosts=False) as site:
        site.base_url                     # "http://127.0.0.1:PORT"
        site.url("/nr/nb/index.html")     # an absolute URL on the site
        site.url("/nr/nb/", host="nr.test")   # the same site under another host name (see ``resolve``)
        site.agencies                     # list[SiteAgency], the scenarios below (+ extra ones)
        site.agency("nr")                 # one of them by slug
        site.csv()                        # "agency,url\\n…" for ``gongkai monitor SITES.csv``
        site.requests                     # list[Request]: every request served (path, user agent, time)
        site.reset()                      # forget the requests and the flaky pages' counts
        site.add_page("/mine.html", "<html>…</html>")   # a test's own page (returns its URL)

``ColumnSite(...)`` starts a ``ThreadingHTTPServer`` on 127.0.0.1, port 0, in a daemon thread; ``close()``
(or leaving the ``with``) stops it. The server answers whatever ``Host`` it is asked for: ``site.resolve``
is a drop-in ``getaddrinfo`` that sends every ``*.test`` name to 127.0.0.1, so that
``Fetcher(resolve=site.resolve, allow_private=True)`` sees one host per agency (one request per second per
*host*: a benchmark of 2,000 agencies needs 2,000 hosts, not one). The fixture ``column_site`` is one site
per test session (import it into a conftest); it does not share state between tests except
``requests`` and the flaky counters: call ``reset()`` first when a test counts.

Every agency is a :class:`SiteAgency`: ``slug``, ``name``, ``column_url`` (what a SITES.csv gives),
and what monitoring it should find: ``expected`` (``found``, ``not_found`` or ``unreachable``), ``error``
(the fetcher's error code when unreachable), ``report_url`` (the link in the column: an article page or the
file itself), ``file_url`` (the report's file when it is one: PDF, Word), ``kind`` of the report
(``html``, ``pdf``, ``docx``), ``published_on`` (the date the list shows). Reports are real: written by
the product's exporters (``gongkai.reports.export`` HTML and .docx) or as a PDF with a text layer (the
checker tests' PDF writer), with the agency's name, the year and consistent tables; the checker reads
them as reports of ``year`` with no error.

The scenarios (``year`` 2025; dates in the following year):

===========  ==========================  ===============================================================
slug         agency                      column
===========  ==========================  ===============================================================
nr           示范县自然资源局            list (``ul/li``, ``2026-01-20`` in a span) → HTML article; also the
                                         2024 report, 2025年政务公开工作要点, 统计数据, an 编制 notice
finance      示范县财政局                Hanweb-style table (``2026/01/25``) → article → 附件 PDF
drc          示范县发展和改革局          link straight to a .docx, text cut with "…" (full title in
                                         ``title=``), date ``[01-28]``
chengguan    示范县城关镇人民政府        TRS pagination: the report on page 2 (``index_1.html``, by the
                                         pager script and a 下一页 link), ``2026年3月5日``
qingshan     示范县青山乡人民政府        no 2025 report (only 2024's and 2025's 工作要点): not_found
donghu       示范县东湖街道办事处        the column answers after ``slow_seconds``: unreachable (timeout)
edu          示范县教育局                column under /forbidden/, which robots.txt forbids: unreachable
health       示范县卫生健康委员会        the column moved: 301 to its new address → HTML article
transport    示范县交通运输局            the column answers 500 to every other request (a retry finds it)
water        示范县水利局                GBK pages (``<meta charset=gb2312>``, no charset in the header)
civil        示範縣民政局                traditional characters and full-width digits in the list (the report
                                         itself names 示范县民政局)
justice      示范县司法局                ``关于…2025年…年度报告的公告`` (``2026.01.26``) → HTML article
stats        示范县统计局                the column is gone (404): unreachable
===========  ==========================  ===============================================================

``agency_hosts=True`` gives every agency's URLs the host ``<slug>.test`` (fetch them with
``resolve=site.resolve``): one host per agency, as on the real web, so that the one-request-per-second rule
holds per agency and a run over many agencies is not serialised on one host.

``extra_agencies=N`` adds N agencies ``x1`` … ``xN`` (``基准县第i局``) whose columns cycle through the
kinds html, pdf, docx, paged (report on page 2) and missing: for benchmarks. Their reports are rendered
on first request and kept (a PDF costs a few milliseconds, a .docx about 0.1 s).

Under a host name ``norobots.*`` robots.txt answers 404, under ``brokenrobots.*`` 500 (both: crawl
everything), under ``slowrobots.*`` it asks for ``Crawl-delay: 5``; everywhere it forbids ``/forbidden/``
to every user agent.

Test endpoints (under ``/_t/``): ``bytes/N`` (N bytes, with Content-Length), ``stream/N`` (N bytes, no
Content-Length), ``sleep/S`` (answers after S seconds), ``status/CODE``, ``flaky/KEY/F`` (500 for the
first F requests of KEY, then 200 ``ok``), ``redirect/N`` (N redirects, then 200), ``redirect-to?url=U``
(302 to U), ``gzip/N`` (N bytes of text sent gzip-compressed), ``html?charset=C`` (a report list page in
encoding C, no charset in the header).
"""

from __future__ import annotations

import datetime
import gzip
import html
import socket
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

ROBOTS_TXT = "User-agent: *\nDisallow: /forbidden/\nDisallow: /_t/private/\n"
_SIDEBAR = (
    '<div class="side"><a href="/files/sqb.doc">政府信息公开申请表</a>'
    '<a href="/guide.html">政府信息公开指南</a></div>'
)
_DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@dataclass(frozen=True)
class SiteAgency:
    slug: str
    name: str
    column_url: str
    expected: str  # "found", "not_found", "unreachable"
    kind: str = ""  # "html", "pdf", "docx" when found
    report_url: str = ""
    file_url: str = ""
    published_on: datetime.date | None = None
    error: str = ""  # the fetcher's error code when unreachable


@dataclass(frozen=True)
class Request:
    path: str
    host: str
    user_agent: str
    at: float  # time.monotonic()


@dataclass
class _Page:
    body: bytes
    content_type: str = "text/html; charset=utf-8"
    status: int = 200
    headers: tuple[tuple[str, str], ...] = ()


# -- report files ---------------------------------------------------------------------------------


def report_document(name: str, year: int, published_on: datetime.date) -> Any:
    """A complete, consistent 2021-format report of ``name`` on ``year``."""
    from gongkai.reports.document import ReportDocument
    from tests.reports.export_samples import SECTIONS_2021, tables_2021

    sections = {
        k: v.replace("区市场监督管理局", "本机关").replace("2025年", f"{year}年")
        for k, v in SECTIONS_2021.items()
    }
    return ReportDocument(
        agency_name=name,
        year=year,
        format="2021",
        sections=sections,
        tables=tables_2021(),
        published_on=published_on,
    )


def render_report(name: str, year: int, published_on: datetime.date, kind: str) -> bytes:
    """The report as the bytes of a file of ``kind``: "html" (the article's fragment), "docx", "pdf"."""
    doc = report_document(name, year, published_on)
    if kind == "html":
        from gongkai.reports.export.html import render_html

        return render_html(doc, standalone=False).encode("utf-8")
    if kind == "docx":
        from gongkai.reports.export.docx import render_docx

        return render_docx(doc)
    if kind == "pdf":
        from gongkai.reports.export.layout import report_blocks
        from tests.checker.renderers import Block, pdf_from_blocks

        blocks = [Block(b.text, b.grid) for b in report_blocks(doc) if b.kind != "title"]
        return pdf_from_blocks(doc.title, blocks)
    raise ValueError(kind)


# -- page shapes ----------------------------------------------------------------------------------


def _page(title: str, body: str, charset: str = "utf-8") -> str:
    return (
        f'<!DOCTYPE html><html><head><meta http-equiv="Content-Type" content="text/html; charset={charset}">'
        f"<title>{html.escape(title)}</title></head><body>"
        f'<div class="header"><a href="/">首页</a> &gt; <a href="/gk/">政府信息公开</a></div>'
        f'{body}{_SIDEBAR}<div class="footer">主办：示范县人民政府办公室</div></body></html>'
    )


def _li(href: str, text: str, date: str, *, title: str = "") -> str:
    attr = f' title="{html.escape(title)}"' if title else ""
    link = f'<a href="{href}" target="_blank"{attr}>{html.escape(text)}</a>'
    return f'<li>{link}<span class="date">{date}</span></li>'


def _list(title: str, items: list[str], pager: str = "", charset: str = "utf-8") -> str:
    body = f'<div class="list"><h2>{html.escape(title)}</h2><ul>{"".join(items)}</ul>{pager}</div>'
    return _page(title, body, charset)


def _article(title: str, date: datetime.date, content: str, charset: str = "utf-8") -> str:
    body = (
        f'<div class="article"><h1>{html.escape(title)}</h1>'
        f'<div class="info">发布日期：{date.isoformat()}　来源：{html.escape(title[:6])}</div>'
        f'<div class="content">{content}</div></div>'
    )
    return _page(title, body, charset)


def _noise(name: str, year: int) -> list[str]:
    """The other items of a column: older reports, plans, statistics, notices."""
    return [
        _li("../2025/t1.html", f"{name}{year - 1}年政府信息公开工作年度报告", f"{year}-01-18"),
        _li("../2025/t2.html", f"{name}{year}年政务公开工作要点", f"{year}-03-02"),
        _li("../2025/t3.html", f"{name}{year}年政府信息公开统计数据", f"{year + 1}-01-10"),
        _li(
            "../2025/t4.html",
            f"关于做好{year}年度政府信息公开工作年度报告编制和发布工作的通知",
            f"{year}-12-01",
        ),
        _li("../2025/t5.html", f"{name}{year - 2}年政府信息公开工作年度报告", f"{year - 1}-01-25"),
    ]


# -- the site -------------------------------------------------------------------------------------


class ColumnSite:
    """See the module docstring."""

    def __init__(
        self,
        *,
        year: int = 2025,
        slow_seconds: float = 3.0,
        extra_agencies: int = 0,
        agency_hosts: bool = False,
    ) -> None:
        self.year = year
        self.agency_hosts = agency_hosts
        self.slow_seconds = slow_seconds
        self.requests: list[Request] = []
        self._pages: dict[str, _Page] = {}
        self._lazy: dict[str, Callable[[], _Page]] = {}
        self._special: dict[str, Callable[[str], _Page | None]] = {}
        self._counts: dict[str, int] = {}
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self._server.daemon_threads = True
        self.port = self._server.server_address[1]
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.agencies: list[SiteAgency] = []
        self._build()
        for i in range(1, extra_agencies + 1):
            self._extra(i)
        self._thread = threading.Thread(target=self._server.serve_forever, name="column-site", daemon=True)
        self._thread.start()

    # -- public helpers

    def url(self, path: str, *, host: str = "") -> str:
        return f"http://{host or '127.0.0.1'}:{self.port}{path}"

    def _at(self, slug: str, path: str) -> str:
        """An agency's URL: on its own host ``<slug>.test`` when the site was made with ``agency_hosts``."""
        return self.url(path, host=f"{slug}.test" if self.agency_hosts else "")

    def agency(self, slug: str) -> SiteAgency:
        return next(a for a in self.agencies if a.slug == slug)

    def csv(self) -> str:
        return "agency,url\n" + "".join(f"{a.name},{a.column_url}\n" for a in self.agencies)

    def add_page(self, path: str, body: str | bytes, content_type: str = "text/html; charset=utf-8") -> str:
        """Serve ``body`` at ``path`` from now on (a test's own page); its URL."""
        self._add(path, body, content_type)
        return self.url(path)

    def reset(self) -> None:
        with self._lock:
            self.requests.clear()
            self._counts.clear()

    def resolve(self, host: str, port: Any, *args: Any, **kwargs: Any) -> list[tuple[Any, ...]]:
        """``socket.getaddrinfo`` sending every ``*.test`` name (and 127.0.0.1, localhost) here."""
        if host.endswith(".test") or host in ("127.0.0.1", "localhost"):
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("127.0.0.1", int(port)))]
        return socket.getaddrinfo(host, port, *args, **kwargs)

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> ColumnSite:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- serving

    def page(self, path: str, host: str = "") -> _Page:
        if path == "/robots.txt" and host.startswith("norobots."):
            return _Page(b"not found", "text/plain", status=404)
        if path == "/robots.txt" and host.startswith("brokenrobots."):
            return _Page(b"error", "text/plain", status=500)
        if path == "/robots.txt" and host.startswith("slowrobots."):
            return _Page(ROBOTS_TXT.encode() + b"Crawl-delay: 5\n", "text/plain")
        with self._lock:
            self._counts[path] = self._counts.get(path, 0) + 1
            count = self._counts[path]
        if path in self._pages:
            return self._pages[path]
        if path in self._lazy:
            page = self._lazy[path]()
            self._pages[path] = page
            return page
        for prefix, special in self._special.items():
            if path.startswith(prefix):
                found = special(path)
                if found is not None:
                    return found
        if path == "/_t/count":
            return _Page(str(count).encode())
        return _Page("<h1>404 页面不存在</h1>".encode(), status=404)

    def count(self, path: str) -> int:
        """How many times ``path`` was asked for since the last :meth:`reset`."""
        with self._lock:
            return self._counts.get(path, 0)

    # -- building the scenarios

    def _add(self, path: str, body: str | bytes, content_type: str = "text/html; charset=utf-8") -> None:
        data = body.encode("utf-8") if isinstance(body, str) else body
        self._pages[path] = _Page(data, content_type)

    def _report_lazy(self, path: str, name: str, date: datetime.date, kind: str, content_type: str) -> None:
        self._lazy[path] = lambda: _Page(render_report(name, self.year, date, kind), content_type)

    def _html_article(self, path: str, name: str, date: datetime.date, *, charset: str = "utf-8") -> None:
        title = f"{name}{self.year}年政府信息公开工作年度报告"

        def build() -> _Page:
            fragment = render_report(name, self.year, date, "html").decode("utf-8")
            page = _article(title, date, fragment, charset)
            encoded = page.encode("gb18030" if charset.lower() in ("gbk", "gb2312") else charset)
            return _Page(encoded, "text/html" if charset != "utf-8" else "text/html; charset=utf-8")

        self._lazy[path] = build

    def _build(self) -> None:
        y, n = self.year, self.year + 1
        self._add("/robots.txt", ROBOTS_TXT, "text/plain; charset=utf-8")
        self._add("/", _page("示范县人民政府", "<p>示范县人民政府门户网站</p>"))
        self._add("/files/sqb.doc", b"\xd0\xcf\x11\xe0 not really a form", "application/msword")
        self._special["/_t/"] = self._test_endpoint
        self._special["/transport/"] = self._flaky_column
        self._special["/donghu/"] = self._slow_column
        self._special["/health/gk/"] = self._moved_column

        # nr: list → HTML article
        name = "示范县自然资源局"
        date = datetime.date(n, 1, 20)
        article = f"/nr/nb/{n}01/t{n}0120_1001.html"
        items = [_li(f"./{n}01/t{n}0120_1001.html", f"{name}{y}年政府信息公开工作年度报告", date.isoformat())]
        self._add("/nr/nb/index.html", _list("年度报告", items + _noise(name, y)))
        self._html_article(article, name, date)
        self._found("nr", name, "/nr/nb/index.html", "html", article, date=date)

        # finance: Hanweb table → article → PDF
        name = "示范县财政局"
        date = datetime.date(n, 1, 25)
        article = f"/art/{n}/1/25/art_2001_1.html"
        pdf = f"/finance/files/P0{n}0125123456.pdf"
        title = f"{name}{y}年政府信息公开工作年度报告"
        rows = (
            f'<table class="list"><tr><td><a href="{article}" title="{title}">{title}</a></td>'
            f"<td>{date:%Y/%m/%d}</td></tr>"
            f'<tr><td><a href="/art/{y}/1/20/art_2001_0.html">{name}{y - 1}年政府信息公开工作年度报告</a>'
            "</td>"
            f"<td>{y}/01/20</td></tr></table>"
        )
        self._add("/finance/nb/", _page("年度报告", rows))
        content = f'<p>{title}全文见附件。</p><p>附件：<a href="{pdf}">{title}.pdf</a></p>'
        self._add(article, _article(title, date, content))
        self._report_lazy(pdf, name, date, "pdf", "application/pdf")
        self._found("finance", name, "/finance/nb/", "pdf", article, file=pdf, date=date)

        # drc: direct .docx link, cut text, [MM-DD]
        name = "示范县发展和改革局"
        date = datetime.date(n, 1, 28)
        docx = f"/drc/nb/W0{n}0128.docx"
        title = f"{name}{y}年政府信息公开工作年度报告"
        item = (
            f'<li><span class="date">[{date:%m-%d}]</span><a href="W0{n}0128.docx" title="{title}">'
            f"{title[:20]}…</a></li>"
        )
        self._add("/drc/nb/index.html", _list("年度报告", [item, *_noise(name, y)[:2]]))
        self._report_lazy(docx, name, date, "docx", _DOCX)
        self._found("drc", name, "/drc/nb/index.html", "docx", docx, file=docx, date=date)

        self._paged("chengguan", "示范县城关镇人民政府", datetime.date(n, 3, 5))
        self._missing("qingshan", "示范县青山乡人民政府")

        # donghu: slow column
        self.agencies.append(
            SiteAgency(
                "donghu",
                "示范县东湖街道办事处",
                self._at("donghu", "/donghu/nb/"),
                "unreachable",
                error="timeout",
            )
        )

        # edu: forbidden by robots.txt
        name = "示范县教育局"
        self._add("/forbidden/edu/nb/", _list("年度报告", _noise(name, y)))
        self.agencies.append(
            SiteAgency("edu", name, self._at("edu", "/forbidden/edu/nb/"), "unreachable", error="robots")
        )

        # health: moved column (301)
        name = "示范县卫生健康委员会"
        date = datetime.date(n, 1, 21)
        article = f"/health/xxgk/nb/t{n}0121_3.html"
        items = [_li(f"t{n}0121_3.html", f"{name}{y}年政府信息公开工作年度报告", date.isoformat())]
        self._add("/health/xxgk/nb/index.html", _list("年度报告", items))
        self._html_article(article, name, date)
        self._found("health", name, "/health/gk/nb/", "html", article, date=date)

        # transport: 500 once, then the column
        name = "示范县交通运输局"
        date = datetime.date(n, 1, 23)
        article = f"/transport/nb/t{n}0123_5.html"
        items = [_li(f"t{n}0123_5.html", f"{name}{y}年政府信息公开工作年度报告", date.isoformat())]
        self._add("/transport-column", _list("年度报告", items + _noise(name, y)))
        self._html_article(article, name, date)
        self._found("transport", name, "/transport/nb/", "html", article, date=date)

        # water: GBK
        name = "示范县水利局"
        date = datetime.date(n, 1, 24)
        article = f"/water/nb/t{n}0124_6.html"
        items = [_li(f"t{n}0124_6.html", f"{name}{y}年政府信息公开工作年度报告", date.isoformat())]
        page = _list("年度报告", items + _noise(name, y), charset="gb2312")
        self._add("/water/nb/", page.encode("gb18030"), "text/html")
        self._html_article(article, name, date, charset="gb2312")
        self._found("water", name, "/water/nb/", "html", article, date=date)

        # civil: traditional characters, full-width digits
        name = "示範縣民政局"
        date = datetime.date(n, 1, 22)
        article = f"/civil/nb/t{n}0122_7.html"
        wide = str(y).translate(str.maketrans("0123456789", "０１２３４５６７８９"))
        items = [_li(f"t{n}0122_7.html", f"{name}{wide}年政府資訊公開工作年度報告", f"{n}年1月22日")]
        self._add("/civil/nb/", _list("年度報告", items))
        self._html_article(article, "示范县民政局", date)
        self._found("civil", name, "/civil/nb/", "html", article, date=date)

        # justice: 关于…的公告
        name = "示范县司法局"
        date = datetime.date(n, 1, 26)
        article = f"/justice/nb/t{n}0126_8.html"
        text = f"关于{name}{y}年政府信息公开工作年度报告的公告"
        items = [_li(f"t{n}0126_8.html", text, f"{date:%Y.%m.%d}")]
        self._add("/justice/nb/", _list("通知公告", items + _noise(name, y)[1:3]))
        self._html_article(article, name, date)
        self._found("justice", name, "/justice/nb/", "html", article, date=date)

        # stats: 404
        self.agencies.append(
            SiteAgency(
                "stats", "示范县统计局", self._at("stats", "/stats/nb/"), "unreachable", error="http_status"
            )
        )

    def _found(
        self,
        slug: str,
        name: str,
        column: str,
        kind: str,
        report: str,
        *,
        date: datetime.date,
        file: str = "",
    ) -> None:
        self.agencies.append(
            SiteAgency(
                slug,
                name,
                self._at(slug, column),
                "found",
                kind=kind,
                report_url=self._at(slug, report),
                file_url=self._at(slug, file) if file else "",
                published_on=date,
            )
        )

    def _paged(self, slug: str, name: str, date: datetime.date) -> None:
        y = self.year
        base = f"/{slug}/nb/"
        article = f"{base}{date:%Y%m}/t{date:%Y%m%d}_4.html"
        others = [
            _li(f"./{y}0{i}/t{i}.html", f"{name}关于第{i}批行政许可事项的公示", f"{y}-0{i}-0{i}")
            for i in range(1, 10)
        ]

        def pager(current: int) -> str:
            parts = [f'<script>createPageHTML(3, {current}, "index", "html");</script>', '<div class="page">']
            if current + 1 < 3:
                parts.append(f'<a href="index_{current + 1}.html">下一页</a>')
            return "".join(parts) + "</div>"

        self._add(f"{base}index.html", _list("年度报告", others, pager(0)))
        report = _li(
            f"./{date:%Y%m}/t{date:%Y%m%d}_4.html",
            f"{name}{y}年政府信息公开工作年度报告",
            f"{date.year}年{date.month}月{date.day}日",
        )
        self._add(f"{base}index_1.html", _list("年度报告", [*others[:3], report], pager(1)))
        self._add(f"{base}index_2.html", _list("年度报告", _noise(name, y), pager(2)))
        self._html_article(article, name, date)
        self._found(slug, name, f"{base}index.html", "html", article, date=date)

    def _missing(self, slug: str, name: str) -> None:
        self._add(f"/{slug}/nb/", _list("年度报告", _noise(name, self.year)))
        self.agencies.append(SiteAgency(slug, name, self._at(slug, f"/{slug}/nb/"), "not_found"))

    def _extra(self, i: int) -> None:
        """A benchmark agency: its kind cycles html, pdf, docx, paged, missing."""
        y, n = self.year, self.year + 1
        slug, name = f"x{i}", f"基准县第{i}局"
        kind = ("html", "pdf", "docx", "paged", "missing")[i % 5]
        date = datetime.date(n, 1, 1 + i % 28)
        if kind == "paged":
            self._paged(slug, name, date)
            return
        if kind == "missing":
            self._missing(slug, name)
            return
        title = f"{name}{y}年政府信息公开工作年度报告"
        if kind == "html":
            report = f"/{slug}/nb/t{i}.html"
            self._html_article(report, name, date)
        else:
            report = f"/{slug}/nb/{slug}.{kind}"
            self._report_lazy(report, name, date, kind, "application/pdf" if kind == "pdf" else _DOCX)
        items = [_li(report.rsplit("/", 1)[1], title, date.isoformat()), *_noise(name, y)]
        self._add(f"/{slug}/nb/", _list("年度报告", items))
        self._found(
            slug, name, f"/{slug}/nb/", kind, report, file="" if kind == "html" else report, date=date
        )

    # -- special pages

    def _flaky_column(self, path: str) -> _Page | None:
        if path != "/transport/nb/":
            return None
        if self.count(path) % 2 == 1:  # every other request fails: one retry always gets through
            return _Page("<h1>500 服务器错误</h1>".encode(), status=500)
        return self._pages["/transport-column"]

    def _slow_column(self, path: str) -> _Page | None:
        time.sleep(self.slow_seconds)
        return _Page(_list("年度报告", []).encode("utf-8"))

    def _moved_column(self, path: str) -> _Page | None:
        target = path.replace("/health/gk/", "/health/xxgk/", 1) + (
            "index.html" if path.endswith("/") else ""
        )
        return _Page(b"", status=301, headers=(("Location", target),))

    def _test_endpoint(self, path: str) -> _Page | None:
        parts = urlsplit(path)
        segments = parts.path.strip("/").split("/")[1:]
        query = {k: v[0] for k, v in parse_qs(parts.query).items()}
        head, args = (segments[0], segments[1:]) if segments else ("", [])
        return _TEST_ENDPOINTS.get(head, lambda *_: None)(self, args, query)


def _bytes(site: ColumnSite, args: list[str], query: dict[str, str]) -> _Page:
    return _Page(b"a" * int(args[0]), "text/plain")


def _stream(site: ColumnSite, args: list[str], query: dict[str, str]) -> _Page:
    return _Page(b"a" * int(args[0]), "text/plain", headers=(("X-No-Length", "1"),))


def _sleep(site: ColumnSite, args: list[str], query: dict[str, str]) -> _Page:
    time.sleep(float(args[0]))
    return _Page(b"late", "text/plain")


def _status(site: ColumnSite, args: list[str], query: dict[str, str]) -> _Page:
    return _Page(f"status {args[0]}".encode(), "text/plain", status=int(args[0]))


def _flaky(site: ColumnSite, args: list[str], query: dict[str, str]) -> _Page:
    key, failures = args[0], int(args[1])
    if site.count(f"/_t/flaky/{key}/{failures}") <= failures:
        return _Page(b"busy", "text/plain", status=503)
    return _Page(b"ok", "text/plain")


def _redirect(site: ColumnSite, args: list[str], query: dict[str, str]) -> _Page:
    left = int(args[0])
    if left <= 0:
        return _Page(b"arrived", "text/plain")
    return _Page(b"", status=302, headers=(("Location", f"/_t/redirect/{left - 1}"),))


def _redirect_to(site: ColumnSite, args: list[str], query: dict[str, str]) -> _Page:
    return _Page(b"", status=302, headers=(("Location", query["url"]),))


def _gzip(site: ColumnSite, args: list[str], query: dict[str, str]) -> _Page:
    data = gzip.compress(b"z" * int(args[0]))
    return _Page(data, "text/plain", headers=(("Content-Encoding", "gzip"),))


def _html_in(site: ColumnSite, args: list[str], query: dict[str, str]) -> _Page:
    charset = query.get("charset", "utf-8")
    name = "示范县水利局"
    items = [_li("r.html", f"{name}{site.year}年政府信息公开工作年度报告", f"{site.year + 1}-01-24")]
    page = _list("年度报告", items, charset=charset)
    if charset.lower() == "big5":
        import opencc

        page = opencc.OpenCC("s2t").convert(page)
    encoding = "gb18030" if charset.lower() in ("gbk", "gb2312") else charset
    return _Page(page.encode(encoding, errors="xmlcharrefreplace"), "text/html")


_TEST_ENDPOINTS: dict[str, Callable[[ColumnSite, list[str], dict[str, str]], _Page]] = {
    "bytes": _bytes,
    "stream": _stream,
    "sleep": _sleep,
    "status": _status,
    "flaky": _flaky,
    "redirect": _redirect,
    "redirect-to": _redirect_to,
    "gzip": _gzip,
    "html": _html_in,
}


def _handler(site: ColumnSite) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.0"
        server_version = "ColumnSite/1.0"

        def do_GET(self) -> None:  # noqa: N802 (http.server's name)
            with site._lock:
                site.requests.append(
                    Request(
                        self.path,
                        self.headers.get("Host", ""),
                        self.headers.get("User-Agent", ""),
                        time.monotonic(),
                    )
                )
            page = site.page(self.path, self.headers.get("Host", ""))
            try:
                self.send_response(page.status)
                if page.content_type:
                    self.send_header("Content-Type", page.content_type)
                streamed = any(k == "X-No-Length" for k, _v in page.headers)
                for key, value in page.headers:
                    if key != "X-No-Length":
                        self.send_header(key, value)
                if not streamed:
                    self.send_header("Content-Length", str(len(page.body)))
                self.end_headers()
                for start in range(0, len(page.body), 65536):
                    self.wfile.write(page.body[start : start + 65536])
            except (BrokenPipeError, ConnectionResetError):
                pass  # the fetcher stopped reading (the size cap): expected

        def log_message(self, format: str, *args: Any) -> None:
            pass

    return Handler


@pytest.fixture(scope="session")
def column_site() -> Iterator[ColumnSite]:
    """One local column site for the test session (short ``slow_seconds``: use fetchers with a timeout
    below it, e.g. ``timeout=0.5``)."""
    with ColumnSite(slow_seconds=2.0) as site:
        yield site


__all__ = ["ColumnSite", "Request", "SiteAgency", "column_site", "render_report", "report_document"]
