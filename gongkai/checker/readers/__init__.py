"""Readers: turn the bytes of an uploaded/downloaded file into a :class:`~gongkai.checker.source.Source`.

:func:`read_bytes` sniffs the file type from the content (the file name's suffix is only a hint):

* PDF (``%PDF-``) — pdfplumber, in the limited child process of :mod:`gongkai.documents.isolated`:
  tables (``page.find_tables()``) become table-row lines, the text outside them prose lines, in vertical
  order per page. Scanned pages (pictures, no text) are read by OCR (:mod:`gongkai.documents.ocr`), their
  tables recovered from the ruled lines of the picture; :mod:`.ocr` says afterwards which cells came from
  OCR and which digits it doubted. A PDF that passes the child's limits is refused.
* OFD (a zip holding ``OFD.xml``) — the package XML (:mod:`gongkai.documents.ofd`), tables recovered from
  its ruled lines like a PDF's (:mod:`.ofd`).
* .doc and WPS's .wps (OLE2 with a ``WordDocument`` stream) — converted to .docx by LibreOffice headless
  (:mod:`gongkai.documents.office`), then read as .docx.
* DOCX (a zip holding ``word/document.xml``, within :mod:`gongkai.documents.zipguard`'s limits) —
  python-docx (:mod:`gongkai.documents.docx`): the body's paragraphs and tables in document order; a
  merged cell (``gridSpan``, ``vMerge``) is written once.
* HTML (starts with a tag such as ``<html``/``<table``/``<p``, or suffix ``.htm``/``.html``) — lxml:
  script/style/nav noise dropped, block elements give line breaks, innermost ``<table>`` elements give
  table-row lines (a table that contains tables is a layout table: its cells are read as blocks).
* Anything else is text (:mod:`gongkai.documents.text`: a BOM, UTF-8, UTF-16, GB18030 or Big5);
  table-looking lines are converted according to their layout: ``pipes``, ``markdown``,
  ``cell_per_line``, ``tabs``; prose stays prose (``squashed``/``plain``).

Unsupported or broken input raises :class:`~gongkai.checker.source.UnreadableFile` with a message
(Chinese, rendered in the reader's language) saying why and what to do. No library exception escapes.
One module per kind of file (:mod:`.text`, :mod:`.html`, :mod:`.word`, :mod:`.pdf`, :mod:`.ofd`),
:mod:`.sniff` to tell them apart, :mod:`.common` for what they share.
"""

from gongkai.checker.readers.sniff import read_bytes
from gongkai.checker.readers.text import read_text

__all__ = ["read_bytes", "read_text"]
