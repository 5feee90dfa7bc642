"""The supervisor's imports sheet in the reader's language: a file's main problems are joined with the
language's separators ("错误：…；警告：…" in Chinese, "Error: …; Warning: …" in English)."""

from __future__ import annotations

import re

import pytest
from django.utils import translation

from gongkai.annual.models import ImportedReport
from gongkai.annual.presenters_supervisor import imports_sheets
from gongkai.reports.findings import Finding
from tests.annual import factories
from tests.conftest import Tree

pytestmark = pytest.mark.django_db

YEAR = 2025
CJK = re.compile(r"[\u4e00-\u9fff：；]")


def _record(tree: Tree) -> ImportedReport:
    findings = [
        Finding("x.one", "error", "表二", template="表二").to_json(),
        Finding("x.two", "warning", "表三", template="表三").to_json(),
    ]
    result = {"path": "r.html", "kind": "annual_report", "format": "2021", "year": YEAR, "findings": findings}
    return factories.imported(tree.town_a2, tree.county_a, YEAR, result=result, filename="r.html")


def _problems(tree: Tree, record: ImportedReport) -> str:
    (_title, header, rows), *_rest = imports_sheets(tree.county_a, [record])
    value = list(rows)[0][8]
    assert isinstance(value, str)
    return value


def test_the_main_problems_in_english(tree: Tree) -> None:
    record = _record(tree)
    with translation.override("en"):
        text = _problems(tree, record)
    assert "; " in text and ": " in text and not CJK.search(text), text


def test_the_main_problems_in_chinese(tree: Tree) -> None:
    record = _record(tree)
    with translation.override("zh-hans"):
        text = _problems(tree, record)
    assert text == "错误：表二；警告：表三"
