"""Bulk import of reports published elsewhere: real report files and a zip of them, matching by the agency
name the checker read, the limits (file count, sizes, unsafe or hidden zip entries, bad zips), the results
page and its spreadsheet, assigning an unmatched report, and who may see the imports."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook  # type: ignore[import-untyped]

from gongkai.agencies.models import Agency, AgencyKind, Role
from gongkai.agencies.services import create_agency
from gongkai.annual import imports
from gongkai.annual.models import ImportedReport, ImportPurpose
from gongkai.core.models import AuditEvent
from gongkai.jobs.models import Job
from gongkai.reports.model import get_format
from gongkai.reports.tables import Tables
from tests.annual import factories
from tests.checker.renderers import render_pdf, render_report
from tests.checker.samples import report as shared_report
from tests.conftest import Tree

YEAR = timezone.localdate().year - 1
REAL = {
    "004": "004_pingtan-2021.txt",  # 平潭综合实验区, 2021
    "006": "006_pingtan-2023.txt",  # 平潭综合实验区, 2023
    "011": "011_pingtan-2014-letter-not-a-report.txt",  # a letter: 平潭综合实验区管委会办公室, 2014
    "016": "016_yangling-shenjiju-2022-cut.txt",  # no agency name, 2022
    "025": "025_guangzhou-haizhu-guanzhou-jd-2023-cut.txt",  # 官洲街道办事处, 2023
    "031": "031_xiaogan-szfbgs-2020-cut.txt",  # 孝感市人民政府办公室, 2020
}


@pytest.fixture
def places(tree: Tree) -> dict[str, Agency]:
    """Agencies under county A named like the authors of the real reports."""

    def add(code: str, name: str, kind: AgencyKind) -> Agency:
        return create_agency(actor=None, name=name, short_code=code, kind=kind, parent=tree.county_a)

    return {
        "pingtan": add("pingtan", "平潭综合实验区", AgencyKind.GOVERNMENT),
        "guanzhou": add("guanzhou", "广州市海珠区官洲街道办事处", AgencyKind.TOWNSHIP),
        "xiaogan-office": add("xiaogan-office", "孝感市人民政府办公室", AgencyKind.DEPARTMENT),
        "xiaogan": add("xiaogan", "孝感市人民政府", AgencyKind.GOVERNMENT),
    }


def real(prefix: str) -> tuple[str, bytes]:
    path: Path = shared_report(prefix)
    return path.name, path.read_bytes()


def upload(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data)


def make_zip(entries: list[tuple[str | zipfile.ZipInfo, bytes]]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries:
            archive.writestr(name, data)
    return buffer.getvalue()


class GbkName(zipfile.ZipInfo):
    """An entry named in GBK without the UTF-8 flag, as zips made on Chinese Windows are."""

    def _encodeFilenameFlags(self) -> tuple[bytes, int]:  # noqa: N802 - zipfile's name
        return self.filename.encode("gb18030"), self.flag_bits


def valid_tables() -> Tables:
    fmt = get_format("2021")
    tables = factories.tables_json("2021")
    section2 = {row.key: {c.key: 0 for c in block.columns} for block, row in fmt.section2_rows()}
    return Tables(section2=section2, section3=tables["section3"], section4=tables["section4"])  # type: ignore[arg-type]


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


# --- Matching ---------------------------------------------------------------------------------


def test_matching_by_agency_name() -> None:
    agencies = [
        (1, "孝感市人民政府"),
        (2, "孝感市人民政府办公室"),
        (3, "平潭综合实验区管委会"),
        (4, "甲县财政局"),
    ]
    assert imports.match_agency("孝感市人民政府办公室", agencies) == 2  # exact
    assert imports.match_agency("孝感市人民政府", agencies) == 1
    # Containment is not a match: the office's report must not become the government's.
    assert imports.match_agency("平潭综合实验区", agencies) is None
    assert imports.match_agency("甲县财政局（本级）", agencies) is None
    assert imports.match_agency(" 甲县 财政局 ", agencies) == 4  # spaces do not count
    assert imports.match_agency("孝感市", agencies) is None
    assert imports.match_agency("", agencies) is None
    assert imports.match_agency(None, agencies) is None
    assert (
        imports.match_agency("甲县财政局", [(7, "甲县财政局"), (8, "甲县财政局")]) is None
    )  # same name twice


def test_the_checker_matches_short_forms_and_wrapped_titles_to_the_subtree(tree: Tree) -> None:
    """A report whose title writes the agency short, or wraps it, is put under the listed agency."""
    user = factories.supervisor(tree.county_a, "gkb")
    science = create_agency(
        actor=None,
        name="示范市甲县科学技术委员会",
        short_code="county-a-science",
        kind=AgencyKind.DEPARTMENT,
        parent=tree.county_a,
    )
    report = render_report(valid_tables(), "2021", "pipes").decode("utf-8")
    title = report.splitlines()[0]
    assert title.startswith("某某局")

    def named(name: str) -> bytes:
        return report.replace("某某局", name, 1).encode()

    files = [upload("short.txt", named("甲县科委")), upload("wrapped.txt", named("甲县\n财政局"))]
    imports.import_reports(actor=user, seat=tree.county_a, year=YEAR, files=imports.collect(files).candidates)
    stored = {r.filename: r.agency for r in ImportedReport.objects.all()}
    assert stored == {"short.txt": science, "wrapped.txt": tree.county_a_finance}


# --- Importing real files ---------------------------------------------------------------------


def test_importing_real_report_files(tree: Tree, places: dict[str, Agency]) -> None:
    user = factories.supervisor(tree.county_a, "gkb")
    files = [upload(*real(p)) for p in REAL]
    collected = imports.collect(files)
    assert collected.skipped == []
    batch = imports.import_reports(actor=user, seat=tree.county_a, year=YEAR, files=collected.candidates)
    stored = {r.filename: r for r in ImportedReport.objects.all()}
    assert set(stored) == set(REAL.values())
    expected = {
        "004": (places["pingtan"], 2021),
        "006": (places["pingtan"], 2023),
        "011": (None, 2014),  # a letter from "…管委会办公室": not the agency's name, left unmatched
        "016": (None, 2022),  # names no agency: left for the office to assign
        "025": (None, 2023),  # "官洲街道办事处" is only part of the agency's full name: assigned by hand
        "031": (places["xiaogan-office"], 2020),  # exact name, although 孝感市人民政府 is contained in it
    }
    for prefix, (agency, year) in expected.items():
        record = stored[REAL[prefix]]
        assert (record.agency, record.year) == (agency, year), prefix
        assert record.purpose == ImportPurpose.SUPERVISION
        assert record.imported_for == tree.county_a
        assert record.imported_by == user
        assert record.result["import_batch"] == batch.batch
    assert stored[REAL["011"]].result["kind"] == "not_a_report"
    assert stored[REAL["025"]].agency_name == "官洲街道办事处"
    for record in stored.values():
        findings = record.result["findings"]
        assert record.error_count == sum(1 for f in findings if f["severity"] == "error")
        assert record.warning_count == sum(1 for f in findings if f["severity"] == "warning")
    events = AuditEvent.objects.filter(action="annual.supervision_imported")
    assert events.count() == len(REAL)
    assert {e.agency_id for e in events} == {tree.county_a.pk}
    assert {e.details["batch"] for e in events} == {batch.batch}


def test_a_report_that_names_no_year_takes_the_chosen_year(tree: Tree) -> None:
    user = factories.supervisor(tree.county_a, "gkb")
    files = imports.collect([upload("041.txt", shared_report("041").read_bytes())]).candidates
    imports.import_reports(actor=user, seat=tree.county_a, year=2024, files=files)
    assert ImportedReport.objects.get().year == 2024


def test_only_the_seat_s_office_may_import(tree: Tree) -> None:
    officer = factories.member(tree.county_a, Role.INFORMATION_OFFICER, "officer")
    files = imports.collect([upload(*real("004"))]).candidates
    with pytest.raises(PermissionDenied):
        imports.import_reports(actor=officer, seat=tree.county_a, year=YEAR, files=files)
    assert not ImportedReport.objects.exists()
    assert not AuditEvent.objects.filter(action="annual.supervision_imported").exists()


# --- A zip of reports -------------------------------------------------------------------------


def test_a_zip_of_a_folder_of_reports_through_the_page(
    tree: Tree, places: dict[str, Agency], django_capture_on_commit_callbacks: Any
) -> None:
    tables = valid_tables()
    archive = make_zip(
        [
            ("2025年报/", b""),
            (f"2025年报/{REAL['004']}", real("004")[1]),
            (f"2025年报/区县/{REAL['025']}", real("025")[1]),
            (GbkName("2025年报/某某局年报.docx"), render_report(tables, "2021", "docx")),
            ("2025年报/某某局年报.pdf", render_pdf(tables, "2021")),
            ("2025年报/照片.jpg", b"\xff\xd8\xff\xe0 not a report"),
            ("2025年报/空白.txt", b""),
            ("2025年报/扫描件.pdf", b"\x89PNG\r\n\x1a\n not a pdf"),
            ("__MACOSX/2025年报/._x.docx", b"resource fork"),
            ("2025年报/.DS_Store", b"finder"),
            ("../outside.txt", b"evil"),
            ("/etc/passwd.txt", b"evil"),
        ]
    )
    client = client_for(factories.supervisor(tree.county_a, "gkb"))
    url = reverse("annual_supervise:import", args=("county-a", YEAR))
    assert "zip 压缩包" in client.get(url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):  # the job runs when the request commits
        response = client.post(url, {"reports": [upload("reports.zip", archive)], "year": YEAR})
    assert response.status_code == 302
    job = Job.objects.get()
    assert response["Location"] == job.get_absolute_url()
    job.refresh_from_db()
    assert isinstance(job.result, dict)
    results = job.result["next_url"]
    batch = results.split("batch=")[1]
    assert results.startswith(reverse("annual_supervise:imports", args=("county-a", YEAR)))

    stored = {r.filename: r for r in ImportedReport.objects.all()}
    assert set(stored) == {
        f"2025年报/{REAL['004']}",
        f"2025年报/区县/{REAL['025']}",
        "2025年报/某某局年报.docx",  # the GBK name read back
        "2025年报/某某局年报.pdf",
        "2025年报/扫描件.pdf",
    }
    assert stored[f"2025年报/{REAL['004']}"].agency == places["pingtan"]
    assert stored["2025年报/某某局年报.docx"].result["layout"] == "docx"
    assert stored["2025年报/某某局年报.docx"].result["year"] == 2023
    assert stored["2025年报/某某局年报.pdf"].result["layout"] == "pdf"
    assert stored["2025年报/某某局年报.pdf"].agency is None
    assert not stored["2025年报/扫描件.pdf"].readable

    page = client.get(results)
    html = page.content.decode()
    assert [row.record.filename for row in page.context["rows"]] == sorted(stored)
    assert "reports.zip/2025年报/照片.jpg" in html  # listed as skipped, with the reason
    assert "不支持这种文件类型" in html
    assert "reports.zip/2025年报/空白.txt" in html
    assert "reports.zip/../outside.txt" in html
    assert "reports.zip//etc/passwd.txt" in html
    assert "路径不安全" in html
    assert "DS_Store" not in html and "MACOSX" not in html
    assert "未匹配" in html

    sheet = client.get(reverse("annual_supervise:imports_xlsx", args=("county-a", YEAR)), {"batch": batch})
    book = load_workbook(io.BytesIO(sheet.content), read_only=True)
    files = list(book.worksheets[0].iter_rows(values_only=True))
    assert files[0][:4] == ("文件", "匹配的机关", "报告中的机关名称", "年度")
    by_file = {row[0]: row for row in files[1:]}
    assert set(by_file) == set(stored)
    pingtan = by_file[f"2025年报/{REAL['004']}"]
    assert (pingtan[1], pingtan[3]) == ("平潭综合实验区", 2021)
    assert by_file["2025年报/某某局年报.pdf"][1] == "未匹配"
    assert by_file["2025年报/扫描件.pdf"][6] is None  # no counts for a file that could not be read
    findings = list(book.worksheets[1].iter_rows(values_only=True))
    assert findings[0] == ("文件", "匹配的机关", "严重程度", "代码", "位置", "说明")
    expected = sum(len(r.result.get("findings") or []) for r in stored.values())
    assert expected > 0
    assert len(findings) - 1 == expected
    assert {row[2] for row in findings[1:]} <= {"错误", "警告", "提示"}
    assert all(row[3] and row[4] and row[5] for row in findings[1:])


@pytest.mark.parametrize(
    ("archive", "message"),
    [
        (b"PK\x03\x04 this is not a zip at all", "不是有效的 zip 压缩包"),
        (b"", "不是有效的 zip 压缩包"),
    ],
)
def test_a_bad_zip_refuses_the_upload(tree: Tree, archive: bytes, message: str) -> None:
    client = client_for(factories.supervisor(tree.county_a, "gkb"))
    url = reverse("annual_supervise:import", args=("county-a", YEAR))
    files = [upload(*real("004")), upload("bad.zip", archive)]
    response = client.post(url, {"reports": files, "year": YEAR})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not ImportedReport.objects.exists()


def test_a_zip_declaring_too_much_is_refused_unread(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(imports, "MAX_TOTAL_BYTES", 10_000)
    archive = make_zip([("a.txt", b"0" * 6_000), ("b.txt", b"0" * 6_000)])  # compresses to a few bytes
    with pytest.raises(imports.ImportRefused, match="解压后有"):
        imports.collect([upload("bomb.zip", archive)])


def test_too_many_files(tree: Tree, settings: pytest.FixtureRequest) -> None:
    many = [upload(f"{i}.txt", b"x") for i in range(imports.MAX_FILES + 1)]
    with pytest.raises(imports.ImportRefused, match="一次最多导入 300 个文件"):
        imports.collect(many)
    archive = make_zip([(f"r/{i}.txt", b"x") for i in range(imports.MAX_FILES + 1)])
    with pytest.raises(imports.ImportRefused, match="一次最多导入 300 个报告文件"):
        imports.collect([upload("all.zip", archive)])
    assert (
        len(
            imports.collect(
                [upload("all.zip", make_zip([(f"{i}.txt", b"x") for i in range(300)]))]
            ).candidates
        )
        == 300
    )
    # Through the page (Django lets this many files through only when DATA_UPLOAD_MAX_NUMBER_FILES allows).
    settings.DATA_UPLOAD_MAX_NUMBER_FILES = 400  # type: ignore[attr-defined]
    client = client_for(factories.supervisor(tree.county_a, "gkb"))
    response = client.post(
        reverse("annual_supervise:import", args=("county-a", YEAR)), {"reports": many, "year": YEAR}
    )
    assert response.status_code == 200
    assert "一次最多导入 300 个文件，这次选择了 301 个" in response.content.decode()
    assert not ImportedReport.objects.exists()


def test_files_too_big_empty_or_of_another_type_are_skipped(
    tree: Tree, settings: pytest.FixtureRequest
) -> None:
    settings.GONGKAI_CHECK_MAX_UPLOAD_BYTES = 50_000  # type: ignore[attr-defined]
    collected = imports.collect(
        [
            upload("big.txt", b"x" * 50_001),
            upload("empty.html", b""),
            upload("table.xlsx", b"PK"),
            upload(*real("004")),
            upload(
                "zipped.zip", make_zip([("inner/big.pdf", b"0" * 50_001), ("inner/ok.txt", real("004")[1])])
            ),
        ]
    )
    assert [c.name for c in collected.candidates] == [REAL["004"], "inner/ok.txt"]
    reasons = {s.name: s.reason for s in collected.skipped}
    assert set(reasons) == {"big.txt", "empty.html", "table.xlsx", "zipped.zip/inner/big.pdf"}
    assert "文件太大" in reasons["big.txt"]
    assert "文件是空的" in reasons["empty.html"]
    assert "不支持这种文件类型" in reasons["table.xlsx"]


def test_an_upload_with_nothing_to_import_says_so(tree: Tree) -> None:
    client = client_for(factories.supervisor(tree.county_a, "gkb"))
    url = reverse("annual_supervise:import", args=("county-a", YEAR))
    response = client.post(url, {"year": YEAR})
    assert "请选择要导入的年度报告文件" in response.content.decode()
    response = client.post(url, {"reports": [upload("a.jpg", b"x")], "year": YEAR})
    html = response.content.decode()
    assert "没有可以导入的报告文件" in html
    assert "a.jpg" in html
    assert not ImportedReport.objects.exists()


# --- After the import ---------------------------------------------------------------------------


def test_assigning_an_unmatched_report(tree: Tree) -> None:
    user = factories.supervisor(tree.county_a, "gkb")
    imports.import_reports(
        actor=user, seat=tree.county_a, year=YEAR, files=imports.collect([upload(*real("016"))]).candidates
    )
    record = ImportedReport.objects.get()
    assert record.agency is None
    client = client_for(user)
    detail = reverse("annual_supervise:import_detail", args=("county-a", record.pk))
    page = client.get(detail)
    assert page.status_code == 200
    assert "问题清单" in page.content.decode()  # the checker's presentation
    assign = reverse("annual_supervise:import_assign", args=("county-a", record.pk))
    refused = client.post(assign, {"agency": tree.county_b.pk})  # not below this seat
    assert refused.status_code == 200
    assert ImportedReport.objects.get().agency is None
    response = client.post(assign, {"agency": tree.county_a_finance.pk})
    assert response.status_code == 302
    assert ImportedReport.objects.get().agency == tree.county_a_finance
    event = AuditEvent.objects.get(action="annual.supervision_import_assigned")
    assert (event.agency, event.details["after"], event.details["before"]) == (
        tree.county_a,
        tree.county_a_finance.pk,
        None,
    )


def test_imports_are_visible_only_to_the_seat_s_office(tree: Tree) -> None:
    record = factories.imported(tree.county_a_finance, tree.county_a, YEAR)
    detail = reverse("annual_supervise:import_detail", args=("county-a", record.pk))
    assert client_for(factories.supervisor(tree.county_a, "gkb")).get(detail).status_code == 200
    other = client_for(factories.supervisor(tree.county_b, "other"))
    assert other.get(detail).status_code == 404
    assert (
        other.get(reverse("annual_supervise:import_detail", args=("county-b", record.pk))).status_code == 404
    )
    listing = other.get(reverse("annual_supervise:imports", args=("county-b", YEAR)))
    assert listing.context["rows"] == []
    officer = client_for(factories.member(tree.county_a_finance, Role.INFORMATION_OFFICER, "officer"))
    assert officer.get(detail).status_code == 404
    assert officer.get(reverse("annual_supervise:imports", args=("county-a", YEAR))).status_code == 404
    # The city's office imported a report of a county-A agency: not county A's to see or assign.
    city_import = factories.imported(tree.town_a1, tree.city, YEAR)
    gkb = client_for(factories.supervisor(tree.county_a, "gkb2"))
    assert (
        gkb.get(reverse("annual_supervise:import_detail", args=("county-a", city_import.pk))).status_code
        == 404
    )
    assign = reverse("annual_supervise:import_assign", args=("county-a", city_import.pk))
    assert gkb.post(assign, {"agency": tree.town_a2.pk}).status_code == 404
    assert ImportedReport.objects.get(pk=city_import.pk).agency == tree.town_a1


def test_the_imports_list_of_a_year(tree: Tree) -> None:
    factories.imported(tree.town_a2, tree.county_a, YEAR, filename="这一年.html")
    factories.imported(tree.town_a2, tree.county_a, YEAR - 1, filename="上一年.html")
    client = client_for(factories.supervisor(tree.county_a, "gkb"))
    page = client.get(reverse("annual_supervise:imports", args=("county-a", YEAR)))
    assert [r.record.filename for r in page.context["rows"]] == ["这一年.html"]
    sheet = client.get(reverse("annual_supervise:imports_xlsx", args=("county-a", YEAR)))
    rows = list(
        load_workbook(io.BytesIO(sheet.content), read_only=True).worksheets[0].iter_rows(values_only=True)
    )
    assert [r[0] for r in rows[1:]] == ["这一年.html"]
