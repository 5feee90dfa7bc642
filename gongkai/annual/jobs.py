"""The annual report's jobs (run by a worker, :mod:`gongkai.jobs`).

* ``annual.bulk_import`` — the 政务公开办's bulk import: the stored upload collected again (the same
  screening as the request's, so the same files in the same order) and each report file read and stored
  in its own step, ``file:<n>`` (exactly once: a worker killed mid-job is followed by an attempt that
  imports only the rest). The result links to the upload's results page.
* ``annual.export_all`` — every subordinate agency's published report for a year, in the chosen formats,
  as one .zip (the job's output).
"""

from __future__ import annotations

from contextlib import ExitStack

from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gongkai.agencies.models import Agency
from gongkai.annual import exports, imports, permissions
from gongkai.annual.models import ImportedReport, ImportPurpose
from gongkai.jobs.errors import JobFailed
from gongkai.jobs.registry import job_kind
from gongkai.jobs.runner import JobRun


def _seat(run: JobRun) -> Agency:
    """The job's seat, once its owner still sits there as 政务公开办 (a job outlives a role)."""
    seat = run.agency
    if seat is None or run.actor is None or not permissions.can_supervise(run.actor, seat):
        raise JobFailed(gettext_lazy("只有政务公开办可以批量导入或导出年度报告；您已不在该岗位。"))
    return seat


def discard_inputs(run: JobRun) -> None:
    """Delete the uploaded files once every one is imported: the import keeps what the checker read, not
    the files (a failed or cancelled job keeps them, for a retry)."""
    for stored in run.inputs():
        stored.file.delete(save=False)
        stored.delete()


@job_kind("annual.bulk_import", label=gettext_lazy("批量导入年报"))
def bulk_import(run: JobRun) -> dict[str, object]:
    seat = _seat(run)
    year = int(str(run.params["year"]))
    batch = str(run.params["batch"])
    with ExitStack() as stack:
        try:
            (bundle,) = run.inputs()
            names = [str(n) for n in run.params["names"]]
            collected = imports.collect_sources(imports.stored_sources(bundle, names, stack))
        except imports.ImportRefused as exc:  # pragma: no cover - the request screened the same files
            raise JobFailed(exc.messages[0]) from None
        candidates = collected.candidates
        run.set_total(len(candidates))
        agencies = imports.subtree_names(seat)
        for number, candidate in enumerate(candidates, start=1):
            run.check_cancelled()
            with run.step(f"file:{number}") as step:
                if step.done:
                    continue
                run.message(
                    _("正在读取 %(n)d/%(total)d：%(name)s")
                    % {"n": number, "total": len(candidates), "name": candidate.name}
                )
                try:
                    imports.import_one(
                        actor=run.actor,
                        seat=seat,
                        year=year,
                        batch=batch,
                        candidate=candidate,
                        agencies=agencies,
                    )
                except PermissionDenied:  # pragma: no cover - _seat checked the same rule
                    raise JobFailed(gettext_lazy("只有政务公开办可以批量导入年度报告。")) from None
    imported = ImportedReport.objects.filter(
        purpose=ImportPurpose.SUPERVISION, imported_for=seat, result__import_batch=batch
    ).count()
    discard_inputs(run)
    url = reverse("annual_supervise:imports", args=(seat.short_code, year))
    run.message(
        _("已导入 %(count)d 个文件，跳过 %(skipped)d 个。")
        % {"count": imported, "skipped": len(collected.skipped)}
    )
    return {
        "imported": imported,
        "skipped": [[s.name, s.reason] for s in collected.skipped[: imports.MAX_SKIPPED_KEPT]],
        "batch": batch,
        "next_url": f"{url}?batch={batch}",
    }


@job_kind("annual.export_all", label=gettext_lazy("导出全部机关的年度报告"))
def export_all(run: JobRun) -> dict[str, object]:
    seat = _seat(run)
    year = int(str(run.params["year"]))
    formats = [str(f) for f in run.params["formats"]]
    archive = exports.ExportZip(seat, year, formats)
    run.set_total(archive.total)
    for agency, version in archive.chosen:
        run.check_cancelled()
        run.message(_("正在导出：%(agency)s") % {"agency": agency.name})
        with run.step(f"agency:{agency.pk}"):
            archive.add(agency, version)  # nothing is written to the database: the step only counts
    data = archive.finish()
    name = exports.zip_name(seat, year)
    run.add_output(name, data, content_type="application/zip")
    return {"exported": archive.exported, "skipped": archive.skipped_count}
