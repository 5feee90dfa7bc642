"""``gongkai report export``: one agency's report by file suffix, every agency's into a directory, drafts on
request, and a clear Chinese message with exit status 2 (1 for ``--all`` with nothing) for everything else.

The exported files are read back by the checker: the same tables as the version, no error finding."""

from __future__ import annotations

import datetime
import json
import os
import shutil
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from gongkai.agencies.models import Agency
from gongkai.annual import documents, selectors, services
from gongkai.annual.models import ReportVersion
from gongkai.checker.pipeline import check_bytes
from gongkai.reports.export.pdf import cjk_font_families
from tests.annual.test_services import YEAR, cases_of_the_year, finish_draft, publish_report
from tests.applications import conftest as applications_fixtures
from tests.applications.conftest import CaseMaker, Staff
from tests.conftest import Tree

pytestmark = pytest.mark.django_db

staff = applications_fixtures.staff
make_case = applications_fixtures.make_case

D = datetime.date
GONGKAI = Path(sys.executable).with_name("gongkai")
USCC = "11330100MB0000001R"


def _pdf_available() -> bool:
    try:
        return bool(cjk_font_families())
    except Exception:
        return False


needs_cjk_font = pytest.mark.skipif(
    not _pdf_available(), reason="no Chinese font for WeasyPrint (apt-get install fonts-noto-cjk)"
)


