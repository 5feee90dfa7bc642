"""``gongkai report export --lang en``: the command's refusals and output in English (agency names, the
data, stay as they are); without ``--lang`` everything is the Chinese of tests/annual/test_cli.py."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.core.management.base import CommandError

from gongkai.annual import services
from gongkai.annual.models import ReportVersion
from tests.annual import test_cli as cli
from tests.annual.test_services import YEAR
from tests.applications.conftest import Staff
from tests.conftest import Tree

pytestmark = pytest.mark.django_db

staff = cli.staff
make_case = cli.make_case
published = cli.published

CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]")
#: Data that stays as written: the agencies' names, and what the user typed (quoted).
DATA = re.compile(r"\S*(县|乡|局|政府)\S*|\"[^\"]*\"")


def english(text: str) -> bool:
    return not CJK.search(DATA.sub("", text))


def refused(*args: str) -> CommandError:
    with pytest.raises(CommandError) as info:
        cli.export(*args, "--lang", "en")
    return info.value


def test_bad_input_in_english(published: ReportVersion, tree: Tree, tmp_path: Path) -> None:
    target = str(tmp_path / "report.docx")
    a_file = tmp_path / "already-a-file.txt"
    a_file.write_text("x", encoding="utf-8")
    (tmp_path / "dir.docx").mkdir()
    cases = [
        (("--agency", "no-such", "--year", str(YEAR), "--to", target), 'credit code "no-such"'),
        (("--agency", "county-a-finance", "--year", str(YEAR), "--to", str(tmp_path / "r.txt")), '".txt"'),
        (("--agency", "county-a-finance", "--year", str(YEAR), "--to", str(tmp_path / "r")), '"(none)"'),
        (("--agency", "county-a-finance", "--year", "2018", "--to", target), "old format"),
        (
            ("--agency", "county-a-finance", "--year", str(YEAR), "--to", str(tmp_path / "no" / "r.docx")),
            "exist",
        ),
        (("--agency", "county-a-finance", "--year", str(YEAR), "--to", target, "--format", "pdf"), "match"),
        (("--all", "--year", str(YEAR), "--to", str(tmp_path / "d")), "--format"),
        (("--all", "--year", str(YEAR), "--format", "docx", "--to", str(a_file)), "not a directory"),
        (("--all", "--year", str(YEAR), "--format", "docx", "--to", str(a_file / "sub")), "Cannot create"),
        (("--agency", "town-a2", "--year", str(YEAR), "--to", target), "has not written"),
        (
            ("--agency", "county-a-finance", "--year", str(YEAR), "--to", str(tmp_path / "dir.docx")),
            "directory",
        ),
        (
            (
                "--agency",
                "county-a-finance",
                "--year",
                str(YEAR),
                "--to",
                str(tmp_path / "a.html"),
                "--draft",
            ),
            "no unpublished draft",
        ),
    ]
    for args, expected in cases:
        error = refused(*args)
        assert error.returncode == 2, args
        assert expected in str(error) and english(str(error)), (args, str(error))


def test_the_output_in_english(staff: Staff, published: ReportVersion, tree: Tree, tmp_path: Path) -> None:
    services.open_draft(actor=staff.superuser, agency=tree.county_a, year=YEAR)
    path = tmp_path / "a.html"
    out, err = cli.export(
        "--agency", "county-a-finance", "--year", str(YEAR), "--to", str(path), "--lang", "en"
    )
    assert out.startswith("Exported: ") and f"version 1 (published on {YEAR + 1}-01-20)" in out
    assert english(out) and err == ""
    out, err = cli.export(
        "--all", "--year", str(YEAR), "--format", "html", "--to", str(tmp_path / "all"), "--lang", "en"
    )
    assert all(line.startswith("Skipped: ") for line in err.splitlines()) and english(err), err
    assert out.splitlines()[-1].startswith(f"{len(tree.all())} agencies: exported 1 published reports")
    assert english(out)
    out, err = cli.export(
        "--all",
        "--year",
        str(YEAR),
        "--format",
        "json",
        "--to",
        str(tmp_path / "d"),
        "--draft",
        "--lang",
        "en",
    )
    assert err.splitlines()[0] == "Note: exporting the unpublished draft (--draft), not the published report."
    assert english(out + err), out + err
    error = refused("--all", "--year", str(YEAR - 3), "--format", "docx", "--to", str(tmp_path / "none"))
    assert error.returncode == 1 and str(error).endswith("No report to export.") and english(str(error))
