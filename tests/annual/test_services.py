"""The annual report's life through its services: draft from the records, hand entries, check, warnings
acknowledged, publish, immutability, correction as a new version, cross-year check, permissions."""

from __future__ import annotations

import datetime
import re
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.test import Client
from django.utils import timezone

from gongkai.annual import documents, selectors, services, tabulate
from gongkai.annual.models import (
    HandEntry,
    ImportedReport,
    PublishedVersionChanged,
    Report,
    ReportVersion,
    VersionStatus,
)
from gongkai.applications import services as case_services
from gongkai.core.models import AuditEvent
from gongkai.reports import drafting
from gongkai.reports.model import SECTION3_COLUMN_KEYS
from gongkai.reports.tables import Cell
from tests.applications import conftest as applications_fixtures
from tests.applications.conftest import CaseMaker, Staff
from tests.reports.test_drafting import section_five

pytestmark = pytest.mark.django_db

staff = applications_fixtures.staff
make_case = applications_fixtures.make_case

D = datetime.date
YEAR = 2025


def answer(staff: Staff, case: object, on: datetime.date) -> None:
    case_services.answer(
        actor=staff.officer,
        application=case,  # type: ignore[arg-type]
        on=on,
        outcome="granted",
        how_to_obtain="已通过电子邮件发送。",
    )


def cases_of_the_year(staff: Staff, make_case: CaseMaker) -> None:
    """Three cases received in 2025: two answered in 2025, one carried forward into 2026."""
    a = make_case(arrived_on=D(YEAR, 3, 3), serial=1)
    answer(staff, a, D(YEAR, 3, 20))
    b = make_case(arrived_on=D(YEAR, 6, 2), serial=2, applicant_type="commercial")
    answer(staff, b, D(YEAR, 6, 16))
    make_case(arrived_on=D(YEAR, 12, 22), serial=3)


def without_placeholders(text: str) -> str:
    """The draft with every line still holding a 【请填写：…】 placeholder replaced by real text."""
    lines = []
    for line in text.splitlines():
        if drafting.find_placeholders(line):
            line = drafting.PLACEHOLDER.sub("本机关已按要求落实", line)
        lines.append(line)
    return "\n".join(lines)


def finish_draft(staff: Staff, version: ReportVersion) -> ReportVersion:
    services.set_hand_entry(
        actor=staff.officer,
        version=version,
        row="fees",
        column="amount",
        value="0",
        note="据本单位财务系统统计，本年度未收取行政事业性收费。",
    )
    version.refresh_from_db()
    services.save_sections(
        actor=staff.officer,
        version=version,
        sections={
            key: without_placeholders(version.sections[key]) for key in ("overview", "problems", "other")
        },
    )
    version.refresh_from_db()
    return version


def codes(version: ReportVersion, severity: str) -> set[str]:
    return {f["code"] for f in selectors.all_findings(version) if f["severity"] == severity}


def test_the_draft_is_built_from_the_records(staff: Staff, make_case: CaseMaker) -> None:
    cases_of_the_year(staff, make_case)
    version = services.open_draft(actor=staff.officer, agency=staff.agency, year=YEAR)
    assert version.number == 1 and version.status == VersionStatus.DRAFT and version.format == "2021"
    table3 = tabulate.table3([staff.agency.pk], YEAR)
    assert version.computed["section3"]["new_received"] == [
        table3["new_received"][c] for c in SECTION3_COLUMN_KEYS
    ]
    assert version.computed["section3"]["new_received"][-1] == 3
    assert version.computed["section3"]["carried_forward"][-1] == 1
    assert version.computed["section2"]["fees"] == {"amount": None}
    # The prose quotes the year's real figures.
    assert "3件" in version.sections["overview"]
    assert set(version.sections) >= {"overview", "problems", "other"}
    # Opening again returns the same draft; the audit log has one event.
    assert services.open_draft(actor=staff.officer, agency=staff.agency, year=YEAR).pk == version.pk
    assert AuditEvent.objects.filter(action="annual.draft_opened").count() == 1
    # A 2020 report is in the 2019 format, whose table 二 is entirely hand-entered (D9).
    old = services.open_draft(actor=staff.officer, agency=staff.agency, year=2020)
    assert old.format == "2019"
    assert all(v is None for cells in old.computed["section2"].values() for v in cells.values())
    assert len(documents.hand_cells("2019")) == sum(len(c) for c in old.computed["section2"].values())


