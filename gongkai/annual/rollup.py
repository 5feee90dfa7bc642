"""The 政务公开办's roll-up (汇总) of the annual reports of the agencies it supervises.

For a supervisor's seat (the agency where the 政务公开办 sits) and a report year:

* :func:`status_rollup` — every agency of the seat's subtree (the seat included): its deadline and where
  the deadline comes from, whether its report is published and on time (``deadlines.timeliness``, by the
  date of the first publication: a later correction does not make a report late), its draft, versions,
  and the findings of the latest published version's stored check — or, for an agency whose report was
  not published in Gongkai, of the report imported from a file (status :data:`IMPORTED`: published
  elsewhere, on a date the file does not tell);
* :func:`summed_tables` — tables 三 and 四 added up cell by cell over the agencies whose tables are
  known (published in Gongkai, else imported and complete in the year's format), with the agencies left
  out and why.

Both run a fixed number of queries whatever the number of agencies (a city may supervise 2,000): the
agencies, the local deadlines, the reports and the imports are each read once, and the rows are put
together in Python. Nothing here writes.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, cast

from django.db.models import BooleanField, Case, Count, Exists, F, Min, OuterRef, Q, QuerySet, Value, When
from django.db.models.fields.json import KT
from django.utils.translation import gettext as _

from gongkai.agencies.models import Agency, AgencyKind
from gongkai.annual import selectors
from gongkai.annual.models import (
    ImportedReport,
    ImportPurpose,
    LocalDeadline,
    Report,
    ReportVersion,
    VersionStatus,
)
from gongkai.reports.deadlines import (
    LOCALLY_SET_KINDS,
    TIMELINESS_LABELS,
    agency_deadline,
    deadline_basis,
    timeliness,
)
from gongkai.reports.model import (
    SECTION3_COLUMN_KEYS,
    SECTION4_COLUMN_KEYS,
    FormatVersion,
    format_for_year,
    get_format,
)
from gongkai.reports.tables import Tables

#: An agency whose report was not published in Gongkai but was imported from a file (published
#: elsewhere, on a date the file does not tell).
IMPORTED = "imported"
#: Statuses in the order the summary shows them.
STATUSES: tuple[str, ...] = ("on_time", "late", "missing", "not_due", "no_deadline", IMPORTED)


def status_label(status: str) -> str:
    if status == IMPORTED:
        return _("已导入外部公开的报告")
    return TIMELINESS_LABELS[status]


def subtree_q(seat: Agency, prefix: str = "") -> Q:
    """Rows whose agency (reached through ``prefix``, e.g. ``"report__agency__"``) is ``seat`` or below."""
    return Q(**{f"{prefix}path__startswith": seat.descendant_path_prefix}) | Q(**{f"{prefix}pk": seat.pk})


def visible_imports(seat: Agency) -> QuerySet[ImportedReport]:
    """Imported reports the seat's 政务公开办 may see: its own bulk imports, and the reports the agencies of
    its subtree imported themselves (last year's report for the cross-year check)."""
    return ImportedReport.objects.filter(
        Q(purpose=ImportPurpose.SUPERVISION, imported_for=seat)
        | (Q(purpose=ImportPurpose.PREVIOUS) & subtree_q(seat, "agency__"))
    )


# ---------------------------------------------------------------------------------------------
# Deadlines
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SetDeadline:
    """A deadline a 政务公开办 set for the townships below it."""

    agency_id: int
    agency_name: str
    deadline: datetime.date


def local_deadlines(seat: Agency, year: int) -> dict[int, SetDeadline]:
    """The year's local deadlines set at the seat, above it or anywhere below it (one query)."""
    rows = (
        LocalDeadline.objects.filter(year=year)
        .filter(Q(supervisor_agency_id__in=seat.ancestor_ids()) | subtree_q(seat, "supervisor_agency__"))
        .values_list("supervisor_agency_id", "supervisor_agency__name", "deadline")
    )
    return {pk: SetDeadline(pk, name, deadline) for pk, name, deadline in rows}


def resolve_deadline(
    kind: str, ancestor_ids: Sequence[int], year: int, local: Mapping[int, SetDeadline]
) -> tuple[datetime.date | None, SetDeadline | None]:
    """The deadline of an agency of ``kind`` below ``ancestor_ids`` (root first), and the local deadline it
    comes from: the statute's, or for a township the one its nearest supervising ancestor set
    (``deadlines.agency_deadline``, with the local deadlines read beforehand)."""
    deadline, set_by = agency_deadline(kind, year, ancestor_ids, {pk: d.deadline for pk, d in local.items()})
    return deadline, (local[set_by] if set_by is not None else None)


# ---------------------------------------------------------------------------------------------
# Status of every agency
# ---------------------------------------------------------------------------------------------


@dataclass
class AgencyStatus:
    agency_id: int
    name: str
    short_code: str
    kind: str
    kind_label: str
    depth: int  # below the seat (the seat is 0)
    deadline: datetime.date | None
    #: The local deadline a township's deadline comes from (``None`` for the statute's).
    deadline_set_by: SetDeadline | None
    basis: str
    status: str  # a key of STATUSES
    #: The latest published version in Gongkai, its date, and the date of the first publication (whether
    #: the report was on time).
    version: int | None = None
    published_on: datetime.date | None = None
    first_published_on: datetime.date | None = None
    published_versions: int = 0
    has_draft: bool = False
    #: Findings of the published version's stored check, or of the imported report.
    errors: int | None = None
    warnings: int | None = None
    #: The import shown when the report was not published in Gongkai.
    imported_id: int | None = None
    imported_filename: str = ""
    #: Why the import does not count as the agency's report ("" when it does, or there is none).
    imported_problem: str = ""
    #: Filled in by the view: the report's public page or the import's detail page.
    url: str = ""

    @property
    def status_label(self) -> str:
        return status_label(self.status)

    @property
    def corrections(self) -> int:
        """Corrections published after the first publication (更正次数)."""
        return max(self.published_versions - 1, 0)

    @property
    def in_gongkai(self) -> bool:
        return self.version is not None


@dataclass
class StatusRollup:
    seat: Agency
    year: int
    today: datetime.date
    rows: list[AgencyStatus]
    #: The deadline set at the seat for its townships this year, and one set above it (inherited).
    own_deadline: SetDeadline | None
    inherited_deadline: SetDeadline | None
    has_townships: bool

    def counts(self) -> list[tuple[str, str, int]]:
        """(status, label, number of agencies), in the order of :data:`STATUSES`."""
        tally = dict.fromkeys(STATUSES, 0)
        for row in self.rows:
            tally[row.status] += 1
        return [(s, status_label(s), tally[s]) for s in STATUSES]


@dataclass(frozen=True)
class _AgencyRow:
    pk: int
    name: str
    short_code: str
    kind: str
    path: str

    @property
    def ancestor_ids(self) -> list[int]:
        return [int(part) for part in self.path.strip("/").split("/") if part]


def _agencies(seat: Agency) -> list[_AgencyRow]:
    """The seat's subtree in tree order: each agency followed by those below it; siblings by kind
    (governments, departments, townships, others), then by name."""
    rows = [
        _AgencyRow(*values)
        for values in Agency.objects.subtree_of(seat).values_list("pk", "name", "short_code", "kind", "path")
    ]
    kinds = {kind: rank for rank, kind in enumerate(AgencyKind.values)}
    levels = {row.pk: (kinds.get(row.kind, len(kinds)), row.name, row.pk) for row in rows}

    def key(row: _AgencyRow) -> tuple[tuple[int, str, int], ...]:
        return (*(levels[a] for a in row.ancestor_ids if a in levels), levels[row.pk])

    return sorted(rows, key=key)


def latest_published(seat: Agency, year: int) -> QuerySet[ReportVersion]:
    """The latest published version of each report of the year in the seat's subtree (one query)."""
    newer = ReportVersion.objects.filter(
        report=OuterRef("report"), status=VersionStatus.PUBLISHED, number__gt=OuterRef("number")
    )
    return (
        ReportVersion.objects.filter(status=VersionStatus.PUBLISHED, report__year=year)
        .filter(subtree_q(seat, "report__agency__"))
        .filter(~Exists(newer))
        .order_by()
    )


def _stored_findings(findings: Any, extra: Any) -> list[dict[str, Any]]:
    """``selectors.all_findings`` of a version whose stored check holds these findings (the checker's) and
    these extra findings (Gongkai's own rules)."""
    check = {"result": {"findings": findings or []}, "extra": extra or []}
    return selectors.all_findings(ReportVersion(check_result=check))


def _unreadable() -> Case:
    return Case(
        When(result__has_key="unreadable", then=Value(True)),
        default=Value(False),
        output_field=BooleanField(),
    )


def _import_problem(unreadable: bool, kind: Any) -> str:
    if unreadable:
        return _("导入的文件无法读取")
    if kind == "not_a_report":
        return _("导入的文件不是政府信息公开工作年度报告")
    return ""


def status_rollup(seat: Agency, year: int, today: datetime.date) -> StatusRollup:
    """Every agency of the seat's subtree with its deadline and report status for ``year``."""
    agencies = _agencies(seat)
    local = local_deadlines(seat, year)
    reports = {
        r["agency_id"]: r
        for r in Report.objects.filter(year=year)
        .filter(subtree_q(seat, "agency__"))
        .values("agency_id")
        .annotate(
            published=Count("versions", filter=Q(versions__status=VersionStatus.PUBLISHED)),
            drafts=Count("versions", filter=Q(versions__status=VersionStatus.DRAFT)),
            first_published=Min("versions__published_on", filter=Q(versions__status=VersionStatus.PUBLISHED)),
        )
        .order_by()
    }
    # Only the findings of each stored check are read (not the tables it also holds).
    published = {
        v["report__agency_id"]: v
        for v in latest_published(seat, year).values(
            "report__agency_id",
            "number",
            "published_on",
            findings=F("check_result__result__findings"),
            extra=F("check_result__extra"),
        )
    }
    imports = _latest_imports(seat, year)

    kind_labels = dict(AgencyKind.choices)
    seat_depth = seat.depth
    rows: list[AgencyStatus] = []
    for agency in agencies:
        deadline, set_by = resolve_deadline(agency.kind, agency.ancestor_ids, year, local)
        report = reports.get(agency.pk)
        version = published.get(agency.pk)
        row = AgencyStatus(
            agency_id=agency.pk,
            name=agency.name,
            short_code=agency.short_code,
            kind=agency.kind,
            kind_label=str(kind_labels.get(agency.kind, agency.kind)),
            depth=agency.path.count("/") - 1 - seat_depth,
            deadline=deadline,
            deadline_set_by=set_by,
            basis=deadline_basis(agency.kind),
            # On time or late by the first publication: a correction published later does not make a
            # report published on time late.
            status=timeliness(deadline, report["first_published"] if version and report else None, today),
            published_versions=report["published"] if report else 0,
            has_draft=bool(report and report["drafts"]),
        )
        if version is not None:
            findings = _stored_findings(version["findings"], version["extra"])
            row.version = version["number"]
            row.published_on = version["published_on"]
            row.first_published_on = report["first_published"] if report else None
            row.errors = sum(1 for f in findings if f.get("severity") == "error")
            row.warnings = sum(1 for f in findings if f.get("severity") == "warning")
        elif agency.pk in imports:
            imported = imports[agency.pk]
            row.imported_id = imported["id"]
            row.imported_filename = imported["filename"]
            row.imported_problem = _import_problem(imported["unreadable"], imported["kind"])
            if not row.imported_problem:
                row.status = IMPORTED
                row.errors = imported["error_count"]
                row.warnings = imported["warning_count"]
        rows.append(row)
    above = [local[a] for a in reversed(seat.ancestor_ids()) if a in local]
    return StatusRollup(
        seat=seat,
        year=year,
        today=today,
        rows=rows,
        own_deadline=local.get(seat.pk),
        inherited_deadline=above[0] if above else None,
        has_townships=any(a.kind in LOCALLY_SET_KINDS for a in agencies),
    )


def _latest_imports(seat: Agency, year: int, *fields: str) -> dict[int, dict[str, Any]]:
    """Per agency, its latest import for ``year`` that reads as a report, else its latest import."""
    rows = (
        visible_imports(seat)
        .filter(year=year, agency__isnull=False)
        .filter(subtree_q(seat, "agency__"))
        .annotate(unreadable=_unreadable())
        .values("id", "agency_id", "filename", "error_count", "warning_count", "unreadable", *fields)
        # KT: the text of the key on every database (SQLite's JSON_EXTRACT would give "2021" back as 2021).
        .annotate(kind=KT("result__kind"), format=KT("result__format"))
        .order_by("agency_id", "-imported_at", "-id")
    )
    chosen: dict[int, dict[str, Any]] = {}
    for row in rows:
        current = chosen.get(row["agency_id"])
        usable = not _import_problem(row["unreadable"], row["kind"])
        if current is None or (usable and _import_problem(current["unreadable"], current["kind"])):
            chosen[row["agency_id"]] = row
    return chosen


def filter_rows(rows: Iterable[AgencyStatus], status: str = "", kind: str = "") -> list[AgencyStatus]:
    return [r for r in rows if (not status or r.status == status) and (not kind or r.kind == kind)]


# ---------------------------------------------------------------------------------------------
# Tables 三 and 四 summed
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Included:
    agency_id: int
    name: str
    short_code: str
    #: "gongkai" (published here) or "import" (read from a file).
    source: str
    imported_id: int | None = None


@dataclass(frozen=True)
class Missing:
    agency_id: int
    name: str
    reason: str
    imported_id: int | None = None


@dataclass
class SummedTables:
    year: int
    format: FormatVersion
    #: ``Tables`` with ``section3`` and ``section4`` only (``section2`` is not summed).
    tables: Tables
    included: list[Included] = field(default_factory=list)
    missing: list[Missing] = field(default_factory=list)


def _complete(
    section3: Any, section4: Any, version: FormatVersion
) -> tuple[dict[str, list[int]], dict[str, list[int]]] | str:
    """Tables 三 and 四 with every row of ``version`` and only whole numbers, or why not (in Chinese)."""
    fmt = get_format(version)
    out3: dict[str, list[int]] = {}
    out4: dict[str, list[int]] = {}
    checks: list[tuple[str, Any, Sequence[tuple[str, str]], int, dict[str, list[int]]]] = [
        ("表三", section3, [(r.key, r.label) for r in fmt.section3_rows], len(SECTION3_COLUMN_KEYS), out3),
        ("表四", section4, [(g.key, g.label) for g in fmt.section4_groups], len(SECTION4_COLUMN_KEYS), out4),
    ]
    for table, data, rows, width, out in checks:
        if not isinstance(data, dict):
            return _("未读出%(table)s") % {"table": table}
        for key, label in rows:
            cells = data.get(key)
            if not isinstance(cells, list) or len(cells) != width:
                return _("%(table)s缺少“%(row)s”") % {"table": table, "row": label}
            if any(type(c) is not int for c in cells):  # not a blank, text, float or bool
                return _("%(table)s“%(row)s”有空白或不是整数的单元格") % {"table": table, "row": label}
            out[key] = list(cells)
    return out3, out4


def _add(total: dict[str, list[int]], part: Mapping[str, list[int]]) -> None:
    for key, cells in part.items():
        into = total[key]
        for i, value in enumerate(cells):
            into[i] += value


def summed_tables(seat: Agency, year: int) -> SummedTables | None:
    """Tables 三 and 四 of the seat's agencies for ``year`` added up; ``None`` before 2019 (no format).

    An agency counts with its latest version published in Gongkai (tables 三 and 四 are never entered by
    hand: the stored ``computed`` tables are the published ones), else with its latest import for the
    year when the file was read as a report in the year's format with tables 三 and 四 complete."""
    version = format_for_year(year)
    if version is None:
        return None
    fmt = get_format(version)
    total3 = {r.key: [0] * len(SECTION3_COLUMN_KEYS) for r in fmt.section3_rows}
    total4 = {g.key: [0] * len(SECTION4_COLUMN_KEYS) for g in fmt.section4_groups}
    result = SummedTables(year, version, Tables(section3=cast(Any, total3), section4=cast(Any, total4)))

    agencies = _agencies(seat)
    published = {
        row["report__agency_id"]: row
        for row in latest_published(seat, year).values(
            "report__agency_id", "format", section3=F("computed__section3"), section4=F("computed__section4")
        )
    }
    imports = _latest_imports(seat, year, "result__tables__section3", "result__tables__section4")
    for agency in agencies:
        gongkai = published.get(agency.pk)
        imported = imports.get(agency.pk)
        if gongkai is not None:
            tables = (
                _complete(gongkai["section3"], gongkai["section4"], version)
                if gongkai["format"] == version
                else _("格式与该年度不符")
            )
            if isinstance(
                tables, str
            ):  # pragma: no cover - Gongkai computes both tables in the year's format
                result.missing.append(Missing(agency.pk, agency.name, tables))
                continue
            _add(total3, tables[0])
            _add(total4, tables[1])
            result.included.append(Included(agency.pk, agency.name, agency.short_code, "gongkai"))
            continue
        if imported is None:
            result.missing.append(Missing(agency.pk, agency.name, _("未公开年度报告，也没有导入")))
            continue
        problem = _import_problem(imported["unreadable"], imported["kind"])
        if not problem and imported["format"] != version:
            problem = _("导入的报告不是%(year)s年度应采用的格式") % {"year": year}
        if problem:
            result.missing.append(Missing(agency.pk, agency.name, problem, imported["id"]))
            continue
        tables = _complete(
            imported["result__tables__section3"], imported["result__tables__section4"], version
        )
        if isinstance(tables, str):
            reason = _("导入的报告不完整：%(reason)s") % {"reason": tables}
            result.missing.append(Missing(agency.pk, agency.name, reason, imported["id"]))
            continue
        _add(total3, tables[0])
        _add(total4, tables[1])
        result.included.append(Included(agency.pk, agency.name, agency.short_code, "import", imported["id"]))
    return result
