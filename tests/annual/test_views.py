"""The officer's report workspace and the public report pages: the whole path through the web, permissions,
downloads, the records behind a cell, and no personal data on public pages."""

from __future__ import annotations

import datetime
import io
import json

import pytest
from django.test import Client
from django.urls import reverse
from docx import Document

from gongkai.annual import selectors, services
from gongkai.annual.models import Report, ReportVersion, VersionStatus
from gongkai.checker.pipeline import check_bytes
from tests.annual.test_services import YEAR, cases_of_the_year, finish_draft, publish_report
from tests.applications import conftest as applications_fixtures
from tests.applications.conftest import CaseMaker, Staff

pytestmark = pytest.mark.django_db

staff = applications_fixtures.staff
make_case = applications_fixtures.make_case

D = datetime.date


def client_for(user: object) -> Client:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    return client


def url(name: str, staff: Staff, *args: object) -> str:
    return reverse(f"annual:{name}", args=[staff.agency.short_code, YEAR, *args])


def test_an_officer_writes_checks_and_publishes_through_the_pages(staff: Staff, make_case: CaseMaker) -> None:
    cases_of_the_year(staff, make_case)
    officer = client_for(staff.officer)
    index = officer.get(reverse("annual:index"))
    assert index.status_code == 200 and staff.agency.name in index.content.decode()
    assert officer.get(url("workspace", staff)).status_code == 200  # "not written yet" page
    response = officer.post(reverse("annual:open"), {"agency": staff.agency.pk, "year": YEAR})
    assert response.status_code == 302 and response["Location"] == url("workspace", staff)
    page = officer.get(url("workspace", staff)).content.decode()
    assert "草稿（第1版）" in page and "检查报告" in page
    # Every computed cell links to its records.
    assert url("cell", staff, "section3", "new_received", "total") in page

    # Enter the fee amount, fill the placeholders, check, acknowledge, publish.
    response = officer.post(
        url("hand", staff), {"row": "fees", "column": "amount", "value": "abc", "note": "x"}
    )
    assert "不是数字" in officer.get(response["Location"]).content.decode()
    version = ReportVersion.objects.get()
    version = finish_draft(staff, version)
    response = officer.post(url("check", staff))
    page = officer.get(response["Location"]).content.decode()
    assert "检查完成" in page
    version.refresh_from_db()
    state = selectors.readiness(version)
    assert state.errors == 0, selectors.all_findings(version)
    if state.warnings:
        officer.post(url("acknowledge", staff), {"note": "已核对"})  # without the box: refused
        assert not selectors.readiness(ReportVersion.objects.get()).acknowledged
        officer.post(url("acknowledge", staff), {"confirm": "1"})
    response = officer.post(url("publish", staff))  # without confirming: refused
    assert ReportVersion.objects.get().status == VersionStatus.DRAFT
    confirm = officer.post(url("publish", staff), {"confirm": "1"})  # the box ticked: a confirmation page
    assert confirm.status_code == 200 and "确定公开报告" in confirm.content.decode()
    assert ReportVersion.objects.get().status == VersionStatus.DRAFT
    officer.post(url("publish", staff), {"confirm": "1", "confirmed": "1"})
    published = ReportVersion.objects.get()
    assert published.status == VersionStatus.PUBLISHED

    # The public column lists it; the page shows it with the publication date and the downloads.
    public = Client()
    column_reports = reverse("annual_public:column_reports", args=[staff.agency.short_code])
    listing = public.get(column_reports).content.decode()
    report_url = reverse("annual_public:report", args=[staff.agency.short_code, YEAR])
    assert report_url in listing
    page = public.get(report_url).content.decode()
    assert "三、收到和处理政府信息公开申请情况" in page and "发布日期" in page
    # The report's style comes from the style sheet the exports embed, not an inline <style> (CSP).
    assert reverse("annual_public:report_css") in page and "<style" not in page
    for case in published.report.agency.applications.all():
        assert case.applicant_name not in page and case.id_number not in page
    for suffix in ("docx", "html", "json"):
        response = public.get(reverse("annual_public:download", args=[staff.agency.short_code, YEAR, suffix]))
        assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
        if suffix == "docx":
            Document(io.BytesIO(response.content))  # a real Word file
            result = check_bytes(response.content, "r.docx")
            assert not result.has_errors, [f.message for f in result.findings]
        if suffix == "json":
            data = json.loads(response.content)
            assert data["year"] == YEAR and data["tables"]["section3"]["new_received"][-1] == 3


