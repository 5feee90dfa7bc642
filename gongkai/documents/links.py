"""Finding a year's 政府信息公开工作年度报告 among the links of a public column (年报栏目, 信息公开栏目).

Pure Python (lxml, OpenCC; no Django). Three readings of a page's HTML (``str``, decoded with
:func:`gongkai.documents.fetch.decode_html`) and its URL:

* :func:`find_report_links` — the links of a column (list) page that are the report of ``year``, best
  first, as :class:`Candidate`;
* :func:`next_page_links` — the page after this one in a paginated column;
* :func:`article_attachments` — on an article page, the links to the report's file (PDF, Word, WPS, OFD),
  or None when the article body itself is the report (an HTML report); :func:`page_attachments` the same
  from the fetched bytes.

These parse outside HTML: run them in a limited child (:mod:`gongkai.documents.isolated`), best through
the two calls that take a fetched page's bytes and decode them there too: :func:`read_column` (the
candidates and the next pages) and :func:`page_attachments`, e.g.
``run_isolated(read_column, fetched.body, fetched.content_type, fetched.final_url, 2025)``; their results
are plain frozen dataclasses and strings.

How a link is recognised as the report (what real columns write, after full-width digits are made ASCII
and traditional characters simplified):

* the title (link text, or its ``title=`` attribute when the text is cut with "…"/"..."), names a
  信息公开 or 政务公开 report: ``XX局2025年政府信息公开工作年度报告``, ``2025年度政府信息公开工作报告``,
  ``关于XX2025年政府信息公开工作年度报告的公告``, ``二〇二五年政府信息公开年报``, or is a bare
  ``XX局2025年度报告`` (a 年报 column's way; "法治政府建设2025年度报告" is not: only an agency's name
  may come before the year);
* its year is ``year`` (written in the title; when the title has none, the year before the date the list
  shows — a lower score); a title naming another year is excluded;
* work plans, statistics, notices about compiling reports and readings of a report (工作要点, 统计数据,
  做好/编制/报送…的通知, 解读, 图解) are excluded; a notice that publishes the report
  (关于印发…年度报告的通知) is not.

The date next to a link (``2026-01-20``, ``2026/01/20``, ``2026.01.20``, ``2026年1月20日``, ``[01-20]``,
the last taken in the year after ``year``) becomes :attr:`Candidate.published_on`.
"""

from __future__ import annotations

import datetime
import re
import unicodedata
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, urljoin, urlsplit

import lxml.html

from gongkai.documents.fetch import decode_html

__all__ = [
    "FILE_SUFFIXES",
    "Candidate",
    "ColumnReading",
    "article_attachments",
    "find_report_links",
    "is_file_url",
    "is_report_title",
    "next_page_links",
    "normalize_title",
    "page_attachments",
    "read_column",
    "report_year",
]

#: Suffixes of the files a report is published as.
FILE_SUFFIXES = (".pdf", ".doc", ".docx", ".wps", ".ofd", ".xls", ".xlsx", ".txt")


@dataclass(frozen=True)
class Candidate:
    url: str
    title: str
    #: The year the title names (None when it names none; then taken from the date, see the module).
    year: int | None
    published_on: datetime.date | None
    score: int
    #: True when the link is to a file (PDF, Word…), False for an article page.
    is_file: bool


# -- titles ---------------------------------------------------------------------------------------

_converter: Any = None
_CN_DIGITS = str.maketrans("〇零○Ｏ一二三四五六七八九", "000012345678" + "9")
_CN_YEAR = re.compile(r"[〇零○Ｏ一二三四五六七八九]{4}(?=年)")
_SPACE = re.compile(r"\s+")


def _t2s(text: str) -> str:
    global _converter
    if _converter is None:
        import opencc

        _converter = opencc.OpenCC("t2s")
    return str(_converter.convert(text))


def normalize_title(text: str) -> str:
    """A title made comparable: NFKC (full-width digits and letters), traditional → simplified,
    Chinese-numeral years as digits, no white space."""
    text = unicodedata.normalize("NFKC", text)
    if not text.isascii():
        text = _t2s(text)
        text = _CN_YEAR.sub(lambda m: m.group(0).translate(_CN_DIGITS), text)
        text = text.replace("资讯公开", "信息公开")  # 資訊公開: the Taiwan word for 信息公开
    return _SPACE.sub("", text)


