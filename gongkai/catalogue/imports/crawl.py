"""A crawl of the agency's existing public column: its list pages (with pagination) → each entry's
detail page, whose 信息索引表 of labelled cells (索引号、发布机构、成文日期、文号、主题分类 …), body and
attachment links give the same row as a spreadsheet line (:mod:`.rows`).

Configured by a small JSON object (:class:`CrawlConfig`, docs/catalogue.md "Crawl configuration"):
the list's first URL, a selector for the entries' links, optionally a selector for the next page (else
the usual 下一页 / TRS pager / ``index_N.html`` rules of :func:`gongkai.documents.links.next_page_links`),
a URL pattern the detail pages match, and selectors for the title, the body, the index table and the
attachments. Selectors are a small CSS subset — ``tag``, ``.class``, ``#id``, ``[attr]``, ``[attr=v]``,
descendant (space) and child (``>``), several joined by ``,`` — or XPath when they start with ``/`` or
``./`` (lxml, no extra library).

Politeness is the fetcher's (:class:`gongkai.documents.fetch.Fetcher`: robots.txt, one request per
second per host, timeouts, size cap, the SSRF guard). Parsing is pure (no Django); the pages are HTML
of the agency's own site, parsed with lxml's HTML parser (no network, no entities).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote, urljoin, urlsplit

import lxml.html

from gongkai.catalogue.imports.rows import COLUMNS, label_of
from gongkai.core.messages import N_, Message
from gongkai.documents.fetch import Fetcher, decode_html
from gongkai.documents.links import FILE_SUFFIXES, next_page_links

#: At most this many list pages (a config may lower it).
MAX_PAGES = 500
#: At most this many entries in one crawl.
MAX_ENTRIES = 20_000

MSG_CONFIG = N_("采集配置有误：%(reason)s")
MSG_CONFIG_KEY = N_("缺少“%(key)s”")
MSG_CONFIG_URL = N_("“%(key)s”应为以 http:// 或 https:// 开头的网址")
MSG_CONFIG_SELECTOR = N_("选择器“%(selector)s”无法识别")
MSG_CONFIG_PATTERN = N_("“detail_pattern”不是有效的正则表达式")
MSG_CONFIG_NUMBER = N_("“%(key)s”应为 1—%(max)s 的整数")
MSG_FETCH = N_("无法读取 %(url)s（%(error)s）")


class ConfigError(ValueError):
    def __init__(self, message: Message) -> None:
        super().__init__(message.template)
        self.message = message


_SIMPLE = re.compile(r"^([a-zA-Z][a-zA-Z0-9]*|\*)?((?:[.#][\w-]+|\[[\w-]+(?:=[^\]]*)?\])*)$")
_PART = re.compile(r"([.#])([\w-]+)|\[([\w-]+)(?:=([^\]]*))?\]")


def _compound_xpath(compound: str) -> str:
    match = _SIMPLE.match(compound)
    if match is None or not compound:
        raise ValueError(compound)
    tag = match.group(1) or "*"
    tests: list[str] = []
    for prefix, name, attribute, value in _PART.findall(match.group(2)):
        if prefix == ".":
            tests.append(f"contains(concat(' ', normalize-space(@class), ' '), ' {name} ')")
        elif prefix == "#":
            tests.append(f"@id='{name}'")
        elif value:
            tests.append(f"@{attribute}='{value.strip(chr(34) + chr(39))}'")
        else:
            tests.append(f"@{attribute}")
    return tag + "".join(f"[{t}]" for t in tests)


def to_xpath(selector: str) -> str:
    """A selector (the CSS subset above, or XPath) as XPath relative to the node it is applied to."""
    selector = selector.strip()
    if selector.startswith(("/", "./", "(")):
        return selector
    alternatives = []
    for one in selector.split(","):
        tokens = one.replace(">", " > ").split()
        if not tokens:
            raise ValueError(selector)
        path, axis = ".", "//"
        for token in tokens:
            if token == ">":
                axis = "/"
                continue
            path += axis + _compound_xpath(token)
            axis = "//"
        alternatives.append(path)
    return " | ".join(alternatives)


@dataclass(frozen=True)
class CrawlConfig:
    start_url: str
    list_links: str
    next_page: str = ""
    detail_pattern: str = ""
    max_pages: int = 50
    title: str = ""
    body: str = ""
    index_table: str = ""
    attachments: str = ""
    #: Extra fixed values for every entry (e.g. {"发布机构": "示范县自然资源局"}).
    defaults: dict[str, str] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {
            "start_url": self.start_url,
            "list_links": self.list_links,
            "next_page": self.next_page,
            "detail_pattern": self.detail_pattern,
            "max_pages": self.max_pages,
            "title": self.title,
            "body": self.body,
            "index_table": self.index_table,
            "attachments": self.attachments,
            "defaults": dict(self.defaults),
        }


def _url(value: Any, key: str) -> str:
    text = str(value or "").strip()
    if not text.lower().startswith(("http://", "https://")):
        raise ConfigError(Message(MSG_CONFIG, {"reason": Message(MSG_CONFIG_URL, {"key": key})}))
    return text


def _selector(value: Any) -> str:
    text = str(value or "").strip()
    if text:
        try:
            lxml.html.fromstring("<p></p>").xpath(to_xpath(text))
        except (ValueError, lxml.etree.XPathError) as exc:
            reason = Message(MSG_CONFIG_SELECTOR, {"selector": text})
            raise ConfigError(Message(MSG_CONFIG, {"reason": reason})) from exc
    return text


def parse_config(data: Any) -> CrawlConfig:
    """The configuration from its JSON object; :class:`ConfigError` says what is wrong."""
    if not isinstance(data, dict):
        raise ConfigError(Message(MSG_CONFIG, {"reason": Message(MSG_CONFIG_KEY, {"key": "start_url"})}))
    for key in ("start_url", "list_links"):
        if not str(data.get(key) or "").strip():
            raise ConfigError(Message(MSG_CONFIG, {"reason": Message(MSG_CONFIG_KEY, {"key": key})}))
    pattern = str(data.get("detail_pattern") or "").strip()
    try:
        re.compile(pattern)
    except re.error as exc:
        raise ConfigError(Message(MSG_CONFIG, {"reason": Message(MSG_CONFIG_PATTERN)})) from exc
    try:
        pages = int(data.get("max_pages") or 50)
    except (TypeError, ValueError):
        pages = 0
    if not 1 <= pages <= MAX_PAGES:
        reason = Message(MSG_CONFIG_NUMBER, {"key": "max_pages", "max": MAX_PAGES})
        raise ConfigError(Message(MSG_CONFIG, {"reason": reason}))
    defaults = data.get("defaults") or {}
    if not isinstance(defaults, dict):
        defaults = {}
    return CrawlConfig(
        start_url=_url(data.get("start_url"), "start_url"),
        list_links=_selector(data.get("list_links")),
        next_page=_selector(data.get("next_page")),
        detail_pattern=pattern,
        max_pages=pages,
        title=_selector(data.get("title")),
        body=_selector(data.get("body")),
        index_table=_selector(data.get("index_table")),
        attachments=_selector(data.get("attachments")),
        defaults={label: str(v) for k, v in defaults.items() if (label := label_of(str(k))) is not None},
    )


_PARSER = lxml.html.HTMLParser(remove_comments=True, no_network=True)


def _document(body: bytes, content_type: str, url: str) -> Any:
    text = decode_html(body, content_type)
    document = lxml.html.fromstring(text or "<html></html>", parser=_PARSER, base_url=url)
    return document


def _select(document: Any, selector: str) -> list[Any]:
    return [node for node in document.xpath(to_xpath(selector)) if isinstance(node, lxml.html.HtmlElement)]


def _text(node: Any) -> str:
    return " ".join(node.text_content().split())


def list_page(body: bytes, content_type: str, url: str, config: CrawlConfig) -> tuple[list[str], list[str]]:
    """The entries' URLs on a list page, and the next page's URL candidates."""
    document = _document(body, content_type, url)
    pattern = re.compile(config.detail_pattern) if config.detail_pattern else None
    entries: list[str] = []
    for node in _select(document, config.list_links):
        anchors = [node] if node.tag == "a" else node.iter("a")
        for anchor in anchors:
            href = (anchor.get("href") or "").strip()
            if not href or href.startswith(("#", "javascript:", "mailto:")):
                continue
            target = urljoin(url, href).split("#", 1)[0]
            if pattern is not None and not pattern.search(target):
                continue
            if target not in entries:
                entries.append(target)
    if config.next_page:
        nexts = [
            urljoin(url, href)
            for node in _select(document, config.next_page)
            for href in ([node.get("href")] if node.tag == "a" else [a.get("href") for a in node.iter("a")])
            if href and not href.startswith(("#", "javascript:"))
        ]
    else:
        nexts = next_page_links(decode_html(body, content_type), url)
    return entries, nexts


_LABEL_VALUE = re.compile(r"^([^:：]{1,12})[:：]\s*(.*)$")
_VALUE_TAGS = ("td", "th", "dd", "dt", "span", "li", "p", "div", "em", "strong", "b", "label")


def _labelled_cells(scope: Any) -> dict[str, str]:
    """The 信息索引表: every element whose own text is a label (索引号 …) with its value — the text after
    the colon in the same element, or the next element's text."""
    found: dict[str, str] = {}
    for node in scope.iter(*_VALUE_TAGS):
        own = " ".join((node.text or "").split()) or (_text(node) if len(node) == 0 else "")
        match = _LABEL_VALUE.match(own)
        head, value = (match.group(1), match.group(2).strip()) if match else (own, "")
        label = label_of(head)
        if label is None or label in found:
            continue
        if not value and len(node):
            whole = _text(node)
            value = _LABEL_VALUE.sub(r"\2", whole, count=1).strip() if _LABEL_VALUE.match(whole) else ""
        if not value and (node.tail or "").strip():
            value = " ".join((node.tail or "").split())
        if not value:
            sibling = node.getnext()
            if sibling is not None and label_of(_text(sibling)) is None:
                value = _text(sibling)
        if value:
            found[label] = value
    return found


