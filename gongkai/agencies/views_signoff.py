"""The agency's sign-off setting (签发设置, D15): a small page of its own at /signoff/<agency>/.

Thin: the form lists the choices, :func:`gongkai.agencies.services.set_signoff_policy` checks the right
(the agency's administrator or office head), writes and audits.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from gongkai.agencies import services
from gongkai.agencies.models import Agency, ExtensionConsent, SignOff, SignOffPolicy
from gongkai.agencies.permissions import can_edit_signoff, signoff_agencies


class SignOffForm(forms.Form):
    answers = forms.ChoiceField(
        label=gettext_lazy("作出答复"), choices=SignOff.choices, widget=forms.RadioSelect
    )
    extensions = forms.ChoiceField(
        label=gettext_lazy("延期答复"),
        choices=ExtensionConsent.choices,
        widget=forms.RadioSelect,
        help_text=gettext_lazy(
            "延期须经政府信息公开工作机构负责人同意（条例第三十三条第二款），不能由经办人单独决定。"
        ),
    )
    annual_report = forms.ChoiceField(
        label=gettext_lazy("年度报告发布"), choices=SignOff.choices, widget=forms.RadioSelect
    )


@login_required
@require_http_methods(["GET", "HEAD"])
def index(request: HttpRequest) -> HttpResponse:
    agencies = list(signoff_agencies(request.user).order_by("name"))
    if not agencies:
        raise Http404(_("您不是任何机关的管理员或信息公开工作机构负责人。"))
    if len(agencies) == 1:
        return redirect("signoff:edit", short_code=agencies[0].short_code)
    return render(request, "agencies/signoff_index.html", {"agencies": agencies})


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def edit(request: HttpRequest, short_code: str) -> HttpResponse:
    agency = get_object_or_404(Agency, short_code=short_code)
    if not can_edit_signoff(request.user, agency):
        # Another agency's setting is "not found", never a hint that it exists.
        raise Http404(_("没有找到该机关的签发设置。"))
    policy = SignOffPolicy.for_agency(agency)
    initial = {
        "answers": policy.answers,
        "extensions": policy.extensions,
        "annual_report": policy.annual_report,
    }
    form = SignOffForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.set_signoff_policy(actor=request.user, agency=agency, **form.cleaned_data)
        except PermissionDenied as exc:
            raise Http404(str(exc)) from exc
        messages.success(request, _("签发设置已保存。"))
        return redirect("signoff:edit", short_code=agency.short_code)
    return render(request, "agencies/signoff.html", {"agency": agency, "form": form, "policy": policy})
