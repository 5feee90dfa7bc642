"""Word .docx (:mod:`gongkai.documents.docx`): the body's paragraphs and tables in document order; a merged
cell (``gridSpan``, ``vMerge``) is written once. A zip bomb is refused from its directory. A .doc or a .wps
(Word 97 binary) is first converted to .docx by LibreOffice headless."""

from __future__ import annotations

from gongkai.checker.readers.common import (
    MSG_BLANK,
    MSG_DOC_BROKEN,
    MSG_DOC_TIMEOUT,
    MSG_DOCX_BROKEN,
    MSG_DOCX_TOO_LARGE,
    MSG_OFFICE_MISSING,
    finish,
    join_breaks,
    row_line,
)
from gongkai.checker.source import Source, UnreadableFile
from gongkai.core.messages import Message
from gongkai.documents import office
from gongkai.documents.docx import Paragraph, body_blocks, open_docx
from gongkai.documents.text import CONTROL
from gongkai.documents.zipguard import ZipRefused


def read_doc(data: bytes, suffix: str) -> Source:
    """A .doc or .wps (Word 97 binary), converted to .docx by LibreOffice (:mod:`gongkai.documents.office`)
    and read as one; the Source's ``file_kind`` is ``doc``."""
    try:
        converted = office.to_docx(data, suffix)
    except office.OfficeUnavailable as exc:
        raise UnreadableFile(MSG_OFFICE_MISSING) from exc
    except office.ConversionFailed as exc:
        if exc.timeout:
            raise UnreadableFile(Message(MSG_DOC_TIMEOUT, {"seconds": int(office.SECONDS)})) from exc
        raise UnreadableFile(MSG_DOC_BROKEN) from exc
    source = read_docx(converted)
    source.file_kind = "doc"
    return source


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
