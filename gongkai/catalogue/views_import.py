"""The workspace's import of an existing catalogue (信息员): upload a spreadsheet (and a .zip of
attachments) or describe the column to crawl → a preview job (dry run) lists every row with its errors →
confirm → the import job, with a progress bar; the result page lists what was imported and the entries
held for review with their hits. Thin: the work is in :mod:`gongkai.catalogue.imports` and its jobs."""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from gongkai.agencies.models import Agency
from gongkai.catalogue import permissions
from gongkai.catalogue.imports import apply, batch, crawl
from gongkai.catalogue.models import ImportOutcome
from gongkai.core.audit import record_audit
from gongkai.core.i18n import render as render_text
from gongkai.core.messages import message_from_json
from gongkai.core.responses import forbidden
from gongkai.jobs import services as jobs
from gongkai.jobs.models import FileRole, Job, JobStatus
from gongkai.jobs.permissions import can_view as can_view_job

SHEET_KIND = "catalogue.import_sheet"
CRAWL_KIND = "catalogue.crawl"
MAX_SHEET_BYTES = 50 * 2**20
MAX_ZIP_BYTES = 1024 * 2**20
PREVIEW_LIMIT = 10


def _forbidden(request: HttpRequest, message: str) -> HttpResponse:
    return forbidden(request, message, reverse("catalogue_manage:list"), _("返回主动公开条目列表"))


def _importing_agencies(user: Any) -> Any:
    return permissions.drafting_agencies(user)


