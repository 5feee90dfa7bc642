"""更正 in the catalogue workspace: start a correction draft of a published entry, and the previous
versions of a corrected entry for staff. The correction draft itself is edited, reviewed and published
on the ordinary entry pages (:mod:`gongkai.catalogue.views_manage`).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from gongkai.catalogue import selectors, services, workflow
from gongkai.catalogue.forms_manage import CorrectionForm
from gongkai.catalogue.presenters_manage import version_context
from gongkai.catalogue.views_manage import _forbidden, _private, _visible_item
from gongkai.core.i18n import render as render_text


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def item_correct(request: HttpRequest, pk: int) -> HttpResponse:
    """Start (or continue) the correction draft of a published entry (信息员 of its agency)."""
    item = _visible_item(request, pk)
    decision = selectors.decide(request.user, item, workflow.CORRECT)
    if not decision.allowed:
        if decision.code == workflow.REFUSED_STATE:
            messages.error(request, render_text(decision.reason))
            return redirect("catalogue_manage:detail", pk=item.pk)
        return _forbidden(request, render_text(decision.reason))
    existing = selectors.open_correction(item)
    if existing is not None:
        messages.info(request, _("该条目已有一份正在办理的更正稿，请继续办理。"))
        return redirect("catalogue_manage:detail", pk=existing.pk)
    form = CorrectionForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            draft = services.start_correction(
                actor=request.user,
                item=item,
                reason=form.cleaned_data["correction_reason"],
                public_note=form.cleaned_data["correction_note"],
            )
        except PermissionDenied as exc:
            return _forbidden(request, str(exc))
        except ValidationError as exc:
            form.add_service_error(exc)
        else:
            messages.success(
                request,
                _(
                    "已建立更正稿。请修改内容后提交审查；经保密审查和领导审批后发布，内容替换原条目，索引号不变。"
                ),
            )
            return redirect("catalogue_manage:detail", pk=draft.pk)
    return _private(render(request, "catalogue/manage/correct.html", {"item": item, "form": form}))


@login_required
@require_http_methods(["GET", "HEAD"])
def item_version(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    """The entry as it was before its correction ``number`` (staff who see the entry)."""
    item = _visible_item(request, pk)
    return _private(render(request, "catalogue/manage/version.html", version_context(item, number)))
