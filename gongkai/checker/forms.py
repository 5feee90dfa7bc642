"""Forms of the 年报检查 page: what to check, and saving one report's result."""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import PurePath
from typing import Any

from django import forms
from django.conf import settings
from django.core import signing
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gongkai.agencies.models import Agency
from gongkai.core.forms import LengthCheckedForm

#: File types the page accepts (the reader sniffs the content anyway).
ALLOWED_SUFFIXES = (".txt", ".htm", ".html", ".docx", ".doc", ".wps", ".pdf", ".ofd")
MAX_FILES = 20
#: All the files of one check together: a request is read whole before the page returns.
MAX_TOTAL_UPLOAD_BYTES = 100 * 1024 * 1024
DEFAULT_MAX_UPLOAD_BYTES = 20 * 1024 * 1024
#: A check result may be saved within this many seconds of the check.
SAVE_MAX_AGE = 24 * 60 * 60
_SIGNING_SALT = "gongkai.checker.save"


def max_upload_bytes() -> int:
    return int(getattr(settings, "GONGKAI_CHECK_MAX_UPLOAD_BYTES", DEFAULT_MAX_UPLOAD_BYTES))


def screen_upload(upload: UploadedFile) -> str | None:
    """Why ``upload`` is refused before reading it (in Chinese), or ``None`` when it may be checked."""
    suffix = PurePath(upload.name or "").suffix.lower()
    if suffix not in ALLOWED_SUFFIXES:
        return _(
            "不支持这种文件类型（%(suffix)s）。"
            "请上传 .txt、.htm、.html、.docx、.doc、.wps、.pdf 或 .ofd 文件。"
        ) % {"suffix": suffix or _("无扩展名")}
    size = upload.size or 0
    if size > max_upload_bytes():
        return _("文件太大（%(size)s），每个文件不能超过 %(limit)s。") % {
            "size": filesizeformat(size),
            "limit": filesizeformat(max_upload_bytes()),
        }
    if size == 0:
        return _("文件是空的。")
    return None


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files; each is screened on its own (see :func:`screen_upload`) so one bad file does not
    stop the others from being checked."""

    widget = MultipleFileInput

    def clean(self, data: Any, initial: Any = None) -> list[UploadedFile]:
        files = [f for f in (data if isinstance(data, list | tuple) else [data]) if f]
        if self.required and not files:
            raise forms.ValidationError(self.error_messages["required"], code="required")
        return files


_ACCEPT = ",".join(ALLOWED_SUFFIXES)


#: A pasted report longer than this is refused with a message (a whole report is ~10,000 characters).
MAX_PASTED_CHARS = 2_000_000
MAX_URL_CHARS = 2000
#: An http(s) URL with a host (the fetcher checks the rest: the address, robots.txt).
_URL = re.compile(r"^https?://[^\s/?#@]+(?:[/?#]\S*)?$", re.IGNORECASE)


class CheckForm(LengthCheckedForm, forms.Form):
    reports = MultipleFileField(
        label=gettext_lazy("年度报告文件"),
        required=False,
        help_text=gettext_lazy("可一次选择多个文件（最多 20 个）：文本、网页、Word（.docx）或 PDF。"),
        widget=MultipleFileInput(attrs={"accept": _ACCEPT}),
    )
    text = forms.CharField(
        label=gettext_lazy("或者粘贴报告全文"),
        required=False,
        strip=False,
        max_length=MAX_PASTED_CHARS,
        error_messages={
            "max_length": gettext_lazy(
                "粘贴的文字太长（%(show_value)d 个字符，最多 %(limit_value)d 个）；请改为上传文件。"
            )
        },
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=gettext_lazy("从网页复制的全文即可，表格可以是任何样式。"),
    )
    url = forms.CharField(
        label=gettext_lazy("或者填写报告的网址"),
        required=False,
        max_length=MAX_URL_CHARS,
        error_messages={"max_length": gettext_lazy("网址太长（最多 %(limit_value)d 个字符）。")},
        widget=forms.URLInput(attrs={"placeholder": "https://", "inputmode": "url"}),
        help_text=gettext_lazy(
            "报告的网页，或报告文件（PDF、Word）的网址；网页上附有报告文件时检查该文件。"
            "网址由本站读取，遵守该网站的 robots.txt。"
        ),
    )
    previous = forms.FileField(
        label=gettext_lazy("上年度报告（可选）"),
        required=False,
        help_text=gettext_lazy("用于跨年度核对，例如本年“上年结转”应等于上年“结转下年度继续办理”。"),
        widget=forms.FileInput(attrs={"accept": _ACCEPT}),
    )

    def clean_url(self) -> str:
        url = str(self.cleaned_data.get("url") or "").strip()
        if url and not _URL.match(url):
            raise forms.ValidationError(
                _("网址无效：请填写以 http:// 或 https:// 开头的完整网址。"), code="bad_url"
            )
        return url

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        files: Sequence[UploadedFile] = data.get("reports") or []
        if (
            not files
            and not (data.get("text") or "").strip()
            and not data.get("url")
            and "url" not in self.errors
        ):
            raise forms.ValidationError(
                _("请上传至少一个报告文件、粘贴报告全文，或者填写报告的网址。"), code="empty"
            )
        total = sum(f.size or 0 for f in files)
        if total > MAX_TOTAL_UPLOAD_BYTES:
            self.add_error(
                "reports",
                forms.ValidationError(
                    _("这次选择的文件共 %(total)s MB，一次最多 %(max)s MB；请分几次检查。"),
                    code="too_big_together",
                    params={"total": total // (1024 * 1024), "max": MAX_TOTAL_UPLOAD_BYTES // (1024 * 1024)},
                ),
            )
        if len(files) > MAX_FILES:
            self.add_error(
                "reports",
                forms.ValidationError(
                    _("一次最多检查 %(max)d 个文件，这次选择了 %(count)d 个。"),
                    code="too_many",
                    params={"max": MAX_FILES, "count": len(files)},
                ),
            )
        return data


def sign_result(result: dict[str, Any]) -> str:
    """The check result as a tamper-proof token for the save form (nothing is stored until saved)."""
    return signing.dumps(result, salt=_SIGNING_SALT, compress=True)


class SaveCheckForm(forms.Form):
    result = forms.CharField(widget=forms.HiddenInput)
    agency = forms.ModelChoiceField(
        queryset=Agency.objects.none(),
        required=False,
        label=gettext_lazy("归入本人所在机关"),
        empty_label=gettext_lazy("（不指定）"),
    )

    def __init__(self, *args: Any, agencies: Sequence[Agency] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        agency_field = self.fields["agency"]
        if agencies:
            assert isinstance(agency_field, forms.ModelChoiceField)
            agency_field.queryset = Agency.objects.filter(pk__in=[a.pk for a in agencies])
        else:
            del self.fields["agency"]

    def clean_result(self) -> dict[str, Any]:
        token = self.cleaned_data["result"]
        try:
            result = signing.loads(token, salt=_SIGNING_SALT, max_age=SAVE_MAX_AGE)
        except signing.SignatureExpired as exc:
            raise forms.ValidationError(
                _("这次检查已超过 24 小时，结果不能再保存。请重新检查后保存。"), code="expired"
            ) from exc
        except signing.BadSignature as exc:
            raise forms.ValidationError(
                _("检查结果无法核实，请重新检查后保存。"), code="bad_signature"
            ) from exc
        if not isinstance(result, dict):
            raise forms.ValidationError(_("检查结果无法核实，请重新检查后保存。"), code="bad_signature")
        return result