class _AgencyForm(forms.Form):
    agency = forms.ModelChoiceField(label=gettext_lazy("机关"), queryset=Agency.objects.none())
    reason = forms.CharField(
        label=gettext_lazy("直接发布的理由"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=gettext_lazy(
            "记入每个条目的审核记录和审计日志；留空则为“迁移本机关原政府信息公开目录中已经公开的信息”。"
        ),
    )

    def __init__(self, *args: Any, agencies: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["agency"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = agencies
        if agencies.count() == 1:
            field.initial = agencies.first()


class SheetForm(_AgencyForm):
    sheet = forms.FileField(
        label=gettext_lazy("目录表格（.xlsx 或 .csv）"),
        help_text=gettext_lazy(
            "第一行为列名：索引号、标题、发布机构、文号、成文日期、发布日期……（见使用说明）"
        ),
    )
    attachments = forms.FileField(label=gettext_lazy("附件压缩包（.zip，可选）"), required=False)

    def clean_sheet(self) -> Any:
        upload = self.cleaned_data["sheet"]
        if upload.size > MAX_SHEET_BYTES:
            raise forms.ValidationError(
                _("表格文件超过 %(mb)s MB：请拆分后分别导入。") % {"mb": MAX_SHEET_BYTES // 2**20}
            )
        return upload

    def clean_attachments(self) -> Any:
        upload = self.cleaned_data.get("attachments")
        if upload and upload.size > MAX_ZIP_BYTES:
            raise forms.ValidationError(
                _("附件压缩包超过 %(mb)s MB：请拆分后分别导入。") % {"mb": MAX_ZIP_BYTES // 2**20}
            )
        return upload


class CrawlForm(_AgencyForm):
    config = forms.CharField(
        label=gettext_lazy("采集配置（JSON）"),
        widget=forms.Textarea(attrs={"rows": 10, "spellcheck": "false"}),
        help_text=gettext_lazy("栏目首页网址 start_url、条目链接选择器 list_links 等，见使用说明。"),
    )

    def clean_config(self) -> dict[str, Any]:
        try:
            data = json.loads(self.cleaned_data["config"])
        except ValueError as exc:
            raise forms.ValidationError(_("采集配置不是有效的 JSON：%(reason)s") % {"reason": exc}) from exc
        try:
            return crawl.parse_config(data).to_json()
        except crawl.ConfigError as exc:
            raise forms.ValidationError(render_text(exc.message)) from exc


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def import_start(request: HttpRequest) -> HttpResponse:
    """Upload a spreadsheet (and attachments): the preview job starts."""
    agencies = _importing_agencies(request.user)
    if not agencies.exists():
        return _forbidden(request, _("只有机关的信息员可以导入主动公开目录。"))
    form = SheetForm(request.POST or None, request.FILES or None, agencies=agencies)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        inputs = [(data["sheet"].name, data["sheet"])]
        if data.get("attachments"):
            inputs.append((data["attachments"].name, data["attachments"]))
        params = {"dry_run": True, "filename": data["sheet"].name, "reason": data["reason"]}
        job = _start(request, SHEET_KIND, data["agency"], params, inputs)
        return redirect("catalogue_manage:import_result", job_id=job.pk)
    return render(request, "catalogue/manage/import_start.html", {"form": form, "crawl": False})


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def crawl_start(request: HttpRequest) -> HttpResponse:
    """Describe the column to crawl: the preview job (the first entries) starts."""
    agencies = _importing_agencies(request.user)
    if not agencies.exists():
        return _forbidden(request, _("只有机关的信息员可以导入主动公开目录。"))
    form = CrawlForm(request.POST or None, agencies=agencies)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        params = {"dry_run": True, "config": data["config"], "limit": PREVIEW_LIMIT, "reason": data["reason"]}
        job = _start(request, CRAWL_KIND, data["agency"], params, [])
        return redirect("catalogue_manage:import_result", job_id=job.pk)
    return render(request, "catalogue/manage/import_start.html", {"form": form, "crawl": True})


def _start(request: HttpRequest, kind: str, agency: Agency, params: dict[str, Any], inputs: list[Any]) -> Job:
    apply.require_importer(request.user, agency)
    with transaction.atomic():
        job = jobs.start(kind, actor=request.user, agency=agency, params=params, inputs=inputs)
        record_audit(
            request.user, "catalogue.import_started", job, agency=agency, kind=kind, dry_run=params["dry_run"]
        )
    return job


def _import_job(request: HttpRequest, job_id: Any) -> Job:
    job = get_object_or_404(
        Job.objects.select_related("agency"), pk=job_id, kind__in=(SHEET_KIND, CRAWL_KIND)
    )
    if not can_view_job(request.user, job, request.session):
        raise Http404
    return job


@login_required
@require_http_methods(["GET", "HEAD"])
def import_result(request: HttpRequest, job_id: Any) -> HttpResponse:
    """The preview or the import: progress while it runs, then every row with its outcome and errors."""
    job = _import_job(request, job_id)
    records = batch.records(job.pk)
    show = request.GET.get("show", "")
    if show in ImportOutcome.values:
        records = records.filter(outcome=show)
    page = Paginator(records, 100).get_page(request.GET.get("page"))
    rows = [
        {
            "record": record,
            "errors": [render_text(m) for m in map(message_from_json, record.errors) if m is not None],
        }
        for record in page
    ]
    counts = batch.counts(job.pk)
    context = {
        "job": job,
        "dry_run": bool(job.params.get("dry_run")),
        "finished": job.status == JobStatus.SUCCEEDED,
        "counts": [(value, label, counts[value]) for value, label in ImportOutcome.choices],
        "invalid": counts[ImportOutcome.INVALID],
        "rows": rows,
        "page": page,
        "show": show,
        "crawl": job.kind == CRAWL_KIND,
        "can_confirm": job.status == JobStatus.SUCCEEDED
        and bool(job.params.get("dry_run"))
        and job.agency is not None
        and apply.can_import(request.user, job.agency),
    }
    response = render(request, "catalogue/manage/import_result.html", context)
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
def import_confirm(request: HttpRequest, job_id: Any) -> HttpResponse:
    """Start the import previewed by ``job_id`` (the same files and configuration)."""
    preview = _import_job(request, job_id)
    if not preview.params.get("dry_run") or preview.status != JobStatus.SUCCEEDED or preview.agency is None:
        return redirect("catalogue_manage:import_result", job_id=preview.pk)
    skip = request.POST.get("skip_invalid") == "1"
    if batch.counts(preview.pk)[ImportOutcome.INVALID] and not skip:
        return _forbidden(request, _("预览中有错误的行：请改正后重新上传，或勾选“跳过有错误的行”后再导入。"))
    params = {**preview.params, "dry_run": False, "skip_invalid": skip}
    params.pop("limit", None)
    inputs = [
        (f.name, f.file.open("rb")) for f in preview.files.filter(role=FileRole.INPUT).order_by("position")
    ]
    try:
        job = _start(request, preview.kind, preview.agency, params, inputs)
    except PermissionDenied as exc:
        return _forbidden(request, str(exc))
    finally:
        for _name, handle in inputs:
            handle.close()
    return redirect("catalogue_manage:import_result", job_id=job.pk)
