"""Word .docx (python-docx): the body's paragraphs and tables in document order; a merged cell
(``gridSpan``, ``vMerge``) is written once."""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import Any

from gongkai.checker.readers.common import CONTROL, MSG_BLANK, MSG_DOCX_BROKEN, finish, join_breaks, row_line
from gongkai.checker.source import Source, UnreadableFile


def read_docx(data: bytes) -> Source:
    import docx

    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as exc:  # PackageNotFoundError, KeyError, lxml's XMLSyntaxError, BadZipFile …
        raise UnreadableFile(MSG_DOCX_BROKEN) from exc
    lines: list[str] = []
    n_tables = _docx_blocks(document.element.body, lines)
    if not any(line.strip() for line in lines):
        raise UnreadableFile(MSG_BLANK)
    return finish(lines, "docx", "docx" if n_tables else None)


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
_W_DEL, _W_INSTR = _w("del"), _w("instrText")
_W_TXBX = _w("txbxContent")


def _docx_paragraph_text(p: Any) -> str:
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


def _docx_blocks(container: Any, lines: list[str]) -> int:
    """Paragraphs and tables of a body / cell / content control in order; returns the tables written."""
    tables = 0
    for child in container.iterchildren():
        if child.tag == _W_P:
            for line in _docx_paragraph_text(child).replace("\t", " ").split("\n"):
                lines.append(CONTROL.sub("", line))
        elif child.tag == _W_TBL:
            tables += _docx_table(child, lines)
        elif child.tag == _W_SDT:
            content = child.find(_W_SDT_CONTENT)
            if content is not None:
                tables += _docx_blocks(content, lines)
    return tables


def _docx_cells(tr: Any) -> Iterator[Any]:
    for child in tr.iterchildren():
        if child.tag == _W_TC:
            yield child
        elif child.tag == _W_SDT:
            content = child.find(_W_SDT_CONTENT)
            if content is not None:
                yield from (c for c in content.iterchildren() if c.tag == _W_TC)


def _docx_rows(tbl: Any) -> Iterator[Any]:
    for child in tbl.iterchildren():
        if child.tag == _W_TR:
            yield child
        elif child.tag == _W_SDT:
            content = child.find(_W_SDT_CONTENT)
            if content is not None:
                yield from (r for r in content.iterchildren() if r.tag == _W_TR)


def _merge_continues(tc: Any, merge_tag: str) -> bool:
    tc_pr = tc.find(_W_TCPR)
    if tc_pr is None:
        return False
    merge = tc_pr.find(merge_tag)
    if merge is None:
        return False
    return (merge.get(_W_VAL) or "continue") == "continue"


def _docx_table(tbl: Any, lines: list[str]) -> int:
    nested = any(True for _ in tbl.iterdescendants(_W_TBL))
    if nested:  # a layout table: read its cells as blocks
        tables = 0
        for tr in _docx_rows(tbl):
            for tc in _docx_cells(tr):
                if not _merge_continues(tc, _W_VMERGE) and not _merge_continues(tc, _W_HMERGE):
                    tables += _docx_blocks(tc, lines)
        return tables
    for tr in _docx_rows(tbl):
        cells: list[str] = []
        # A horizontally merged cell (w:gridSpan) is one w:tc: written once. A vertically merged cell
        # is a w:tc in every row it covers; the ones with vMerge "continue" are not written.
        for tc in _docx_cells(tr):
            if _merge_continues(tc, _W_VMERGE) or _merge_continues(tc, _W_HMERGE):
                continue
            text = "\n".join(_docx_paragraph_text(p) for p in tc.iter(_W_P))
            cells.append(join_breaks(CONTROL.sub("", text.replace("\t", " "))))
        if cells:
            lines.append(row_line(cells))
    return 1
