"""信息处理费 (information-processing fee): 《政府信息公开信息处理费管理办法》(国办函〔2020〕109号).

In force from 2021-01-01 (``docs/law.md`` §4). Two methods, both marginal progressive
(超额累进), one per application, never both:

* 按件计收 (by pieces): the same applicant's pieces are counted cumulatively within one natural month;
  pieces 1–10 are free, 11–30 cost 100 元 each, 31–40 200 元, 41–50 300 元, and each further band of
  ten pieces costs 100 元 more per piece;
* 按量计收 (by pages, for paper copies, e-mail delivery or copied electronic data), per application:
  pages 1–30 free, 31–100 10 元/页, 101–200 20 元/页, 201 and up 40 元/页.

The applicant pays within 20 working days from the day after receiving the 收费通知; unpaid, the
application is deemed abandoned (table 三 row （六）2). How the applicant's monthly count is kept is
an open question of 109号 (docs/law.md §7.4); Gongkai counts per agency, per applicant identity
document, per natural month of the receipt date (docs/decisions.md D10).

Pure Python: no Django, no I/O.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from gongkai.core.messages import N_, Message

#: 109号 applies to applications received on or after this day.
FEES_IN_FORCE_FROM = datetime.date(2021, 1, 1)
#: Working days the applicant has to pay, counted from the day after receiving the notice.
PAYMENT_PERIOD_WORKING_DAYS = 20


class FeeMethod(StrEnum):
    PIECES = "pieces"  # 按件计收
    PAGES = "pages"  # 按量计收


METHOD_LABELS = {FeeMethod.PIECES: N_("按件计收"), FeeMethod.PAGES: N_("按量计收")}


def piece_rate(k: int) -> int:
    """Fee in 元 for the ``k``-th piece (1-based) of one applicant in one natural month."""
    if k < 1:
        raise ValueError("piece numbers start at 1")
    if k <= 10:
        return 0
    if k <= 30:
        return 100
    return 100 * (2 + (k - 31) // 10)


def page_rate(p: int) -> int:
    """Fee in 元 for the ``p``-th page (1-based) of one application."""
    if p < 1:
        raise ValueError("page numbers start at 1")
    if p <= 30:
        return 0
    if p <= 100:
        return 10
    if p <= 200:
        return 20
    return 40


@dataclass(frozen=True)
class FeeBand:
    first: int
    last: int
    rate: int  # 元 per piece or page

    @property
    def count(self) -> int:
        return self.last - self.first + 1

    @property
    def amount(self) -> int:
        return self.count * self.rate


@dataclass(frozen=True)
class FeeQuote:
    method: FeeMethod
    #: Pieces already counted for the applicant this month before this application (按件 only).
    earlier: int
    quantity: int  # pieces or pages of this application
    bands: tuple[FeeBand, ...]

    @property
    def amount(self) -> int:
        """Total fee in 元."""
        return sum(b.amount for b in self.bands)

    def explanation(self) -> list[str]:
        """How the fee is counted, in Chinese (letters and the case record keep this text)."""
        return [str(line) for line in self.explanation_messages()]

    def explanation_messages(self) -> list[Message]:
        """:meth:`explanation` as messages, to show in the reader's language."""
        unit = Message(N_("件")) if self.method == FeeMethod.PIECES else Message(N_("页"))
        lines = [
            Message(
                N_("计费方式：%(method)s（国办函〔2020〕109号）。"),
                {"method": Message(METHOD_LABELS[self.method])},
            )
        ]
        if self.method == FeeMethod.PIECES:
            lines.append(
                Message(
                    N_(
                        "该申请人本自然月此前已计 %(earlier)s 件，本次 %(quantity)s 件，"
                        "为当月第 %(first)s—%(last)s 件。"
                    ),
                    {
                        "earlier": self.earlier,
                        "quantity": self.quantity,
                        "first": self.earlier + 1,
                        "last": self.earlier + self.quantity,
                    },
                )
            )
        else:
            lines.append(Message(N_("本次申请共 %(quantity)s 页。"), {"quantity": self.quantity}))
        for band in self.bands:
            lines.append(
                Message(
                    N_("第 %(first)s—%(last)s %(unit)s：%(count)s %(unit)s × %(rate)s 元 = %(amount)s 元"),
                    {
                        "first": band.first,
                        "last": band.last,
                        "unit": unit,
                        "count": band.count,
                        "rate": band.rate,
                        "amount": band.amount,
                    },
                )
            )
        lines.append(Message(N_("合计 %(amount)s 元。"), {"amount": self.amount}))
        return lines


def _bands(first: int, last: int, rate_fn: Callable[[int], int]) -> tuple[FeeBand, ...]:
    """Consecutive runs of equal rate between pieces/pages ``first`` and ``last`` (inclusive)."""
    bands: list[FeeBand] = []
    k = first
    while k <= last:
        r = rate_fn(k)
        end = k
        while end + 1 <= last and rate_fn(end + 1) == r:
            end += 1
        bands.append(FeeBand(k, end, r))
        k = end + 1
    return tuple(bands)


def quote_pieces(quantity: int, *, earlier_this_month: int = 0) -> FeeQuote:
    """按件计收: the fee for ``quantity`` pieces after ``earlier_this_month`` pieces of the same applicant."""
    if quantity < 1:
        raise ValueError("按件计收的件数至少为1。")
    if earlier_this_month < 0:
        raise ValueError("本月此前件数不能为负数。")
    first = earlier_this_month + 1
    return FeeQuote(
        FeeMethod.PIECES, earlier_this_month, quantity, _bands(first, first + quantity - 1, piece_rate)
    )


def quote_pages(pages: int) -> FeeQuote:
    """按量计收: the fee for an application of ``pages`` pages."""
    if pages < 1:
        raise ValueError("按量计收的页数至少为1。")
    return FeeQuote(FeeMethod.PAGES, 0, pages, _bands(1, pages, page_rate))


def fee_applies(receipt_date: datetime.date) -> bool:
    """Whether 109号 governs an application received on ``receipt_date``."""
    return receipt_date >= FEES_IN_FORCE_FROM
