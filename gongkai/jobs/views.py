"""The job pages: my jobs, one job (progress, result, files, error, cancel and retry), its status as JSON for
the progress bar, and its files."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gongkai.core.i18n import render as render_message
from gongkai.core.messages import message_from_json
from gongkai.core.pagination import CappedPaginator
from gongkai.core.responses import serve_file
from gongkai.jobs import registry, services
from gongkai.jobs.models import FileRole, Job, JobFile, JobStatus
from gongkai.jobs.permissions import can_view
from gongkai.jobs.selectors import visible_jobs

PER_PAGE = 30


def _job(request: HttpRequest, job_id: uuid.UUID) -> Job:
    job = get_object_or_404(Job.objects.select_related("owner", "agency"), pk=job_id)
    if not can_view(request.user, job, request.session):
        # Not found rather than forbidden: the id of someone else's job says nothing.
        raise Http404
    return job


def _private(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "private, no-store"
    return response


def status_of(job: Job) -> dict[str, Any]:
    """What the progress bar shows (also the JSON of ``status.json``)."""
    error = message_from_json(job.error) if job.error else None
    result = job.result if isinstance(job.result, dict) else {}
    return {
        "id": str(job.pk),
        "status": job.status,
        "status_label": str(job.get_status_display()),
        "done": job.done,
        "total": job.total,
        "percent": job.percent,
        "message": job.message,
        "finished": job.is_finished,
        "error": render_message(error) if error is not None else "",
        "next_url": str(result.get("next_url", "")),
    }


@login_required
def job_list(request: HttpRequest) -> HttpResponse:
    jobs = visible_jobs(request.user)
    status = request.GET.get("status", "")
    if status in JobStatus.values:
        jobs = jobs.filter(status=status)
    page = CappedPaginator(jobs, PER_PAGE, cap=None).get_page(request.GET.get("page"))
    rows = [(job, registry.label(job.kind)) for job in page.object_list]
    return _private(
        render(
            request,
            "jobs/list.html",
            {"page": page, "rows": rows, "statuses": JobStatus.choices, "status": status},
        )
    )


def job_detail(request: HttpRequest, job_id: uuid.UUID) -> HttpResponse:
    job = _job(request, job_id)
    files = list(job.files.filter(role=FileRole.OUTPUT).order_by("position", "id"))
    return _private(
        render(
            request,
            "jobs/detail.html",
            {
                "job": job,
                "kind_label": registry.label(job.kind),
                "status": status_of(job),
                "files": files,
                "show_traceback": bool(job.traceback) and getattr(request.user, "is_superuser", False),
            },
        )
    )


def job_status(request: HttpRequest, job_id: uuid.UUID) -> HttpResponse:
    job = _job(request, job_id)
    return _private(JsonResponse(status_of(job)))


@require_POST
def job_cancel(request: HttpRequest, job_id: uuid.UUID) -> HttpResponse:
    job = _job(request, job_id)  # whoever sees the job may cancel it
    services.cancel(job, actor=request.user)
    return redirect(job)


@require_POST
def job_retry(request: HttpRequest, job_id: uuid.UUID) -> HttpResponse:
    job = _job(request, job_id)  # whoever sees the job may retry it
    services.retry(job, actor=request.user)
    return redirect(job)


def job_file(request: HttpRequest, job_id: uuid.UUID, file_id: int) -> HttpResponse:
    job = _job(request, job_id)
    job_file_row = get_object_or_404(JobFile, pk=file_id, job=job, role=FileRole.OUTPUT)
    return _private(
        serve_file(
            job_file_row.file.open("rb"),
            filename=job_file_row.name,
            content_type=job_file_row.content_type or "application/octet-stream",
        )
    )


@require_POST
def start_probe(request: HttpRequest) -> HttpResponse:
    """A superuser checks that the workers run jobs."""
    if not (
        request.user.is_authenticated
        and request.user.is_active
        and getattr(request.user, "is_superuser", False)
    ):
        raise PermissionDenied(_("只有超级管理员可以检查工作进程。"))
    job = services.start("jobs.probe", actor=request.user, params={"steps": 5, "seconds": 1})
    return redirect(job)
