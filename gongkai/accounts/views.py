"""Thin views: the login's second step, one's own account page (设备、恢复码、密码), password reset."""

from __future__ import annotations

import base64
from typing import Any, cast

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from gongkai.accounts import policy, selectors, services
from gongkai.accounts.forms import (
    CodeForm,
    ConfirmTotpForm,
    NewTotpForm,
    PasswordAgainForm,
    PasswordChangeForm,
    PasswordResetForm,
    RemoveDeviceForm,
)
from gongkai.core.responses import forbidden


def _private(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "private, no-store"
    return response


def _user(request: HttpRequest) -> User:
    return cast(User, request.user)


def _verified(request: HttpRequest) -> bool:
    return bool(request.user.is_verified())  # type: ignore[union-attr]


def _next_url(request: HttpRequest, default: str) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return default


# --- The login's second step --------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def verify(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if not selectors.has_second_factor(user):
        return redirect(reverse("accounts:totp_start") + _query_next(request))
    next_url = _next_url(request, resolve_url(settings.LOGIN_REDIRECT_URL))
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        verified = services.verify(user=user, code=form.cleaned_data["code"])
        if verified is None:
            form.add_error("code", _("验证码不正确或已过期，请重新输入（多次输错后需稍候再试）。"))
        else:
            otp_login(request, verified.device)
            if verified.recovery:
                left = selectors.recovery_codes_left(user)
                messages.warning(
                    request,
                    _(
                        "您使用了一个恢复码，还剩 %(n)d 个。"
                        "请尽快检查身份验证器，必要时在“账号安全”页重新生成恢复码。"
                    )
                    % {"n": left},
                )
            return redirect(next_url)
    return _private(render(request, "accounts/verify.html", {"form": form, "next": next_url}))


def _query_next(request: HttpRequest) -> str:
    """``?next=…`` for the next step of the login, when the current one has a local ``next``."""
    next_url = request.GET.get("next", "")
    if url_has_allowed_host_and_scheme(next_url, allowed_hosts=set()) and next_url.startswith("/"):
        return "?" + urlencode({"next": next_url})
    return ""


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def totp_start(request: HttpRequest) -> HttpResponse:
    """Explain, and on POST make a new (unconfirmed) authenticator and show it for confirming."""
    user = _user(request)
    has_device = selectors.has_second_factor(user)
    if has_device and not _verified(request):
        message = _("请先用已有的身份验证器完成验证，再更改双因素认证设置。")
        return forbidden(request, message, reverse("accounts:verify"), _("去验证"))
    form = NewTotpForm(request.POST or None, ask_password=has_device)
    if request.method == "POST" and form.is_valid():
        try:
            device = services.start_totp(
                user=user,
                verified=_verified(request),
                name=form.cleaned_data["name"],
                password=form.cleaned_data.get("password"),
            )
        except PermissionDenied as exc:
            return forbidden(request, str(exc), reverse("accounts:verify"), _("去验证"))
        except ValidationError as exc:
            form.add_error("password", exc)
        else:
            return redirect(reverse("accounts:totp_confirm", args=[device.pk]) + _query_next(request))
    context = {
        "form": form,
        "required": policy.two_factor_enforced() and policy.needs_second_factor(user),
        "has_device": has_device,
        "next": request.GET.get("next", ""),
    }
    return _private(render(request, "accounts/totp_start.html", context))


def _qr_svg(device: TOTPDevice) -> str:
    """The otpauth:// address as an inline SVG (no script, no style attribute)."""
    return mark_safe(segno.make(device.config_url, error="m").svg_inline(scale=4, border=2))  # noqa: S308


def _secret_text(device: TOTPDevice) -> str:
    secret = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def totp_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    device = selectors.pending_totp(user, pk)
    if device is None:
        raise Http404(_("没有这个待确认的身份验证器，请重新添加。"))
    form = ConfirmTotpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            confirmed = services.confirm_totp(
                user=user, verified=_verified(request), device=device, code=form.cleaned_data["code"]
            )
        except PermissionDenied as exc:
            return forbidden(request, str(exc), reverse("accounts:verify"), _("去验证"))
        if confirmed:
            otp_login(request, device)
            messages.success(request, _("身份验证器已启用。请生成一组恢复码并妥善保存，以备手机遗失时登录。"))
            return redirect(_next_url(request, reverse("accounts:security")))
        form.add_error("code", _("验证码不正确，请核对手机时间后输入最新显示的 6 位数字。"))
    context = {
        "form": form,
        "device": device,
        "qr": _qr_svg(device),
        "secret": _secret_text(device),
        "next": request.GET.get("next", ""),
    }
    return _private(render(request, "accounts/totp_confirm.html", context))


# --- One's own account page ---------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "HEAD"])
def security(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    context = {
        "totp_devices": selectors.totp_devices(user),
        "recovery": selectors.recovery_device(user),
        "recovery_left": selectors.recovery_codes_left(user),
        "required": policy.two_factor_enforced() and policy.needs_second_factor(user),
        "remove_form": RemoveDeviceForm(),
    }
    return _private(render(request, "accounts/security.html", context))


@login_required
@require_POST
def recovery_codes(request: HttpRequest) -> HttpResponse:
    """Make a new set of recovery codes and show them, this once (the password asked again)."""
    form = PasswordAgainForm(request.POST)
    replaced = selectors.recovery_codes_left(_user(request)) > 0  # the page says the old ones are gone
    try:
        tokens = services.generate_recovery_codes(
            user=_user(request),
            verified=_verified(request),
            password=form.cleaned_data["password"] if form.is_valid() else None,
        )
    except PermissionDenied as exc:
        return forbidden(request, str(exc), reverse("accounts:security"), _("返回账号安全"))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("accounts:security")
    context = {"tokens": tokens, "replaced": replaced}
    return _private(render(request, "accounts/recovery_codes.html", context))


@login_required
@require_POST
def remove_device(request: HttpRequest) -> HttpResponse:
    form = RemoveDeviceForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
        return redirect("accounts:security")
    try:
        services.remove_device(
            user=_user(request),
            password=form.cleaned_data["password"],
            kind=form.cleaned_data["kind"],
            pk=form.cleaned_data["pk"],
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("已移除。"))
    return redirect("accounts:security")


# --- Passwords ------------------------------------------------------------------------------------


class PasswordChangeView(auth_views.PasswordChangeView):
    """Django's view: other sessions of the user end (the session hash changes), this one is kept."""

    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:password_change_done")
    form_class = PasswordChangeForm

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        services.record_password_change(form.user, via="self")
        return response


class PasswordChangeDoneView(auth_views.PasswordChangeDoneView):
    template_name = "accounts/password_change_done.html"


class PasswordResetView(auth_views.PasswordResetView):
    """Ask for a link by e-mail: the same answer for every address; the link is the invitation's
    set-password page (``set_password``), and every session of the user ends once it is used."""

    template_name = "accounts/password_reset.html"
    email_template_name = "accounts/password_reset_email.txt"
    subject_template_name = "accounts/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")
    form_class = PasswordResetForm

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs = super().get_form_kwargs()
        kwargs["request"] = self.request
        return kwargs

    def form_invalid(self, form: Any) -> HttpResponse:
        response = super().form_invalid(form)
        if any(e.code == "rate_limited" for e in form.errors.as_data().get("email", [])):
            response.status_code = 429
        return response


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"


class LoginView(auth_views.LoginView):
    """Django's login (axes counts its failures); the page says how many failures lock the login."""

    redirect_authenticated_user = True

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["failure_limit"] = policy.failure_limit()
        context["lock_minutes"] = policy.lock_minutes()
        return context
