"""The checks of an annual report (年报检查): every error a reader of the published report could find.

``run_checks(report, previous)`` returns the parser's findings plus the findings of every check,
sorted by severity and then by position in the document. Every finding's code is registered in
``gongkai.checker.codes`` and documented in ``docs/checks.md``. The statutory tables (rows, columns,
identities) are asked from ``gongkai.reports.model``; nothing here re-spells a label or an identity.

One module per family of checks, each a function ``check_…(ctx) -> list[Finding]``:

* :mod:`.context` — the report as the checks read it (:class:`~.context.Ctx`), finding order;
* :mod:`.format` — kind, format, year, agency; :mod:`.period` — the statistics period;
* :mod:`.structure` — sections, tables and row labels; :mod:`.cells` — blank, text, negative cells;
* :mod:`.identities` — 勾稽关系; :mod:`.fees` — section 六's 信息处理费 statement;
* :mod:`.prose` — numbers in the prose against the tables; :mod:`.text` — ordinal lists, duplicated
  clauses;
* :mod:`.cross_year` — against last year's report;
* :mod:`.run` — :func:`run_checks`, which runs them all.

Prose checks are deliberately conservative: a number in the text is compared with a table cell only
when an explicit sentence pattern ties it to exactly one cell; a false error on a correct report is
worse than a missed one.

Pure Python (no Django); regexes are compiled once at import.
"""

from gongkai.checker.checks.run import run_checks

__all__ = ["run_checks"]
