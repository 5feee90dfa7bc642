"""Statutory periods are quoted from gongkai/statute, never written as numbers in prose (issue 10)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.test import Client

import gongkai

PACKAGE = Path(gongkai.__file__).resolve().parent
#: "20个工作日", "第7个工作日": a working-day count written as a literal number.
LITERAL_PERIOD = re.compile(r"(?<![\d%}A-Za-z_])\d+\s*个工作日")


def source_files() -> list[Path]:
    files = [*PACKAGE.rglob("*.py"), *PACKAGE.rglob("*.html")]
    return [f for f in files if "statute" not in f.relative_to(PACKAGE).parts and "migrations" not in f.parts]


def test_no_statutory_period_is_written_as_a_number_in_prose() -> None:
    found = [
        f"{path.relative_to(PACKAGE)}:{number}: {line.strip()}"
        for path in source_files()
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if LITERAL_PERIOD.search(line)
    ]
    assert found == []


def test_the_pattern_finds_a_literal_period() -> None:
    assert LITERAL_PERIOD.search("自收到申请之日起20个工作日内答复")
    assert LITERAL_PERIOD.search("第7个工作日")
    assert not LITERAL_PERIOD.search("自收到申请之日起{{ days }}个工作日内答复")
    assert not LITERAL_PERIOD.search("起%(days)s个工作日内")


@pytest.mark.django_db
def test_pages_quote_the_periods_of_the_statute(client: Client) -> None:
    page = client.get("/deadline/")
    assert page.status_code == 200
    assert "第20个工作日为答复期限" in page.content.decode()
    client.cookies["django_language"] = "en"
    english = client.get("/deadline/")
    assert "working day 20 is the deadline" in english.content.decode()