def test_years_that_cannot_be_drafted(staff: Staff) -> None:
    with pytest.raises(services.ReportError, match="2007年条例"):
        services.open_draft(actor=staff.officer, agency=staff.agency, year=2018)
    with pytest.raises(services.ReportError, match="尚未开始"):
        services.open_draft(actor=staff.officer, agency=staff.agency, year=timezone.localdate().year + 1)


@pytest.mark.parametrize("who", ["reviewer", "supervisor", "other_officer"])
def test_only_the_agencys_writers_draft_it(staff: Staff, who: str) -> None:
    with pytest.raises(PermissionDenied):
        services.open_draft(actor=getattr(staff, who), agency=staff.agency, year=YEAR)
    assert not Report.objects.exists()


def test_hand_entries_are_validated_and_need_a_note(staff: Staff) -> None:
    version = services.open_draft(actor=staff.officer, agency=staff.agency, year=YEAR)

    def enter(value: str, note: str = "据财务系统", row: str = "fees", column: str = "amount") -> None:
        services.set_hand_entry(
            actor=staff.officer, version=version, row=row, column=column, value=value, note=note
        )

    for bad, message in [
        ("", "请填写"),
        ("abc", "不是数字"),
        ("-1", "不能为负数"),
        ("0.00125", "最多保留4位小数"),
    ]:
        with pytest.raises(services.ReportError, match=message):
            enter(bad)
    with pytest.raises(services.ReportError, match="数据来源"):
        enter("1", note=" ")
    with pytest.raises(services.ReportError, match="应为整数"):
        enter("2.5", row="licensing", column="decisions")
    with pytest.raises(services.ReportError, match="不能手工填报"):
        enter("2", row="regulations", column="issued")  # computed from the catalogue (2021 format)
    assert not HandEntry.objects.exists()
    enter("０．０１２５")  # full-width digits are read
    enter("12", row="licensing", column="decisions", note="行政许可在省政务服务平台办理，据平台统计")
    tables = documents.assembled_tables(version)
    assert tables.section2["fees"]["amount"] == 0.0125
    assert tables.section2["licensing"]["decisions"] == 12
    doc = documents.to_document(version)
    assert any("省政务服务平台" in note for note in doc.notes)
    services.remove_hand_entry(actor=staff.officer, version=version, row="licensing", column="decisions")
    assert documents.assembled_tables(version).section2["licensing"]["decisions"] == 0


def test_check_then_acknowledge_then_publish(staff: Staff, make_case: CaseMaker) -> None:
    cases_of_the_year(staff, make_case)
    version = services.open_draft(actor=staff.officer, agency=staff.agency, year=YEAR)
    with pytest.raises(services.ReportError, match="尚未检查"):
        services.publish(actor=staff.officer, version=version)
    version = services.check_draft(actor=staff.officer, version=version)
    # The fee amount is blank and the draft still has placeholders: errors block publishing.
    assert {"draft.hand_entry_missing", "draft.placeholder"} <= codes(version, "error")
    with pytest.raises(services.ReportError, match="错误"):
        services.publish(actor=staff.officer, version=version)

    version = finish_draft(staff, version)
    assert not selectors.readiness(version).check_current  # changed since the check
    version = services.check_draft(actor=staff.officer, version=version)
    assert codes(version, "error") == set(), selectors.all_findings(version)
    state = selectors.readiness(version)
    if state.warnings:
        with pytest.raises(services.ReportError, match="警告尚未确认"):
            services.publish(actor=staff.officer, version=version)
        services.acknowledge_warnings(actor=staff.officer, version=version, note="已核对")
    # An unrelated edit after the check makes it stale again.
    services.save_sections(
        actor=staff.officer, version=version, sections={"appeals": "该部分以表格形式报告。 "}
    )
    version.refresh_from_db()
    published = services.publish(actor=staff.officer, version=version, on=D(YEAR + 1, 1, 20))
    assert published.status == VersionStatus.PUBLISHED and published.published_on == D(YEAR + 1, 1, 20)
    assert AuditEvent.objects.filter(action="annual.published").count() == 1

    # Published is immutable: the model refuses, and so do the services.
    stored = ReportVersion.objects.get(pk=published.pk)
    stored.sections = {**stored.sections, "overview": "改写"}
    with pytest.raises(PublishedVersionChanged):
        stored.save()
    entry = HandEntry.objects.get(version=stored)
    entry.value = 5
    with pytest.raises(PublishedVersionChanged):
        entry.save()
    with pytest.raises(services.ReportError, match="没有可编辑的草稿"):
        services.save_sections(actor=staff.officer, version=stored, sections={"overview": "改写"})
    with pytest.raises(services.ReportError, match="已公开"):
        services.open_draft(actor=staff.officer, agency=staff.agency, year=YEAR)


