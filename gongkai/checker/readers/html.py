"""HTML (lxml): script/style/nav noise dropped, block elements give line breaks, innermost ``<table>``
elements give table-row lines (a table that contains tables is a layout table: its cells are read as
blocks)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from gongkai.checker.readers.common import (
    MSG_BLANK,
    MSG_HTML_BROKEN,
    SPACE_RUN,
    break_replacement,
    finish,
    join_breaks,
    row_line,
)
from gongkai.checker.source import Source, UnreadableFile
from gongkai.documents.text import CONTROL

_DROP_TAG_NAMES = (
    "script style noscript template head nav iframe svg math object embed select option button textarea "
    "input map area audio video canvas"
)
_BLOCK_TAG_NAMES = (
    "address article aside blockquote body center dd details dialog dir div dl dt fieldset figcaption "
    "figure footer form h1 h2 h3 h4 h5 h6 header hr html legend li main menu ol p pre section summary "
    "table caption tbody thead tfoot tr ul"
)
_DROP_TAGS = frozenset(_DROP_TAG_NAMES.split())
_BLOCK_TAGS = frozenset(_BLOCK_TAG_NAMES.split())
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)
_XML_DECL = re.compile(r"^\s*<\?xml[^>]*\?>")
#: Markers in the token stream of the HTML walker.
_SOFT = "\x00"  # a newline in the HTML source (collapsible whitespace)
_HARD = "\n"  # a line break (<br>, block boundary)


class _Row:
    __slots__ = ("cells",)

    def __init__(self, cells: list[str]) -> None:
        self.cells = cells


_WS_WITH_NEWLINE = re.compile(r"[ \t\f\v\u00a0]*[\r\n][\s]*")
_WS = re.compile(r"\s+")


def _html_text(s: str | None) -> str:
    """A text node: source newlines become soft breaks, other whitespace runs a space."""
    if not s:
        return ""
    s = CONTROL.sub("", s)
    return _WS.sub(" ", _WS_WITH_NEWLINE.sub(_SOFT, s))


def read_html(text: str) -> Source:
    import lxml.etree
    import lxml.html

    text = _XML_DECL.sub("", text)
    try:
        doc = lxml.html.document_fromstring(text)
    except (lxml.etree.ParserError, ValueError) as exc:
        if not text.strip():
            raise UnreadableFile(MSG_BLANK) from exc
        raise UnreadableFile(MSG_HTML_BROKEN) from exc
    title_el = doc.find(".//title")
    title = join_breaks(_resolve_soft(title_el.text_content())) if title_el is not None else ""
    body = doc.find("body")
    root = body if body is not None else doc
    tokens: list[str | _Row] = []
    n_tables = _walk_html(root, tokens)
    lines: list[str] = []
    chunk: list[str] = []

    def flush() -> None:
        if chunk:
            for line in _resolve_soft("".join(chunk)).split(_HARD):
                line = SPACE_RUN.sub(" ", line).strip()
                if line:
                    lines.append(line)
            chunk.clear()

    for tok in tokens:
        if isinstance(tok, _Row):
            flush()
            lines.append(row_line(tok.cells))
        else:
            chunk.append(tok)
    flush()
    if title and not any(title.replace(" ", "") in line.replace(" ", "") for line in lines[:20]):
        lines.insert(0, title)
    if not lines:
        raise UnreadableFile(MSG_BLANK)
    return finish(lines, "html", "html" if n_tables else None)


_SOFT_RUN = re.compile(f"[ {_SOFT}]*{_SOFT}[ {_SOFT}]*")


def _resolve_soft(s: str) -> str:
    """Soft breaks (source newlines) vanish between CJK characters and become a space otherwise."""
    if _SOFT not in s:
        return s
    return _SOFT_RUN.sub(break_replacement, s)


def _tag(el: Any) -> str:
    tag = el.tag
    return tag.lower() if isinstance(tag, str) else ""


def _walk_html(el: Any, out: list[str | _Row]) -> int:
    """Append the tokens of ``el``'s content (not its tail) to ``out``; returns the data tables seen."""
    tables = 0
    out.append(_html_text(el.text))
    for child in el:
        tag = _tag(child)
        if not tag or tag in _DROP_TAGS or _HIDDEN_STYLE.search(child.get("style") or ""):
            pass  # comments, processing instructions, noise
        elif tag == "br":
            out.append(_HARD)
        elif tag == "table":
            tables += _html_table(child, out)
        elif tag in _BLOCK_TAGS:
            out.append(_HARD)
            tables += _walk_html(child, out)
            out.append(_HARD)
        elif tag in ("td", "th"):  # stray cells outside a table
            out.append(" ")
            tables += _walk_html(child, out)
            out.append(" ")
        else:
            tables += _walk_html(child, out)
        out.append(_html_text(child.tail))
    return tables


def _own_rows(table: Any) -> Iterator[Any]:
    for child in table:
        tag = _tag(child)
        if tag == "tr":
            yield child
        elif tag in ("thead", "tbody", "tfoot"):
            yield from (tr for tr in child if _tag(tr) == "tr")


def _html_table(table: Any, out: list[str | _Row]) -> int:
    out.append(_HARD)
    nested = any(True for _ in table.iterdescendants("table"))
    tables = 0
    for child in table:
        if _tag(child) == "caption":
            tables += _walk_html(child, out)
            out.append(_HARD)
    for tr in _own_rows(table):
        cells_el = [c for c in tr if _tag(c) in ("td", "th")]
        if nested:  # a layout table: read its cells as blocks
            for cell in cells_el:
                out.append(_HARD)
                tables += _walk_html(cell, out)
                out.append(_HARD)
            continue
        cells: list[str] = []
        for cell in cells_el:
            if _HIDDEN_STYLE.search(cell.get("style") or ""):
                continue
            sub: list[str | _Row] = []
            _walk_html(cell, sub)
            raw = "".join(t for t in sub if isinstance(t, str))
            cells.append(join_breaks(_resolve_soft(raw).replace(_HARD, "\n")))
        if cells:
            out.append(_Row(cells))
    out.append(_HARD)
    return tables if nested else 1
