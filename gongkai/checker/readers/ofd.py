"""OFD (GB/T 33190, :mod:`gongkai.documents.ofd`): the pages' text and ruled tables read from the package
XML, the tables recovered as in a PDF; then lines as the PDF reader writes them."""

from __future__ import annotations

from gongkai.checker.readers.common import MSG_BLANK, MSG_OFD_BROKEN, MSG_OFD_TOO_LARGE, finish
from gongkai.checker.readers.pdf import layout_lines
from gongkai.checker.source import CELL, Source, UnreadableFile
from gongkai.documents import ofd
from gongkai.documents.zipguard import ZipRefused


def read_ofd(data: bytes) -> Source:
    try:
        answer = ofd.read_layout(data)
    except ZipRefused as exc:
        raise UnreadableFile(MSG_OFD_TOO_LARGE) from exc
    except MemoryError:
        raise
    except Exception as exc:  # NotOfd, BadZipFile, lxml's XMLSyntaxError, a malformed number …
        raise UnreadableFile(MSG_OFD_BROKEN) from exc
    lines, _, _ = layout_lines(answer["pages"], set())
    if not any(line.strip(CELL + " ") for line in lines):
        raise UnreadableFile(MSG_BLANK)
    return finish(lines, "ofd", "ofd" if answer["tables"] else None)
