"""The officer's annual-report forms: opening a report, importing last year's report."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy

from gongkai.agencies.models import Agency
from gongkai.annual import permissions
from gongkai.checker.forms import screen_upload
from gongkai.reports.model import FIRST_STRUCTURED_YEAR


def _years() -> list[int]:
    return list(range(timezone.localdate().year, FIRST_STRUCTURED_YEAR - 1, -1))


class OpenForm(forms.Form):
    agency = forms.ModelChoiceField(queryset=Agency.objects.none(), label=gettext_lazy("机关"))
    year = forms.TypedChoiceField(coerce=int, label=gettext_lazy("报告年度"))

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        agency_field = cast("forms.ModelChoiceField[Agency]", self.fields["agency"])
        agency_field.queryset = permissions.writable_agencies(user).order_by("name")
        year_field = cast(forms.TypedChoiceField, self.fields["year"])
        year_field.choices = [(y, f"{y}") for y in _years()]
        year_field.initial = timezone.localdate().year - 1


class PreviousForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("上一年度报告文件"))

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        refused = screen_upload(upload)  # the checker's own limits: type, size, empty
        if refused:
            raise ValidationError(refused)
        return upload
