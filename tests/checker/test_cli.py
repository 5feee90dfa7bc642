"""``check_reports`` (``gongkai check``) on real reports. No database: pytest-django would refuse access."""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
from pathlib import Path

import pytest
from django.core.management import call_command

SEEDS = Path(__file__).resolve().parents[1] / "fixtures" / "seeds"
SEED_2021 = SEEDS / "000_a7627077a64d0368.txt"  # a 2021-format report whose tables are all zeros
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(64)


def run(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("check_reports", *args, stdout=out, stderr=err)
        code = 0
    except SystemExit as exc:
        code = int(exc.code or 0)
    return code, out.getvalue(), err.getvalue()


def with_new_applications(text: str, natural_person: int) -> str:
    """The report with 一、本年新收 changed in the 自然人 column only (so its 总计 no longer adds up)."""
    lines = text.splitlines()
    i = next(i for i, line in enumerate(lines) if "本年新收" in line and "|" in line)
    lines[i] = lines[i].replace("| 0 |", f"| {natural_person} |", 1)
    return "\n".join(lines)


def test_a_directory_of_seeds_gives_one_json_entry_per_file(tmp_path: Path) -> None:
    for seed in SEEDS.glob("*.txt"):
        shutil.copy(seed, tmp_path / seed.name)
    (tmp_path / "notes.csv").write_text("not taken from a directory", encoding="utf-8")

    code, out, err = run("--json", str(tmp_path))

    results = json.loads(out)
    assert [r["path"] for r in results] == sorted(str(p) for p in tmp_path.glob("*.txt"))
    assert {r["kind"] for r in results} <= {"annual_report", "legacy_report", "not_a_report"}
    assert "annual_report" in {r["kind"] for r in results}
    for r in results:
        assert set(r) >= {
            "path",
            "kind",
            "format",
            "year",
            "agency",
            "layout",
            "period",
            "tables",
            "findings",
        }
    any_error = any(f["severity"] == "error" for r in results for f in r["findings"])
    assert code == (1 if any_error else 0)
    # The file not taken is named, with the reason, and nothing else is said.
    assert err.splitlines() == [
        f"{tmp_path / 'notes.csv'}：已跳过，目录中只检查后缀为 "
        ".txt .md .markdown .htm .html .docx .doc .wps .pdf .ofd 的文件；要检查它，请直接写出文件名"
    ]


def test_an_identity_error_exits_1_and_is_listed_in_chinese(tmp_path: Path) -> None:
    report = tmp_path / "report.txt"
    report.write_text(with_new_applications(SEED_2021.read_text(encoding="utf-8"), 5), encoding="utf-8")

    code, out, err = run(str(report))

    assert code == 1
    assert str(report) in out.splitlines()[0]
    assert "错误" in out
    assert "三、收到和处理政府信息公开申请情况 · 一、本年新收政府信息公开申请数量 · 总计" in out
    assert "小结：错误" in out


def test_a_clean_report_exits_0() -> None:
    code, out, _ = run(str(SEED_2021))
    assert code == 0
    assert "小结：错误 0 项" in out


def test_csv_has_one_summary_row_per_file_with_a_bom(tmp_path: Path) -> None:
    bad = tmp_path / "b.txt"
    bad.write_text(with_new_applications(SEED_2021.read_text(encoding="utf-8"), 5), encoding="utf-8")
    shutil.copy(SEED_2021, tmp_path / "a.txt")
    out_file = tmp_path / "summary.csv"

    code, _, _ = run("--csv", str(out_file), str(tmp_path))

    raw = out_file.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0] == [
        "文件",
        "类型",
        "格式",
        "年度",
        "机关",
        "错误数",
        "警告数",
        "提示数",
        "主要问题",
        "表格格式",
    ]
    assert [r[0] for r in rows[1:]] == [str(tmp_path / "a.txt"), str(tmp_path / "b.txt")]
    clean, broken = rows[1], rows[2]
    assert clean[1:4] == ["年度报告", "2021", "2021"] and clean[5] == "0" and clean[8] == ""
    assert clean[9] == "2021"  # the format the tables use (格式 is the one the year requires)
    assert int(broken[5]) >= 1 and "本年新收" in broken[8]
    assert code == 1


