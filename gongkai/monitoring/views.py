"""Pages of the monitoring (年报监测), for the seat's 政务公开办 only: any other user gets "not found" for
the seat, as on the roll-up. Thin: reads in :mod:`.selectors`, writes in :mod:`.services`, the job in
:mod:`.jobs`, what is shown in :mod:`.presenters`."""

from __future__ import annotations

import datetime
from pathlib import PurePosixPath

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from gongkai.agencies.models import Agency
from gongkai.annual import permissions
from gongkai.annual.presenters_supervisor import workbook
from gongkai.core.responses import forbidden, serve_file
from gongkai.jobs import services as jobs
from gongkai.jobs.models import Job
from gongkai.monitoring import presenters, selectors, services
from gongkai.monitoring.forms import StartForm
from gongkai.monitoring.models import MonitoringRun
from gongkai.reports.model import FIRST_STRUCTURED_YEAR

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _private(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "private, no-store"
    return response


def _today() -> datetime.date:
    return timezone.localdate()


def _years(today: datetime.date) -> list[int]:
    return list(range(today.year - 1, FIRST_STRUCTURED_YEAR - 1, -1))


def _seat(request: HttpRequest, short_code: str) -> Agency:
    seat = Agency.objects.filter(short_code=short_code).first()
    if seat is None or not permissions.can_supervise(request.user, seat):
        raise Http404
    return seat


def _job(run: MonitoringRun) -> Job | None:
    return Job.objects.filter(pk=run.job_id).first() if run.job_id else None


@login_required
@require_http_methods(["GET", "HEAD"])
def index(request: HttpRequest) -> HttpResponse:
    seats = list(permissions.supervisor_seats(request.user).order_by("name"))
    if not seats:
        return _private(forbidden(request, _("只有政务公开办的工作人员可以使用年报监测。")))
    if len(seats) == 1:
        return redirect("monitoring:seat", seats[0].short_code)
    return _private(render(request, "monitoring/index.html", {"seats": seats}))


def _render_seat(request: HttpRequest, seat: Agency, form: StartForm | None = None) -> HttpResponse:
    today = _today()
    years = _years(today)
    if form is None:
        form = StartForm(initial={"year": years[0] if years else None}, years=years)
    context = {
        "seat": seat,
        "form": form,
        "runs": selectors.runs_of(seat)[:50],
        "targets": selectors.targets_count(seat),
    }
    return _private(render(request, "monitoring/seat.html", context))


@login_required
@require_http_methods(["GET", "HEAD"])
def seat_page(request: HttpRequest, seat: str) -> HttpResponse:
    return _render_seat(request, _seat(request, seat))


@login_required
@require_POST
def start(request: HttpRequest, seat: str) -> HttpResponse:
    agency = _seat(request, seat)
    today = _today()
    form = StartForm(request.POST, years=_years(today))
    if not form.is_valid():
        return _render_seat(request, agency, form)
    year = form.cleaned_data["year"]
    try:
        run = services.create_run(actor=request.user, seat=agency, year=year, today=today)
    except PermissionDenied:  # pragma: no cover - _seat checked the same rule
        raise Http404 from None
    except ValidationError as exc:
        for message in exc.messages:
            form.add_error("year", message)
        return _render_seat(request, agency, form)
    job = jobs.start(
        "monitoring.run",
        actor=request.user,
        agency=agency,
        params={"run": run.pk},
        title=_("%(seat)s%(year)s年度报告监测") % {"seat": agency.name, "year": year},
    )
    services.attach_job(run, str(job.pk))
    messages.success(request, _("已发起%(year)s年度报告监测。") % {"year": year})
    return redirect("monitoring:run", agency.short_code, run.pk)


def _run(seat: Agency, pk: int) -> MonitoringRun:
    run = selectors.run_of(seat, pk)
    if run is None:
        raise Http404
    return run


@login_required
@require_http_methods(["GET", "HEAD"])
def run_page(request: HttpRequest, seat: str, pk: int) -> HttpResponse:
    agency = _seat(request, seat)
    run = _run(agency, pk)
    outcomes = selectors.outcomes_of(run)
    context = {
        "seat": agency,
        "run": run,
        "job": _job(run),
        "rows": [(o, *presenters.outcome_status(o)) for o in outcomes],
        "counts": presenters.counts(outcomes),
        "year": run.year,
    }
    return _private(render(request, "monitoring/run.html", context))


@login_required
@require_http_methods(["GET", "HEAD"])
def run_xlsx(request: HttpRequest, seat: str, pk: int) -> HttpResponse:
    agency = _seat(request, seat)
    run = _run(agency, pk)

    def evidence(outcome: object) -> str:
        return request.build_absolute_uri(
            reverse("monitoring:outcome", args=(agency.short_code, getattr(outcome, "pk", 0)))
        )

    header, rows = presenters.sheet_rows(selectors.outcomes_of(run), evidence)
    filename = _("%(seat)s%(year)s年度报告监测结果.xlsx") % {"seat": agency.name, "year": run.year}
    data = workbook([(_("监测结果"), header, rows)])
    return _private(serve_file(data, filename=filename, content_type=XLSX_TYPE))


@login_required
@require_http_methods(["GET", "HEAD"])
def outcome_page(request: HttpRequest, seat: str, pk: int) -> HttpResponse:
    agency = _seat(request, seat)
    outcome = selectors.outcome_of(agency, pk)
    if outcome is None:
        raise Http404
    label, flag, detail = presenters.outcome_status(outcome)
    imported = outcome.imported
    context = {
        "seat": agency,
        "outcome": outcome,
        "label": label,
        "flag": flag,
        "detail": detail,
        "fetches": [(f, presenters.error_label(f.error)) for f in selectors.fetches_of(outcome)],
        "unreadable": (imported.result.get("unreadable", "") if imported and not imported.readable else ""),
        "import_url": (
            reverse("annual_supervise:import_detail", args=(agency.short_code, imported.pk))
            if imported
            else ""
        ),
        "year": outcome.run.year,
    }
    return _private(render(request, "monitoring/outcome.html", context))


@login_required
@require_http_methods(["GET", "HEAD"])
def fetch_file(request: HttpRequest, seat: str, pk: int) -> HttpResponse:
    agency = _seat(request, seat)
    fetch = selectors.fetch_of(agency, pk)
    if fetch is None or not fetch.file:
        raise Http404
    with fetch.file.open("rb") as stored:
        data = stored.read()
    name = PurePosixPath(fetch.file.name).name
    content_type = fetch.content_type.split(";")[0].strip() or "application/octet-stream"
    return _private(serve_file(data, filename=name, content_type=content_type))
