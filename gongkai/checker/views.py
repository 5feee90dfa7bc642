"""Views of 年报检查: the check page (nothing is stored) and the user's saved checks (我的检查记录)."""

from __future__ import annotations

import datetime
import logging
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import UploadedFile
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render, resolve_url
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from gongkai.agencies.models import Agency
from gongkai.checker import jobs as check_jobs
from gongkai.checker.forms import CheckForm, SaveCheckForm, screen_upload, sign_result
from gongkai.checker.models import SavedCheck, delete_saved_check, save_check
from gongkai.checker.pipeline import UnreadableFile, check_bytes, parse_bytes
from gongkai.checker.presenters import ReportView, present, result_from_json
from gongkai.checker.remote import check_url, make_fetcher
from gongkai.checker.result import CheckResult, ParsedReport
from gongkai.checker.selectors import agency_names
from gongkai.core import ratelimit
from gongkai.core.i18n import render as render_message
from gongkai.core.i18n import render_error
from gongkai.core.messages import message_from_json
from gongkai.jobs import services as jobs
from gongkai.jobs.models import Job

logger = logging.getLogger(__name__)

SAVED_PER_PAGE = 20


@dataclass
class Checked:
    """One file (or the pasted text) on the results page: its report, or why it could not be checked."""

    name: str
    report: ReportView | None = None
    error: str = ""
    save_form: SaveCheckForm | None = None


