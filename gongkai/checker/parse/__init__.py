"""Find the official tables in a report and read every cell.

The parser is *label-anchored*: it looks for each official row label (``gongkai.checker.labels``) in the
order the format (``gongkai.reports.model``) gives, and reads the cells between one label and the
next. That works the same on every layout the readers produce (``gongkai.checker.source``):

* table rows with marked cells (HTML, Word, PDF, pipes, tabs, one cell per line): the cells after the
  label cell, continuing on following rows until the row has all its cells;
* squashed text, where a crawler ran the cells together: the digit runs between two labels, split with
  the table's own identities (``gongkai.checker.split``); when several splits satisfy them, the column
  identities of table 三 decide, and if a choice is still a judgement it is reported.

A cell that holds text where a number belongs keeps that text; blanks and "/", "—", "无" are ``None``.

The package: :mod:`.rows` reads one row, :mod:`.tables` the three tables, :mod:`.report` the whole
source into a ``ParsedReport`` (:func:`parse_source`).
"""

from gongkai.checker.parse.report import detect_format, parse_source
from gongkai.checker.parse.rows import parse_cell, prose_of
from gongkai.checker.parse.tables import parse_tables

__all__ = ["detect_format", "parse_cell", "parse_source", "parse_tables", "prose_of"]
