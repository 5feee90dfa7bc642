"""PDF (pdfplumber, in the limited child process of :mod:`gongkai.documents.isolated`): tables
(``page.find_tables()``) become table-row lines, the text outside them prose lines, in vertical order per
page. A PDF without a text layer (a scan) is refused; so is one that passes the child's limits."""

from __future__ import annotations

from gongkai.checker.readers.common import (
    MSG_PDF_BROKEN,
    MSG_PDF_ENCRYPTED,
    MSG_PDF_NO_TEXT,
    MSG_PDF_TOO_COMPLEX,
    finish,
    join_breaks,
    row_line,
)
from gongkai.checker.source import CELL, Source, UnreadableFile
from gongkai.documents.isolated import TooComplex, read_isolated
from gongkai.documents.text import CONTROL


def read_pdf(data: bytes) -> Source:
    try:
        answer = read_isolated("layout", data)
    except TooComplex as exc:
        raise UnreadableFile(MSG_PDF_TOO_COMPLEX) from exc
    error = answer.get("error")
    if error == "encrypted" or (error is not None and answer.get("password")):
        raise UnreadableFile(MSG_PDF_ENCRYPTED)
    if error is not None:
        raise UnreadableFile(MSG_PDF_BROKEN)
    try:
        lines = _lines(answer["pages"])
        n_chars, n_tables = int(answer["chars"]), int(answer["tables"])
    except (KeyError, TypeError, ValueError) as exc:
        raise UnreadableFile(MSG_PDF_TOO_COMPLEX) from exc
    if n_chars == 0 or not any(line.strip(CELL + " ") for line in lines):
        raise UnreadableFile(MSG_PDF_NO_TEXT)
    return finish(lines, "pdf", "pdf" if n_tables else None)


def _lines(pages: list[list[dict[str, object]]]) -> list[str]:
    """The pages' items (in vertical order) as lines: prose lines, and a table's rows as row lines."""
    lines: list[str] = []
    for items in pages:
        for item in items:
            if "rows" in item:
                for row in item["rows"]:  # type: ignore[attr-defined]
                    cells = [join_breaks(CONTROL.sub("", str(c))) for c in row]
                    if cells:
                        lines.append(row_line(cells))
            else:
                line = str(item["line"])
                lines.append(CONTROL.sub("", line) if CELL not in line else line)
    return lines
