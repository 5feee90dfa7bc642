"""A report given by its URL: fetched politely (:class:`gongkai.documents.fetch.Fetcher`), and when the
URL is an article page that links the report's file, that file (found by
:func:`gongkai.documents.links.page_attachments`, run in a limited child like every reading of outside
bytes). Used by the checker page and ``gongkai check URL``.

:func:`make_fetcher` builds the fetcher from the settings (``GONGKAI_FETCH_ALLOW_PRIVATE``,
``GONGKAI_FETCH_TIMEOUT``, ``GONGKAI_FETCH_MIN_INTERVAL``, ``GONGKAI_SITE_URL`` for the User-Agent, the
checker's size cap); the monitoring uses it too. :func:`fetch_report` gives the bytes to check or raises
:class:`UnreadableFile` whose message says, in Chinese, why the URL could not be read and what to do;
:func:`fetch_message` words a failed fetch the same way (for the monitoring's pages).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any
from urllib.parse import unquote, urlsplit

from django.conf import settings

from gongkai.checker.pipeline import check_bytes
from gongkai.checker.result import CheckResult, ParsedReport
from gongkai.checker.source import UnreadableFile
from gongkai.core.messages import N_, Message
from gongkai.documents.fetch import Fetched, Fetcher, user_agent
from gongkai.documents.isolated import TooComplex, run_isolated
from gongkai.documents.links import Candidate, page_attachments
from gongkai.documents.sniffing import sniff

__all__ = [
    "DEFAULT_FETCH_TIMEOUT",
    "RemoteReport",
    "check_url",
    "fetch_message",
    "fetch_report",
    "is_url",
    "make_fetcher",
]

#: Seconds to connect and between two reads of one response (setting ``GONGKAI_FETCH_TIMEOUT``).
DEFAULT_FETCH_TIMEOUT = 15
#: Where the User-Agent points when ``GONGKAI_SITE_URL`` is not set.
PROJECT_URL = "https://github.com/gongkai"


def is_url(text: str) -> bool:
    return text.strip().lower().startswith(("http://", "https://"))


def make_fetcher(**options: Any) -> Fetcher:
    """A fetcher set up by the settings; ``options`` override (``retries``, ``min_interval``, …)."""
    site = str(getattr(settings, "GONGKAI_SITE_URL", "") or PROJECT_URL)
    values: dict[str, Any] = {
        "user_agent": user_agent(site),
        "allow_private": bool(getattr(settings, "GONGKAI_FETCH_ALLOW_PRIVATE", False)),
        "timeout": float(getattr(settings, "GONGKAI_FETCH_TIMEOUT", DEFAULT_FETCH_TIMEOUT)),
        "min_interval": float(getattr(settings, "GONGKAI_FETCH_MIN_INTERVAL", 1)),
        "max_bytes": int(getattr(settings, "GONGKAI_CHECK_MAX_UPLOAD_BYTES", 20 * 1024 * 1024)),
    }
    values.update(options)
    return Fetcher(**values)


@dataclass(frozen=True)
class RemoteReport:
    """What was fetched to be checked: the report's bytes, a file name for the reader (its suffix), the
    URL the bytes came from (the attachment's when the page linked one) and the page's URL."""

    data: bytes
    filename: str
    url: str
    page_url: str


MSG_BAD_URL = N_("网址无效：请填写以 http:// 或 https:// 开头的完整网址。")
MSG_PRIVATE = N_("出于安全考虑，不读取内部网络的地址（%(host)s）。请填写报告在互联网上公开的网址。")
MSG_ROBOTS = N_(
    "网站 %(host)s 的 robots.txt 不允许自动程序读取这个网址，所以没有读取。请下载报告后上传检查。"
)
MSG_DNS = N_("找不到网站 %(host)s，请检查网址是否写错。")
MSG_TIMEOUT = N_("网站 %(host)s 在 %(seconds)s 秒内没有响应。请稍后再试，或者下载报告后上传检查。")
MSG_CONNECTION = N_("无法连接网站 %(host)s。请稍后再试，或者下载报告后上传检查。")
MSG_TLS = N_("网站 %(host)s 的 HTTPS 证书无效，没有读取。请下载报告后上传检查。")
MSG_TOO_LARGE = N_("网址上的文件超过 %(mb)s MB，没有读取。")
MSG_REDIRECTS = N_("网址跳转的次数过多，没有读取。请打开报告所在的网页，复制地址栏中的网址后重试。")
MSG_NOT_FOUND = N_("网页不存在（HTTP %(status)s），请检查网址是否正确。")
MSG_HTTP = N_("网站返回错误（HTTP %(status)s）。请稍后再试，或者下载报告后上传检查。")
MSG_NOT_A_REPORT = N_(
    "这个网址上既不是年度报告，也没有链接年度报告文件。请打开报告本身的网页或文件，复制其网址后重试。"
)
MSG_PAGE_TOO_COMPLEX = N_("网页过大或过于复杂，无法在限定的时间和内存内读取；请下载报告后上传检查。")

_MESSAGES = {
    "bad_url": MSG_BAD_URL,
    "private_address": MSG_PRIVATE,
    "robots": MSG_ROBOTS,
    "dns": MSG_DNS,
    "timeout": MSG_TIMEOUT,
    "connection": MSG_CONNECTION,
    "tls": MSG_TLS,
    "too_large": MSG_TOO_LARGE,
    "too_many_redirects": MSG_REDIRECTS,
}


def fetch_message(fetched: Fetched, fetcher: Fetcher) -> Message:
    """Why a fetch failed, in words for the reader (a :class:`Message`; the monitoring shows it too)."""
    host = urlsplit(fetched.final_url).hostname or fetched.final_url
    if fetched.error == "http_status":
        status = fetched.status or 0
        return Message(MSG_NOT_FOUND if status in (404, 410) else MSG_HTTP, {"status": status})
    template = _MESSAGES.get(fetched.error, MSG_CONNECTION)
    params = {"host": host, "seconds": f"{fetcher.timeout:g}", "mb": fetcher.max_bytes // (1024 * 1024)}
    return Message(template, {k: v for k, v in params.items() if f"%({k})s" in template})


def fetch_report(url: str, fetcher: Fetcher) -> RemoteReport:
    """The report at ``url``: the file itself, or the article page's report file, or the page (an HTML
    report). Raises :class:`UnreadableFile` when the URL or the file it links cannot be fetched."""
    page = fetcher.get(url.strip())
    if page.error:
        raise UnreadableFile(fetch_message(page, fetcher))
    if _is_html(page):
        try:
            files = run_isolated(page_attachments, page.body, page.content_type, page.final_url)
        except TooComplex as exc:
            raise UnreadableFile(Message(MSG_PAGE_TOO_COMPLEX)) from exc
        if files:
            return _attachment(files, page, fetcher)
        return RemoteReport(page.body, _filename(page.final_url, ".html"), page.final_url, page.final_url)
    return RemoteReport(page.body, _filename(page.final_url, ""), page.final_url, page.final_url)


def check_url(url: str, fetcher: Fetcher, previous: ParsedReport | None = None) -> CheckResult:
    """Fetch (:func:`fetch_report`) and check the report at ``url``; the result's path is the URL the
    report came from. A web page that is no report and links none raises :data:`MSG_NOT_A_REPORT`."""
    remote = fetch_report(url, fetcher)
    result = check_bytes(remote.data, filename=remote.filename, previous=previous, path=remote.url)
    if (
        result.report.kind == "not_a_report"
        and remote.url == remote.page_url
        and _looks_html(remote.filename)
    ):
        raise UnreadableFile(Message(MSG_NOT_A_REPORT))
    return result


def _looks_html(filename: str) -> bool:
    return filename.lower().endswith((".htm", ".html", ".shtml", ".xhtml"))


def _attachment(files: list[Candidate], page: Fetched, fetcher: Fetcher) -> RemoteReport:
    """The first linked file that can be fetched (the most likely first; among equals, the kinds the checker
    reads — PDF, .docx, text, HTML — before .doc, .wps, .ofd)."""
    failure: Fetched | None = None
    for candidate in sorted(files, key=lambda c: (-c.score, not _readable(c.url)))[:3]:
        got = fetcher.get(candidate.url)
        if not got.error:
            return RemoteReport(got.body, _filename(got.final_url, ""), got.final_url, page.final_url)
        failure = failure or got
    assert failure is not None
    raise UnreadableFile(fetch_message(failure, fetcher))


def _readable(url: str) -> bool:
    path = unquote(urlsplit(url).path).lower()
    return not path.endswith((".doc", ".wps", ".ofd", ".xls", ".xlsx", ".et"))


def _is_html(fetched: Fetched) -> bool:
    content_type = fetched.content_type.split(";", 1)[0].strip().lower()
    if sniff(fetched.body[:2048]).kind != "other":
        return False  # a PDF, a Word file… whatever the server calls it
    head = fetched.body[:1024].lstrip().lower()
    return content_type in ("text/html", "application/xhtml+xml") or head.startswith(
        (b"<!doctype html", b"<html")
    )


def _filename(url: str, default_suffix: str) -> str:
    """A file name for the reader and the results page: the URL's last segment (decoded)."""
    path = unquote(urlsplit(url).path)
    name = PurePosixPath(path).name or (urlsplit(url).hostname or "report")
    if default_suffix and not name.lower().endswith((".htm", ".html", ".shtml", ".xhtml")):
        name += default_suffix
    return name
