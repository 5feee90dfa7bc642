"""Section 六's 信息处理费 statement read back and compared with the fees on record
(:mod:`gongkai.reports.fee_statement`). No database."""

from __future__ import annotations

from decimal import Decimal

import pytest

from gongkai.reports.drafting import fee_statement
from gongkai.reports.fee_statement import FeeMismatch, StatedFees, fee_mismatches, stated_fees
from gongkai.reports.figures import Fees
from tests.reports.test_drafting import _with_fees

D = Decimal


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "本年度共发出收费通知3件，总金额3,500元，实际收取信息处理费2,930元。",
            StatedFees(3, D(3500), D(2930)),
        ),
        ("本年度共收取信息处理费3500元。", StatedFees(None, None, D(3500))),
        (
            "本年度发出3份收费通知，金额共计1,520.50元；实收金额为0.03万元。",
            StatedFees(3, D("1520.50"), None),
        ),
        ("本年度无发出收费通知，无收取信息处理费用。", StatedFees(0, D(0), D(0))),
        ("本年度未发出收费通知，未收取信息处理费。", StatedFees(0, D(0), D(0))),
        (
            "本年度未发出收费通知，实际收取信息处理费100元（上一年度发出的收费通知于本年度缴纳）。",
            StatedFees(0, D(0), D(100)),
        ),
        ("全年收取信息处理费０．３５万元。", StatedFees(None, None, D(3500))),
        ("一、上级年度政务公开工作要点落实情况\n本机关已按要求落实。", StatedFees()),
    ],
)
def test_the_statement_is_read_back(text: str, expected: StatedFees) -> None:
    assert stated_fees(text) == expected


def test_the_drafts_own_statement_reads_back_as_the_figures_it_was_written_from() -> None:
    for fees in (
        Fees(notices=2, noticed_amount=D(1520), payments=2, collected_amount=D(300)),
        Fees(notices=1, noticed_amount=D("35.5"), payments=0, collected_amount=D(0)),
        Fees(notices=0, noticed_amount=D(0), payments=1, collected_amount=D(100)),
        Fees(),
    ):
        text = fee_statement(_with_fees(fees))
        assert stated_fees(text) == StatedFees(fees.notices, fees.noticed_amount, fees.collected_amount), text
        assert fee_mismatches(text, fees) == []


def test_each_stated_figure_is_compared_with_its_own_record() -> None:
    recorded = Fees(notices=3, noticed_amount=D(3500), payments=2, collected_amount=D(2930))
    # 3,500 元 written as collected, 2,930 元 collected on record (the total of the notices is 3,500).
    assert fee_mismatches("本年度共收取信息处理费3,500元。", recorded) == [
        FeeMismatch("collected_amount", D(3500), D(2930))
    ]
    assert fee_mismatches("本年度共发出收费通知3件，总金额3500元，实际收取信息处理费2930元。", recorded) == []
    assert fee_mismatches("本年度共发出收费通知4件，总金额3000元，实际收取信息处理费2930元。", recorded) == [
        FeeMismatch("notices", D(4), D(3)),
        FeeMismatch("noticed_amount", D(3000), D(3500)),
    ]
    # "None" written while fees are on record.
    assert fee_mismatches("本年度未发出收费通知，未收取信息处理费。", recorded) == [
        FeeMismatch("notices", D(0), D(3)),
        FeeMismatch("noticed_amount", D(0), D(3500)),
        FeeMismatch("collected_amount", D(0), D(2930)),
    ]
    # Nothing stated: nothing compared (the checker says the statement is missing).
    assert fee_mismatches("其他事项：无。", recorded) == []
