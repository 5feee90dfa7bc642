"""Exporting annual reports as files, shared by ``gongkai report export`` and the 政务公开办's
``annual.export_all`` job: which version of an agency's report is exported (:func:`choose`), its bytes in a
format (:func:`render`), and one .zip of every published report of a seat's subtree (:class:`ExportZip`).
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils.translation import gettext as _

from gongkai.agencies.models import Agency
from gongkai.annual import documents, permissions, selectors
from gongkai.annual.models import ReportVersion, VersionStatus
from gongkai.annual.rollup.common import agencies_in_tree, latest_published
from gongkai.checker.presenters import findings_from_json
from gongkai.core.actors import Actor
from gongkai.jobs import selectors as job_selectors
from gongkai.jobs import services as jobs
from gongkai.jobs.models import Job
from gongkai.reports.export import FORMATS_BY_SUFFIX, export
from gongkai.reports.findings import Finding

#: The format names offered (the suffixes without their dot): docx, pdf, html, json.
FORMAT_NAMES: tuple[str, ...] = tuple(suffix.lstrip(".") for suffix in FORMATS_BY_SUFFIX)


@dataclass(frozen=True)
class Choice:
    """What is exported for one agency: a version, or why there is none."""

    agency: Agency
    version: ReportVersion | None
    reason: str = ""


def _workspace(agency: Agency, year: int) -> str:
    return reverse("annual:workspace", args=[agency.short_code, year])


def choose(agency: Agency, year: int, versions: list[ReportVersion], *, draft: bool) -> Choice:
    """The version of ``agency``'s report on ``year`` to export (``versions``: all of them), or the reason
    (in Chinese, with how to fix it) that there is none."""
    published = [v for v in versions if v.status == VersionStatus.PUBLISHED]
    latest = max(published, key=lambda v: v.number) if published else None
    current = next((v for v in versions if v.status == VersionStatus.DRAFT), None)
    name = agency.name
    if not versions:
        return Choice(
            agency,
            None,
            _("%(name)s尚未编写%(year)s年度报告：请在 %(url)s 编写并公开后再导出。")
            % {"name": name, "year": year, "url": reverse("annual:index")},
        )
    if draft:
        if current is not None:
            return Choice(agency, current)
        assert latest is not None  # a report with versions and no draft has a published one
        return Choice(
            agency,
            None,
            _(
                "%(name)s的%(year)s年度报告没有未公开的草稿（第%(number)s版已于%(date)s公开）："
                "去掉 --draft 即导出已公开的版本。"
            )
            % {"name": name, "year": year, "number": latest.number, "date": latest.published_on},
        )
    if latest is not None:
        return Choice(agency, latest)
    assert current is not None
    return Choice(
        agency,
        None,
        _(
            "%(name)s的%(year)s年度报告尚未公开（只有草稿）：请在 %(url)s 检查并公开，"
            "或使用 --draft 导出草稿。"
        )
        % {"name": name, "year": year, "url": _workspace(agency, year)},
    )


def _findings(version: ReportVersion) -> list[Finding]:
    """The findings of the version's last pre-publication check (for the JSON export), with their message's
    template and parameters, as the workspace reads them."""
    return findings_from_json(selectors.all_findings(version))


def render(version: ReportVersion, suffix: str) -> bytes:
    """The version as the bytes of a ``suffix`` file; raises ``ExportUnavailable`` when this machine cannot
    produce the format (no Chinese font for PDF)."""
    doc = documents.to_document(version)
    return export(doc, suffix, findings=_findings(version) if suffix == ".json" else None)


def describe(version: ReportVersion) -> str:
    report = version.report
    state = _("%(date)s公开") % {"date": version.published_on} if version.is_published else _("草稿，未公开")
    return _("%(agency)s%(year)s年度报告 第%(number)s版（%(state)s）") % {
        "agency": report.agency.name,
        "year": report.year,
        "number": version.number,
        "state": state,
    }


def file_name(agency: Agency, year: int, suffix: str) -> str:
    """``<short_code>-<year>.<ext>``: the name of an agency's exported report."""
    return f"{agency.short_code}-{year}{suffix}"


def zip_name(seat: Agency, year: int) -> str:
    return _("%(seat)s%(year)s年度下级机关年度报告.zip") % {"seat": seat.name, "year": year}


@dataclass
class ExportZip:
    """One .zip of the latest published version of every report of ``year`` in the seat's subtree, each in
    ``formats`` (``docx``, ``pdf``…), named ``<short_code>-<year>.<ext>``, with the list of the agencies
    that have none. Built in memory, one agency at a time (:meth:`add`), then :meth:`finish`."""

    seat: Agency
    year: int
    formats: list[str]
    chosen: list[tuple[Agency, ReportVersion]] = field(init=False)
    missing: list[Agency] = field(init=False)
    exported: int = field(init=False, default=0)

    def __post_init__(self) -> None:
        unknown = [f for f in self.formats if f not in FORMAT_NAMES]
        if unknown or not self.formats:
            raise ValueError(f"unknown export formats: {self.formats!r}")
        published = {
            v.report.agency_id: v
            for v in latest_published(self.seat, self.year).select_related("report", "report__agency")
        }
        self.chosen = []
        self.missing = []
        for row in agencies_in_tree(self.seat):
            version = published.get(row.pk)
            if version is None:
                self.missing.append(Agency(pk=row.pk, name=row.name, short_code=row.short_code))
            else:
                self.chosen.append((version.report.agency, version))
        self._buffer = io.BytesIO()
        self._zip = zipfile.ZipFile(self._buffer, "w", zipfile.ZIP_DEFLATED)

    @property
    def total(self) -> int:
        return len(self.chosen)

    @property
    def skipped_count(self) -> int:
        return len(self.missing)

    def add(self, agency: Agency, version: ReportVersion) -> None:
        """Render the agency's report in every format into the zip (``ExportUnavailable`` passes through)."""
        for name in self.formats:
            suffix = f".{name}"
            self._zip.writestr(file_name(agency, self.year, suffix), render(version, suffix))
        self.exported += 1

    def finish(self) -> bytes:
        if self.missing:
            lines = [
                _("以下机关没有已公开的%(year)s年度报告，未导出：") % {"year": self.year},
                *(f"{a.name}（{a.short_code}）" for a in self.missing),
            ]
            self._zip.writestr(_("未公开的机关.txt"), "\n".join(lines) + "\n")
        self._zip.close()
        return self._buffer.getvalue()


EXPORT_KIND = "annual.export_all"


def start_export(*, actor: Actor, seat: Agency, year: int, formats: list[str]) -> Job:
    """Start the ``annual.export_all`` job of the seat's subtree (:mod:`gongkai.annual.jobs`)."""
    if actor is None or not permissions.can_supervise(actor, seat):
        raise PermissionDenied(_("只有政务公开办可以导出下级机关的年度报告。"))
    chosen = [name for name in FORMAT_NAMES if name in formats]
    return jobs.start(
        EXPORT_KIND,
        actor=actor,
        agency=seat,
        params={"year": year, "formats": chosen},
        title=_("导出%(seat)s%(year)s年度下级机关年度报告（%(formats)s）")
        % {"seat": seat.name, "year": year, "formats": "、".join(chosen)},
    )


def latest_export(seat: Agency, year: int) -> Job | None:
    """The seat's latest export job of ``year`` (shown on the roll-up with its progress)."""
    return job_selectors.latest(EXPORT_KIND, agency=seat, params_contains={"year": year})