def publish_report(staff: Staff, year: int, on: datetime.date) -> ReportVersion:
    version = finish_draft(staff, services.open_draft(actor=staff.officer, agency=staff.agency, year=year))
    version = services.check_draft(actor=staff.officer, version=version)
    assert codes(version, "error") == set(), selectors.all_findings(version)
    if selectors.readiness(version).warnings:
        services.acknowledge_warnings(actor=staff.officer, version=version)
    return services.publish(actor=staff.officer, version=version, on=on)


def test_a_correction_is_a_new_version_with_its_changes(staff: Staff, make_case: CaseMaker) -> None:
    cases_of_the_year(staff, make_case)
    first = publish_report(staff, YEAR, D(YEAR + 1, 1, 20))
    report = first.report
    with pytest.raises(services.ReportError, match="尚未公开|直接修改"):
        services.start_correction(
            actor=staff.officer, report=Report.objects.create(agency=staff.agency, year=2024)
        )
    draft = services.start_correction(actor=staff.officer, report=report)
    assert draft.number == 2 and draft.sections == first.sections
    assert HandEntry.objects.filter(version=draft).count() == 1
    with pytest.raises(services.ReportError, match="已有未公开的草稿"):
        services.start_correction(actor=staff.officer, report=report)
    # Only one draft per report, enforced by the database too.
    with pytest.raises(IntegrityError), transaction.atomic():
        ReportVersion.objects.create(report=report, number=3, format="2021")

    services.set_hand_entry(
        actor=staff.officer,
        version=draft,
        row="fees",
        column="amount",
        value="0.5",
        note="财务系统更正后的数据",
    )
    services.check_draft(actor=staff.officer, version=draft)
    draft.refresh_from_db()
    state = selectors.readiness(draft)
    assert "更正版本须填写更正说明（改了什么、为什么改）。" in state.reasons
    services.set_change_note(actor=staff.officer, version=draft, change_note="更正表二行政事业性收费金额。")
    draft.refresh_from_db()
    draft = services.check_draft(actor=staff.officer, version=draft)
    if selectors.readiness(draft).warnings:
        services.acknowledge_warnings(actor=staff.officer, version=draft)
    second = services.publish(actor=staff.officer, version=draft, on=D(YEAR + 1, 2, 3))
    assert second.number == 2
    doc = documents.to_document(ReportVersion.objects.get(pk=second.pk))
    assert doc.change_note == "更正表二行政事业性收费金额。"
    assert doc.tables.section2["fees"]["amount"] == 0.5
    # The first version is untouched.
    assert (
        documents.to_document(ReportVersion.objects.get(pk=first.pk)).tables.section2["fees"]["amount"] == 0
    )


def test_a_correction_draft_can_be_discarded(staff: Staff, make_case: CaseMaker) -> None:
    first = publish_report(staff, YEAR, D(YEAR + 1, 1, 20))
    draft = services.start_correction(actor=staff.officer, report=first.report)
    services.discard_correction(actor=staff.officer, version=draft)
    assert list(first.report.versions.values_list("number", "status")) == [(1, "published")]


def test_cross_year_check_uses_last_years_published_report(staff: Staff, make_case: CaseMaker) -> None:
    # 2024: one case carried forward into 2025.
    carried = make_case(arrived_on=D(2024, 12, 23), serial=4)
    publish_report(staff, 2024, D(2025, 1, 15))
    answer(staff, carried, D(2025, 1, 10))
    version = services.open_draft(actor=staff.officer, agency=staff.agency, year=YEAR)
    assert version.computed["section3"]["carried_over"][-1] == 1
    version = finish_draft(staff, version)
    version = services.check_draft(actor=staff.officer, version=version)
    assert "2024年度报告" in version.check_result["previous"]
    assert selectors.previous_label(staff.agency, YEAR) == version.check_result["previous"]
    assert not any(f["code"].startswith("crossyear.") for f in selectors.all_findings(version))
    # Section 五 copied from last year's is warned about.
    last = Report.objects.get(agency=staff.agency, year=2024).versions.get().sections["problems"]
    services.save_sections(actor=staff.officer, version=version, sections={"problems": last})
    version.refresh_from_db()
    version = services.check_draft(actor=staff.officer, version=version)
    assert "draft.problems_copied" in codes(version, "warning")


