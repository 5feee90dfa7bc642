"""Every finding code is registered, documented, and used: ``codes.CODES`` ⇄ ``docs/checks.md`` ⇄ source.

The source scan looks for string literals passed to ``finding(...)`` / ``Finding(...)`` or as ``code=``
anywhere under ``gongkai/``. Finding codes are dotted (``section3.row_total``); undotted ``code=``
strings are Django validation-error codes (``code="invalid"``) and are not finding codes.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from gongkai.checker.codes import CODES, UnknownFindingCode, finding
from gongkai.reports.model import FORMATS, IDENTITY_CODES

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "checks.md"
SOURCE = ROOT / "gongkai"

_ENTRY = re.compile(r"^### `([^`]+)`\s*\n+- 严重程度：(error|warning|info)", re.MULTILINE)
_HEADING = re.compile(r"^### `([^`]+)`", re.MULTILINE)
_USED = re.compile(
    r"""(?:\bfinding\(\s*|\bFinding\(\s*|\bcode\s*=\s*)["']([a-z][a-z0-9_]*(?:\.[a-z0-9_]+)+)["']"""
)


def documented() -> dict[str, str]:
    """Code -> severity as documented."""
    text = DOC.read_text(encoding="utf-8")
    entries = dict(_ENTRY.findall(text))
    headings = _HEADING.findall(text)
    assert len(headings) == len(set(headings)), "a code is documented twice"
    assert set(headings) == set(entries), "every entry must start with its 严重程度 line"
    return entries


def used_in_source() -> dict[str, list[str]]:
    """Code -> files (relative) that make findings with it."""
    out: dict[str, list[str]] = {}
    for path in sorted(SOURCE.rglob("*.py")):
        for code in _USED.findall(path.read_text(encoding="utf-8")):
            out.setdefault(code, []).append(str(path.relative_to(ROOT)))
    return out


def test_every_registered_code_is_documented() -> None:
    missing = sorted(set(CODES) - set(documented()))
    assert not missing, f"codes missing from docs/checks.md: {missing}"


def test_docs_document_no_code_that_no_longer_exists() -> None:
    stale = sorted(set(documented()) - set(CODES))
    assert not stale, f"docs/checks.md documents codes that are not in CODES: {stale}"


def test_documented_severity_is_the_default_severity() -> None:
    docs = documented()
    wrong = {c: (docs[c], CODES[c].severity) for c in CODES if c in docs and docs[c] != CODES[c].severity}
    assert not wrong, f"severity in docs/checks.md differs from CODES (doc, code): {wrong}"


def test_every_code_used_in_the_source_is_registered() -> None:
    used = used_in_source()
    unknown = {c: files for c, files in used.items() if c not in CODES}
    assert not unknown, f"finding codes used under gongkai/ but not registered in CODES: {unknown}"


def test_source_scan_finds_calls() -> None:
    # The scan must see multi-line calls and code= keywords, or the test above proves nothing.
    sample = (
        'x = finding(\n    "parse.missing_cells", "…")\nIdentity(code="section3.balance")\ncode="invalid"'
    )
    assert _USED.findall(sample) == ["parse.missing_cells", "section3.balance"]
    used = used_in_source()
    assert "prose.table_mismatch" in used
    assert "section3.row_total" in used


def test_identity_codes_are_registered() -> None:
    codes = set(IDENTITY_CODES) | {i.code for f in FORMATS.values() for i in f.identities}
    assert codes <= set(CODES)


def test_every_code_has_a_chinese_title_and_description() -> None:
    for info in CODES.values():
        assert info.code and info.title and len(info.description) > 20
        assert re.search(r"[\u4e00-\u9fff]", info.title + info.description)


def test_finding_refuses_unknown_codes() -> None:
    with pytest.raises(UnknownFindingCode):
        finding("no.such_code", "x")
    f = finding("cell.blank", "x", severity="info", table="section2", row="regulations")
    assert (f.code, f.severity, f.table, f.row) == ("cell.blank", "info", "section2", "regulations")
    assert finding("cell.blank", "x").severity == "warning"
    with pytest.raises(ValueError):
        finding("cell.blank", "x", severity="fatal")  # type: ignore[arg-type]