@require_http_methods(["GET", "HEAD", "POST"])
def check(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return render(request, "checker/check.html", {"form": CheckForm()})
    form = CheckForm(request.POST, request.FILES)
    if not form.is_valid():
        return render(request, "checker/check.html", {"form": form})
    refused = _over_limit(request, form)
    if refused is not None:
        return refused
    uploads = list(form.cleaned_data["reports"])
    if not check_jobs.runs_inline([*uploads, *filter(None, [form.cleaned_data["previous"]])]):
        return _start_job(request, form)

    previous_upload: UploadedFile | None = form.cleaned_data["previous"]
    previous: ParsedReport | None = None
    previous_error = ""
    if previous_upload is not None:
        read = _read_previous(previous_upload)
        if isinstance(read, str):
            previous_error = read
        else:
            previous = read

    agencies = _agencies_of(request.user)
    items: list[Checked] = []
    data = form.cleaned_data
    for name, outcome in _check_all(data["reports"], data["text"], data["url"], previous):
        if isinstance(outcome, str):
            items.append(Checked(name, error=outcome))
        else:
            items.append(_checked(request, name, outcome, f"r{len(items) + 1}", agencies))
    previous_name = (previous_upload.name or "") if previous_upload is not None else ""
    return _results(request, items, previous_name, previous_error)


def _checked(
    request: HttpRequest, name: str, outcome: CheckResult, prefix: str, agencies: list[Agency]
) -> Checked:
    save_form = None
    if request.user.is_authenticated:
        save_form = SaveCheckForm(
            initial={"result": sign_result(outcome.to_json())}, agencies=agencies, auto_id=f"{prefix}-%s"
        )
    return Checked(name, report=present(outcome, prefix=prefix), save_form=save_form)


def _results(
    request: HttpRequest, items: list[Checked], previous_name: str, previous_error: str
) -> HttpResponse:
    context = {
        "items": items,
        "previous_name": previous_name,
        "previous_error": previous_error,
        "login_url": f"{resolve_url(settings.LOGIN_URL)}?next={reverse('checker:check')}",
    }
    return render(request, "checker/results.html", context)


def _shown(message: object) -> str:
    """A reason kept in a job's result: a message rendered in the reader's language (or text as it is)."""
    parsed = message_from_json(message)
    return render_message(parsed) if parsed is not None else str(message or "")


def _job_results(request: HttpRequest, result: dict[str, Any]) -> HttpResponse:
    agencies = _agencies_of(request.user)
    items: list[Checked] = []
    for item in result.get("items") or []:
        name = _("粘贴的文本") if item.get("pasted") else str(item.get("name") or "")
        if "result" in item:
            items.append(
                _checked(request, name, result_from_json(item["result"]), f"r{len(items) + 1}", agencies)
            )
        else:
            items.append(Checked(name, error=str(item.get("refused") or "") or _shown(item.get("error"))))
    previous_error = _shown(result["previous_error"]) if result.get("previous_error") else ""
    return _results(request, items, str(result.get("previous_name") or ""), previous_error)


@require_http_methods(["GET", "HEAD"])
def job(request: HttpRequest, job_id: uuid.UUID) -> HttpResponse:
    """A larger check's page: its progress, then its results. Only for whoever started it (by account, or
    by browser session for a visitor not logged in), for a day; anyone else is told it is not found."""
    found = Job.objects.filter(pk=job_id).first()
    if found is None or not check_jobs.can_see(request.user, request.session, found, timezone.now()):
        raise Http404
    if check_jobs.succeeded(found):
        response = _job_results(request, found.result or {})
    else:
        response = render(request, "checker/job.html", {"job": found})
    response["Cache-Control"] = "private, no-store"
    return response


def _start_job(request: HttpRequest, form: CheckForm) -> HttpResponse:
    """A larger check: the files stored, unread, as a ``checker.check`` job; its page shows the progress and
    then the results."""
    data = form.cleaned_data
    job = check_jobs.start_check(
        user=request.user, uploads=data["reports"], text=data["text"], previous=data["previous"]
    )
    jobs.grant_session(request, job)
    return redirect("checker:job", job.pk)


#: Files (and pasted texts) checked an hour per client address, or per user when logged in (setting
#: ``GONGKAI_CHECK_FILES_PER_HOUR``).
CHECK_FILES_PER_HOUR = 60
_HOUR = datetime.timedelta(hours=1)


def _over_limit(request: HttpRequest, form: CheckForm) -> HttpResponse | None:
    """The 429 page when this request's files pass the hour's limit (counted in the database), else None."""
    data = form.cleaned_data
    files = len(data["reports"]) + (1 if data["text"].strip() else 0) + (1 if data["previous"] else 0)
    files += 1 if data["url"] else 0
    if not files:
        return None
    limit = int(getattr(settings, "GONGKAI_CHECK_FILES_PER_HOUR", CHECK_FILES_PER_HOUR))
    user = request.user
    key = ratelimit.keyed("user", str(user.pk)) if user.is_authenticated else ratelimit.client_key(request)
    retry = ratelimit.take("check-files", key, files, limit=limit, window=_HOUR)
    if retry is None:
        return None
    form.add_error(
        None,
        _("检查的文件过多：每小时最多检查 %(limit)s 个文件。请在 %(time)s 以后再试。")
        % {"limit": limit, "time": timezone.localtime(retry).strftime("%H:%M")},
    )
    response = render(request, "checker/check.html", {"form": form}, status=429)
    response["Retry-After"] = ratelimit.retry_after_seconds(retry)
    return response


def _check_all(
    uploads: list[UploadedFile], text: str, url: str, previous: ParsedReport | None
) -> Iterator[tuple[str, CheckResult | str]]:
    """Each upload (then the pasted text, then the URL) with its result or the reason it was not checked.

    Files are read one at a time, so at most one upload's content is in memory.
    """
    agencies = agency_names()
    for upload in uploads:
        name = upload.name or ""
        refused = screen_upload(upload)
        yield (
            name,
            refused if refused is not None else _check(upload.read(), name, name, previous, agencies),
        )
    if text.strip():
        pasted = _("粘贴的文本")
        yield pasted, _check(text.encode("utf-8"), "pasted.txt", pasted, previous, agencies)
    if url:
        outcome = _check_url(url, previous)
        if isinstance(outcome, CheckResult) and outcome.path != url:  # the file the page links
            yield (
                _("%(url)s（检查的是网页所附的报告文件 %(file)s）") % {"url": url, "file": outcome.path},
                outcome,
            )
        else:
            yield url, outcome


def _check_url(url: str, previous: ParsedReport | None) -> CheckResult | str:
    """The report at ``url``, fetched in this request (one URL, each fetch bounded by
    ``GONGKAI_FETCH_TIMEOUT``; no retries here: the user may try again), or why it was not checked."""
    try:
        return check_url(url, make_fetcher(retries=0), previous)
    except UnreadableFile as exc:
        return render_error(exc)
    except Exception:
        logger.exception("the checker failed on the report at %r", url)
        return _("检查这个网址时程序出错，已记录下来。请稍后再试，或者下载报告后上传检查。")


def _check(
    data: bytes, filename: str, name: str, previous: ParsedReport | None, agencies: Sequence[str]
) -> CheckResult | str:
    """The result, or the reason (in the reader's language) it could not be checked; the report's agency
    matched against the site's ``agencies``."""
    try:
        return check_bytes(data, filename=filename, previous=previous, path=name, agencies=agencies)
    except UnreadableFile as exc:
        return render_error(exc)
    except Exception:  # one file the checker chokes on must not take the others' results with it
        logger.exception("the checker failed on an uploaded file %r", name)
        return _("检查这个文件时程序出错，已记录下来。请稍后再试，或者把文件发给我们。")


def _read_previous(upload: UploadedFile) -> ParsedReport | str:
    refused = screen_upload(upload)
    if refused is not None:
        return refused
    try:
        return parse_bytes(upload.read(), upload.name or "")
    except UnreadableFile as exc:
        return render_error(exc)
    except Exception:
        logger.exception("the checker failed on an uploaded previous report %r", upload.name)
        return _("读取上年度报告时程序出错，已记录下来。")


def _agencies_of(user: AbstractBaseUser | AnonymousUser) -> list[Agency]:
    if not user.is_authenticated:
        return []
    return list(Agency.objects.filter(memberships__user_id=user.pk).distinct())


def _user(request: HttpRequest) -> AbstractBaseUser:
    user = request.user
    if not isinstance(user, AbstractBaseUser) or not user.is_authenticated:
        raise PermissionDenied
    return user


@require_POST
def save(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect_to_login(reverse("checker:check"))
    user = _user(request)
    form = SaveCheckForm(request.POST, agencies=_agencies_of(user))
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
        return redirect("checker:check")
    saved = save_check(user=user, result=form.cleaned_data["result"], agency=form.cleaned_data.get("agency"))
    messages.success(request, _("检查结果已保存。"))
    return redirect(saved)


@login_required
def saved_list(request: HttpRequest) -> HttpResponse:
    records = SavedCheck.objects.filter(user_id=_user(request).pk).select_related("agency")
    page = Paginator(records, SAVED_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "checker/saved_list.html", {"page": page})


@login_required
def saved_detail(request: HttpRequest, pk: int) -> HttpResponse:
    saved = get_object_or_404(SavedCheck.objects.select_related("agency"), pk=pk, user_id=_user(request).pk)
    report = present(result_from_json(saved.result), prefix="r1")
    return render(request, "checker/saved_detail.html", {"saved": saved, "report": report})


@login_required
@require_http_methods(["GET", "POST"])
def saved_delete(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    saved = get_object_or_404(SavedCheck, pk=pk, user_id=user.pk)
    if request.method == "POST":
        delete_saved_check(user=user, saved=saved)
        messages.success(request, _("已删除检查记录“%(name)s”。") % {"name": saved.filename})
        return redirect("checker:saved_list")
    return render(request, "checker/saved_confirm_delete.html", {"saved": saved})