#: A title names a report on OGI work (checked after :func:`normalize_title`).
_REPORT = re.compile(r"(信息公开|政务公开)(工作)?(年度)?(报告|年报)|年度(政府)?信息公开(工作)?报告")
#: Titles that name the year's report but are something else.
_NOT_REPORT = re.compile(
    r"工作要点|要点|统计数据|数据统计|统计表|编制|报送|撰写|做好|解读|图解|一图读懂|方案|目录|指南|"
    r"工作总结|自查|考核|评估|培训"
)
_YEAR_BEFORE = re.compile(r"((?:19|20)\d{2})\s*年度?(?=[^0-9]|$)")
_YEAR_REPORT = re.compile(r"((?:19|20)\d{2})\s*年度?(?:政府|政务)?(?:信息)?公开")


#: A bare "YYYY年度报告" (in a 年报 column), after nothing or an agency's name only.
_BARE_REPORT = re.compile(
    r"^(?:.{0,40}?(?:局|委|办|府|院|会|所|中心|处|街道|乡|镇|室|厅|部|署|馆|站|队))?"
    r"(?:19|20)\d{2}年度?(?:工作)?(?:年度)?(?:报告|年报)$"
)


def is_report_title(title: str) -> bool:
    """Whether a (normalised) link title names an OGI annual report (of some year, or of none)."""
    if _NOT_REPORT.search(title):
        return False
    return bool(_REPORT.search(title) or _BARE_REPORT.match(title))


def report_year(title: str) -> int | None:
    """The year a (normalised) report title is about: the one right before 年度/年…信息公开, else the
    first year written in it; None when it writes none."""
    m = _YEAR_REPORT.search(title) or _YEAR_BEFORE.search(title)
    return int(m.group(1)) if m else None


# -- dates ----------------------------------------------------------------------------------------

_FULL_DATE = re.compile(r"((?:19|20)\d{2})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?")
_SHORT_DATE = re.compile(r"[\[【(（]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?\s*[\]】)）]")


def _date_in(text: str, year: int) -> datetime.date | None:
    text = unicodedata.normalize("NFKC", text)
    m = _FULL_DATE.search(text)
    try:
        if m:
            return datetime.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        m = _SHORT_DATE.search(text)
        if m:
            return datetime.date(year + 1, int(m.group(1)), int(m.group(2)))
    except ValueError:
        return None
    return None


# -- links ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Link:
    url: str
    title: str
    element: Any


def _parse(html: str) -> Any:
    if not html.strip():
        return None
    try:
        # lxml refuses a str that declares its encoding; the bytes in UTF-8 read the same.
        return lxml.html.document_fromstring(html.encode("utf-8"), parser=_PARSER)
    except (lxml.etree.ParserError, ValueError):
        return None


_PARSER = lxml.html.HTMLParser(encoding="utf-8", remove_comments=True, no_network=True)
_CUT = ("…", "...", "..", "⋯")


def _base(document: Any, base_url: str) -> str:
    for href in document.xpath("//base/@href")[:1]:
        return urljoin(base_url, str(href).strip())
    return str(base_url)


def _absolute(base: str, href: str) -> str | None:
    href = href.strip()
    if not href or href.startswith("#") or href.lower().startswith(("javascript:", "mailto:", "tel:")):
        return None
    try:
        url = urljoin(base, href)
        if urlsplit(url).scheme not in ("http", "https"):
            return None
    except ValueError:  # "http://[::1" and the like
        return None
    return url.split("#", 1)[0]


def _links(document: Any, base_url: str) -> list[_Link]:
    base = _base(document, base_url)
    found: list[_Link] = []
    for a in document.iter("a"):
        url = _absolute(base, a.get("href") or "")
        if url is None:
            continue
        text = _SPACE.sub(" ", a.text_content()).strip()
        title = (a.get("title") or "").strip()
        shown = title if title and (not text or text.endswith(_CUT) or len(title) > len(text)) else text
        found.append(_Link(url, shown, a))
    return found


def is_file_url(url: str) -> bool:
    """Whether a URL names a report file by its path or by a query value (``downfile.jsp?filename=…``)."""
    parts = urlsplit(url)
    if parts.path.lower().endswith(FILE_SUFFIXES):
        return True
    return any(value.lower().strip().endswith(FILE_SUFFIXES) for _key, value in parse_qsl(parts.query))


_ROW_TAGS = ("li", "tr", "dl", "dd", "dt", "p", "div", "section", "article")


