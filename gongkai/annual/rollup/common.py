"""What the status roll-up and the summed tables both read, each in one query: the seat's subtree in tree
order, the latest published versions, the latest import of each agency."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import BooleanField, Case, Exists, OuterRef, Q, QuerySet, Value, When
from django.db.models.fields.json import KT
from django.utils.translation import gettext as _

from gongkai.agencies.models import Agency, AgencyKind
from gongkai.annual.models import ImportedReport, ImportPurpose, ReportVersion, VersionStatus


def subtree_q(seat: Agency, prefix: str = "") -> Q:
    """Rows whose agency (reached through ``prefix``, e.g. ``"report__agency__"``) is ``seat`` or below."""
    return Q(**{f"{prefix}path__startswith": seat.descendant_path_prefix}) | Q(**{f"{prefix}pk": seat.pk})


def visible_imports(seat: Agency) -> QuerySet[ImportedReport]:
    """Imported reports the seat's 政务公开办 may see: its own bulk imports and monitoring, and the reports
    the agencies of its subtree imported themselves (last year's report for the cross-year check)."""
    return ImportedReport.objects.filter(
        Q(purpose__in=(ImportPurpose.SUPERVISION, ImportPurpose.MONITORING), imported_for=seat)
        | (Q(purpose=ImportPurpose.PREVIOUS) & subtree_q(seat, "agency__"))
    )


@dataclass(frozen=True)
class AgencyRow:
    pk: int
    name: str
    short_code: str
    kind: str
    path: str

    @property
    def ancestor_ids(self) -> list[int]:
        return [int(part) for part in self.path.strip("/").split("/") if part]


def agencies_in_tree(seat: Agency) -> list[AgencyRow]:
    """The seat's subtree in tree order: each agency followed by those below it; siblings by kind
    (governments, departments, townships, others), then by name."""
    rows = [
        AgencyRow(*values)
        for values in Agency.objects.subtree_of(seat).values_list("pk", "name", "short_code", "kind", "path")
    ]
    kinds = {kind: rank for rank, kind in enumerate(AgencyKind.values)}
    levels = {row.pk: (kinds.get(row.kind, len(kinds)), row.name, row.pk) for row in rows}

    def key(row: AgencyRow) -> tuple[tuple[int, str, int], ...]:
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


def unreadable() -> Case:
    return Case(
        When(result__has_key="unreadable", then=Value(True)),
        default=Value(False),
        output_field=BooleanField(),
    )


def import_problem(unreadable: bool, kind: Any) -> str:
    if unreadable:
        return _("导入的文件无法读取")
    if kind == "not_a_report":
        return _("导入的文件不是政府信息公开工作年度报告")
    if kind == "template":
        return _("导入的文件是空白模板，没有填写数字")
    return ""


def latest_imports(seat: Agency, year: int, *fields: str) -> dict[int, dict[str, Any]]:
    """Per agency, its latest import for ``year`` that reads as a report, else its latest import."""
    rows = (
        visible_imports(seat)
        .filter(year=year, agency__isnull=False)
        .filter(subtree_q(seat, "agency__"))
        .annotate(unreadable=unreadable())
        .values(
            "id",
            "agency_id",
            "filename",
            "error_count",
            "warning_count",
            "published_on",
            "unreadable",
            *fields,
        )
        # KT: the text of the key on every database (SQLite's JSON_EXTRACT would give "2021" back as 2021).
        # ``format``: the format the tables use (``table_format``; results saved before it existed
        # have only ``format``, which then meant the same).
        .annotate(
            kind=KT("result__kind"),
            format=Case(
                When(Q(result__has_key="table_format"), then=KT("result__table_format")),
                default=KT("result__format"),
            ),
        )
        .order_by("agency_id", "-imported_at", "-id")
    )
    chosen: dict[int, dict[str, Any]] = {}
    for row in rows:
        current = chosen.get(row["agency_id"])
        usable = not import_problem(row["unreadable"], row["kind"])
        if current is None or (usable and import_problem(current["unreadable"], current["kind"])):
            chosen[row["agency_id"]] = row
    return chosen