def test_a_correction_is_shown_with_its_changes(staff: Staff, make_case: CaseMaker) -> None:
    cases_of_the_year(staff, make_case)
    first = publish_report(staff, YEAR, D(YEAR + 1, 1, 20))
    officer = client_for(staff.officer)
    officer.post(url("correct", staff))
    draft = first.report.versions.get(status=VersionStatus.DRAFT)
    officer.post(
        url("hand", staff), {"row": "fees", "column": "amount", "value": "0.25", "note": "财务系统更正"}
    )
    officer.post(url("change_note", staff), {"change_note": "更正收费金额。"})
    page = officer.get(url("workspace", staff)).content.decode()
    assert "与第1版相比的改动" in page and "0 → 0.25" in page
    draft.refresh_from_db()
    services.check_draft(actor=staff.officer, version=draft)
    draft.refresh_from_db()
    if selectors.readiness(draft).warnings:
        services.acknowledge_warnings(actor=staff.officer, version=draft)
    officer.post(url("publish", staff), {"confirm": "1", "confirmed": "1"})
    page = (
        Client().get(reverse("annual_public:report", args=[staff.agency.short_code, YEAR])).content.decode()
    )
    assert "更正收费金额。" in page and "第2版" in page and "0 → 0.25" in page
    old = Client().get(reverse("annual_public:report", args=[staff.agency.short_code, YEAR]) + "?version=1")
    assert "这是较早的版本" in old.content.decode()


def test_drafts_are_never_public(staff: Staff) -> None:
    services.open_draft(actor=staff.officer, agency=staff.agency, year=YEAR)
    public = Client()
    assert (
        public.get(reverse("annual_public:report", args=[staff.agency.short_code, YEAR])).status_code == 404
    )
    download = reverse("annual_public:download", args=[staff.agency.short_code, YEAR, "html"])
    assert public.get(download).status_code == 404
    # The officer's export needs a login.
    assert public.get(url("export", staff, "html")).status_code == 302


@pytest.mark.parametrize(
    ("who", "read", "write"),
    [
        ("officer", 200, True),
        ("head", 200, True),
        ("leader", 200, True),
        ("reviewer", 200, False),
        ("supervisor", 200, False),
        ("other_officer", 404, False),
    ],
)
def test_who_sees_and_who_writes(staff: Staff, who: str, read: int, write: bool) -> None:
    services.open_draft(actor=staff.officer, agency=staff.agency, year=YEAR)
    client = client_for(getattr(staff, who))
    response = client.get(url("workspace", staff))
    assert response.status_code == read
    assert client.get(url("export", staff, "json")).status_code == (200 if read == 200 else 404)
    assert client.get(url("cell", staff, "section3", "total", "total")).status_code == read
    response = client.post(url("sections", staff), {"overview": "改写后的总体情况。"})
    overview = ReportVersion.objects.get().sections["overview"]
    assert (overview == "改写后的总体情况。") is write
    if read == 200 and not write:
        assert "不是该机关年度报告的编写人员" in client.get(response["Location"]).content.decode()


def test_the_cell_page_lists_the_cases_behind_the_number(staff: Staff, make_case: CaseMaker) -> None:
    cases_of_the_year(staff, make_case)
    services.open_draft(actor=staff.officer, agency=staff.agency, year=YEAR)
    officer = client_for(staff.officer)
    page = officer.get(url("cell", staff, "section3", "granted", "commercial")).content.decode()
    assert "1 条记录" in page
    case = staff.agency.applications.get(applicant_type="commercial")
    assert reverse("cases:detail", args=[case.pk]) in page
    assert officer.get(url("cell", staff, "section3", "nonsense", "total")).status_code == 404
    assert officer.get(url("cell", staff, "section2", "fees", "amount")).status_code == 404  # entered by hand


def test_the_workspace_survives_bad_input(staff: Staff) -> None:
    officer = client_for(staff.officer)
    assert officer.post(reverse("annual:open"), {"agency": "x", "year": "abc"}).status_code == 302
    assert not Report.objects.exists()
    services.open_draft(actor=staff.officer, agency=staff.agency, year=YEAR)
    too_long = "字" * (services.MAX_SECTION_CHARS + 1)
    response = officer.post(url("sections", staff), {"overview": too_long})
    assert "超过" in officer.get(response["Location"]).content.decode()
    assert ReportVersion.objects.get().sections["overview"] != too_long
    assert officer.get(url("export", staff, "exe")).status_code == 404
    response = officer.post(url("previous", staff), {"file": io.BytesIO(b"")})
    assert response.status_code == 302
    for odd in ("²", "abc", "99999999"):
        assert officer.get(url("workspace", staff) + f"?version={odd}").status_code == 200
        assert officer.get(url("export", staff, "json") + f"?version={odd}").status_code in (200, 404)
    for year in (1900, 2018, 9999):
        path = reverse("annual:workspace", args=[staff.agency.short_code, year])
        assert officer.get(path).status_code == 404
        assert (
            Client().get(reverse("annual_public:report", args=[staff.agency.short_code, year])).status_code
            == 404
        )