def _row_text(element: Any) -> str:
    """The text around a link in its list row (li, tr, dd, p or div holding at most two links), without
    the link's own text; in a list of links side by side (``<a>…</a> 2026-01-20<br>``), the text after the
    link up to the next one."""
    row = element
    for _level in range(4):
        parent = row.getparent()
        if parent is None or len(parent.findall(".//a")) > 2:
            break
        row = parent
        if row.tag in _ROW_TAGS:
            break
    if row is element:
        return _text_after(element)
    own = str(element.text_content())
    return str(row.text_content()).replace(own, " ", 1)


def _text_after(element: Any) -> str:
    parts = [str(element.tail or "")]
    for sibling in element.itersiblings():
        if sibling.tag == "a" or sibling.find(".//a") is not None:
            break
        if isinstance(sibling.tag, str):
            parts.append(str(sibling.text_content()))
        parts.append(str(sibling.tail or ""))
    return " ".join(parts)


def _score(title: str, year: int, named_year: int | None, is_file: bool, shown: datetime.date | None) -> int:
    score = 10
    if "年度报告" in title or "年报" in title:
        score += 5
    if not _REPORT.search(title):
        score -= 3  # a bare 年度报告: a 年报 column's way, less sure
    if "政府信息公开" in title:
        score += 3
    if named_year == year:
        score += 5
    if is_file:
        score += 1
    if shown is not None and shown.year == year + 1:
        score += 2
    if "的公告" in title or "转发" in title:
        score -= 1
    return score


def find_report_links(html: str, base_url: str, year: int) -> list[Candidate]:
    """The links of a column page that are ``year``'s annual report, best first (one per URL)."""
    document = _parse(html)
    if document is None:
        return []
    best: dict[str, Candidate] = {}
    for link in _links(document, base_url):
        title = normalize_title(link.title)
        if not is_report_title(title):
            continue
        named = report_year(title)
        shown = _date_in(_row_text(link.element), year)
        if named is None and (shown is None or shown.year != year + 1):
            continue
        if named is not None and named != year:
            continue
        file = is_file_url(link.url)
        candidate = Candidate(
            url=link.url,
            title=_SPACE.sub(" ", link.title).strip(),
            year=named,
            published_on=shown,
            score=_score(title, year, named, file, shown),
            is_file=file,
        )
        if link.url not in best or best[link.url].score < candidate.score:
            best[link.url] = candidate
    return sorted(best.values(), key=lambda c: -c.score)


# -- pagination -----------------------------------------------------------------------------------

_NEXT_TEXT = re.compile(r"^(下一?页|后一?页|下页|next|›|»|>|>>)$", re.IGNORECASE)
#: TRS sites write their pager with a script: ``createPageHTML(countPage, currentPage, "index", "html")``.
_TRS_PAGER = re.compile(
    r"createPageHTML\(\s*['\"]?(\d+)['\"]?\s*,\s*['\"]?(\d+)['\"]?\s*,\s*['\"]([\w-]+)['\"]\s*,\s*['\"](\w+)['\"]"
)
_INDEX_N = re.compile(r"^(.*/)?([a-z]+)_(\d+)\.(s?html?)$", re.IGNORECASE)
_INDEX_0 = re.compile(r"^(.*/)?([a-z]+)\.(s?html?)$", re.IGNORECASE)
_PAGE_PARAMS = ("page", "pageNum", "pageNo", "pageIndex", "currentPage", "curPage", "p")


def next_page_links(html: str, base_url: str) -> list[str]:
    """The URL of the page after this one (most likely first; several when the page is unclear): a
    link reading 下一页/下页/next, the TRS pager script, ``index_N.html`` after ``index_(N-1).html`` (or
    ``index_1.html`` after ``index.html``), ``?page=N+1``. Never this page itself."""
    document = _parse(html)
    if document is None:
        return []
    found: list[str] = []
    links = _links(document, base_url)
    for link in links:
        if _NEXT_TEXT.match(_SPACE.sub("", link.element.text_content() or link.title)):
            found.append(link.url)
    found += _trs_next(html, base_url)
    following = _following(base_url)
    found += [link.url for link in links if link.url in following]
    this = base_url.split("#", 1)[0]
    unique: list[str] = []
    for url in found:
        if url != this and url not in unique:
            unique.append(url)
    return unique


def _trs_next(html: str, base_url: str) -> list[str]:
    m = _TRS_PAGER.search(html)
    if not m:
        return []
    count, current, prefix, suffix = int(m.group(1)), int(m.group(2)), m.group(3), m.group(4)
    if current + 1 >= count:
        return []
    return [urljoin(base_url, f"{prefix}_{current + 1}.{suffix}")]


