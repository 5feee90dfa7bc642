"""An import run: the rows of a spreadsheet or a crawl checked, previewed (dry run) and applied, one job
step per row (:mod:`gongkai.catalogue.jobs`). What the command line and the workspace share.
"""

from __future__ import annotations

import hashlib
import uuid
from collections import Counter
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django.db.models import QuerySet

from gongkai.agencies.models import Agency
from gongkai.catalogue.imports import rows, sheet
from gongkai.catalogue.imports.files import FileSource
from gongkai.catalogue.imports.rows import Row
from gongkai.catalogue.models import ImportOutcome, ImportRecord
from gongkai.core.messages import Message


class HeaderUnusable(Exception):
    def __init__(self, message: Message) -> None:
        super().__init__(message.template)
        self.message = message


@dataclass
class Checked:
    """The spreadsheet's rows, each checked; ``notes`` are warnings (columns ignored)."""

    rows: list[Row]
    notes: list[Message]

    @property
    def invalid(self) -> list[Row]:
        return [row for row in self.rows if not row.valid]


def check_sheet(data: bytes, filename: str, agency: Agency, files: FileSource) -> Checked:
    """Read and check every row; raises :class:`sheet.TableUnreadable` or :class:`HeaderUnusable`."""
    table = sheet.read_table(data, filename)
    header = rows.read_header(table.header)
    if header.missing:
        raise HeaderUnusable(Message(rows.MSG_MISSING_COLUMNS, {"names": header.missing}))
    notes = [Message(rows.MSG_UNKNOWN_COLUMNS, {"names": header.unknown})] if header.unknown else []
    checker = rows.Checker(agency, files)
    checked = [
        checker.check(line, f"第 {line} 行", rows.cells_of(header, cells)) for line, cells in table.rows
    ]
    rows.mark_other_agencies(agency, checked)
    return Checked(checked, notes)


#: Sheets checked in this process for an import job about to run here (the command line's): the job takes
#: the checked rows instead of parsing and checking the file again (:func:`checked_here`).
_CHECKED: dict[str, Checked] = {}


def _sheet_key(data: bytes, agency: Agency) -> str:
    return f"{agency.pk}:{hashlib.sha256(data).hexdigest()}"


@contextmanager
def checked_here(data: bytes, agency: Agency, checked: Checked) -> Iterator[None]:
    """While the block runs, the import of ``data`` for ``agency`` run in this process takes ``checked`` (what
    :func:`check_sheet` gave the caller a moment ago) instead of checking the sheet again
    (:func:`take_checked`): the command line checks a sheet before it starts the job, and a sheet of
    thousands of rows was parsed and checked twice."""
    key = _sheet_key(data, agency)
    _CHECKED[key] = checked
    try:
        yield
    finally:
        _CHECKED.pop(key, None)


def take_checked(data: bytes, agency: Agency) -> Checked | None:
    """The rows checked for ``data`` and ``agency`` by :func:`checked_here`'s caller, once; else ``None``."""
    return _CHECKED.pop(_sheet_key(data, agency), None)


def records(job: uuid.UUID | str) -> QuerySet[ImportRecord]:
    return ImportRecord.objects.filter(job=job).select_related("item").order_by("position")


def counts(job: uuid.UUID | str) -> dict[str, int]:
    found = Counter(ImportRecord.objects.filter(job=job).values_list("outcome", flat=True))
    return {outcome: found.get(outcome, 0) for outcome in ImportOutcome.values}


def summary(
    job: uuid.UUID | str, *, dry_run: bool, extra: Iterable[tuple[str, object]] = ()
) -> dict[str, object]:
    result: dict[str, object] = {"dry_run": dry_run, **counts(job)}
    result.update(extra)
    return result
