"""Word .docx (:mod:`gongkai.documents.docx`): the body's paragraphs and tables in document order; a merged
cell (``gridSpan``, ``vMerge``) is written once. A zip bomb is refused from its directory."""

from __future__ import annotations

from gongkai.checker.readers.common import (
    MSG_BLANK,
    MSG_DOCX_BROKEN,
    MSG_DOCX_TOO_LARGE,
    finish,
    join_breaks,
    row_line,
)
from gongkai.checker.source import Source, UnreadableFile
from gongkai.documents.docx import Paragraph, body_blocks, open_docx
from gongkai.documents.text import CONTROL
from gongkai.documents.zipguard import ZipRefused


def read_docx(data: bytes) -> Source:
    try:
        document = open_docx(data)
    except ZipRefused as exc:
        raise UnreadableFile(MSG_DOCX_TOO_LARGE) from exc
    except Exception as exc:  # PackageNotFoundError, KeyError, lxml's XMLSyntaxError, BadZipFile …
        raise UnreadableFile(MSG_DOCX_BROKEN) from exc
    blocks, n_tables = body_blocks(document)
    lines: list[str] = []
    for block in blocks:
        if isinstance(block, Paragraph):
            lines.append(CONTROL.sub("", block.text))
        else:
            lines.append(row_line([join_breaks(CONTROL.sub("", cell)) for cell in block.cells]))
    if not any(line.strip() for line in lines):
        raise UnreadableFile(MSG_BLANK)
    return finish(lines, "docx", "docx" if n_tables else None)
