"""The audit log's filters."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from gongkai.auditlog.labels import AUDIT_LABELS, label
from gongkai.auditlog.selectors import Filters


class AuditFilterForm(forms.Form):
    date_from = forms.DateField(
        label=_("起始日期"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": _("起始日期格式不正确，请按“2026-01-31”的格式填写。")},
    )
    date_to = forms.DateField(
        label=_("截止日期"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": _("截止日期格式不正确，请按“2026-01-31”的格式填写。")},
    )
    action = forms.ChoiceField(label=_("操作"), required=False)
    person = forms.TypedChoiceField(label=_("操作人"), required=False, coerce=int, empty_value=None)
    object_type = forms.ChoiceField(label=_("对象类型"), required=False)
    agency = forms.TypedChoiceField(label=_("机关"), required=False, coerce=int, empty_value=None)

    def __init__(
        self,
        data: Any,
        *,
        people: Sequence[tuple[int, str]],
        object_types: Sequence[tuple[str, str]],
        agencies: Sequence[tuple[int, str]],
    ) -> None:
        super().__init__(data)
        everything = ("", _("全部"))
        actions = sorted(((code, label(code)) for code in AUDIT_LABELS), key=lambda c: c[0])
        self._choose("action", [everything, *actions])
        self._choose("person", [everything, *people])
        self._choose("object_type", [everything, *object_types])
        self._choose("agency", [everything, *agencies])
        if len(agencies) <= 1:
            del self.fields["agency"]

    def _choose(self, name: str, choices: Sequence[tuple[Any, Any]]) -> None:
        field = self.fields[name]
        assert isinstance(field, forms.ChoiceField)
        field.choices = list(choices)
        field.error_messages["invalid_choice"] = _("“%(value)s”不是可选的值，请从列表中选择。")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            raise ValidationError(_("起始日期不能晚于截止日期，请调换两个日期。"), code="dates_reversed")
        return data

    def filters(self) -> Filters:
        """The valid filters; a field with an error is ignored (the page says so)."""
        if not self.is_bound:
            return Filters()
        self.is_valid()
        data = self.cleaned_data
        return Filters(
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
            action=data.get("action") or "",
            person=data.get("person"),
            object_type=data.get("object_type") or "",
            agency=data.get("agency"),
        )