def test_an_imported_previous_report_is_used_and_its_mismatch_found(
    staff: Staff, make_case: CaseMaker
) -> None:
    make_case(arrived_on=D(YEAR, 3, 3), serial=1)
    # Last year's report published elsewhere says 2 applications were carried forward; the records say 0.
    from tests.checker.renderers import render

    version = services.open_draft(actor=staff.officer, agency=staff.agency, year=YEAR)
    previous_tables = documents.assembled_tables(version)
    two_carried: list[Cell] = [2, 0, 0, 0, 0, 0, 2]
    previous_tables.section3["carried_forward"] = two_carried
    previous_tables.section3["new_received"] = [
        int(n or 0) + int(c or 0)
        for n, c in zip(previous_tables.section3["new_received"], two_carried, strict=True)
    ]
    previous_tables.section2["fees"]["amount"] = 0
    data, name = render(previous_tables, "2021", "html")
    data = re.sub(
        rb"20\d\d\xe5\xb9\xb4", "2024年".encode(), data
    )  # the rendered report is made a 2024 report
    imported = services.import_previous(
        actor=staff.officer, agency=staff.agency, year=2024, filename=name, data=data
    )
    assert imported.year == 2024
    version = finish_draft(staff, version)
    version = services.check_draft(actor=staff.officer, version=version)
    assert imported.filename in version.check_result["previous"]
    assert any("结转" in f["message"] for f in selectors.all_findings(version) if f["severity"] != "info")


def test_importing_a_file_that_is_not_a_report_is_refused(staff: Staff) -> None:
    with pytest.raises(services.ReportError, match="不像是一份"):
        services.import_previous(
            actor=staff.officer, agency=staff.agency, year=2024, filename="note.txt", data="会议通知".encode()
        )
    with pytest.raises(PermissionDenied):
        services.import_previous(
            actor=staff.other_officer, agency=staff.agency, year=2024, filename="a.txt", data=b"x"
        )


def test_importing_a_blank_template_as_last_years_report_says_it_is_a_template(staff: Staff) -> None:
    """A blank template has every table: the refusal says it is a template, not that tables are missing."""
    from gongkai.reports.tables import Tables
    from tests.checker.renderers import render

    data, name = render(Tables(), "2021", "html")
    with pytest.raises(services.ReportError) as refused:
        services.import_previous(
            actor=staff.officer, agency=staff.agency, year=2024, filename=name, data=data
        )
    message = " ".join(refused.value.message_dict["file"])
    assert "空白模板" in message
    assert "未找到" not in message
    assert not ImportedReport.objects.exists()


def test_deadlines_by_kind_and_the_townships_local_deadline(staff: Staff, tree: object) -> None:
    county_a = staff.supervisor.memberships.get().agency
    department = staff.agency
    township = county_a.children.get(short_code="town-a1")
    assert selectors.deadline_for(department, YEAR) == D(YEAR + 1, 1, 31)
    assert selectors.deadline_for(county_a, YEAR) == D(YEAR + 1, 3, 31)
    assert selectors.deadline_for(township, YEAR) is None
    services.set_local_deadline(
        actor=staff.supervisor, supervisor_agency=county_a, year=YEAR, deadline=D(YEAR + 1, 2, 20)
    )
    assert selectors.deadline_for(township, YEAR) == D(YEAR + 1, 2, 20)
    with pytest.raises(services.ReportError, match="期限应在"):
        services.set_local_deadline(
            actor=staff.supervisor, supervisor_agency=county_a, year=YEAR, deadline=D(YEAR, 12, 1)
        )
    with pytest.raises(PermissionDenied):
        services.set_local_deadline(
            actor=staff.officer, supervisor_agency=county_a, year=YEAR, deadline=D(YEAR + 1, 2, 1)
        )


