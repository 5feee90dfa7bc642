"""The public 年报 page of an agency's column (/gk/<code>/reports/): built from the annual-report module only,
one row per year with the deadline (第四十九条) and whether the report came out on time, late, is overdue or
not due yet; today pinned."""

from __future__ import annotations

import datetime
import re
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client

from gongkai.annual.models import LocalDeadline
from gongkai.catalogue.models import ItemKind
from tests.annual.factories import publish
from tests.catalogue.public_factories import make_item
from tests.conftest import Tree

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
#: 20 February 2026: the departments' reports on 2025 were due on 31 January, the governments' are not yet.
TODAY = datetime.datetime(2026, 2, 20, 10, tzinfo=SHANGHAI)


def rows(page: str) -> list[list[str]]:
    body = page.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return [
        [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)]
        for row in re.findall(r"<tr[^>]*>(.*?)</tr>", body, re.S)
    ]


@time_machine.travel(TODAY, tick=True)
def test_each_year_with_its_deadline_and_timeliness(client: Client, tree: Tree) -> None:
    department = tree.county_a_finance
    publish(department, 2023, datetime.date(2024, 1, 20))
    publish(department, 2024, datetime.date(2025, 2, 3))  # late
    publish(department, 2024, datetime.date(2025, 3, 1))  # a correction: the first publication counts
    # A catalogue entry of kind annual_report is not listed here (the page reads the annual module only).
    make_item(department, "旧系统中的年度报告", kind=ItemKind.ANNUAL_REPORT)
    page = client.get("/gk/county-a-finance/reports/").content.decode()
    assert "旧系统中的年度报告" not in page
    assert rows(page) == [
        ["2025年度", "—", "—", "2026-01-31", "逾期未公开"],
        [
            "2024年度",
            "甲县财政局2024年政府信息公开工作年度报告 （第2版，已更正）",
            "2025-02-03",
            "2025-01-31",
            "逾期公开",
        ],
        ["2023年度", "甲县财政局2023年政府信息公开工作年度报告", "2024-01-20", "2024-01-31", "按时公开"],
    ]
    assert "/gk/county-a-finance/reports/2024/" in page
    assert "县级以上人民政府部门：每年1月31日前公布上一年度报告" in page


@time_machine.travel(TODAY, tick=True)
def test_a_government_not_yet_due_and_a_township_without_or_with_a_set_deadline(
    client: Client, tree: Tree
) -> None:
    assert rows(client.get("/gk/county-a/reports/").content.decode()) == [
        ["2025年度", "—", "—", "2026-03-31", "未到期限"]
    ]
    assert rows(client.get("/gk/town-a1/reports/").content.decode()) == [
        ["2025年度", "—", "—", "未设定", "未设定期限"]
    ]
    LocalDeadline.objects.create(
        supervisor_agency=tree.county_a, year=2025, deadline=datetime.date(2026, 2, 15)
    )
    assert rows(client.get("/gk/town-a1/reports/").content.decode()) == [
        ["2025年度", "—", "—", "2026-02-15", "逾期未公开"]
    ]


@time_machine.travel(datetime.datetime(2031, 6, 1, 10, tzinfo=SHANGHAI), tick=True)
def test_at_most_ten_years(client: Client, tree: Tree) -> None:
    publish(tree.county_a_finance, 2019, datetime.date(2020, 1, 10))
    years = [row[0] for row in rows(client.get("/gk/county-a-finance/reports/").content.decode())]
    assert years == [f"{y}年度" for y in range(2030, 2020, -1)]
