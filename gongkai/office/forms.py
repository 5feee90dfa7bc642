"""Forms of the office's administration; the services validate again and have the last word."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from gongkai.agencies.models import Agency, Role
from gongkai.core.forms import LengthCheckedForm
from gongkai.letters.models import AgencyLetterSettings
from gongkai.office.services import LETTER_FIELDS, NAME_MAX, USERNAME_MAX


def _role_choices(roles: Sequence[str]) -> list[tuple[str, str]]:
    return [(role, str(Role(role).label)) for role in roles]


class ServiceErrorsMixin(LengthCheckedForm, forms.Form):
    def add_service_error(self, exc: ValidationError) -> None:
        if hasattr(exc, "error_dict"):
            for name, errors in exc.error_dict.items():
                self.add_error(name if name in self.fields else None, [m for e in errors for m in e.messages])
        else:
            self.add_error(None, exc.messages)


class InviteForm(ServiceErrorsMixin):
    username = forms.CharField(
        label=_("用户名"), max_length=USERNAME_MAX, help_text=_("登录用，字母或数字，例如 zhangsan。")
    )
    full_name = forms.CharField(label=_("姓名"), max_length=NAME_MAX, help_text=_("完整的姓名，例如 张三。"))
    email = forms.EmailField(label=_("电子邮箱"), help_text=_("设置密码的链接将发到这个邮箱。"))
    roles = forms.MultipleChoiceField(label=_("角色"), widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args: Any, roles: Sequence[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["roles"]
        assert isinstance(field, forms.MultipleChoiceField)
        field.choices = _role_choices(roles)


class GrantForm(ServiceErrorsMixin):
    role = forms.ChoiceField(label=_("授予角色"))

    def __init__(self, *args: Any, roles: Sequence[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["role"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = _role_choices(roles)


def _https_urls(field: models.Field[Any, Any], **kwargs: Any) -> forms.Field | None:
    """Web addresses typed without a scheme are read as https:// (as in the agencies' admin)."""
    if isinstance(field, models.URLField):
        kwargs["assume_scheme"] = "https"
    return field.formfield(**kwargs)


class ContactForm(LengthCheckedForm, forms.ModelForm[Agency]):
    class Meta:
        model = Agency
        fields = list(Agency.CONTACT_FIELDS)
        formfield_callback = _https_urls


class ReportColumnForm(LengthCheckedForm, forms.ModelForm[Agency]):
    class Meta:
        model = Agency
        fields = ["report_column_url"]
        formfield_callback = _https_urls


class LetterSettingsForm(LengthCheckedForm, forms.ModelForm[AgencyLetterSettings]):
    class Meta:
        model = AgencyLetterSettings
        fields = list(LETTER_FIELDS)
