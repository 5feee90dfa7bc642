"""The catalogue workspace (主动公开, /manage/catalogue/): list, drafting, review, publishing, print forms.

Thin views: every write is a call of :mod:`gongkai.catalogue.services`, which checks the permission,
the state of the entry and the input; the views only choose what to show. An entry of another agency
is "not found" (404), never "forbidden"; a visible entry the user may not act on gets a 403 page with
the reason. The reads are in :mod:`gongkai.catalogue.selectors`, what a page shows in
:mod:`gongkai.catalogue.presenters_manage`.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from gongkai.agencies.models import Agency
from gongkai.catalogue import permissions, selectors, services, workflow
from gongkai.catalogue.forms_manage import (
    OPEN_STATES,
    STATE_OPEN,
    AcknowledgeForm,
    AttachmentForm,
    ColumnAreasForm,
    ItemFilterForm,
    ItemForm,
    MaskForm,
    RedactForm,
    SensitiveWordForm,
    StepForm,
)
from gongkai.catalogue.indexing import SearchPaginator, SearchResults
from gongkai.catalogue.models import Item
from gongkai.catalogue.presenters_manage import Row, entry_context, print_context
from gongkai.catalogue.services.redaction import becomes_pdf
from gongkai.core.i18n import render as render_text
from gongkai.core.responses import forbidden, serve_file
from gongkai.statute.standard_areas import SOURCE
from gongkai.workdays.store import current_calendar

PER_PAGE = 50
DETAIL_TEMPLATE = "catalogue/manage/detail.html"


def _forbidden(request: HttpRequest, message: str) -> HttpResponse:
    return forbidden(request, message, reverse("catalogue_manage:list"), _("返回主动公开条目列表"))


def _visible_item(request: HttpRequest, pk: int) -> Item:
    return selectors.visible_item(request.user, pk)


def _private(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "private, no-store"
    return response


# ---------------------------------------------------------------------------------------------
# The list
# ---------------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "HEAD"])
def item_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    agencies = permissions.staff_agencies(user)
    if not agencies.exists():
        return _forbidden(request, _("只有机关的信息员、审核人、分管领导等工作人员可以使用主动公开工作台。"))
    form = ItemFilterForm(request.GET or None, agencies=agencies)
    status = form.value("status") if form.is_bound else ""
    items = selectors.workspace_items(
        user,
        statuses=OPEN_STATES if status == STATE_OPEN else (status,) if status else (),
        kind=form.value("kind") if form.is_bound else "",
        agency=form.value("agency") if form.is_bound else None,
        q=(form.value("q") or "").strip() if form.is_bound else "",
    )
    paginator = (
        SearchPaginator(items, PER_PAGE) if isinstance(items, SearchResults) else Paginator(items, PER_PAGE)
    )
    page = paginator.get_page(request.GET.get("page"))
    today = timezone.localdate()
    objects = list(page.object_list)
    # One calendar for every row (current_calendar() costs a query).
    calendar = current_calendar() if any(item.status in OPEN_STATES for item in objects) else None
    rows = [
        Row(item, selectors.publication_clock(item, today, calendar=calendar))
        if item.status in OPEN_STATES
        else Row(item, None)
        for item in objects
    ]
    context = {
        "form": form,
        "page": page,
        "query": items.query if isinstance(items, SearchResults) else "",
        "rows": rows,
        "today": today,
        "show_agency": agencies.count() > 1,
        "can_create": permissions.drafting_agencies(user).exists(),
        "can_words": permissions.word_agencies(user).exists(),
        "can_areas": permissions.is_superuser(user) or permissions.area_agencies(user).exists(),
    }
    return _private(render(request, "catalogue/manage/list.html", context))


# ---------------------------------------------------------------------------------------------
# Drafting
# ---------------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def item_new(request: HttpRequest) -> HttpResponse:
    agencies = permissions.drafting_agencies(request.user)
    if not agencies.exists():
        return _forbidden(request, _("只有机关的信息员可以起草主动公开条目。"))
    form = ItemForm(request.POST if request.method == "POST" else None, agencies=agencies)
    if request.method == "POST" and form.is_valid():
        try:
            item = services.create_draft(
                actor=request.user, agency=form.cleaned_data["agency"], data=form.data_for_service()
            )
        except PermissionDenied as exc:
            return _forbidden(request, str(exc))
        except ValidationError as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, _("已保存草稿。"))
            return redirect("catalogue_manage:detail", pk=item.pk)
    return render(request, "catalogue/manage/form.html", {"form": form, "item": None})


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def item_edit(request: HttpRequest, pk: int) -> HttpResponse:
    item = _visible_item(request, pk)
    decision = _decision(request, item, workflow.EDIT)
    if not decision.allowed:
        if decision.code == workflow.REFUSED_STATE:
            messages.error(request, render_text(decision.reason))
            return redirect("catalogue_manage:detail", pk=item.pk)
        return _forbidden(request, render_text(decision.reason))
    form = ItemForm(request.POST if request.method == "POST" else None, item=item)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_draft(actor=request.user, item=item, data=form.data_for_service())
        except PermissionDenied as exc:
            return _forbidden(request, str(exc))
        except ValidationError as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, _("已保存修改。"))
            return redirect("catalogue_manage:detail", pk=item.pk)
    return render(request, "catalogue/manage/form.html", {"form": form, "item": item})


def _decision(request: HttpRequest, item: Item, action: str) -> workflow.Decision:
    return selectors.decide(request.user, item, action)


# ---------------------------------------------------------------------------------------------
# The entry page
# ---------------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "HEAD"])
def item_detail(request: HttpRequest, pk: int) -> HttpResponse:
    item = _visible_item(request, pk)
    return _private(render(request, DETAIL_TEMPLATE, entry_context(request.user, item)))


@login_required
@require_POST
def item_act(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """One step of the workflow (``workflow.STEPS``) through its service, back to the entry page."""
    if action not in workflow.STEPS:
        raise Http404
    item = _visible_item(request, pk)
    label = render_text(workflow.action_message(action))
    decision = _decision(request, item, action)
    if not decision.allowed:
        if decision.code == workflow.REFUSED_STATE:
            messages.error(request, render_text(decision.reason))
            return redirect("catalogue_manage:detail", pk=item.pk)
        return _forbidden(request, render_text(decision.reason))
    form = StepForm(request.POST, action=action)
    if form.is_valid():
        data = form.cleaned_data
        if form.needs_confirmation and not data.get("confirmed"):
            return render(
                request, "catalogue/manage/confirm.html", {"item": item, "form": form, "label": label}
            )
        if action == workflow.PUBLISH and item.corrects_id is not None and not data.get("confirmed"):
            # Publishing a correction draft replaces the public content of the entry it corrects.
            return render(
                request,
                "catalogue/manage/confirm_correction.html",
                {"item": item, "form": form, "label": label, "original": item.corrects},
            )
        try:
            services.perform(actor=request.user, item=item, action=action, note=data["note"])
        except PermissionDenied as exc:
            return _forbidden(request, str(exc))
        except ValidationError as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, _("已办理：%(action)s。") % {"action": label})
            return redirect("catalogue_manage:detail", pk=item.pk)
    item.refresh_from_db()
    return _private(render(request, DETAIL_TEMPLATE, entry_context(request.user, item, bound=form)))


@login_required
@require_POST
def item_mask(request: HttpRequest, pk: int) -> HttpResponse:
    item = _visible_item(request, pk)
    form = MaskForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("遮盖请求无效，请刷新页面后重试。"))
        return redirect("catalogue_manage:detail", pk=item.pk)
    data = form.cleaned_data
    try:
        services.mask_hit(
            actor=request.user,
            item=item,
            source=data["source"],
            start=data["start"],
            end=data["end"],
            kind=data["kind"],
        )
    except PermissionDenied as exc:
        return _forbidden(request, str(exc))
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("已更正。") if data["kind"] == "sensitive_word" else _("已遮盖。"))
    return redirect(f"{item_url(item)}#scan-heading")


@login_required
@require_POST
def item_acknowledge(request: HttpRequest, pk: int) -> HttpResponse:
    """Acknowledge the ticked findings of the privacy scan (or all of them)."""
    item = _visible_item(request, pk)
    form = AcknowledgeForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("确认请求无效，请刷新页面后重试。"))
        return redirect(f"{item_url(item)}#scan-heading")
    data = form.cleaned_data
    if not data["acknowledge"] and not data["everything"]:
        messages.error(request, _("请先勾选要确认的检查结果。"))
        return redirect(f"{item_url(item)}#scan-heading")
    try:
        count = services.acknowledge(
            actor=request.user, item=item, keys=data["acknowledge"], everything=data["everything"]
        )
    except PermissionDenied as exc:
        return _forbidden(request, str(exc))
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("已确认 %(n)s 处检查结果。") % {"n": count})
    return redirect(f"{item_url(item)}#scan-heading")


def item_url(item: Item) -> str:
    return reverse("catalogue_manage:detail", kwargs={"pk": item.pk})


# ---------------------------------------------------------------------------------------------
# Files
# ---------------------------------------------------------------------------------------------


@login_required
@require_POST
def attachment_add(request: HttpRequest, pk: int) -> HttpResponse:
    item = _visible_item(request, pk)
    form = AttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            services.add_attachment(
                actor=request.user, item=item, filename=upload.name or "", data=upload.read()
            )
        except PermissionDenied as exc:
            return _forbidden(request, str(exc))
        except ValidationError as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, _("已上传附件。"))
            return redirect("catalogue_manage:detail", pk=item.pk)
    item.refresh_from_db()
    return _private(render(request, DETAIL_TEMPLATE, entry_context(request.user, item, attach_form=form)))


@login_required
@require_http_methods(["GET", "HEAD"])
def attachment_download(request: HttpRequest, pk: int, attachment_pk: int) -> HttpResponse:
    item = _visible_item(request, pk)
    attachment = selectors.item_attachment(item, attachment_pk, with_data=True)
    response = serve_file(
        attachment.read_bytes(),
        filename=attachment.filename,
        content_type=attachment.content_type,
        # A PDF or an image opens in the browser (never HTML or SVG: serve_file); ?download=1 saves it.
        inline=request.GET.get("download") != "1",
    )
    return _private(response)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def attachment_remove(request: HttpRequest, pk: int, attachment_pk: int) -> HttpResponse:
    item = _visible_item(request, pk)
    attachment = selectors.item_attachment(item, attachment_pk, with_data=False)
    decision = _decision(request, item, workflow.EDIT)
    if not decision.allowed:
        if decision.code == workflow.REFUSED_STATE:
            messages.error(request, render_text(decision.reason))
            return redirect("catalogue_manage:detail", pk=item.pk)
        return _forbidden(request, render_text(decision.reason))
    if request.method == "POST":
        try:
            services.remove_attachment(actor=request.user, attachment=attachment)
        except PermissionDenied as exc:
            return _forbidden(request, str(exc))
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("已删除附件“%(name)s”。") % {"name": attachment.filename})
        return redirect("catalogue_manage:detail", pk=item.pk)
    return render(
        request, "catalogue/manage/attachment_remove.html", {"item": item, "attachment": attachment}
    )


@login_required
@require_POST
def attachment_redact(request: HttpRequest, pk: int, attachment_pk: int) -> HttpResponse:
    """Redact one hit (or every hit) of a file in the file itself (涂黑; 更正 of a 错敏词): starts the job.

    A file that becomes a PDF (.doc, .wps) is first shown on a confirmation page saying so; the job starts
    from its button (``confirmed``)."""
    item = _visible_item(request, pk)
    attachment = selectors.item_attachment(item, attachment_pk, with_data=False)
    form = RedactForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("涂黑请求无效，请刷新页面后重试。"))
        return redirect(f"{item_url(item)}#scan-heading")
    data = form.cleaned_data
    spots = None
    if not data["everything"]:
        if data["start"] is None or data["end"] is None or not data["kind"]:
            messages.error(request, _("涂黑请求无效，请刷新页面后重试。"))
            return redirect(f"{item_url(item)}#scan-heading")
        spots = [(data["start"], data["end"], data["kind"])]
    try:
        if becomes_pdf(attachment) and not data["confirmed"]:
            preview = services.preview_redaction(actor=request.user, attachment=attachment, spots=spots)
            return render(
                request,
                "catalogue/manage/redact_confirm.html",
                {"item": item, "preview": preview, "form": data},
            )
        services.redact_attachment(actor=request.user, attachment=attachment, spots=spots)
    except PermissionDenied as exc:
        return _forbidden(request, str(exc))
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect(f"{item_url(item)}#scan-heading")
    messages.success(
        request,
        _("已开始涂黑附件“%(name)s”：完成后原文件封存备查，处理后的文件重新读取和检查。进度见附件列表。")
        % {"name": attachment.filename},
    )
    return redirect(f"{item_url(item)}#files-heading")


@login_required
@require_POST
def attachment_reread(request: HttpRequest, pk: int, attachment_pk: int) -> HttpResponse:
    """Read a file again after its reading job failed (a new job)."""
    item = _visible_item(request, pk)
    attachment = selectors.item_attachment(item, attachment_pk, with_data=False)
    try:
        services.reread_attachment(actor=request.user, attachment=attachment)
    except PermissionDenied as exc:
        return _forbidden(request, str(exc))
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("已重新开始读取附件“%(name)s”。") % {"name": attachment.filename})
    return redirect(f"{item_url(item)}#files-heading")


# ---------------------------------------------------------------------------------------------
# Print forms for the paper file
# ---------------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "HEAD"])
def print_review(request: HttpRequest, pk: int) -> HttpResponse:
    """信息公开保密审查表."""
    item = _visible_item(request, pk)
    return _private(render(request, "catalogue/manage/print_review.html", print_context(item)))


@login_required
@require_http_methods(["GET", "HEAD"])
def print_register(request: HttpRequest, pk: int) -> HttpResponse:
    """信息发布登记表."""
    item = _visible_item(request, pk)
    return _private(render(request, "catalogue/manage/print_register.html", print_context(item)))


# ---------------------------------------------------------------------------------------------
# Sensitive words (错敏词)
# ---------------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def words(request: HttpRequest) -> HttpResponse:
    user = request.user
    agencies = permissions.word_agencies(user)
    if not agencies.exists():
        return _forbidden(request, _("只有机关的信息员、审核人和管理员可以维护错敏词表。"))
    form = SensitiveWordForm(request.POST if request.method == "POST" else None, agencies=agencies)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.add_sensitive_word(
                actor=user,
                agency=data["agency"],
                word=data["word"],
                note=data["note"],
                correction=data["correction"],
            )
        except PermissionDenied as exc:
            return _forbidden(request, str(exc))
        except ValidationError as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, _("已添加“%(word)s”。") % {"word": data["word"].strip()})
            return redirect("catalogue_manage:words")
    listed = permissions.words_visible_to(user).select_related("agency").order_by("agency__name", "word")
    context = {
        "form": form,
        "agency_words": [w for w in listed if w.agency_id is not None],
        "site_words": [w for w in listed if w.agency_id is None],
        "superuser": permissions.is_superuser(user),
    }
    return _private(render(request, "catalogue/manage/words.html", context))


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def word_delete(request: HttpRequest, pk: int) -> HttpResponse:
    word = get_object_or_404(permissions.words_visible_to(request.user).select_related("agency"), pk=pk)
    if not permissions.can_manage_words(request.user, word.agency):
        return _forbidden(request, _("全站通用的错敏词由系统管理员维护。"))
    if request.method == "POST":
        try:
            services.delete_sensitive_word(actor=request.user, word=word)
        except PermissionDenied as exc:
            return _forbidden(request, str(exc))
        messages.success(request, _("已删除“%(word)s”。") % {"word": word.word})
        return redirect("catalogue_manage:words")
    return render(request, "catalogue/manage/word_delete.html", {"word": word})


# ---------------------------------------------------------------------------------------------
# The column's 基层政务公开标准目录 areas (the agency's 管理员)
# ---------------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def areas(request: HttpRequest) -> HttpResponse:
    """Choose the areas of 国办发〔2019〕54号 the agency's column shows (``?agency=<id>``)."""
    user = request.user
    agencies = (
        Agency.objects.order_by("name") if permissions.is_superuser(user) else permissions.area_agencies(user)
    )
    if not agencies.exists():
        return _forbidden(request, _("只有机关的管理员可以选择专栏的基层政务公开标准目录领域。"))
    chosen = request.GET.get("agency", "")
    agency = (agencies.filter(pk=int(chosen)).first() if chosen.isdigit() else None) or agencies.first()
    assert agency is not None
    form = ColumnAreasForm(
        request.POST if request.method == "POST" else None,
        initial={"areas": selectors.column_areas(agency)},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.set_column_areas(actor=user, agency=agency, areas=form.cleaned_data["areas"])
        except PermissionDenied as exc:
            return _forbidden(request, str(exc))
        except ValidationError as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, _("已保存%(agency)s专栏的标准目录领域。") % {"agency": agency.name})
            return redirect(f"{reverse('catalogue_manage:areas')}?agency={agency.pk}")
    context = {
        "form": form,
        "agency": agency,
        "agencies": agencies,
        "public_url": reverse("catalogue_public:columns", args=[agency.short_code]),
        "source": SOURCE,
    }
    return _private(render(request, "catalogue/manage/areas.html", context))