def export(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("report", "export", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def refused(*args: str) -> CommandError:
    with pytest.raises(CommandError) as info:
        export(*args)
    return info.value


@pytest.fixture
def published(staff: Staff, make_case: CaseMaker) -> ReportVersion:
    """甲县财政局's 2025 report, published on 20 January 2026 (records: three cases of 2025)."""
    cases_of_the_year(staff, make_case)
    return ReportVersion.objects.select_related("report__agency").get(
        pk=publish_report(staff, YEAR, D(YEAR + 1, 1, 20)).pk
    )


def assert_reads_back(data: bytes, filename: str, version: ReportVersion) -> None:
    result = check_bytes(data, filename)
    assert result.report.tables.to_json() == documents.to_document(version).tables.to_json()
    assert result.report.year == YEAR and result.report.agency == version.report.agency.name
    errors = [f"{f.code}: {f.message}" for f in result.findings if f.severity == "error"]
    assert errors == []


@pytest.mark.parametrize("suffix", [".docx", ".html", pytest.param(".pdf", marks=needs_cjk_font)])
def test_each_suffix_is_read_back_with_the_versions_tables(
    published: ReportVersion, tmp_path: Path, suffix: str
) -> None:
    path = tmp_path / f"甲县财政局{YEAR}{suffix}"
    out, err = export("--agency", "county-a-finance", "--year", str(YEAR), "--to", str(path))
    assert out.strip() == f"已导出：甲县财政局{YEAR}年度报告 第1版（{YEAR + 1}-01-20公开） → {path}"
    assert err == ""
    assert_reads_back(path.read_bytes(), path.name, published)
    assert [p.name for p in tmp_path.iterdir()] == [path.name]  # no temporary file left behind
    umask = os.umask(0)
    os.umask(umask)
    assert path.stat().st_mode & 0o777 == 0o666 & ~umask  # an ordinary file, not mkstemp's private one


def test_json_is_the_checker_schema_with_the_stored_findings(
    published: ReportVersion, tmp_path: Path
) -> None:
    path = tmp_path / "report.JSON"  # the suffix is read case-insensitively
    export("--agency", "COUNTY-A-FINANCE", "--year", str(YEAR), "--to", str(path))
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["kind"] == "annual_report" and data["format"] == "2021" and data["year"] == YEAR
    assert data["tables"] == documents.to_document(published).tables.to_json()
    assert {f["code"] for f in data["findings"]} == {f["code"] for f in selectors.all_findings(published)}
    assert not [f for f in data["findings"] if f["severity"] == "error"]


def test_the_agency_is_found_by_its_credit_code_in_any_case(published: ReportVersion, tmp_path: Path) -> None:
    Agency.objects.filter(pk=published.report.agency_id).update(uscc=USCC)
    path = tmp_path / "report.html"
    export("--agency", f" {USCC.lower()} ", "--year", str(YEAR), "--to", str(path))
    assert_reads_back(path.read_bytes(), path.name, published)


def test_the_latest_published_version_is_exported_not_a_correction_draft(
    staff: Staff, published: ReportVersion, tmp_path: Path
) -> None:
    draft = services.start_correction(actor=staff.officer, report=published.report)
    services.set_hand_entry(
        actor=staff.officer,
        version=draft,
        row="fees",
        column="amount",
        value="0.5",
        note="财务系统更正后的数据",
    )
    path = tmp_path / "report.html"
    export("--agency", "county-a-finance", "--year", str(YEAR), "--to", str(path))
    assert check_bytes(path.read_bytes(), path.name).report.tables.section2["fees"]["amount"] == 0
    out, err = export("--agency", "county-a-finance", "--year", str(YEAR), "--to", str(path), "--draft")
    assert "第2版（草稿，未公开）" in out
    assert "草稿" in err and "--draft" in err
    assert check_bytes(path.read_bytes(), path.name).report.tables.section2["fees"]["amount"] == 0.5


def test_a_draft_is_exported_only_with_draft(staff: Staff, tmp_path: Path) -> None:
    version = finish_draft(staff, services.open_draft(actor=staff.officer, agency=staff.agency, year=YEAR))
    path = tmp_path / "draft.docx"
    error = refused("--agency", "county-a-finance", "--year", str(YEAR), "--to", str(path))
    assert error.returncode == 2
    assert str(error) == (
        f"甲县财政局的{YEAR}年度报告尚未公开（只有草稿）：请在 /reports/county-a-finance/{YEAR}/ 检查并公开，"
        "或使用 --draft 导出草稿。"
    )
    assert not path.exists()
    out, err = export("--agency", "county-a-finance", "--year", str(YEAR), "--to", str(path), "--draft")
    assert err.strip() == "注意：导出的是未公开的草稿（--draft），不是已公开的报告。"
    result = check_bytes(path.read_bytes(), path.name)
    assert result.report.tables.to_json() == documents.to_document(version).tables.to_json()


def test_published_without_a_draft_and_draft_asked(published: ReportVersion, tmp_path: Path) -> None:
    error = refused(
        "--agency", "county-a-finance", "--year", str(YEAR), "--to", str(tmp_path / "a.html"), "--draft"
    )
    assert error.returncode == 2
    assert f"没有未公开的草稿（第1版已于{YEAR + 1}-01-20公开）" in str(error)
    assert "去掉 --draft" in str(error)


def test_all_writes_one_file_per_agency_with_a_published_report(
    staff: Staff, published: ReportVersion, tree: Tree, tmp_path: Path
) -> None:
    # Another agency has only a draft: skipped unless --draft.
    services.open_draft(actor=staff.superuser, agency=tree.county_a, year=YEAR)
    directory = tmp_path / "out" / str(YEAR)  # made, parents included
    out, err = export("--all", "--year", str(YEAR), "--format", "HTML", "--to", str(directory))
    assert sorted(p.name for p in directory.iterdir()) == [f"county-a-finance-{YEAR}.html"]
    assert_reads_back((directory / f"county-a-finance-{YEAR}.html").read_bytes(), "a.html", published)
    skipped = [line for line in err.splitlines() if line.startswith("跳过：")]
    assert len(skipped) == len(tree.all()) - 1
    assert f"跳过：甲县人民政府的{YEAR}年度报告尚未公开（只有草稿）" in err
    assert f"跳过：乙县人民政府尚未编写{YEAR}年度报告：请在 /reports/ 编写并公开后再导出。" in err
    assert (
        out.splitlines()[-1]
        == f"共{len(tree.all())}个机关：导出1份{YEAR}年度已公开的报告，跳过{len(skipped)}个机关。"
    )

    drafts = tmp_path / "drafts"
    export("--all", "--year", str(YEAR), "--format", "json", "--to", str(drafts), "--draft")
    assert [p.name for p in drafts.iterdir()] == [f"county-a-{YEAR}.json"]


def test_all_with_nothing_to_export_exits_1(tree: Tree, tmp_path: Path) -> None:
    error = refused("--all", "--year", str(YEAR), "--format", "docx", "--to", str(tmp_path / "out"))
    assert error.returncode == 1
    n = len(tree.all())
    assert str(error) == f"共{n}个机关：导出0份{YEAR}年度已公开的报告，跳过{n}个机关。没有可导出的报告。"
    assert list((tmp_path / "out").iterdir()) == []


def test_bad_input_exits_2_with_a_chinese_message(
    published: ReportVersion, tree: Tree, tmp_path: Path
) -> None:
    target = str(tmp_path / "report.docx")
    a_file = tmp_path / "already-a-file.txt"
    a_file.write_text("x", encoding="utf-8")
    cases = [
        (
            ("--agency", "no-such", "--year", str(YEAR), "--to", target),
            "没有找到简称代码或统一社会信用代码为“no-such”的机关",
        ),
        (
            ("--agency", "county-a-finance", "--year", str(YEAR), "--to", str(tmp_path / "r.txt")),
            "不支持的文件后缀“.txt”",
        ),
        (
            ("--agency", "county-a-finance", "--year", str(YEAR), "--to", str(tmp_path / "report")),
            "不支持的文件后缀“（无）”",
        ),
        (
            ("--agency", "county-a-finance", "--year", "2018", "--to", target),
            "2018年度报告适用2007年条例的旧格式",
        ),
        (
            ("--agency", "county-a-finance", "--year", str(YEAR), "--to", str(tmp_path / "no" / "r.docx")),
            "不存在",
        ),
        (("--agency", "county-a-finance", "--year", str(YEAR), "--to", target, "--format", "pdf"), "不一致"),
        (("--all", "--year", str(YEAR), "--to", str(tmp_path / "d")), "请用 --format 指定导出格式"),
        (("--all", "--year", str(YEAR), "--format", "docx", "--to", str(a_file)), "不是目录"),
        (("--all", "--year", str(YEAR), "--format", "docx", "--to", str(a_file / "sub")), "无法创建目录"),
        (
            ("--agency", "town-a2", "--year", str(YEAR), "--to", target),
            f"甲县二乡人民政府尚未编写{YEAR}年度报告：请在 /reports/ 编写",
        ),
        (
            ("--agency", "county-a-finance", "--year", str(YEAR - 1), "--to", target),
            f"甲县财政局尚未编写{YEAR - 1}年度报告",
        ),
    ]
    for args, message in cases:
        error = refused(*args)
        assert error.returncode == 2, args
        assert message in str(error), (args, str(error))
    (tmp_path / "dir.docx").mkdir()
    error = refused("--agency", "county-a-finance", "--year", str(YEAR), "--to", str(tmp_path / "dir.docx"))
    assert error.returncode == 2 and "是一个目录" in str(error)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["already-a-file.txt", "dir.docx"]


@pytest.mark.skipif(shutil.which("fc-list") is None, reason="fontconfig's fc-list is not installed")
def test_pdf_without_a_chinese_font_exits_2(
    published: ReportVersion, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = tmp_path / "fonts.conf"  # fontconfig that knows only the DejaVu fonts
    config.write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n<fontconfig>\n'
        "  <dir>/usr/share/fonts/truetype/dejavu</dir>\n"
        f"  <cachedir>{tmp_path / 'fc-cache'}</cachedir>\n</fontconfig>\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("FONTCONFIG_FILE", str(config))
    path = tmp_path / "report.pdf"
    error = refused("--agency", "county-a-finance", "--year", str(YEAR), "--to", str(path))
    assert error.returncode == 2
    assert "没有可用的中文字体" in str(error) and "fonts-noto-cjk" in str(error)
    assert not path.exists()


def test_the_gongkai_command_exits_2_with_the_message_on_stderr(tmp_path: Path) -> None:
    result = subprocess.run(
        [str(GONGKAI), "report", "export", "--agency", "demo-county", "--year", "2025", "--to", "report.odt"],
        cwd=tmp_path,
        env={**os.environ, "GONGKAI_DEBUG": "true"},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 2, result.stderr
    assert "不支持的文件后缀“.odt”" in result.stderr
    assert result.stdout == ""
    assert list(tmp_path.iterdir()) == []


def test_json_keeps_each_findings_template_and_params(staff: Staff, tmp_path: Path) -> None:
    version = services.open_draft(actor=staff.officer, agency=staff.agency, year=YEAR)
    version = services.check_draft(actor=staff.officer, version=version)
    path = tmp_path / "draft.json"
    export("--agency", "county-a-finance", "--year", str(YEAR), "--to", str(path), "--draft")
    written = {(f["code"], f["message"]): f for f in json.loads(path.read_text(encoding="utf-8"))["findings"]}
    stored = selectors.all_findings(version)
    assert len(written) == len({(f["code"], f["message"]) for f in stored})
    own = [f for f in stored if f["code"].startswith("draft.")]
    assert own and all(f.get("template") for f in stored)
    for f in stored:
        assert written[f["code"], f["message"]].get("template") == f.get("template")
        assert written[f["code"], f["message"]].get("params") == f.get("params")
