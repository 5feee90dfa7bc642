"""信息处理费 (国办函〔2020〕109号; regulation.md §4): tiers, bands, explanations, errors, and the
monthly piece count of an applicant (selectors.earlier_pieces_this_month)."""

from __future__ import annotations

import datetime

import pytest
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from gongkai.applications import selectors, services
from gongkai.core.i18n import render
from gongkai.statute.fees import (
    FEES_IN_FORCE_FROM,
    FeeBand,
    FeeMethod,
    fee_applies,
    page_rate,
    piece_rate,
    quote_pages,
    quote_pieces,
)
from tests.applications.conftest import CaseMaker, Staff, days_ago, resident_id

# --- 按量计收 (pages, per application) ----------------------------------------------------------


@pytest.mark.parametrize(
    ("pages", "amount"),
    [
        (1, 0),
        (30, 0),  # 1–30 free
        (31, 10),  # 31–100: 10 元/页
        (100, 700),  # 70 × 10
        (101, 720),  # 700 + 1 × 20
        (200, 2700),  # 700 + 100 × 20
        (201, 2740),  # 2700 + 1 × 40
        # The real Xi'an notice: 700 + 2,000 + 2,019 × 40 = 80,760 → 83,460 元.
        (2219, 83460),
    ],
)
def test_page_tiers(pages: int, amount: int) -> None:
    quote = quote_pages(pages)
    assert quote.method == FeeMethod.PAGES
    assert quote.amount == amount


def test_page_bands_of_the_xian_notice() -> None:
    quote = quote_pages(2219)
    assert quote.bands == (
        FeeBand(1, 30, 0),
        FeeBand(31, 100, 10),
        FeeBand(101, 200, 20),
        FeeBand(201, 2219, 40),
    )
    assert [b.amount for b in quote.bands] == [0, 700, 2000, 80760]
    assert quote.explanation() == [
        "计费方式：按量计收（国办函〔2020〕109号）。",
        "本次申请共 2219 页。",
        "第 1—30 页：30 页 × 0 元 = 0 元",
        "第 31—100 页：70 页 × 10 元 = 700 元",
        "第 101—200 页：100 页 × 20 元 = 2000 元",
        "第 201—2219 页：2019 页 × 40 元 = 80760 元",
        "合计 83460 元。",
    ]


# --- 按件计收 (pieces, per applicant per natural month) -------------------------------------------


@pytest.mark.parametrize(
    ("pieces", "amount"),
    [
        (1, 0),
        (10, 0),  # 1–10 free
        (11, 100),  # 11–30: 100 元/件
        (30, 2000),  # 20 × 100
        (31, 2200),  # 2000 + 1 × 200
        (40, 4000),  # 2000 + 10 × 200
        (41, 4300),  # + 300
        (50, 7000),  # 4000 + 10 × 300
        (51, 7400),  # + 400
    ],
)
def test_piece_tiers(pieces: int, amount: int) -> None:
    assert quote_pieces(pieces).amount == amount


@pytest.mark.parametrize(("k", "rate"), [(1, 0), (10, 0), (11, 100), (30, 100), (31, 200), (40, 200)])
def test_piece_rate(k: int, rate: int) -> None:
    assert piece_rate(k) == rate


def test_the_41st_piece_costs_300_and_the_51st_400() -> None:
    assert quote_pieces(1, earlier_this_month=40).amount == 300
    assert quote_pieces(1, earlier_this_month=50).amount == 400
    assert quote_pieces(1, earlier_this_month=60).amount == 500
    assert quote_pieces(1, earlier_this_month=9).amount == 0  # the 10th piece is still free


def test_earlier_pieces_move_this_application_up_the_tiers() -> None:
    # 8 pieces earlier this month; this application has 5: pieces 9–13 → 9, 10 free; 11, 12, 13 at 100.
    quote = quote_pieces(5, earlier_this_month=8)
    assert quote.bands == (FeeBand(9, 10, 0), FeeBand(11, 13, 100))
    assert quote.amount == 300
    assert quote.explanation() == [
        "计费方式：按件计收（国办函〔2020〕109号）。",
        "该申请人本自然月此前已计 8 件，本次 5 件，为当月第 9—13 件。",
        "第 9—10 件：2 件 × 0 元 = 0 元",
        "第 11—13 件：3 件 × 100 元 = 300 元",
        "合计 300 元。",
    ]


@given(st.integers(1, 300), st.integers(0, 300))
def test_piece_quote_is_the_sum_of_the_rates_of_its_pieces(quantity: int, earlier: int) -> None:
    quote = quote_pieces(quantity, earlier_this_month=earlier)
    assert quote.amount == sum(piece_rate(k) for k in range(earlier + 1, earlier + quantity + 1))
    # Bands are consecutive, cover exactly this application's pieces and each has one rate.
    assert quote.bands[0].first == earlier + 1 and quote.bands[-1].last == earlier + quantity
    for before, after in zip(quote.bands, quote.bands[1:], strict=False):
        assert after.first == before.last + 1 and after.rate > before.rate


