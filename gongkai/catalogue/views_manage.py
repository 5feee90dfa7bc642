"""The catalogue workspace (主动公开, /manage/catalogue/): list, drafting, review, publishing, print forms.

Thin views: every write is a call of :mod:`gongkai.catalogue.services`, which checks the permission,
the state of the entry and the input; the views only choose what to show. An entry of another agency
is "not found" (404), never "forbidden"; a visible entry the user may not act on gets a 403 page with
the reason.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from gongkai.catalogue import content, indexing, permissions, scanning, selectors, services, workflow
from gongkai.catalogue.forms_manage import (
    OPEN_STATES,
    STATE_OPEN,
    AttachmentForm,
    ItemFilterForm,
    ItemForm,
    MaskForm,
    SensitiveWordForm,
    StepForm,
)
from gongkai.catalogue.models import Attachment, Item, ItemEvent, Status
from gongkai.catalogue.taxonomy import article_20_label
from gongkai.workdays.store import current_calendar

PER_PAGE = 50
FORBIDDEN_TEMPLATE = "catalogue/manage/forbidden.html"
DETAIL_TEMPLATE = "catalogue/manage/detail.html"

#: What each event of an entry is called in the review log.
EVENT_LABELS: dict[str, str] = {
    "create": "创建草稿",
    "attachment_add": "上传附件",
    "attachment_remove": "删除附件",
    **workflow.ACTION_LABELS,
}
FIELD_LABELS: dict[str, str] = {
    name: str(getattr(Item._meta.get_field(name), "verbose_name", name)) for name in content.EDITABLE_FIELDS
}


def _forbidden(request: HttpRequest, message: str) -> HttpResponse:
    return render(request, FORBIDDEN_TEMPLATE, {"message": message}, status=403)


def _visible_item(request: HttpRequest, pk: int) -> Item:
    """The entry if ``request.user`` may see it; 404 otherwise (never a hint that it exists)."""
    return get_object_or_404(
        permissions.items_visible_to(request.user).select_related("agency", "category", "interprets"), pk=pk
    )


def _private(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "private, no-store"
    return response


# ---------------------------------------------------------------------------------------------
# The list
# ---------------------------------------------------------------------------------------------


@dataclass
class Row:
    item: Item
    clock: selectors.PublicationClock | None


@login_required
@require_http_methods(["GET", "HEAD"])
def item_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    agencies = permissions.staff_agencies(user)
    if not agencies.exists():
        return _forbidden(request, _("只有机关的信息员、审核人、分管领导等工作人员可以使用主动公开工作台。"))
    form = ItemFilterForm(request.GET or None, agencies=agencies)
    items = permissions.items_visible_to(user)
    status = form.value("status") if form.is_bound else ""
    if status == STATE_OPEN:
        items = items.filter(status__in=OPEN_STATES)
    elif status:
        items = items.filter(status=status)
    if form.is_bound:
        if kind := form.value("kind"):
            items = items.filter(kind=kind)
        if agency := form.value("agency"):
            items = items.filter(agency=agency)
        if q := (form.value("q") or "").strip():
            items = indexing.search(items, q)
    items = (
        items.select_related("agency")
        .defer("body", "search_text", "search_vector", "summary")
        .order_by("-updated_at", "-id")
    )
    page = Paginator(items, PER_PAGE).get_page(request.GET.get("page"))
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
        "rows": rows,
        "today": today,
        "show_agency": agencies.count() > 1,
        "can_create": permissions.drafting_agencies(user).exists(),
        "can_words": permissions.word_agencies(user).exists(),
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
            messages.error(request, decision.reason)
            return redirect("catalogue_manage:detail", pk=item.pk)
        return _forbidden(request, decision.reason)
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


def describe_event(event: ItemEvent) -> list[str]:
    """The event's data in Chinese, one line per item (masked values only)."""
    data: dict[str, Any] = event.data if isinstance(event.data, dict) else {}
    lines: list[str] = []
    if event.action == workflow.EDIT and isinstance(data.get("fields"), list):
        names = "、".join(FIELD_LABELS.get(str(f), str(f)) for f in data["fields"])
        lines.append(_("修改了：%(fields)s") % {"fields": names})
    elif event.action in ("attachment_add", "attachment_remove"):
        lines.append(str(data.get("filename", "")))
    elif event.action == workflow.MASK:
        lines.append(
            _("遮盖%(source)s中的%(kind)s：%(masked)s")
            % {
                "source": data.get("source_label", ""),
                "kind": data.get("kind_label", ""),
                "masked": data.get("masked", ""),
            }
        )
    scan = data.get("scan")
    if isinstance(scan, dict):
        lines.append(scan_text(scan))
    if data.get("index_number"):
        lines.append(_("索引号：%(number)s") % {"number": data["index_number"]})
    if data.get("override_reason"):
        lines.append(_("隐私检查结果未处理，说明理由后发布。"))
    return lines


def state_change(event: ItemEvent) -> str:
    """``草稿 → 待保密审查`` when the event moved the entry, else ``""``."""
    if event.from_status == event.to_status:
        return ""
    labels = dict(Status.choices)
    before = str(labels.get(event.from_status, event.from_status)) if event.from_status else ""
    after = str(labels.get(event.to_status, event.to_status))
    return f"{before} → {after}" if before else after


def scan_text(scan: dict[str, Any]) -> str:
    count = int(scan.get("count") or 0)
    if not count:
        return _("隐私检查：未发现身份证号、电话号码、银行卡号、电子邮箱或错敏词。")
    by_kind = scan.get("by_kind") if isinstance(scan.get("by_kind"), dict) else {}
    parts = "、".join(f"{kind} {n} 处" for kind, n in (by_kind or {}).items())
    return _("隐私检查发现 %(count)s 处：%(parts)s") % {"count": count, "parts": parts}


