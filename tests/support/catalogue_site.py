"""A local web site serving an agency's existing 政府信息公开目录 column, for the catalogue crawl.

API::

    from tests.support.catalogue_site import CatalogueSite

    with CatalogueSite(entries=200, per_page=20) as site:
        site.base_url               # "http://127.0.0.1:PORT"
        site.url("/col/index.html") # the column's first list page
        site.config()               # the crawl configuration (JSON object) for this column
        site.entries                # list[SiteEntry]: what each detail page says
        site.requests               # the paths served, in order

The column is realistic: list pages ``index.html``, ``index_1.html`` … (20 entries each, newest first,
with a TRS-style pager and a 下一页 link), detail pages ``t<N>.html`` with the usual 信息索引表 of labelled
cells (索引号、主题分类、发布机构、成文日期、文号、发布日期、有效性), a title, the body and the
attachments (every 20th entry links a real PDF; the sidebar links an application form that is not an
attachment). Entry :data:`HELD_ENTRY` has a 居民身份证 number in its body (the scan holds it).
robots.txt forbids ``/forbidden/``. The server runs in a daemon thread on 127.0.0.1, port 0.
"""

from __future__ import annotations

import datetime
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from tests.catalogue.conftest import pdf_bytes, resident_id

HELD_ENTRY = 37
ROBOTS = "User-agent: *\nDisallow: /forbidden/\n"


@dataclass(frozen=True)
class SiteEntry:
    number: int
    index_number: str
    title: str
    doc_number: str
    written_on: datetime.date
    published_on: datetime.date
    body: str
    attachment: str  # "" or the file's name


def make_entries(count: int) -> list[SiteEntry]:
    entries = []
    for n in range(1, count + 1):
        written = datetime.date(2019, 1, 1) + datetime.timedelta(days=3 * n)
        body = f"<p>现将第{n}号通知印发给你们，请认真贯彻执行。</p><p>本通知自印发之日起施行。</p>"
        if n == HELD_ENTRY:
            body += f"<p>经办人身份证号：{resident_id(n)}</p>"
        entries.append(
            SiteEntry(
                number=n,
                index_number=f"000014349/{written.year}-{n:05d}",
                title=f"示范县自然资源局关于做好第{n}批次用地审批工作的通知",
                doc_number=f"示自然资〔{written.year}〕{n}号",
                written_on=written,
                published_on=written + datetime.timedelta(days=2),
                body=body,
                attachment=f"用地审批表{n}.pdf" if n % 20 == 0 else "",
            )
        )
    return entries


class CatalogueSite:
    def __init__(self, entries: int = 200, per_page: int = 20) -> None:
        self.entries = make_entries(entries)
        self.per_page = per_page
        self.requests: list[str] = []
        self._lock = threading.Lock()
        site = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the stdlib's name
                pass

            def do_GET(self) -> None:  # noqa: N802 - the stdlib's name
                with site._lock:
                    site.requests.append(self.path)
                status, content_type, body = site.answer(self.path)
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        self.base_url = f"http://127.0.0.1:{self.server.server_address[1]}"

    def url(self, path: str) -> str:
        return self.base_url + path

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def __enter__(self) -> CatalogueSite:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def pages(self) -> int:
        return (len(self.entries) + self.per_page - 1) // self.per_page

    def config(self, **overrides: Any) -> dict[str, Any]:
        config: dict[str, Any] = {
            "start_url": self.url("/col/index.html"),
            "list_links": "ul.list li > a",
            "detail_pattern": r"/col/t\d+\.html$",
            "index_table": "div.xxgk-index",
            "title": "h1.title",
            "body": "div.article-content",
            "attachments": "div.attachments a",
        }
        config.update(overrides)
        return config

    def answer(self, path: str) -> tuple[int, str, bytes]:
        html_type = "text/html; charset=utf-8"
        if path == "/robots.txt":
            return 200, "text/plain", ROBOTS.encode()
        if path.startswith("/col/index"):
            page = 0 if path == "/col/index.html" else int(path.removeprefix("/col/index_").split(".")[0])
            if page >= self.pages:
                return 404, html_type, b"not found"
            return 200, html_type, self.list_page(page).encode()
        if path.startswith("/col/t") and path.endswith(".html"):
            number = int(path.removeprefix("/col/t").removesuffix(".html"))
            if not 1 <= number <= len(self.entries):
                return 404, html_type, b"not found"
            return 200, html_type, self.detail_page(self.entries[number - 1]).encode()
        if path.startswith("/files/att") and path.endswith(".pdf"):
            number = int(path.removeprefix("/files/att").removesuffix(".pdf"))
            return 200, "application/pdf", pdf_bytes(f"Land approval form {number}")
        return 404, html_type, b"not found"

    def list_page(self, page: int) -> str:
        newest_first = list(reversed(self.entries))
        shown = newest_first[page * self.per_page : (page + 1) * self.per_page]
        items = "".join(
            f'<li><a href="./t{e.number}.html" target="_blank">{e.title}</a>'
            f"<span>{e.published_on}</span></li>"
            for e in shown
        )
        pager = f"<script>createPageHTML({self.pages}, {page}, 'index', 'html');</script>"
        if page + 1 < self.pages:
            pager += f'<a class="next" href="index_{page + 1}.html">下一页</a>'
        return (
            "<html><head><title>政府信息公开目录</title></head><body>"
            '<div class="side"><a href="/files/sqb.doc">政府信息公开申请表</a></div>'
            f'<ul class="list">{items}</ul><div class="pager">{pager}</div></body></html>'
        )

    def detail_page(self, entry: SiteEntry) -> str:
        files = ""
        if entry.attachment:
            files = (
                f'<div class="attachments">附件：<a href="/files/att{entry.number}.pdf">'
                f"{entry.attachment.removesuffix('.pdf')}</a></div>"
            )
        return (
            f"<html><head><title>{entry.title}</title></head><body>"
            '<div class="side"><a href="/files/sqb.doc">政府信息公开申请表</a></div>'
            '<div class="xxgk-index"><table>'
            f"<tr><th>索引号：</th><td>{entry.index_number}</td>"
            "<th>主题分类：</th><td>城乡建设、环境保护</td></tr>"
            "<tr><th>发布机构：</th><td>示范县自然资源局</td>"
            f"<th>成文日期：</th><td>{entry.written_on:%Y年%m月%d日}</td></tr>"
            f"<tr><th>文号：</th><td>{entry.doc_number}</td>"
            f"<th>发布日期：</th><td>{entry.published_on}</td></tr>"
            "<tr><th>有效性：</th><td>现行有效</td><th>关键词：</th><td>用地 审批</td></tr>"
            f'<tr><th>名称：</th><td colspan="3">{entry.title}</td></tr>'
            "</table></div>"
            f'<h1 class="title">{entry.title}</h1>'
            f'<div class="article-content">{entry.body}</div>{files}'
            "</body></html>"
        )
