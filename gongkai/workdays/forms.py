"""The admin form for loading a year's 放假安排 from a CSV file or pasted text."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from gongkai.workdays.services import HEADER, CalendarFileError, CalendarRow, parse_calendar_csv

MAX_FILE_BYTES = 1024 * 1024


def rows_as_csv(rows: list[CalendarRow]) -> str:
    """The rows as a canonical CSV text (what the confirm step posts back)."""
    lines = [",".join(HEADER)]
    lines += [f"{row.date.isoformat()},{row.type},{row.name}" for row in sorted(rows, key=lambda r: r.date)]
    return "\n".join(lines) + "\n"


class CalendarLoadForm(forms.Form):
    source = forms.CharField(
        label=_("依据"),
        max_length=200,
        help_text=_("放假通知的文号或标题，例如 国办发明电〔2026〕X号。"),
    )
    file = forms.FileField(
        label=_("CSV 文件"),
        required=False,
        help_text=_("UTF-8 编码，表头 date,type,name；每行一个日期。"),
    )
    text = forms.CharField(
        label=_("或粘贴 CSV 内容"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 12, "cols": 60, "placeholder": "date,type,name\n"}),
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        upload = cleaned.get("file")
        text = cleaned.get("text") or ""
        if upload is not None and text.strip():
            raise ValidationError(gettext("请只上传文件或只粘贴内容，不要两样都给。"))
        if upload is not None:
            if upload.size is not None and upload.size > MAX_FILE_BYTES:
                raise ValidationError(gettext("文件超过 1 MB，不像是放假安排的 CSV 文件。"))
            try:
                text = upload.read().decode("utf-8-sig")
            except UnicodeDecodeError as exc:
                raise ValidationError(
                    gettext("文件不是 UTF-8 编码。请在 Excel 或 WPS 中另存为“CSV UTF-8”后再上传。")
                ) from exc
        if not text.strip():
            raise ValidationError(gettext("请上传 CSV 文件或粘贴 CSV 内容。"))
        try:
            cleaned["rows"] = parse_calendar_csv(text)
        except CalendarFileError as exc:
            raise ValidationError(exc.errors) from exc
        return cleaned