@dataclass
class Step:
    name: str
    label: str
    form: StepForm

    @property
    def open(self) -> bool:
        return self.form.is_bound


def entry_context(
    request: HttpRequest,
    item: Item,
    *,
    bound: StepForm | None = None,
    attach_form: AttachmentForm | None = None,
) -> dict[str, Any]:
    """Everything the entry page shows, for ``request.user``."""
    allowed = selectors.allowed_actions(request.user, item)
    steps = [
        Step(
            name,
            workflow.ACTION_LABELS[name],
            bound if bound is not None and bound.action == name else StepForm(action=name),
        )
        for name in allowed
        if name in workflow.STEPS
    ]
    events = list(item.events.select_related("actor").order_by("at", "id"))
    return {
        "item": item,
        # Sanitised at every save; cleaned again here in case a row was written another way.
        "body_html": mark_safe(content.sanitize_html(item.body)),
        "clock": selectors.publication_clock(item),
        "attachments": list(item.attachments.defer("data", "text").order_by("id")),
        # Cached per content and cut short per part (a roster of 30,000 rows must not slow the page).
        "scan": scanning.scan_overview(item),
        "may_edit": workflow.EDIT in allowed,
        "may_mask": workflow.MASK in allowed,
        "steps": steps,
        "attach_form": attach_form or AttachmentForm(),
        "events": [
            (e, EVENT_LABELS.get(e.action, e.action), describe_event(e), state_change(e)) for e in events
        ],
        "article20": article_20_label(item.article20_item) if item.article20_item else "",
        "may_act": permissions.can_act(request.user, item.agency),
    }


@login_required
@require_http_methods(["GET", "HEAD"])
def item_detail(request: HttpRequest, pk: int) -> HttpResponse:
    item = _visible_item(request, pk)
    return _private(render(request, DETAIL_TEMPLATE, entry_context(request, item)))


@login_required
@require_POST
def item_act(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """One step of the workflow (``workflow.STEPS``) through its service, back to the entry page."""
    if action not in workflow.STEPS:
        raise Http404
    item = _visible_item(request, pk)
    label = workflow.ACTION_LABELS[action]
    decision = _decision(request, item, action)
    if not decision.allowed:
        if decision.code == workflow.REFUSED_STATE:
            messages.error(request, decision.reason)
            return redirect("catalogue_manage:detail", pk=item.pk)
        return _forbidden(request, decision.reason)
    form = StepForm(request.POST, action=action)
    if form.is_valid():
        data = form.cleaned_data
        if form.needs_confirmation and not data.get("confirmed"):
            return render(
                request, "catalogue/manage/confirm.html", {"item": item, "form": form, "label": label}
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
    return _private(render(request, DETAIL_TEMPLATE, entry_context(request, item, bound=form)))


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
        messages.success(request, _("已遮盖。"))
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
    return _private(render(request, DETAIL_TEMPLATE, entry_context(request, item, attach_form=form)))


def _attachment(item: Item, attachment_pk: int, *, with_data: bool) -> Attachment:
    attachments = Attachment.objects.filter(item=item)
    if not with_data:
        attachments = attachments.defer("data", "text")
    return get_object_or_404(attachments, pk=attachment_pk)


@login_required
@require_http_methods(["GET", "HEAD"])
def attachment_download(request: HttpRequest, pk: int, attachment_pk: int) -> HttpResponse:
    item = _visible_item(request, pk)
    attachment = _attachment(item, attachment_pk, with_data=True)
    response = HttpResponse(bytes(attachment.data), content_type=attachment.content_type)
    response["Content-Disposition"] = content_disposition_header(True, attachment.filename) or ""
    response["X-Content-Type-Options"] = "nosniff"
    return _private(response)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def attachment_remove(request: HttpRequest, pk: int, attachment_pk: int) -> HttpResponse:
    item = _visible_item(request, pk)
    attachment = _attachment(item, attachment_pk, with_data=False)
    decision = _decision(request, item, workflow.EDIT)
    if not decision.allowed:
        if decision.code == workflow.REFUSED_STATE:
            messages.error(request, decision.reason)
            return redirect("catalogue_manage:detail", pk=item.pk)
        return _forbidden(request, decision.reason)
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


# ---------------------------------------------------------------------------------------------
# Print forms for the paper file
# ---------------------------------------------------------------------------------------------


def _last_event(events: list[ItemEvent], *actions: str) -> ItemEvent | None:
    found = [e for e in events if e.action in actions]
    return found[-1] if found else None


def print_context(item: Item) -> dict[str, Any]:
    events = list(item.events.select_related("actor").order_by("at", "id"))
    decisions = [
        (e, EVENT_LABELS.get(e.action, e.action), describe_event(e))
        for e in events
        if e.action in workflow.STEPS
    ]
    return {
        "item": item,
        "clock": selectors.publication_clock(item),
        "attachments": list(item.attachments.defer("data", "text").order_by("id")),
        "scan": scanning.scan_overview(item),
        "article20": article_20_label(item.article20_item) if item.article20_item else "",
        "decisions": decisions,
        "submitted": _last_event(events, workflow.SUBMIT),
        "reviewed": _last_event(events, workflow.REVIEW_PASS),
        "approved": _last_event(events, workflow.APPROVE),
        "published": _last_event(events, workflow.PUBLISH),
        "withdrawn": _last_event(events, workflow.WITHDRAW),
        "printed_at": timezone.localtime(),
    }


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
                actor=user, agency=data["agency"], word=data["word"], note=data["note"]
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
