"""The 信息处理费 statement of section 六 read back, and compared with the fees on record. Pure Python.

30号 (docs/law.md §2.3) asks section 六 for three figures under 国办函〔2020〕109号: the number of 收费通知
issued in the year, their total amount, and the amount actually collected. The draft writes them from the
records (:func:`gongkai.reports.drafting.fee_statement`); the officer may rewrite the sentence. Here the
sentence is read back (:func:`stated_fees`: "本年度共发出收费通知3件，总金额3,500元，实际收取信息处理费
2,930元", "未收取信息处理费", "0.35万元") and each figure it states is compared with its own record
(:func:`fee_mismatches`), never one with another:

* the amount **collected** — "实际收取…元", or a bare "收取信息处理费…元" — with the notices paid in the year
  (``Fees.collected_amount``: money that reached the treasury, what the finance records confirm);
* the **total of the notices** — "收费通知…总金额…元" — with the notices issued in the year
  (``Fees.noticed_amount``);
* the **number of notices** with ``Fees.notices``.

A figure the sentence does not state is not compared (the checker's ``section6.fee_statement_missing``
says when the statement is missing altogether). docs/decisions.md D19.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from gongkai.reports.figures import Fees

_AMOUNT = r"(\d+(?:\.\d+)?)(万)?元"
_SENTENCE = re.compile(r"[^。；;\n]+")
#: "3,500" → "3500" (a comma between digits followed by exactly three digits).
_GROUPING = re.compile(r"(?<=\d),(?=\d{3}(?!\d))")

_NO_NOTICE = re.compile(r"(?:未|无|没有)(?:发出|出具|制发|开具|发生)?(?:过|任何)?收费通知")
_NOTICE_COUNT = re.compile(
    r"收费通知(?:书)?(?:共计?|合计|总计)?(\d+)(?:件|份|次|个)"
    r"|(?:发出|出具|制发|开具)(?:了)?(\d+)(?:件|份|次|个)收费通知"
)
_NOTICE_AMOUNT = re.compile(
    r"收费通知[^。；;]*?(?:总金额|总额|金额|涉及金额|应收金额|应缴金额)(?:共计|合计|总计|为|共)?" + _AMOUNT
)
_COLLECTED = re.compile(
    r"(?<!应)(?:收取|收缴|征收|收到|缴纳|缴入国库)(?:了)?(?:的)?(?:信息处理费|处理费)?(?:用)?(?:金额)?"
    r"(?:共计|合计|总计|共|为|总额)?" + _AMOUNT
)
_NOTHING_COLLECTED = re.compile(r"(?:未|无|没有)(?:实际)?(?:收取|收缴|征收|收到)")


@dataclass(frozen=True)
class StatedFees:
    """What the statement says; ``None``: not stated."""

    notices: int | None = None
    noticed_amount: Decimal | None = None
    collected_amount: Decimal | None = None


@dataclass(frozen=True)
class FeeMismatch:
    """A figure of the statement that is not the one on record: ``figure`` is ``"notices"``,
    ``"noticed_amount"`` or ``"collected_amount"`` (the field of :class:`Fees`)."""

    figure: str
    stated: Decimal
    recorded: Decimal


def _normalise(text: str) -> str:
    text = unicodedata.normalize("NFKC", text)
    text = "".join(ch for ch in text if not ch.isspace())
    return _GROUPING.sub("", text)


def _amount(number: str, wan: str | None) -> Decimal | None:
    try:
        value = Decimal(number)
    except InvalidOperation:
        return None
    return value * 10000 if wan else value


def stated_fees(text: str) -> StatedFees:
    """The fee figures ``text`` (section 六) states, sentence by sentence; the first statement of each
    wins."""
    notices: int | None = None
    noticed: Decimal | None = None
    collected: Decimal | None = None
    for sentence in _SENTENCE.findall(_normalise(text)):
        if notices is None and (m := _NOTICE_COUNT.search(sentence)):
            notices = int(m[1] or m[2])
        elif notices is None and _NO_NOTICE.search(sentence):
            notices, noticed = 0, Decimal(0)
        if noticed is None and (m := _NOTICE_AMOUNT.search(sentence)):
            noticed = _amount(m[1], m[2])
        if collected is None and (m := _COLLECTED.search(sentence)):
            collected = _amount(m[1], m[2])
        elif collected is None and _NOTHING_COLLECTED.search(sentence):
            collected = Decimal(0)
    return StatedFees(notices, noticed, collected)


def fee_mismatches(text: str, recorded: Fees) -> list[FeeMismatch]:
    """Each figure ``text`` states that differs from ``recorded`` (the year's fees on record)."""
    stated = stated_fees(text)
    pairs = (
        ("notices", None if stated.notices is None else Decimal(stated.notices), Decimal(recorded.notices)),
        ("noticed_amount", stated.noticed_amount, recorded.noticed_amount),
        ("collected_amount", stated.collected_amount, recorded.collected_amount),
    )
    return [
        FeeMismatch(figure, value, on_record)
        for figure, value, on_record in pairs
        if value is not None and value != on_record
    ]
