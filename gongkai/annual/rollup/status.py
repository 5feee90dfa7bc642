"""The status of every agency of a seat's subtree for a year: its deadline and where it comes from, whether
its report is published and on time, its draft, versions and findings, or the report imported from a file."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, F, Min, Q
from django.utils.translation import gettext as _

from gongkai.agencies.models import Agency, AgencyKind
from gongkai.annual import selectors
from gongkai.annual.models import LocalDeadline, Report, ReportVersion, VersionStatus
from gongkai.annual.rollup.common import (
    agencies_in_tree,
    import_problem,
    latest_imports,
    latest_published,
    subtree_q,
)
from gongkai.annual.rollup.observers import Column, Observation, columns
from gongkai.reports.deadlines import (
    LOCALLY_SET_KINDS,
    TIMELINESS_LABELS,
    agency_deadline,
    deadline_basis,
    timeliness,
)

#: An agency whose report was not published in Gongkai but was imported from a file (published
#: elsewhere, on a date the file does not tell).
IMPORTED = "imported"


#: Statuses in the order the summary shows them.
STATUSES: tuple[str, ...] = ("on_time", "late", "missing", "not_due", "no_deadline", IMPORTED)


def status_label(status: str) -> str:
    if status == IMPORTED:
        return _("已导入外部公开的报告")
    return TIMELINESS_LABELS[status]


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
    #: What the apps above observed (``observers``): column key → observation.
    observed: dict[str, Observation] = field(default_factory=dict)

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
    #: The extra columns (``observers``) the rows' ``observed`` fill.
    columns: list[Column] = field(default_factory=list)

    def counts(self) -> list[tuple[str, str, int]]:
        """(status, label, number of agencies), in the order of :data:`STATUSES`."""
        tally = dict.fromkeys(STATUSES, 0)
        for row in self.rows:
            tally[row.status] += 1
        return [(s, status_label(s), tally[s]) for s in STATUSES]


def _stored_findings(findings: Any, extra: Any) -> list[dict[str, Any]]:
    """``selectors.all_findings`` of a version whose stored check holds these findings (the checker's) and
    these extra findings (Gongkai's own rules)."""
    check = {"result": {"findings": findings or []}, "extra": extra or []}
    return selectors.all_findings(ReportVersion(check_result=check))


def status_rollup(seat: Agency, year: int, today: datetime.date) -> StatusRollup:
    """Every agency of the seat's subtree with its deadline and report status for ``year``."""
    agencies = agencies_in_tree(seat)
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
    imports = latest_imports(seat, year)

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
            row.imported_problem = import_problem(imported["unreadable"], imported["kind"])
            if not row.imported_problem:
                # A report found on the agency's website by the monitoring has the date its column shows:
                # on time or late like a report published here; a file sent without a date cannot tell.
                shown_on = imported["published_on"]
                row.status = timeliness(deadline, shown_on, today) if shown_on else IMPORTED
                row.first_published_on = shown_on
                row.errors = imported["error_count"]
                row.warnings = imported["warning_count"]
        rows.append(row)
    extra = columns()
    for column in extra:
        seen = column.source(seat, year)
        for row in rows:
            if row.agency_id in seen:
                row.observed[column.key] = seen[row.agency_id]
    above = [local[a] for a in reversed(seat.ancestor_ids()) if a in local]
    return StatusRollup(
        seat=seat,
        year=year,
        today=today,
        rows=rows,
        own_deadline=local.get(seat.pk),
        inherited_deadline=above[0] if above else None,
        has_townships=any(a.kind in LOCALLY_SET_KINDS for a in agencies),
        columns=extra,
    )


def filter_rows(rows: Iterable[AgencyStatus], status: str = "", kind: str = "") -> list[AgencyStatus]:
    return [r for r in rows if (not status or r.status == status) and (not kind or r.kind == kind)]
