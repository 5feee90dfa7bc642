"""The year selector of the statistics pages."""

from __future__ import annotations

from collections.abc import Sequence

from django import forms
from django.utils.translation import gettext_lazy as _


class YearForm(forms.Form):
    year = forms.TypedChoiceField(
        label=_("年度"),
        coerce=int,
        error_messages={"invalid_choice": _("没有该年度的统计：请从列表中选择年度。")},
    )

    def __init__(self, data: object, *, years: Sequence[int]) -> None:
        super().__init__(data)  # type: ignore[arg-type]
        self.years = list(years)
        field = self.fields["year"]
        assert isinstance(field, forms.TypedChoiceField)
        field.choices = [(y, str(y)) for y in self.years]

    def chosen(self) -> int:
        """The year chosen, or the latest one offered when none (or a wrong one) was asked for."""
        if self.is_bound and self.is_valid():
            return int(self.cleaned_data["year"])
        return self.years[0]
