"""Finding one agency's report on its website: the column fetched politely (``documents.fetch``), its
pages followed a bounded number of times, the year's report chosen among the links
(``documents.links``), and the report downloaded — the file a link points to, or the file an article page
links, or the article itself when it is the report (HTML).

No database and no checker here: :func:`monitor_column` returns what it fetched and found; the caller
reads the report with the checker and stores the evidence (``services``), or prints it (the command).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from urllib.parse import urlsplit

from gongkai.documents.fetch import Fetched, Fetcher
from gongkai.documents.isolated import TooComplex, run_isolated
from gongkai.documents.links import Candidate, page_attachments, read_column

FOUND = "found"
NOT_FOUND = "not_found"
UNREACHABLE = "unreachable"
STATUSES: tuple[str, ...] = (FOUND, NOT_FOUND, UNREACHABLE)

#: Pages of a column read at most (the first page and up to this many more through 下一页).
MAX_PAGES = 5

#: File suffixes a report link may point to (anything else is read as a page).
FILE_SUFFIXES = (".pdf", ".doc", ".docx", ".wps", ".ofd", ".txt", ".xls", ".xlsx", ".et", ".rtf")
_TYPE_SUFFIXES = {
    "application/pdf": ".pdf",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ".docx",
    "application/msword": ".doc",
    "application/ofd": ".ofd",
    "text/plain": ".txt",
    "text/html": ".html",
    "application/xhtml+xml": ".html",
}


@dataclass(frozen=True)
class Step:
    """One fetch, and what it was for (``column``, ``page``, ``article``, ``report``)."""

    role: str
    fetched: Fetched


@dataclass
class SiteResult:
    column_url: str
    status: str = NOT_FOUND
    #: The fetch error code that made the site unreachable ("" otherwise).
    error: str = ""
    report_url: str = ""
    report_title: str = ""
    published_on: datetime.date | None = None
    #: The report as downloaded (``None`` unless found).
    report: Fetched | None = None
    steps: list[Step] = field(default_factory=list)

    @property
    def report_filename(self) -> str:
        return filename_for(self.report) if self.report is not None else ""


def filename_for(fetched: Fetched) -> str:
    """A file name for the checker: the address's last segment, its suffix from the content type when the
    address has none the checker knows (an article at ``.../content_123`` is read as HTML)."""
    name = PurePosixPath(urlsplit(fetched.final_url or fetched.url).path).name or "index"
    suffix = PurePosixPath(name).suffix.lower()
    mime = fetched.content_type.split(";")[0].strip().lower()
    if suffix in (*FILE_SUFFIXES, ".html", ".htm", ".shtml"):
        return name[-200:]
    return f"{name[:190]}{_TYPE_SUFFIXES.get(mime, '.html')}"


def failed(fetched: Fetched) -> str:
    """The error of a fetch ("" when it brought a page): the fetcher's code, or ``http_NNN``."""
    if fetched.error == "http_status":
        return f"http_{fetched.status}" if fetched.status else "no_response"
    if fetched.error:
        return fetched.error
    if fetched.status is None or fetched.status >= 400:
        return f"http_{fetched.status}" if fetched.status else "no_response"
    return ""


def is_html(fetched: Fetched) -> bool:
    mime = fetched.content_type.split(";")[0].strip().lower()
    if mime in ("text/html", "application/xhtml+xml"):
        return True
    if mime:
        return False
    return fetched.body.lstrip()[:15].lower().startswith((b"<!doctype html", b"<html"))


def monitor_column(fetcher: Fetcher, column_url: str, year: int, max_pages: int = MAX_PAGES) -> SiteResult:
    """Look for the report on ``year`` in the column at ``column_url``."""
    result = SiteResult(column_url)
    url = column_url
    seen = {url}
    candidates: list[Candidate] = []
    for page in range(max_pages + 1):
        fetched = fetcher.get(url)
        result.steps.append(Step("column" if page == 0 else "page", fetched))
        error = failed(fetched)
        if error:
            if page == 0:
                result.status, result.error = UNREACHABLE, error
                return result
            break  # a broken later page: what the earlier pages held is the answer
        base = fetched.final_url or url
        # The page is outside bytes: read in a limited child, like every outside document.
        try:
            reading = run_isolated(read_column, fetched.body, fetched.content_type, base, year)
        except TooComplex:
            if page == 0:
                result.status, result.error = UNREACHABLE, "too_complex"
                return result
            break
        candidates = list(reading.candidates)
        if candidates:
            break
        following = [u for u in reading.next_pages if u not in seen]
        if not following:
            break
        url = following[0]
        seen.add(url)
    if not candidates:
        return result
    best = max(candidates, key=lambda c: c.score)
    result.report_url = best.url
    result.report_title = best.title
    result.published_on = best.published_on
    _download(fetcher, best.url, result)
    return result


def _download(fetcher: Fetcher, url: str, result: SiteResult) -> None:
    """Fetch the report at ``url``: a file, or an article page that links the file or is the report."""
    fetched = fetcher.get(url)
    error = failed(fetched)
    if error:
        result.steps.append(Step("report", fetched))
        result.status, result.error = UNREACHABLE, error
        return
    if not is_html(fetched):
        result.steps.append(Step("report", fetched))
        result.status, result.report = FOUND, fetched
        return
    try:
        files = run_isolated(page_attachments, fetched.body, fetched.content_type, fetched.final_url or url)
    except TooComplex:
        result.steps.append(Step("report", fetched))
        result.status, result.error = UNREACHABLE, "too_complex"
        return
    if not files:  # the article's body is the report
        result.steps.append(Step("report", fetched))
        result.status, result.report = FOUND, fetched
        return
    result.steps.append(Step("article", fetched))
    attached = fetcher.get(files[0].url)
    result.steps.append(Step("report", attached))
    error = failed(attached)
    if error:
        result.status, result.error = UNREACHABLE, error
        return
    result.report_url = attached.final_url or attached.url
    result.status, result.report = FOUND, attached
