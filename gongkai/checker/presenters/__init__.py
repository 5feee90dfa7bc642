"""Turn a checked report into what people read: the official tables as rows of cells, and findings.

The layout of every table is derived from ``gongkai.reports.model`` (captions, labels, the 3-row headers
with their merged cells, the row groups of table 三), never spelled out here. Cells named by a finding
are marked with the finding's severity, its message (for a tooltip) and an ``id`` the findings list
links to. Templates only loop over what this module builds.

Pure presentation: no database, no request. The command line uses the same labels and locations.

:mod:`.labels` — words and locations; :mod:`.tables` — the tables as rows of cells; :mod:`.report` — a
whole report, and a check back from its JSON.
"""

from gongkai.checker.presenters.labels import (
    KIND_LABELS,
    SEVERITY_LABELS,
    TABLE_SECTIONS,
    describe_location,
    finding_message,
    format_label,
    format_value,
    kind_label,
    layout_format,
    severity_label,
    tables_format,
)
from gongkai.checker.presenters.report import (
    FindingView,
    ReportView,
    SeverityGroup,
    findings_from_json,
    present,
    result_from_json,
)
from gongkai.checker.presenters.tables import CellKey, CellView, TableView, table_views

__all__ = [
    "CellKey",
    "CellView",
    "FindingView",
    "KIND_LABELS",
    "ReportView",
    "SEVERITY_LABELS",
    "SeverityGroup",
    "TABLE_SECTIONS",
    "TableView",
    "describe_location",
    "finding_message",
    "findings_from_json",
    "format_label",
    "format_value",
    "kind_label",
    "layout_format",
    "present",
    "result_from_json",
    "severity_label",
    "table_views",
    "tables_format",
]