def _file_name(anchor: Any, url: str) -> str:
    path_name = unquote(urlsplit(url).path.rsplit("/", 1)[-1])
    text = " ".join(anchor.text_content().split())
    suffix = "." + path_name.rsplit(".", 1)[-1].lower() if "." in path_name else ""
    if text and suffix and not text.lower().endswith(suffix):
        text += suffix
    name = text or path_name
    return re.sub(r'[\\/:*?"<>|]', "_", name)[:200]


@dataclass
class Entry:
    """What a detail page gives: the row's cells (labels of :data:`rows.COLUMNS`) and the files' URLs."""

    url: str
    cells: dict[str, str]
    files: list[tuple[str, str]]  # (name, url)


def detail_page(body: bytes, content_type: str, url: str, config: CrawlConfig) -> Entry:
    document = _document(body, content_type, url)
    cells: dict[str, str] = dict(config.defaults)
    scope = document
    if config.index_table:
        tables = _select(document, config.index_table)
        scope = tables[0] if tables else document
    cells.update({k: v for k, v in _labelled_cells(scope).items() if v})
    if config.title:
        titles = _select(document, config.title)
        if titles:
            cells["标题"] = _text(titles[0])
    if not cells.get("标题"):
        heading = document.find(".//h1")
        if heading is not None:
            cells["标题"] = _text(heading)
    bodies = _select(document, config.body) if config.body else []
    if bodies:
        cells["正文"] = "".join(
            lxml.html.tostring(child, encoding="unicode") for child in bodies[0]
        ) or _text(bodies[0])
    files: list[tuple[str, str]] = []
    anchors = (
        [a for n in _select(document, config.attachments) for a in ([n] if n.tag == "a" else n.iter("a"))]
        if config.attachments
        else [a for a in document.iter("a")]
    )
    for anchor in anchors:
        href = (anchor.get("href") or "").strip()
        if not href:
            continue
        target = urljoin(url, href)
        if not config.attachments and not urlsplit(target).path.lower().endswith(FILE_SUFFIXES):
            continue
        if all(target != u for _, u in files):
            files.append((_file_name(anchor, target), target))
    if files:
        cells["附件"] = "；".join(name for name, _ in files)
    return Entry(url=url, cells={k: v for k, v in cells.items() if k in COLUMNS}, files=files)


@dataclass
class Listing:
    entries: list[str]
    pages: int
    errors: list[Message]


def walk_lists(fetcher: Fetcher, config: CrawlConfig, limit: int | None = None) -> Listing:
    """Every entry URL of the column, page after page (each list page once), up to ``limit`` entries."""
    seen_pages: set[str] = set()
    entries: list[str] = []
    errors: list[Message] = []
    url: str | None = config.start_url
    pages = 0
    while url and pages < config.max_pages and url not in seen_pages:
        seen_pages.add(url)
        fetched = fetcher.get(url)
        pages += 1
        if not fetched.ok:
            errors.append(Message(MSG_FETCH, {"url": url, "error": fetched.error}))
            break
        found, nexts = list_page(fetched.body, fetched.content_type, fetched.final_url, config)
        for entry in found:
            if entry not in entries:
                entries.append(entry)
        if (limit is not None and len(entries) >= limit) or len(entries) >= MAX_ENTRIES:
            break
        url = next((n for n in nexts if n not in seen_pages), None)
    return Listing(entries[: limit if limit is not None else MAX_ENTRIES], pages, errors)
