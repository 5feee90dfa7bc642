"""The common form every reader produces: one normalised string with table cells marked.

Readers (``gongkai.checker.readers``) turn a file of any kind (plain text in any layout, HTML, Word
.docx, PDF) into a :class:`Source`. The parser then only deals with this one form.

The string ``Source.text``:

* is normalised (``gongkai.reports.normalize``): simplified characters, the pinyin glosses of bad
  converters removed, full-width digits/letters/punctuation made half-width where that matters for
  parsing, non-breaking and odd spaces made plain spaces;
* has paragraphs (and lines of prose) separated by ``"\\n"``;
* writes a table row as one line in which **every cell's text is followed by** :data:`CELL`, e.g. the
  row ``规章 | 0 | 0 | 0`` is ``"规章\\x1f0\\x1f0\\x1f0\\x1f"`` and a row with an empty second cell is
  ``"a\\x1f\\x1fc\\x1f"``. A cell's text never contains ``"\\n"`` or :data:`CELL`.
* Merged cells (rowspan/colspan in HTML or Word) appear **once**, at their first position; the
  positions they cover are not written. Empty cells that the source really shows (an empty ``<td>``,
  an empty ``|`` cell, an empty tab field) are written as empty cells.
* Text whose table cells were run together with no separator at all (a crawler's innerText, the
  ``squashed`` layout) is left as prose: the parser finds the rows by their labels and splits the digit
  runs using the table identities.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import cast

from gongkai.core.messages import Message

CELL = "\x1f"

#: Layout names, as reported in ``ParsedReport.layout`` and the JSON output.
LAYOUTS = ("html", "docx", "pdf", "ofd", "pipes", "markdown", "tabs", "cell_per_line", "squashed", "plain")


@dataclass
class Source:
    text: str
    #: "text", "html", "docx", "doc" (a .doc or .wps, read as its .docx), "pdf" or "ofd": what kind of file.
    file_kind: str
    #: The table layout detected by the reader (one of LAYOUTS); "plain" when no table markup was seen
    #: (the parser may then find squashed tables in the prose).
    layout: str
    #: The pages read by OCR (a scanned PDF, 1-based); empty when none was.
    ocr_pages: list[int] = field(default_factory=list)
    #: The table rows read by OCR, in document order (to say which cells came from OCR, and which digits
    #: it was unsure of: :mod:`gongkai.checker.readers.ocr`).
    ocr_rows: list[OcrRow] = field(default_factory=list)
    #: Labels and headings OCR misread, read as the official wording: (as read, as taken).
    ocr_corrections: list[tuple[str, str]] = field(default_factory=list)


@dataclass(frozen=True)
class OcrRow:
    """A table row read by OCR: its cells as read, and per cell the lowest confidence (0–100) of the
    words with digits in it (None: no digits)."""

    cells: tuple[str, ...]
    confidence: tuple[float | None, ...]


class UnreadableFile(Exception):
    """The file cannot be read as a report. The message says why and what to do: a
    :class:`~gongkai.core.messages.Message` (a plain string is taken as a message without values), so
    ``str(error)`` is the Chinese text and ``gongkai.core.i18n.render_error`` renders it in the reader's
    language."""

    def __init__(self, message: Message | str) -> None:
        super().__init__(message if isinstance(message, Message) else Message(message))

    @property
    def message(self) -> Message:
        return cast(Message, self.args[0])