def test_blank_hand_cells_can_be_filled_with_zero_at_once(staff: Staff) -> None:
    version = services.open_draft(actor=staff.officer, agency=staff.agency, year=2020)  # 2019 format
    services.set_hand_entry(
        actor=staff.officer,
        version=version,
        row="licensing",
        column="decisions",
        value="7",
        note="据审批系统",
    )
    with pytest.raises(services.ReportError, match="依据"):
        services.fill_blank_hand_entries(actor=staff.officer, version=version, note="")
    filled = services.fill_blank_hand_entries(actor=staff.officer, version=version, note="本机关本年度未发生")
    assert filled == len(documents.hand_cells("2019")) - 1
    tables = documents.assembled_tables(version)
    assert tables.section2["licensing"]["decisions"] == 7 and tables.section2["regulations"]["made"] == 0
    assert documents.missing_hand_cells(version, tables) == []
    assert services.fill_blank_hand_entries(actor=staff.officer, version=version, note="再次") == 0
    with pytest.raises(PermissionDenied):
        services.fill_blank_hand_entries(actor=staff.reviewer, version=version, note="x")


def test_warnings_must_be_acknowledged_and_a_change_voids_the_acknowledgement(
    staff: Staff, make_case: CaseMaker
) -> None:
    previous = publish_report(staff, 2024, D(2025, 1, 15))
    version = finish_draft(staff, services.open_draft(actor=staff.officer, agency=staff.agency, year=YEAR))
    # Section 五 copied from last year's report: a warning (draft.problems_copied).
    services.save_sections(
        actor=staff.officer, version=version, sections={"problems": previous.sections["problems"]}
    )
    version.refresh_from_db()
    version = services.check_draft(actor=staff.officer, version=version)
    assert codes(version, "error") == set()
    assert "draft.problems_copied" in codes(version, "warning")
    state = selectors.readiness(version)
    assert state.warnings >= 1 and not state.acknowledged
    with pytest.raises(services.ReportError, match="警告尚未确认"):
        services.publish(actor=staff.officer, version=version)
    with pytest.raises(PermissionDenied):
        services.acknowledge_warnings(actor=staff.reviewer, version=version)
    staff.officer.first_name = "王芳"
    staff.officer.save()
    version = services.acknowledge_warnings(
        actor=staff.officer, version=version, note="五为延续性问题，已核实"
    )
    assert (
        version.acknowledgement["by"] == "王芳"  # the person's name, as the workspace shows it
        and version.acknowledgement["note"] == "五为延续性问题，已核实"
    )
    assert len(version.acknowledgement["warnings"]) == state.warnings
    assert AuditEvent.objects.filter(action="annual.warnings_acknowledged").count() == 1
    assert selectors.readiness(version).ready
    # Any change after the check makes it stale; the old acknowledgement does not carry over to a new check
    # whose warnings differ.
    services.save_sections(
        actor=staff.officer, version=version, sections={"appeals": "该部分以表格形式报告，详见下表。"}
    )
    version.refresh_from_db()
    assert not selectors.readiness(version).check_current
    with pytest.raises(services.ReportError, match="重新检查"):
        services.publish(actor=staff.officer, version=version)
    services.save_sections(
        actor=staff.officer,
        version=version,
        sections={"problems": previous.sections["problems"] + "\n另有新问题。"},
    )
    version.refresh_from_db()
    version = services.check_draft(actor=staff.officer, version=version)
    # The new check's warning differs (its text is no longer a copy): nothing is acknowledged for it.
    state = selectors.readiness(version)
    assert state.check_current and (state.warnings == 0 or not state.acknowledged)
    if state.warnings:
        services.acknowledge_warnings(actor=staff.officer, version=version)
    assert services.publish(actor=staff.officer, version=version).status == VersionStatus.PUBLISHED


