"""Readers: turn the bytes of an uploaded/downloaded file into a :class:`~gongkai.checker.source.Source`.

:func:`read_bytes` sniffs the file type from the content (the file name's suffix is only a hint):

* PDF (``%PDF-``) — pdfplumber, in the limited child process of :mod:`gongkai.documents.isolated`:
  tables (``page.find_tables()``) become table-row lines, the text outside them prose lines, in vertical
  order per page. A PDF without a text layer (a scan), or that passes the child's limits, is refused.
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
One module per kind of file (:mod:`.text`, :mod:`.html`, :mod:`.word`, :mod:`.pdf`), :mod:`.sniff` to tell
them apart, :mod:`.common` for what they share.
"""

from gongkai.checker.readers.sniff import read_bytes
from gongkai.checker.readers.text import read_text

__all__ = ["read_bytes", "read_text"]