def _following(base_url: str) -> set[str]:
    """The URLs the next page of ``base_url`` would have, by the common patterns."""
    parts = urlsplit(base_url)
    path = parts.path or "/"
    found: set[str] = set()
    m = _INDEX_N.match(path)
    if m:
        found.add(urljoin(base_url, f"{m.group(2)}_{int(m.group(3)) + 1}.{m.group(4)}"))
    m = _INDEX_0.match(path)
    if m:  # page 2 is index_1 on TRS sites, index_2 on others
        found.add(urljoin(base_url, f"{m.group(2)}_1.{m.group(3)}"))
        found.add(urljoin(base_url, f"{m.group(2)}_2.{m.group(3)}"))
    if path.endswith("/"):
        found.update(urljoin(base_url, f"index_1.{ext}") for ext in ("html", "shtml", "htm"))
    query = dict(parse_qsl(parts.query))
    for key in _PAGE_PARAMS:
        value = query.get(key, "1" if key in ("page", "pageNum", "pageNo") else "")
        if value.isdigit():
            nxt = {**query, key: str(int(value) + 1)}
            found.add(parts._replace(query="&".join(f"{k}={v}" for k, v in nxt.items())).geturl())
    return found


# -- article pages --------------------------------------------------------------------------------

#: Section headings of a report (2021 format and the 2019 one): an article with most of them is the report.
_SECTIONS = (
    "总体情况",
    "主动公开政府信息情况",
    "收到和处理政府信息公开申请情况",
    "行政复议",
    "存在的主要问题",
)
#: File links that are not the report (forms and guides linked from the article's side bar).
_NOT_ATTACHMENT = re.compile(r"申请表|登记表|申请书|指南|目录|模板|样表|委托书")
_EMBEDS = ("iframe", "embed", "object")


def article_attachments(html: str, base_url: str) -> list[Candidate] | None:
    """The report's file links on an article page, most likely first; None when there is none and the
    article's own text is the report (an HTML report), or when the page links no file at all."""
    document = _parse(html)
    if document is None:
        return None
    base = _base(document, base_url)
    files: dict[str, Candidate] = {}
    for link in _links(document, base_url):
        if not is_file_url(link.url):
            continue
        title = normalize_title(link.title) or normalize_title(urlsplit(link.url).path.rsplit("/", 1)[-1])
        if _NOT_ATTACHMENT.search(title):
            continue
        score = 10 + (5 if _REPORT.search(title) else 0) + (2 if "附件" in _row_text(link.element) else 0)
        files.setdefault(link.url, Candidate(link.url, link.title, report_year(title), None, score, True))
    for element in document.iter(*_EMBEDS):
        for attribute in ("src", "data"):
            url = _absolute(base, element.get(attribute) or "")
            if url is not None and is_file_url(url):
                files.setdefault(url, Candidate(url, "", None, None, 12, True))
    if not files:
        return None
    ranked = sorted(files.values(), key=lambda c: -c.score)
    if ranked[0].score < 15 and _is_report_text(document):
        return None  # the text is the report; the files are something else (a scan, a form)
    return ranked


@dataclass(frozen=True)
class ColumnReading:
    """What one column page gives: the year's report links (best first) and the next pages."""

    candidates: list[Candidate]
    next_pages: list[str]


def read_column(body: bytes, content_type: str, base_url: str, year: int) -> ColumnReading:
    """:func:`find_report_links` and :func:`next_page_links` of a fetched page's bytes, decoded by
    :func:`gongkai.documents.fetch.decode_html`: one call to run in a limited child
    (``run_isolated(read_column, fetched.body, fetched.content_type, fetched.final_url, 2025)``)."""
    html = decode_html(body, content_type)
    return ColumnReading(find_report_links(html, base_url, year), next_page_links(html, base_url))


def page_attachments(body: bytes, content_type: str, base_url: str) -> list[Candidate] | None:
    """:func:`article_attachments` of a fetched page's bytes (decoded by
    :func:`gongkai.documents.fetch.decode_html`): one call to run in a limited child."""
    return article_attachments(decode_html(body, content_type), base_url)


def _is_report_text(document: Any) -> bool:
    text = normalize_title(document.text_content())
    return sum(1 for heading in _SECTIONS if heading in text) >= 3
