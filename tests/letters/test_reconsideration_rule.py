"""The 行政复议机关 from the agency tree (``gongkai.statute.reconsideration``; 行政复议法 第二十四条)."""

from __future__ import annotations

import pytest

from gongkai.agencies.models import AgencyKind
from gongkai.statute import reconsideration
from gongkai.statute.reconsideration import ReconsiderationBody, reconsideration_body

GOV, DEPT, TOWN, OTHER = "government", "department", "township", "other"


def test_the_kinds_are_those_of_the_agency_model() -> None:
    assert {reconsideration.GOVERNMENT, reconsideration.DEPARTMENT, reconsideration.TOWNSHIP} | {
        reconsideration.OTHER
    } == set(AgencyKind.values)


@pytest.mark.parametrize(
    ("kind", "ancestors", "expected"),
    [
        # A county government → the city government one level up (第一款第二项).
        (
            GOV,
            [(GOV, "示范市人民政府")],
            ReconsiderationBody("示范市人民政府", "《中华人民共和国行政复议法》第二十四条第一款第二项"),
        ),
        # A county department → the county government at its own level (第一款第一项).
        (
            DEPT,
            [(GOV, "甲县人民政府"), (GOV, "示范市人民政府")],
            ReconsiderationBody("甲县人民政府", "《中华人民共和国行政复议法》第二十四条第一款第一项"),
        ),
        # A department's 派出机构 → the department's government (第四款).
        (
            DEPT,
            [(DEPT, "甲县公安局"), (GOV, "甲县人民政府")],
            ReconsiderationBody("甲县人民政府", "《中华人民共和国行政复议法》第二十四条第四款"),
        ),
        # A township or 街道 → the county government (第一款第二项、第三项).
        (
            TOWN,
            [(GOV, "甲县人民政府")],
            ReconsiderationBody("甲县人民政府", "《中华人民共和国行政复议法》第二十四条第一款第二项、第三项"),
        ),
        # An authorised organisation under a department → the government (第一款第四项).
        (
            OTHER,
            [(DEPT, "甲县财政局"), (GOV, "甲县人民政府")],
            ReconsiderationBody("甲县人民政府", "《中华人民共和国行政复议法》第二十四条第一款第四项"),
        ),
    ],
)
def test_the_body_from_the_tree(
    kind: str, ancestors: list[tuple[str, str]], expected: ReconsiderationBody
) -> None:
    assert reconsideration_body(kind, ancestors) == expected


@pytest.mark.parametrize(
    ("kind", "ancestors"),
    [
        (GOV, []),  # a root government (a province decides on its own acts: set by hand)
        (DEPT, []),
        (TOWN, [(DEPT, "甲县民政局")]),
        (
            OTHER,
            [(TOWN, "甲县一镇人民政府"), (GOV, "甲县人民政府")],
        ),  # a township's unit: the tree is unclear
        (GOV, [(DEPT, "某部门")]),
        ("unknown", [(GOV, "甲县人民政府")]),
    ],
)
def test_the_tree_does_not_tell(kind: str, ancestors: list[tuple[str, str]]) -> None:
    assert reconsideration_body(kind, ancestors) is None
