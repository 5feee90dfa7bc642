"""Forms of the login's second step and of one's own account page."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.contrib.auth import forms as auth_forms
from django.utils.translation import gettext_lazy as _

from gongkai.accounts import services
from gongkai.core import ratelimit
from gongkai.core.forms import LengthCheckedForm

#: Reset links asked for, per client address and per e-mail address, in an hour.
RESET_PER_ADDRESS = 5
RESET_PER_EMAIL = 3


class CodeForm(LengthCheckedForm, forms.Form):
    code = forms.CharField(
        label=_("验证码或恢复码"),
        max_length=32,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "text", "autofocus": True}
        ),
        error_messages={"required": _("请输入身份验证器显示的 6 位验证码，或一个恢复码。")},
    )


class ConfirmTotpForm(LengthCheckedForm, forms.Form):
    code = forms.CharField(
        label=_("身份验证器显示的 6 位验证码"),
        max_length=16,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
        error_messages={"required": _("请输入身份验证器显示的 6 位验证码。")},
    )


def _password_field() -> forms.CharField:
    return forms.CharField(
        label=_("请再次输入登录密码"),
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        error_messages={"required": _("请输入登录密码以确认。")},
    )


class NewTotpForm(LengthCheckedForm, forms.Form):
    """A new authenticator; the password again when the account already has one (a new phone)."""

    name = forms.CharField(
        label=_("名称（例如：我的手机）"), max_length=services.TOTP_NAME_MAX, required=False
    )
    password = _password_field()

    def __init__(self, *args: Any, ask_password: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not ask_password:
            del self.fields["password"]


class PasswordAgainForm(forms.Form):
    password = _password_field()


class RemoveDeviceForm(LengthCheckedForm, forms.Form):
    kind = forms.ChoiceField(choices=[("totp", "totp"), ("recovery", "recovery")], widget=forms.HiddenInput)
    pk = forms.IntegerField(widget=forms.HiddenInput)
    password = _password_field()


class PasswordResetForm(LengthCheckedForm, auth_forms.PasswordResetForm):
    """Django's form (the same answer whether or not the address has an account), rate-limited and audited."""

    def __init__(self, *args: Any, request: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.request = request
        self.fields["email"].label = _("电子邮箱")
        self.fields["email"].error_messages["invalid"] = _("请填写有效的电子邮箱。")
        self.fields["email"].error_messages["required"] = _("请填写您账号登记的电子邮箱。")

    def clean_email(self) -> str:
        email = str(self.cleaned_data["email"]).strip()
        email_key = ratelimit.keyed("email", email.lower())
        address_key = ratelimit.client_key(self.request)
        window = datetime.timedelta(hours=1)
        if not ratelimit.hit("password-reset", address_key, limit=RESET_PER_ADDRESS, window=window) or not (
            ratelimit.hit("password-reset-email", email_key, limit=RESET_PER_EMAIL, window=window)
        ):
            raise forms.ValidationError(_("申请重置密码过于频繁，请一小时后再试。"), code="rate_limited")
        return email

    def save(self, *args: Any, **kwargs: Any) -> None:
        email = self.cleaned_data["email"]
        users = len(list(self.get_users(email)))
        super().save(*args, **kwargs)
        services.record_reset_requested(email, users=users)


class PasswordChangeForm(auth_forms.PasswordChangeForm):
    """Django's form, its old password checked like every password asked again (limited and audited)."""

    def clean_old_password(self) -> str:
        old_password = str(self.cleaned_data.get("old_password") or "")
        try:
            services.check_password_again(self.user, old_password)
        except forms.ValidationError as exc:
            if exc.code == "wrong_password":
                raise forms.ValidationError(
                    self.error_messages["password_incorrect"], code="password_incorrect"
                ) from exc
            raise
        return old_password
