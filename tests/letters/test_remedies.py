from __future__ import annotations

from datetime import date

import pytest

from gongkai.letters.remedies import (
    DEFAULT_COURT,
    DEFAULT_RECONSIDERATION_BODY,
    RECONSIDERATION_FIRST_FROM,
    WITHHOLDING_GROUPS,
    reconsideration_first,
    remedy_notice,
)
from gongkai.statute.outcomes import OutcomeGroup

BEFORE = date(2023, 12, 31)
ON = date(2024, 1, 1)
GROUPS = ["granted", "partial", "denied", "unable", "rejected", "other", ""]


def text(group: str, decided_on: date, **kwargs: str) -> str:
    return "".join(remedy_notice(outcome_group=group, decided_on=decided_on, **kwargs))


def test_the_boundary_is_the_day_the_2023_revision_took_effect() -> None:
    assert date(2024, 1, 1) == RECONSIDERATION_FIRST_FROM
    assert reconsideration_first(outcome_group="denied", decided_on=ON)
    assert not reconsideration_first(outcome_group="denied", decided_on=BEFORE)


@pytest.mark.parametrize("group", GROUPS)
def test_before_2024_every_outcome_offers_reconsideration_or_suit(group: str) -> None:
    notice = text(group, BEFORE)
    assert "六十日内" in notice and "申请行政复议" in notice
    assert "六个月内" in notice and "《中华人民共和国行政诉讼法》第四十六条" in notice
    assert "先申请行政复议" not in notice
    # The old law's article numbers differ: cite none of the 2023 revision's.
    assert "第二十条" not in notice and "第二十三条" not in notice


@pytest.mark.parametrize("decided_on", [ON, date(2026, 3, 20)])
def test_a_denial_from_2024_on_must_go_to_reconsideration_first(decided_on: date) -> None:
    paragraphs = remedy_notice(outcome_group="denied", decided_on=decided_on)
    notice = "".join(paragraphs)
    assert "第二十三条第一款第四项" in notice
    assert "应当先申请行政复议" in notice
    assert "第二十条" in notice and "六十日内" in notice
    # No offer of a direct suit.
    assert "六个月" not in notice
    assert "第四十六条" not in notice
    assert "未经行政复议不能向人民法院提起行政诉讼" in notice
    assert len(paragraphs) == 2


def test_a_partial_disclosure_from_2024_on_needs_reconsideration_first_for_the_withheld_part() -> None:
    paragraphs = remedy_notice(
        outcome_group="partial", decided_on=ON, reconsideration_body="甲县人民政府", court="甲县人民法院"
    )
    assert paragraphs == [
        "如对上述决定中不予公开的部分不服，依照《中华人民共和国行政复议法》第二十三条第一款第四项的规定，"
        "应当先申请行政复议：可以依照该法第二十条的规定，自知道该决定之日起六十日内向甲县人民政府申请"
        "行政复议；对行政复议决定不服的，可以再依法向甲县人民法院提起行政诉讼。",
        "如对上述决定的其他部分不服，可以依照《中华人民共和国行政复议法》第二十条的规定，自知道该决定之日起"
        "六十日内向甲县人民政府申请行政复议；也可以依照《中华人民共和国行政诉讼法》第四十六条的规定，"
        "自知道该决定之日起六个月内向甲县人民法院提起行政诉讼。",
        "特此告知：对不予公开的部分，未经行政复议不能向人民法院提起行政诉讼。",
    ]
    assert reconsideration_first(outcome_group="partial", decided_on=ON)
    assert not reconsideration_first(outcome_group="partial", decided_on=BEFORE)


def test_the_groups_that_withhold_are_those_of_the_statute() -> None:
    assert {OutcomeGroup(g) for g in WITHHOLDING_GROUPS} == {OutcomeGroup.DENIED, OutcomeGroup.PARTIAL}


@pytest.mark.parametrize("group", [g for g in GROUPS if g not in WITHHOLDING_GROUPS])
def test_other_outcomes_from_2024_on_may_choose(group: str) -> None:
    notice = text(group, ON)
    assert "《中华人民共和国行政复议法》第二十条" in notice
    assert "《中华人民共和国行政诉讼法》第四十六条" in notice and "六个月内" in notice
    assert "先申请行政复议" not in notice


def test_bodies_default_and_can_be_named() -> None:
    generic = text("granted", ON)
    assert f"向{DEFAULT_RECONSIDERATION_BODY}申请行政复议" in generic
    assert f"向{DEFAULT_COURT}提起行政诉讼" in generic
    named = text("denied", ON, reconsideration_body="甲县人民政府", court="甲县人民法院")
    assert "向甲县人民政府申请行政复议" in named
    assert "向甲县人民法院提起行政诉讼" in named
    assert "上一级行政机关" not in named
