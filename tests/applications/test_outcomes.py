"""Outcomes (答复类型) and the table-三 row each counts in (regulation.md §2.8, decisions.md D7)."""

from __future__ import annotations

import pytest

from gongkai.reports.model import FORMATS, SECTION3_ROWS
from gongkai.statute.outcomes import (
    ANSWER_OUTCOME_KEYS,
    OUTCOME_BY_KEY,
    OUTCOMES,
    OutcomeGroup,
    UnknownOutcome,
    choices,
    get_outcome,
    row_for,
)

ROWS = {version: {r.key for r in rows} for version, rows in SECTION3_ROWS.items()}
RESULT_ROWS_2021 = set(FORMATS["2021"].section3_result_keys)
RESULT_ROWS_2019 = set(FORMATS["2019"].section3_result_keys)
OTHER_2021 = {"other_no_correction", "other_no_fee", "other_other"}


def test_outcome_keys_are_unique() -> None:
    assert len(OUTCOME_BY_KEY) == len(OUTCOMES)


@pytest.mark.parametrize("outcome", OUTCOMES, ids=lambda o: o.key)
def test_every_outcome_maps_to_a_result_row_of_both_formats(outcome: object) -> None:
    key = outcome.key  # type: ignore[attr-defined]
    assert row_for(key, 2021) in RESULT_ROWS_2021
    assert row_for(key, 2026) == row_for(key, 2021)
    assert row_for(key, 2019) in RESULT_ROWS_2019
    assert row_for(key, 2020) == row_for(key, 2019)
    for version in ("2019", "2021"):
        assert row_for(key, int(version)) in ROWS[version]


def test_the_2019_format_counts_the_three_other_sub_rows_in_other() -> None:
    assert ROWS["2021"] >= OTHER_2021 and "other" not in ROWS["2021"]
    assert "other" in ROWS["2019"] and not (ROWS["2019"] & OTHER_2021)
    for outcome in OUTCOMES:
        if outcome.row_2021 in OTHER_2021:
            assert row_for(outcome.key, 2019) == "other"
            assert outcome.group == OutcomeGroup.OTHER
        else:
            assert row_for(outcome.key, 2019) == outcome.row_2021


def test_every_result_row_of_table_3_2021_is_reachable() -> None:
    reached = {row_for(o.key, 2021) for o in OUTCOMES}
    assert reached == RESULT_ROWS_2021
    assert {row_for(o.key, 2019) for o in OUTCOMES} == RESULT_ROWS_2019


@pytest.mark.parametrize(
    ("key", "row"),
    [
        ("already_public", "granted"),  # 36(一)
        ("granted", "granted"),  # 36(二)
        ("partially_granted", "partially_granted"),  # 37: only （二）
        ("denied_query_matters", "denied_query_matters"),  # 36(七) → （三）8
        ("unable_not_held", "unable_not_held"),  # 36(四) → （四）1
        ("unable_not_responsible", "unable_not_held"),  # 36(五) → （四）1
        ("unable_unclear", "unable_unclear"),  # 30 still unclear → （四）3
        ("rejected_duplicate", "rejected_duplicate"),  # 36(六) → （五）2
        ("other_no_correction", "other_no_correction"),  # （六）1
        ("other_no_fee", "other_no_fee"),  # （六）2
        ("withdrawn", "other_other"),  # D7: withdrawn → （六）3
        ("other", "other_other"),
    ],
)
def test_rows_of_regulation_md_2_8(key: str, row: str) -> None:
    assert row_for(key, 2021) == row


def test_reports_before_2019_have_no_table_rows() -> None:
    with pytest.raises(ValueError, match="2018"):
        row_for("granted", 2018)


def test_unknown_outcome() -> None:
    with pytest.raises(UnknownOutcome):
        get_outcome("nonsense")
    with pytest.raises(UnknownOutcome):
        row_for("nonsense", 2021)


@pytest.mark.parametrize("outcome", OUTCOMES, ids=lambda o: o.key)
def test_refusals_of_any_kind_require_reasons(outcome: object) -> None:
    group = outcome.group  # type: ignore[attr-defined]
    needs = outcome.requires_reasons  # type: ignore[attr-defined]
    if group in {OutcomeGroup.PARTIAL, OutcomeGroup.DENIED, OutcomeGroup.UNABLE, OutcomeGroup.REJECTED}:
        assert needs
    elif group == OutcomeGroup.GRANTED:
        assert not needs
    else:  # （六）: "other" is explained; the applicant's own default or withdrawal is not a decision
        assert needs == (outcome.key == "other")  # type: ignore[attr-defined]


def test_lapses_and_withdrawal_have_their_own_steps() -> None:
    assert set(OUTCOME_BY_KEY) - set(ANSWER_OUTCOME_KEYS) == {
        "withdrawn",
        "other_no_correction",
        "other_no_fee",
    }
    for key in ("withdrawn", "other_no_correction", "other_no_fee"):
        assert OUTCOME_BY_KEY[key].ends_without_decision


def test_choices_are_grouped_in_statutory_order() -> None:
    grouped = choices()
    assert [label for label, _items in grouped] == [
        "予以公开",
        "部分公开",
        "不予公开",
        "无法提供",
        "不予处理",
        "其他处理",
    ]
    keys = [key for _label, items in grouped for key, _ in items]
    assert keys == list(ANSWER_OUTCOME_KEYS)


def test_every_outcome_cites_its_basis() -> None:
    for outcome in OUTCOMES:
        if outcome.key != "other":
            assert outcome.basis, outcome.key
        assert outcome.row_key(2021) == row_for(outcome.key, 2021)
