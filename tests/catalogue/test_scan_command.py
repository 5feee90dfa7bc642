"""``scan`` (``gongkai scan``): text and JSON output, exit codes, and a run in a plain shell. No database."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command

from gongkai.catalogue.management.commands.scan import Command

VALID_ID = "11010519491231002X"
#: Personal data never printed (a 错敏词 is printed in full: it is no personal data).
RAW_VALUES = (VALID_ID, "138 0013 8000", "zhang@example.org", "0571-88001234")
GONGKAI = Path(sys.executable).with_name("gongkai")
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(64)


def run(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("scan", *args, stdout=out, stderr=err)
        code = 0
    except SystemExit as exc:
        code = int(exc.code or 0)
    return code, out.getvalue(), err.getvalue()


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    (tmp_path / "申请.txt").write_text(
        f"申请人张三，身份证号{VALID_ID}，手机138 0013 8000。\n"
        "邮箱zhang@example.org，电话0571-88001234。\n"
        "本件为内部资料。\n",
        encoding="utf-8",
    )
    sub = tmp_path / "附件"
    sub.mkdir()
    (sub / "通知.txt").write_text("关于召开会议的通知：请各单位准时参加。", encoding="gbk")
    (sub / "照片.png").write_bytes(PNG)
    (tmp_path / ".hidden.txt").write_text(f"隐藏文件 {VALID_ID}", encoding="utf-8")
    (tmp_path / "~$申请.docx").write_bytes(b"\x00lock")
    return tmp_path


@pytest.fixture
def words(tmp_path: Path) -> Path:
    path = tmp_path.parent / f"{tmp_path.name}-words.txt"
    path.write_text("\ufeff# 错敏词表\n内部资料\n\n  机密  \n", encoding="utf-8")
    return path


def test_text_output_lists_masked_hits_with_position_and_context(folder: Path, words: Path) -> None:
    code, out, err = run("--words", str(words), str(folder))

    assert code == 1
    assert err == ""
    for raw in RAW_VALUES:
        assert raw not in out
    assert f"■ {folder / '申请.txt'}（文本）：发现 5 处" in out
    assert "  1. 身份证号 110105********002X（第 1 行，字符 10–28）" in out
    assert "     上下文：申请人张三，身份证号110105********002X，手机138****8000…" in out
    assert "  2. 手机号码 138****8000（第 1 行，字符 31–44）" in out
    assert "电子邮箱 z***@example.org（第 2 行" in out
    assert "固定电话 0571-****1234（第 2 行" in out
    assert "错敏词 内部资料（第 3 行" in out
    assert f"■ {folder / '附件' / '通知.txt'}（文本）：未发现个人信息或错敏词" in out
    assert f"■ {folder / '附件' / '照片.png'}（图片）：未能检查" in out
    assert "  注意：这是一张图片（PNG），无法自动检查图片中的文字，请人工核对其中是否有个人信息" in out
    assert ".hidden" not in out and "~$" not in out
    assert out.rstrip().endswith(
        "共检查 3 个文件：1 个文件发现 5 处个人信息或错敏词，1 个文件需要人工核对，0 个无法读取。"
    )


def test_json_output(folder: Path, words: Path) -> None:
    code, out, err = run("--json", "--words", str(words), str(folder))

    assert code == 1
    assert err == ""
    for raw in RAW_VALUES:
        assert raw not in out
    document = json.loads(out)
    assert set(document) == {"files", "total_hits"}
    assert document["total_hits"] == 5
    files = document["files"]
    assert [f["file"] for f in files] == [
        str(folder / "申请.txt"),
        str(folder / "附件" / "照片.png"),
        str(folder / "附件" / "通知.txt"),
    ]
    first = files[0]
    assert set(first) == {"file", "kind", "problem", "hits"}
    assert (first["kind"], first["problem"]) == ("text", "")
    assert first["hits"][0] == {
        "kind": "resident_id",
        "kind_label": "身份证号",
        "masked": "110105********002X",
        "start": 10,
        "end": 28,
        "context": "申请人张三，身份证号110105********002X，手机138****8000…",
    }
    assert [h["kind"] for h in first["hits"]] == [
        "resident_id",
        "mobile",
        "email",
        "landline",
        "sensitive_word",
    ]
    assert files[1]["kind"] == "image" and "人工核对" in files[1]["problem"] and files[1]["hits"] == []
    assert files[2] == {"file": str(folder / "附件" / "通知.txt"), "kind": "text", "problem": "", "hits": []}


def test_nothing_found_exits_0(tmp_path: Path) -> None:
    clean = tmp_path / "clean.txt"
    clean.write_text("本机关2026年第1号公告：〔2026〕12号文件自20260115起施行。", encoding="utf-8")

    code, out, err = run(str(clean))
    assert (code, err) == (0, "")
    assert "未发现个人信息或错敏词" in out

    code, out, _ = run("--json", str(clean))
    assert code == 0
    assert json.loads(out) == {
        "files": [{"file": str(clean), "kind": "text", "problem": "", "hits": []}],
        "total_hits": 0,
    }


def test_a_missing_path_exits_2_even_when_something_is_found(folder: Path) -> None:
    missing = folder / "没有这个文件.pdf"
    code, out, err = run("--json", str(folder / "申请.txt"), str(missing))

    assert code == 2
    assert err.strip() == f"{missing}：文件或目录不存在"
    files = json.loads(out)["files"]
    assert files[1] == {"file": str(missing), "kind": "unknown", "problem": "文件或目录不存在", "hits": []}
    assert json.loads(out)["total_hits"] == 4


def test_an_unreadable_word_list_exits_2(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("无", encoding="utf-8")
    code, out, err = run("--words", str(tmp_path / "词表.txt"), str(tmp_path))
    assert (code, out) == (2, "")
    assert err.startswith(f"无法读取错敏词表 {tmp_path / '词表.txt'}：")

    gbk = tmp_path / "gbk.txt"
    gbk.write_bytes("内部资料".encode("gbk"))
    code, _, err = run("--words", str(gbk), str(tmp_path / "a.txt"))
    assert code == 2
    assert "不是 UTF-8 编码的文本" in err


def test_an_empty_directory_is_said(tmp_path: Path) -> None:
    code, out, err = run(str(tmp_path))
    assert code == 0
    assert f"{tmp_path}：目录中没有文件" in err


def test_bad_usage_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        Command().run_from_argv(["gongkai", "scan"])
    assert exc.value.code == 2
    assert "PATH" in capsys.readouterr().err


def test_gongkai_scan_in_a_plain_shell(folder: Path) -> None:
    """No SECRET_KEY, no DEBUG, no database: ``gongkai scan`` runs as in a fresh shell."""
    unset = {"SECRET_KEY", "SECRET_KEY_FILE", "GONGKAI_DEBUG", "DEBUG", "DATABASE_URL"}
    env = {k: v for k, v in os.environ.items() if k not in unset}
    result = subprocess.run(
        [str(GONGKAI), "scan", "--json", "."],
        cwd=folder,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 1, result.stderr
    assert result.stderr == ""
    document = json.loads(result.stdout)
    assert document["total_hits"] == 4
    assert [f["file"] for f in document["files"]] == ["申请.txt", "附件/照片.png", "附件/通知.txt"]
    assert VALID_ID not in result.stdout


def test_ids_from_renamed_regions_and_first_generation_ids_are_found_and_masked(tmp_path: Path) -> None:
    # python-stdnum's ric refused the first three (region code younger than the birth year).
    numbers = ["500103198001010016", "440305197001010019", "330102198001010018", "330106800101123"]
    names = tmp_path / "名单.txt"
    names.write_text("".join(f"第{i}人，身份证号{n}；\n" for i, n in enumerate(numbers, 1)), encoding="utf-8")
    wrong = tmp_path / "订单.txt"
    wrong.write_text("订单号500103198001010017，流水号202601150000123。\n", encoding="utf-8")

    code, out, _ = run("--json", str(tmp_path))
    assert code == 1
    files = {Path(f["file"]).name: f for f in json.loads(out)["files"]}
    assert [(h["kind"], h["masked"]) for h in files["名单.txt"]["hits"]] == [
        ("resident_id", "500103********0016"),
        ("resident_id", "440305********0019"),
        ("resident_id", "330102********0018"),
        ("resident_id", "330106*****1123"),
    ]
    assert files["订单.txt"]["hits"] == []  # a wrong check character, an order number: no false hits
    assert not any(n in out for n in numbers)