@given(st.integers(1, 5000))
def test_page_quote_matches_the_formula_of_regulation_md(p: int) -> None:
    formula = 10 * max(0, min(p, 100) - 30) + 20 * max(0, min(p, 200) - 100) + 40 * max(0, p - 200)
    assert quote_pages(p).amount == formula == sum(page_rate(i) for i in range(1, p + 1))


def test_zero_and_negative_quantities_are_errors() -> None:
    for bad in (0, -1):
        with pytest.raises(ValueError):
            quote_pieces(bad)
        with pytest.raises(ValueError):
            quote_pages(bad)
        with pytest.raises(ValueError):
            piece_rate(bad)
        with pytest.raises(ValueError):
            page_rate(bad)
    with pytest.raises(ValueError):
        quote_pieces(1, earlier_this_month=-1)


def test_fees_apply_from_2021() -> None:
    assert datetime.date(2021, 1, 1) == FEES_IN_FORCE_FROM
    assert not fee_applies(datetime.date(2020, 12, 31))
    assert fee_applies(datetime.date(2021, 1, 1))


# --- The applicant's monthly count (database) -----------------------------------------------------


def _month_days(n_days: int) -> list[datetime.date]:
    """``n_days`` consecutive days inside one past natural month (at least 40 days ago)."""
    start = days_ago(70).replace(day=1)
    return [start + datetime.timedelta(days=i) for i in range(n_days)]


@pytest.mark.django_db
def test_earlier_pieces_count_the_same_applicant_at_the_same_agency_in_the_same_month(
    staff: Staff, make_case: CaseMaker
) -> None:
    d1, d2, d3 = _month_days(3)
    same = {"serial": 7}
    first = make_case(arrived_on=d1, pieces=3, **same)
    second = make_case(arrived_on=d2, pieces=4, **same)
    # Not counted: another applicant; the same person at another agency; the previous month.
    make_case(arrived_on=d1, pieces=20, serial=8)
    make_case(arrived_on=d1, pieces=20, agency=staff.other_agency, actor=staff.other_officer, **same)
    make_case(arrived_on=d1 - datetime.timedelta(days=1), pieces=20, **same)
    third = make_case(arrived_on=d3, pieces=1, **same)
    assert selectors.earlier_pieces_this_month(first) == 0
    assert selectors.earlier_pieces_this_month(second) == 3
    assert selectors.earlier_pieces_this_month(third) == 7
    # The quote uses that count: this third application's piece is the 8th of the month (free).
    assert services.quote_fee(third, "pieces").earlier == 7


@pytest.mark.django_db
def test_earlier_pieces_on_the_same_day_follow_registration_order(make_case: CaseMaker) -> None:
    (day,) = _month_days(1)
    a = make_case(arrived_on=day, pieces=2, serial=9)
    b = make_case(arrived_on=day, pieces=5, serial=9)
    assert selectors.earlier_pieces_this_month(a) == 0
    assert selectors.earlier_pieces_this_month(b) == 2


@pytest.mark.django_db
def test_identity_number_is_compared_compacted(make_case: CaseMaker) -> None:
    # The same 居民身份证 typed with a lower-case x and spaces is the same applicant.
    number = resident_id(2, birth="19491231")  # 11010519491231002X
    assert number.endswith("X")
    (day,) = _month_days(1)
    a = make_case(arrived_on=day, pieces=10, id_number=number)
    spaced = f"{number[:6]} {number[6:14]} {number[14:].lower()}"
    b = make_case(arrived_on=day + datetime.timedelta(days=1), id_number=spaced)
    assert b.id_number == a.id_number
    assert selectors.earlier_pieces_this_month(b) == 10
    assert services.quote_fee(b, "pieces").amount == 100  # the 11th piece


@pytest.mark.django_db
def test_a_case_without_a_receipt_date_has_no_earlier_pieces(make_case: CaseMaker) -> None:
    (day,) = _month_days(1)
    make_case(arrived_on=day, pieces=12, serial=3)
    pending = make_case(arrived_on=day, channel="email", serial=3)
    assert pending.receipt_date is None
    assert selectors.earlier_pieces_this_month(pending) == 0


def test_the_fee_explanation_reads_in_english() -> None:
    quote = quote_pages(120)
    with translation.override("en"):
        lines = [render(line) for line in quote.explanation_messages()]
    assert lines == [
        "Method: Charged by volume (国办函〔2020〕109号).",
        "This application has 120 pages.",
        "1–30 (page(s)): 30 × 0 yuan = 0 yuan",
        "31–100 (page(s)): 70 × 10 yuan = 700 yuan",
        "101–120 (page(s)): 20 × 20 yuan = 400 yuan",
        "Total: 1100 yuan.",
    ]