def test_a_check_is_stale_when_last_years_report_changes(staff: Staff, make_case: CaseMaker) -> None:
    version = finish_draft(staff, services.open_draft(actor=staff.officer, agency=staff.agency, year=YEAR))
    version = services.check_draft(actor=staff.officer, version=version)
    assert selectors.readiness(version).check_current and version.check_result["previous"] == ""
    # Last year's report, published elsewhere, is imported after the check: the check is stale.
    from tests.checker.renderers import render

    tables = documents.assembled_tables(version)
    tables.section2["fees"]["amount"] = 0
    data, name = render(tables, "2021", "html")
    data = re.sub(rb"20\d\d\xe5\xb9\xb4", "2024年".encode(), data)
    services.import_previous(actor=staff.officer, agency=staff.agency, year=2024, filename=name, data=data)
    state = selectors.readiness(version)
    assert not state.check_current and any("上一年度报告" in r for r in state.reasons)
    with pytest.raises(services.ReportError):
        services.publish(actor=staff.officer, version=version)


def test_typed_text_with_a_nul_character_is_refused(staff: Staff) -> None:
    version = services.open_draft(actor=staff.officer, agency=staff.agency, year=YEAR)
    with pytest.raises(services.ReportError, match="NUL"):
        services.save_sections(actor=staff.officer, version=version, sections={"other": "a\x00b"})
    with pytest.raises(services.ReportError, match="NUL"):
        services.set_hand_entry(
            actor=staff.officer, version=version, row="fees", column="amount", value="1", note="x\x00y"
        )
    with pytest.raises(services.ReportError, match="不能手工填报"):
        services.remove_hand_entry(actor=staff.officer, version=version, row="fees\x00", column="amount")


def test_a_published_report_keeps_the_agency_name_it_was_published_under(
    staff: Staff, make_case: CaseMaker
) -> None:
    published = publish_report(staff, YEAR, D(YEAR + 1, 1, 20))
    title = documents.to_document(ReportVersion.objects.get(pk=published.pk)).title
    staff.agency.name = "甲县财政局（改名后）"
    staff.agency.save()
    assert documents.to_document(ReportVersion.objects.get(pk=published.pk)).title == title
    assert "改名后" not in title


def test_a_2019_format_report_is_published_from_the_records(staff: Staff, make_case: CaseMaker) -> None:
    """A report on 2020 (60号 format): tables 三 and 四 from the cases, table 二 entered by hand."""
    case = make_case(arrived_on=D(2020, 6, 1), serial=5)
    answer(staff, case, D(2020, 6, 15))
    make_case(arrived_on=D(2020, 12, 21), serial=6)  # carried forward into 2021
    version = services.open_draft(actor=staff.officer, agency=staff.agency, year=2020)
    assert version.format == "2019" and "other" in version.computed["section3"]
    services.set_hand_entry(
        actor=staff.officer,
        version=version,
        row="licensing",
        column="decisions",
        value="3",
        note="据审批系统",
    )
    services.fill_blank_hand_entries(actor=staff.officer, version=version, note="本机关本年度未发生")
    version.refresh_from_db()
    services.save_sections(
        actor=staff.officer,
        version=version,
        sections={
            key: without_placeholders(version.sections[key]) for key in ("overview", "problems", "other")
        },
    )
    version.refresh_from_db()
    version = services.check_draft(actor=staff.officer, version=version)
    assert codes(version, "error") == set(), selectors.all_findings(version)
    if selectors.readiness(version).warnings:
        services.acknowledge_warnings(actor=staff.officer, version=version)
    published = services.publish(actor=staff.officer, version=version, on=D(2021, 1, 25))
    doc = documents.to_document(ReportVersion.objects.get(pk=published.pk))
    assert doc.format == "2019" and doc.tables.section3["carried_forward"][-1] == 1
    assert doc.tables.section2["licensing"]["decisions"] == 3


# --- Section 五 pasted into the template; section 六's fees against the records (issue 11) ---------


