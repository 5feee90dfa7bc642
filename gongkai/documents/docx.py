"""Word .docx: :func:`open_docx` (python-docx, after :mod:`.zipguard`), and two readings of it.

* :func:`body_blocks` (the report checker): the body's paragraphs and tables in document order, as
  :class:`Paragraph` lines and :class:`Row` cells; a merged cell (``gridSpan``, ``vMerge``/``hMerge``
  "continue") is given once; deleted text and text boxes are skipped; a table that holds tables is a
  layout table whose cells are read as blocks. Tabs become spaces.
* :func:`all_text` (the privacy scanner): every part with text — body, headers, footers, notes,
  comments — in that order, deleted text included (it is still in the file); a paragraph ends a line.

Both give the text as the file has it (control characters too): the callers clean it their way.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from gongkai.documents.zipguard import OFFICE_LIMITS, ZipLimits, check_zip


def open_docx(data: bytes, limits: ZipLimits = OFFICE_LIMITS) -> Any:
    """The python-docx Document; raises :class:`~gongkai.documents.zipguard.ZipRefused` for a zip bomb and
    the library's exceptions for a broken file."""
    import docx

    check_zip(data, limits)
    return docx.Document(io.BytesIO(data))


@dataclass(frozen=True)
class Paragraph:
    text: str


@dataclass(frozen=True)
class Row:
    #: The cells' texts: a cell's paragraphs joined by newlines.
    cells: list[str]


def _w(tag: str) -> str:
    return "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}" + tag


_W_P, _W_TBL, _W_TR, _W_TC, _W_SDT, _W_SDT_CONTENT = (
    _w("p"),
    _w("tbl"),
    _w("tr"),
    _w("tc"),
    _w("sdt"),
    _w("sdtContent"),
)
_W_T, _W_TAB, _W_BR, _W_CR, _W_TCPR = _w("t"), _w("tab"), _w("br"), _w("cr"), _w("tcPr")
_W_VMERGE, _W_HMERGE, _W_VAL = _w("vMerge"), _w("hMerge"), _w("val")
_W_DEL, _W_DEL_TEXT, _W_INSTR = _w("del"), _w("delText"), _w("instrText")
_W_TXBX = _w("txbxContent")


def body_blocks(document: Any) -> tuple[list[Paragraph | Row], int]:
    """The body's paragraph lines and table rows in order, and the number of tables written as rows."""
    blocks: list[Paragraph | Row] = []
    tables = _blocks(document.element.body, blocks)
    return blocks, tables


def _paragraph_text(p: Any) -> str:
    """Text of a w:p: runs, hyperlinks, insertions; w:br → newline, w:tab → tab; deletions skipped."""
    parts: list[str] = []
    for el in p.iter(_W_T, _W_TAB, _W_BR, _W_CR):
        # skip deleted text and text boxes (their paragraphs are read on their own if at all)
        anc = el.getparent()
        skip = False
        while anc is not None and anc is not p:
            if anc.tag in (_W_DEL, _W_TXBX):
                skip = True
                break
            anc = anc.getparent()
        if skip:
            continue
        if el.tag == _W_T:
            parts.append(el.text or "")
        elif el.tag == _W_TAB:
            parts.append("\t")
        else:
            parts.append("\n")
    return "".join(parts)


def _blocks(container: Any, blocks: list[Paragraph | Row]) -> int:
    """Paragraphs and tables of a body / cell / content control in order; returns the tables written."""
    tables = 0
    for child in container.iterchildren():
        if child.tag == _W_P:
            for line in _paragraph_text(child).replace("\t", " ").split("\n"):
                blocks.append(Paragraph(line))
        elif child.tag == _W_TBL:
            tables += _table(child, blocks)
        elif child.tag == _W_SDT:
            content = child.find(_W_SDT_CONTENT)
            if content is not None:
                tables += _blocks(content, blocks)
    return tables


def _children_in(parent: Any, tag: str) -> Iterator[Any]:
    """The ``tag`` children of a row or table, also those wrapped in a content control (w:sdt)."""
    for child in parent.iterchildren():
        if child.tag == tag:
            yield child
        elif child.tag == _W_SDT:
            content = child.find(_W_SDT_CONTENT)
            if content is not None:
                yield from (c for c in content.iterchildren() if c.tag == tag)


def _merge_continues(tc: Any, merge_tag: str) -> bool:
    tc_pr = tc.find(_W_TCPR)
    if tc_pr is None:
        return False
    merge = tc_pr.find(merge_tag)
    if merge is None:
        return False
    return (merge.get(_W_VAL) or "continue") == "continue"


def _continued(tc: Any) -> bool:
    return _merge_continues(tc, _W_VMERGE) or _merge_continues(tc, _W_HMERGE)


def _table(tbl: Any, blocks: list[Paragraph | Row]) -> int:
    nested = any(True for _ in tbl.iterdescendants(_W_TBL))
    if nested:  # a layout table: read its cells as blocks
        tables = 0
        for tr in _children_in(tbl, _W_TR):
            for tc in _children_in(tr, _W_TC):
                if not _continued(tc):
                    tables += _blocks(tc, blocks)
        return tables
    for tr in _children_in(tbl, _W_TR):
        # A horizontally merged cell (w:gridSpan) is one w:tc: given once. A vertically merged cell
        # is a w:tc in every row it covers; the ones with vMerge "continue" are not given.
        cells = [
            "\n".join(_paragraph_text(p) for p in tc.iter(_W_P)).replace("\t", " ")
            for tc in _children_in(tr, _W_TC)
            if not _continued(tc)
        ]
        if cells:
            blocks.append(Row(cells))
    return 1


# -- every part's text ---------------------------------------------------------------------------

_TEXT = {_W_T, _W_DEL_TEXT, _W_INSTR}
_BREAKS = {_W_BR, _W_CR}
#: Parts with text, in the order they are read: body, headers, footers, notes, comments.
_PARTS = re.compile(r"/word/(document|header\d*|footer\d*|footnotes|endnotes|comments)\.xml")
_ORDER = ("document", "header", "footer", "footnotes", "endnotes", "comments")


def all_text(document: Any, max_chars: int) -> str:
    """The text of every part with text; reading stops after the part that passes ``max_chars``."""
    from lxml import etree

    parts: list[tuple[int, str, Any]] = []
    for part in document.part.package.iter_parts():
        m = _PARTS.fullmatch(str(part.partname))
        if not m:
            continue
        element = getattr(part, "element", None)
        if element is None:
            parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
            element = etree.fromstring(part.blob, parser)
        order = _ORDER.index(re.sub(r"\d+$", "", m.group(1)))
        parts.append((order, str(part.partname), element))
    chunks: list[str] = []
    length = 0
    for _, _, element in sorted(parts, key=lambda p: (p[0], p[1])):
        for piece in _part_text(element):
            chunks.append(piece)
            length += len(piece)
        chunks.append("\n")
        if length > max_chars:
            break
    return "".join(chunks)


def _part_text(root: Any) -> Iterator[str]:
    """Text of a WordprocessingML part in document order: runs (deleted text too), tabs and breaks; a
    paragraph (also in a table cell) ends a line."""
    from lxml import etree

    for event, el in etree.iterwalk(root, events=("start", "end")):
        tag = el.tag
        if event == "start":
            if tag in _TEXT and el.text:
                yield el.text
            elif tag == _W_TAB:
                yield "\t"
            elif tag in _BREAKS:
                yield "\n"
        elif tag == _W_P:
            yield "\n"