def test_a_missing_path_exits_2_says_why_and_still_checks_the_others(tmp_path: Path) -> None:
    good = tmp_path / "good.txt"
    good.write_text("关于开展某项工作的通知\n各单位：请按时完成。\n", encoding="utf-8")
    missing = tmp_path / "nope.txt"

    code, out, err = run("--json", str(missing), str(good))

    assert code == 2
    assert str(missing) in err and "不存在" in err
    assert [r["path"] for r in json.loads(out)] == [str(good)]
    assert "Traceback" not in err


def test_file_names_that_are_not_utf_8_are_shown_as_gb18030(tmp_path: Path) -> None:
    """A zip made on Chinese Windows unpacks to GBK-encoded names; the output must still be valid UTF-8."""
    name = os.fsdecode("报告".encode("gb18030") + b".txt")
    (tmp_path / name).write_text("关于开展某项工作的通知\n各单位：请按时完成。\n", encoding="utf-8")
    (tmp_path / os.fsdecode(b"scan\xff.png")).write_bytes(PNG)
    summary = tmp_path / "summary.csv"

    code, out, err = run(
        "--json", "--csv", str(summary), str(tmp_path), str(tmp_path / os.fsdecode(b"scan\xff.png"))
    )

    assert code == 2 and "Traceback" not in err
    out.encode("utf-8"), err.encode("utf-8")  # no lone surrogates
    assert [r["path"] for r in json.loads(out)] == [str(tmp_path / "报告.txt")]
    assert "scan\ufffd.png" in err
    rows = list(csv.reader(summary.read_text(encoding="utf-8-sig").splitlines()))
    assert [row[0] for row in rows[1:]] == [str(tmp_path / "报告.txt"), str(tmp_path / "scan\ufffd.png")]


def test_an_unreadable_file_exits_2_even_when_another_has_errors(tmp_path: Path) -> None:
    image = tmp_path / "scan.png"
    image.write_bytes(PNG)
    letter = tmp_path / "letter.txt"  # not an annual report: an error finding
    letter.write_text("关于开展某项工作的通知\n各单位：请按时完成。\n", encoding="utf-8")

    code, out, err = run(str(tmp_path), str(image))

    assert code == 2
    assert "scan.png" in err
    assert str(letter) in out
    assert "Traceback" not in err


def test_explicit_files_are_checked_whatever_their_suffix(tmp_path: Path) -> None:
    image = tmp_path / "scan.png"
    image.write_bytes(PNG)
    code, _, err = run(str(tmp_path))  # the directory holds no file with a report suffix
    assert code == 0 and "没有可检查的文件" in err
    code, _, err = run(str(image))
    assert code == 2 and "scan.png" in err


def test_previous_report_is_used_for_cross_year_checks(tmp_path: Path) -> None:
    # Last year's report: the same tables, but 3 applications carried forward into this year.
    lines = SEED_2021.read_text(encoding="utf-8").replace("2021", "2020").splitlines()
    i = next(i for i, line in enumerate(lines) if "下年度" in line and "|" in line)
    lines[i] = lines[i].replace("| 0 |", "| 3 |", 1)
    previous = tmp_path / "2020.txt"
    previous.write_text("\n".join(lines), encoding="utf-8")

    code, out, _ = run("--json", "--previous", str(previous), str(SEED_2021))

    (result,) = json.loads(out)
    carry = [f for f in result["findings"] if f["code"] == "crossyear.carry_over"]
    assert [(f["row"], f["column"], f["expected"], f["found"]) for f in carry] == [
        ("carried_over", "natural_person", 3, 0)
    ]
    assert code == 1
    code, out, _ = run("--json", str(SEED_2021))
    assert code == 0 and not json.loads(out)[0]["findings"]


def test_a_missing_previous_report_exits_2(tmp_path: Path) -> None:
    letter = tmp_path / "letter.txt"
    letter.write_text("关于开展某项工作的通知\n", encoding="utf-8")
    code, out, err = run("--json", "--previous", str(tmp_path / "last-year.txt"), str(letter))
    assert code == 2
    assert "上年度报告" in err and "last-year.txt" in err
    assert len(json.loads(out)) == 1


def test_a_checker_crash_on_the_previous_report_exits_2_without_a_traceback(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from gongkai.checker.management.commands import check_reports

    def explode(path: object) -> object:
        raise RuntimeError("boom")

    monkeypatch.setattr(check_reports, "parse_path", explode)
    letter = tmp_path / "letter.txt"
    letter.write_text("关于开展某项工作的通知\n", encoding="utf-8")
    code, out, err = run("--json", "--previous", str(letter), str(letter))
    assert code == 2
    assert "上年度报告" in err and "程序出错" in err
    assert len(json.loads(out)) == 1
