"""The exporters' refusals in the reader's language: ``str()`` stays today's Chinese, ``render_error`` gives
the English under an English request (a page, the command line)."""

from __future__ import annotations

import re
import sys

import pytest
from django.utils import translation

from gongkai.core.i18n import render_error
from gongkai.reports.export import ExportUnavailable, export, export_format
from gongkai.reports.export import pdf as pdf_export
from tests.reports.export_samples import doc_2021

CJK = re.compile(r"[\u4e00-\u9fff（）：；，。、]")


@pytest.mark.parametrize(("suffix", "shown"), [(".xyz", ".xyz"), ("", "(empty)")])
def test_an_unknown_suffix_in_english(suffix: str, shown: str) -> None:
    with pytest.raises(ValueError) as exc:
        export_format(suffix)
    with translation.override("en"):
        text = render_error(exc.value)
    assert text == f"Unsupported export format {shown}: use .docx, .pdf, .html or .json"
    with translation.override("zh-hans"):
        assert render_error(exc.value) == str(exc.value)


def _refusal(monkeypatch: pytest.MonkeyPatch, how: str) -> ExportUnavailable:
    if how == "pango":
        monkeypatch.setitem(sys.modules, "weasyprint", None)
    else:
        monkeypatch.setattr(pdf_export, "_weasyprint", lambda: object())
        if how == "font":
            monkeypatch.setattr(pdf_export, "cjk_font_families", lambda: [])
        else:
            monkeypatch.setenv("PATH", "/nonexistent")
    with pytest.raises(ExportUnavailable) as exc:
        export(doc_2021(), ".pdf")
    return exc.value


@pytest.mark.parametrize(
    ("how", "chinese"),
    [("font", pdf_export.MSG_NO_CJK_FONT), ("fontconfig", pdf_export.MSG_NO_FONTCONFIG), ("pango", None)],
)
def test_the_pdf_refusals_in_english_and_chinese(
    monkeypatch: pytest.MonkeyPatch, how: str, chinese: str | None
) -> None:
    error = _refusal(monkeypatch, how)
    if chinese is not None:
        assert str(error) == chinese
    else:
        assert str(error).startswith("无法生成 PDF：服务器缺少 PDF 排版所需的系统库（")
    with translation.override("en"):
        english = render_error(error)
    assert english.startswith("Cannot produce the PDF") and not CJK.search(english), english
    with translation.override("zh-hans"):
        assert render_error(error) == str(error)
