"""The form that starts a monitoring run."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy


class StartForm(forms.Form):
    year = forms.TypedChoiceField(
        label=gettext_lazy("报告年度"),
        coerce=int,
        error_messages={
            "required": gettext_lazy("请选择要监测的报告年度。"),
            "invalid_choice": gettext_lazy("请从列表中选择报告年度。"),
        },
    )

    def __init__(self, *args: Any, years: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["year"]
        assert isinstance(field, forms.TypedChoiceField)
        field.choices = [(y, str(y)) for y in years]
