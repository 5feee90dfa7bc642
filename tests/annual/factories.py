"""Plain functions that make annual-report rows for tests, straight through the ORM.

Published versions are created directly (``ReportVersion.save`` refuses to change a published row but
creating one is fine), so that tests of the roll-up do not depend on drafting, checking or exporting.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.contrib.auth.models import User
from django.utils import timezone

from gongkai.agencies.models import Agency, Membership, Role
from gongkai.annual.models import ImportedReport, ImportPurpose, Report, ReportVersion, VersionStatus
from gongkai.reports.model import (
    SECTION3_COLUMN_KEYS,
    SECTION4_COLUMN_KEYS,
    FormatVersion,
    format_for_year,
    get_format,
)
from gongkai.reports.tables import Tables
from tests.conftest import make_user


def year_format(year: int) -> FormatVersion:
    version = format_for_year(year)
    assert version is not None, year
    return version


def tables_json(
    version: FormatVersion,
    section3: Mapping[str, Sequence[int]] | None = None,
    section4: Mapping[str, Sequence[int]] | None = None,
) -> dict[str, Any]:
    """Every row of tables 三 and 四 of ``version``, zeros except the rows given (table 二 left empty)."""
    fmt = get_format(version)
    t3: dict[str, list[Any]] = {r.key: [0] * len(SECTION3_COLUMN_KEYS) for r in fmt.section3_rows}
    t4: dict[str, list[Any]] = {g.key: [0] * len(SECTION4_COLUMN_KEYS) for g in fmt.section4_groups}
    for key, cells in (section3 or {}).items():
        t3[key] = list(cells)
    for key, cells in (section4 or {}).items():
        t4[key] = list(cells)
    return Tables(section3=t3, section4=t4).to_json()


def finding(severity: str, code: str = "test.finding", message: str = "测试问题") -> dict[str, Any]:
    return {
        "code": code,
        "severity": severity,
        "message": message,
        "section": None,
        "table": None,
        "row": None,
        "column": None,
        "expected": None,
        "found": None,
    }


def check_result(
    findings: Iterable[dict[str, Any]] = (), extra: Iterable[dict[str, Any]] = ()
) -> dict[str, Any]:
    return {
        "fingerprint": "test",
        "checked_at": timezone.now().isoformat(),
        "previous": "",
        "result": {"kind": "annual_report", "findings": list(findings)},
        "extra": list(extra),
    }


def publish(
    agency: Agency,
    year: int,
    published_on: datetime.date,
    *,
    section3: Mapping[str, Sequence[int]] | None = None,
    section4: Mapping[str, Sequence[int]] | None = None,
    findings: Iterable[dict[str, Any]] = (),
    extra: Iterable[dict[str, Any]] = (),
) -> ReportVersion:
    """A new published version of ``agency``'s report on ``year`` (version 1, or the next correction)."""
    report, _ = Report.objects.get_or_create(agency=agency, year=year)
    last = report.versions.order_by("-number").first()
    version = year_format(year)
    return ReportVersion.objects.create(
        report=report,
        number=(last.number + 1) if last else 1,
        status=VersionStatus.PUBLISHED,
        format=version,
        sections={"overview": "总体情况。"},
        computed=tables_json(version, section3, section4),
        computed_at=timezone.now(),
        check_result=check_result(findings, extra),
        published_on=published_on,
        published_at=timezone.now(),
    )


def draft(agency: Agency, year: int) -> ReportVersion:
    report, _ = Report.objects.get_or_create(agency=agency, year=year)
    last = report.versions.order_by("-number").first()
    version = year_format(year)
    return ReportVersion.objects.create(
        report=report,
        number=(last.number + 1) if last else 1,
        status=VersionStatus.DRAFT,
        format=version,
        computed=tables_json(version),
    )


def imported(
    agency: Agency | None,
    seat: Agency,
    year: int,
    *,
    result: dict[str, Any] | None = None,
    purpose: str = ImportPurpose.SUPERVISION,
    filename: str = "report.html",
) -> ImportedReport:
    """An import as the checker would have stored it (``result`` defaults to a clean 2021/2019 report)."""
    if result is None:
        result = {
            "path": filename,
            "kind": "annual_report",
            "format": year_format(year),
            "year": year,
            "agency": agency.name if agency else None,
            "tables": tables_json(year_format(year)),
            "findings": [],
        }
    findings = result.get("findings") or []
    return ImportedReport.objects.create(
        agency=agency,
        imported_for=seat,
        purpose=purpose,
        year=year,
        filename=filename,
        agency_name=str(result.get("agency") or ""),
        error_count=sum(1 for f in findings if f["severity"] == "error"),
        warning_count=sum(1 for f in findings if f["severity"] == "warning"),
        result=result,
    )


def member(agency: Agency, role: str, username: str) -> User:
    user = make_user(username)
    Membership.objects.create(user=user, agency=agency, role=role)
    return user


def supervisor(agency: Agency, username: str) -> User:
    return member(agency, Role.SUPERVISOR, username)
