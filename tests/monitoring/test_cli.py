"""``gongkai monitor SITES.csv --year 2025 [--json] [--seat CODE]`` against the local test site."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

from gongkai.annual.models import ImportedReport, ImportPurpose
from gongkai.monitoring.models import MonitoringRun, Outcome
from tests.monitoring.conftest import YEAR, World
from tests.support.column_site import ColumnSite


def run(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = 0
    try:
        call_command("monitor", *args, stdout=out, stderr=err)
    except SystemExit as exit_:
        code = int(exit_.code or 0)
    return code, out.getvalue(), err.getvalue()


def sites_csv(
    site: ColumnSite, tmp_path: Path, encoding: str = "utf-8", slugs: list[str] | None = None
) -> str:
    chosen = [a for a in site.agencies if slugs is None or a.slug in slugs]
    text = "agency,url\n" + "".join(f"{a.name},{a.column_url}\n" for a in chosen)
    path = tmp_path / "sites.csv"
    path.write_bytes(text.encode(encoding))
    return str(path)


def test_json_gives_every_agency_its_status(site: ColumnSite, tmp_path: Path) -> None:
    code, out, _err = run(sites_csv(site, tmp_path), "--year", str(YEAR), "--json")
    objects: list[dict[str, Any]] = json.loads(out)
    assert [o["agency"] for o in objects] == [a.name for a in site.agencies]
    for item, expected in zip(objects, site.agencies, strict=True):
        assert item["status"] == expected.expected, item
        assert {"agency", "status", "report_url", "published_on", "errors", "warnings"} <= item.keys()
        if expected.expected == "found":
            assert item["report_url"] == (expected.file_url or expected.report_url)
            assert item["published_on"] == expected.published_on.isoformat()  # type: ignore[union-attr]
            assert item["errors"] == 0 and isinstance(item["warnings"], int)
        else:
            assert item["report_url"] is None or expected.expected == "unreachable"
            assert item["errors"] is None and item["warnings"] is None
    assert code == 2  # some sites are unreachable


def test_lines_one_per_agency_gbk_file(site: ColumnSite, tmp_path: Path) -> None:
    path = sites_csv(site, tmp_path, "gbk", ["nr", "qingshan"])
    code, out, _err = run(path, "--year", str(YEAR))
    lines = out.strip().splitlines()
    assert len(lines) == 2
    assert lines[0].startswith("示范县自然资源局：已找到")
    assert "网站显示 2026-01-20" in lines[0] and "错误 0 个" in lines[0]
    assert lines[1] == "示范县青山乡人民政府：未找到"
    assert code == 1  # a report not found


def test_exit_zero_when_every_report_is_found_without_errors(site: ColumnSite, tmp_path: Path) -> None:
    code, out, _err = run(sites_csv(site, tmp_path, slugs=["nr", "drc"]), "--year", str(YEAR), "--json")
    assert code == 0
    assert [o["status"] for o in json.loads(out)] == ["found", "found"]


def test_a_bad_file_says_what_is_wrong(tmp_path: Path) -> None:
    path = tmp_path / "sites.csv"
    path.write_text("agency,url\n只有机关名称\n", encoding="utf-8")
    code, out, err = run(str(path), "--year", str(YEAR))
    assert code == 2 and out == ""
    assert "第2行应有两列" in err


@pytest.mark.django_db
def test_with_a_seat_its_agencies_are_stored_and_the_others_only_reported(
    world: World, site: ColumnSite, tmp_path: Path
) -> None:
    text = "agency,url\n"
    text += f"{site.agency('nr').name},{site.agency('nr').column_url}\n"
    text += f"不在本站的机关,{site.agency('drc').column_url}\n"
    path = tmp_path / "sites.csv"
    path.write_text(text, encoding="utf-8")
    code, out, _err = run(str(path), "--year", str(YEAR), "--json", "--seat", world.seat.short_code)
    assert code == 0
    assert [o["status"] for o in json.loads(out)] == ["found", "found"]
    run_ = MonitoringRun.objects.get(seat=world.seat)
    assert run_.finished_at is not None
    assert [o.agency for o in Outcome.objects.filter(run=run_)] == [world.agencies["nr"]]
    assert ImportedReport.objects.filter(purpose=ImportPurpose.MONITORING).count() == 1