def test_last_years_five_pasted_into_this_years_template_is_a_warning(staff: Staff) -> None:
    last_years_five = section_five("006")  # a real section 五 (平潭 2023)
    version = finish_draft(staff, services.open_draft(actor=staff.officer, agency=staff.agency, year=2024))
    services.save_sections(actor=staff.officer, version=version, sections={"problems": last_years_five})
    version.refresh_from_db()
    version = services.check_draft(actor=staff.officer, version=version)
    services.acknowledge_warnings(actor=staff.officer, version=version)
    services.publish(actor=staff.officer, version=version, on=D(2025, 1, 15))

    draft = services.open_draft(actor=staff.officer, agency=staff.agency, year=YEAR)
    template = draft.sections["problems"]
    assert "部分单位信息发布属性界定还不够精确" in template  # last year's problems, quoted for the follow-up
    *follow_ups, this_year, measures = drafting.find_placeholders(template)

    def filled(problems: str, next_year: str) -> str:
        text = template
        for placeholder in follow_ups:
            text = text.replace(placeholder, "已整改。", 1)
        return text.replace(this_year, problems, 1).replace(measures, next_year, 1)

    # Last year's narrative pasted verbatim into the template: the warning.
    pasted = filled(last_years_five, "继续加强。")
    assert drafting.similarity(pasted, last_years_five) < drafting.COPY_THRESHOLD  # diluted by the template
    services.save_sections(actor=staff.officer, version=draft, sections={"problems": pasted})
    draft.refresh_from_db()
    draft = services.check_draft(actor=staff.officer, version=draft)
    assert "draft.problems_copied" in codes(draft, "warning")
    # A narrative genuinely rewritten (the agency's 五 of another year): no warning.
    rewritten = filled(section_five("004"), "一是开展答复文书评查；二是建立新媒体更新台账，按月通报。")
    services.save_sections(actor=staff.officer, version=draft, sections={"problems": rewritten})
    draft.refresh_from_db()
    draft = services.check_draft(actor=staff.officer, version=draft)
    assert "draft.problems_copied" not in codes(draft, "warning")


def fee_findings(version: ReportVersion) -> list[dict[str, Any]]:
    return [f for f in selectors.all_findings(version) if f["code"] == "draft.fee_mismatch"]


def test_the_fees_stated_in_six_are_compared_with_the_records(staff: Staff, make_case: CaseMaker) -> None:
    # On record for 2025: a notice of 200 元 paid, a notice of 1,320 元 never paid.
    paid = make_case(arrived_on=D(YEAR, 3, 3), serial=1)
    case_services.issue_fee_notice(
        actor=staff.officer, application=paid, on=D(YEAR, 3, 4), method="pages", quantity=50
    )
    case_services.record_payment(actor=staff.officer, application=paid, on=D(YEAR, 3, 10))
    unpaid = make_case(arrived_on=D(YEAR, 4, 1), serial=2)
    case_services.issue_fee_notice(
        actor=staff.officer, application=unpaid, on=D(YEAR, 4, 2), method="pages", quantity=131
    )
    version = finish_draft(staff, services.open_draft(actor=staff.officer, agency=staff.agency, year=YEAR))
    statement = "本年度共发出收费通知2件，总金额1520元，实际收取信息处理费200元。"
    assert statement in version.sections["other"]  # the draft states the records ...
    version = services.check_draft(actor=staff.officer, version=version)
    assert fee_findings(version) == []  # ... and agrees with them

    # The officer writes the notices' total as the amount collected: a warning naming both amounts.
    other = version.sections["other"].replace(statement, "本年度共收取信息处理费1,520元。")
    services.save_sections(actor=staff.officer, version=version, sections={"other": other})
    version.refresh_from_db()
    version = services.check_draft(actor=staff.officer, version=version)
    (finding,) = fee_findings(version)
    assert finding["severity"] == "warning" and finding["section"] == "other"
    assert finding["message"] == (
        "“六、其他需要报告的事项”写明实际收取的信息处理费为1520元，本系统记录为200元"
        "（本年度已缴费的收费通知金额合计）；请核对后改正其中之一。"
    )
    assert finding["params"]["stated"] == "1520" and finding["params"]["recorded"] == "200"
    assert "draft.fee_mismatch" in codes(version, "warning")
    # The workspace shows it; in English too.
    client = Client()
    client.force_login(staff.officer)
    page = client.get(f"/reports/{staff.agency.short_code}/{YEAR}/").content.decode()
    assert "实际收取的信息处理费为1520元，本系统记录为200元" in page
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    page = client.get(f"/reports/{staff.agency.short_code}/{YEAR}/").content.decode()
    assert "the information-processing fee actually collected as 1520 yuan" in page


def test_a_too_long_acknowledgement_note_is_refused_not_cut(staff: Staff) -> None:
    version = services.open_draft(actor=staff.officer, agency=staff.agency, year=YEAR)
    assert version is not None
    with pytest.raises(services.ReportError) as refused:
        services.acknowledge_warnings(actor=staff.officer, version=version, note="核" * 1001)
    assert "不能超过1000字（现有1001字）" in str(refused.value)
