"""What a document is: kind, report year, agency, statistics period and the section headings.

:func:`detect_metadata` reads the report's prose (normalised by ``gongkai.reports.normalize``, table rows
removed) and finds:

* the six section headings of 条例 第五十条 (``gongkai.reports.model.SECTIONS``), also inline (crawled
  "squashed" text runs headings and tables together on one line) and with a lost number at line start;
* whether it is an annual report in the official formats, one in the free-text style of the 2007 条例
  (第三十二条: 概述 / 依申请公开 / 收费及减免 / 统计表), or not a report at all;
* the year reported on, the agency's name (never invented: ``None`` rather than a guess or a generic
  "区政府办公室"), and the statistics period (统计期限).

Pure Python: no Django, no I/O. Every regular expression is compiled once at import.
:mod:`.headings` finds the section headings, :mod:`.title` the title and year, :mod:`.agency` the agency;
:mod:`.metadata` puts them together.
"""

from gongkai.checker.detect.metadata import Metadata, detect_metadata

__all__ = ["Metadata", "detect_metadata"]
