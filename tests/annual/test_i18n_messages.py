"""The annual report's own messages in the reader's language: the services' refusals, the hand-entry
errors, why a draft cannot be published, and the pre-publication rules' findings (stored with their template
and parameters, so that a stored check shows in English too). Chinese stays as it was."""

from __future__ import annotations

import re

import pytest
from django.utils import translation

from gongkai.annual import documents, selectors, services
from gongkai.checker.presenters import finding_message, findings_from_json
from gongkai.reports.model import FormatVersion
from tests.applications import conftest as applications_fixtures
from tests.applications.conftest import Staff

pytestmark = pytest.mark.django_db

staff = applications_fixtures.staff

YEAR = 2025
CJK = re.compile(r"[\u4e00-\u9fff]")
#: Official labels and quoted text keep their Chinese: a section heading, a row label, a placeholder.
QUOTED = re.compile(r"“[^”]*”|【[^】]*】|\([^)]*\)|（[^）]*）")


FORMATS: tuple[FormatVersion, ...] = ("2019", "2021")
#: The official labels of table 二 (rows, columns, item numbers) stay Chinese in English.
OFFICIAL = sorted(
    {
        part
        for version in FORMATS
        for c in documents.hand_cells(version)
        for part in (c.row.label, c.column.label, c.block.item)
    },
    key=len,
    reverse=True,
)


def english_only(text: str) -> bool:
    for label in OFFICIAL:
        text = text.replace(label, "")
    return not CJK.search(QUOTED.sub("", text))


def messages_of(exc: pytest.ExceptionInfo[services.ReportError]) -> list[str]:
    return list(exc.value.messages)


def test_service_refusals_in_english_and_chinese(staff: Staff) -> None:
    version = services.open_draft(actor=staff.officer, agency=staff.agency, year=YEAR)
    with translation.override("en"):
        with pytest.raises(services.ReportError) as en:
            services.save_sections(actor=staff.officer, version=version, sections={"overview": ""})
        with pytest.raises(services.ReportError) as en_year:
            services.open_draft(actor=staff.officer, agency=staff.agency, year=2099)
        with pytest.raises(services.ReportError) as en_publish:
            services.publish(actor=staff.officer, version=version)
        with pytest.raises(services.ReportError) as en_figure:
            services.set_hand_entry(
                actor=staff.officer, version=version, row="fee", column="amount", value="abc", note="x"
            )
    assert messages_of(en) == ["“一、总体情况” cannot be empty."]
    assert messages_of(en_year) == ["The year 2099 has not begun; its report cannot be written yet."]
    assert messages_of(en_publish)[0] == "Not checked: the report must be checked before it is published."
    assert all(english_only(m) for m in messages_of(en_figure)), messages_of(en_figure)
    with translation.override("zh-hans"):
        with pytest.raises(services.ReportError) as zh:
            services.open_draft(actor=staff.officer, agency=staff.agency, year=2099)
        with pytest.raises(services.ReportError) as zh_publish:
            services.publish(actor=staff.officer, version=version)
    assert messages_of(zh) == ["2099年度尚未开始，不能编写该年度的报告。"]
    assert messages_of(zh_publish)[0] == "尚未检查：公开前须先检查报告。"


def test_figures_refused_in_english() -> None:
    cell = documents.hand_cells("2021")[0]
    with translation.override("en"):
        for typed in ("", "abc", "-1", "1e20"):
            with pytest.raises(documents.BadFigure) as exc:
                documents.parse_figure(cell, typed)
            assert english_only(str(exc.value)), str(exc.value)
        assert cell.shown_label.startswith("Table 2, Article 20 item")
    assert cell.label.startswith("表二 第二十条第（")  # the report prints it in Chinese


def test_own_findings_stored_with_template_and_rendered_in_english(staff: Staff) -> None:
    version = services.open_draft(actor=staff.officer, agency=staff.agency, year=YEAR)
    version = services.check_draft(actor=staff.officer, version=version)
    own = version.check_result["extra"]
    codes = {f["code"] for f in own}
    assert {"draft.hand_entry_missing", "draft.placeholder", "draft.no_previous_report"} <= codes
    assert all(f["template"] and isinstance(f["params"], dict) for f in own)
    findings = findings_from_json(own)
    with translation.override("en"):
        english = [finding_message(f) for f in findings]
        reasons = selectors.readiness(version).reasons
    assert all(english_only(text) for text in english), english
    assert all(english_only(text) for text in reasons), reasons
    assert any(text.startswith("No report on 2024 was found") for text in english)
    with translation.override("zh-hans"):
        chinese = [finding_message(f) for f in findings]
    assert chinese == [f["message"] for f in own]
    assert (
        "未找到2024年度报告，跨年度核对（上年结转、现行有效件数）未进行；如上一年度报告不是在本系统公开的，可导入其文件。"
        in chinese
    )
