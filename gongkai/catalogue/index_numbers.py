"""Index numbers (索引号): their format per agency, and issuing the next one at publication.

The national form (国务院办公厅秘书局《政府信息公开目录系统实施指引（试行）》; docs/law.md §5.1) is
``前段码/后段码``: the publisher's 组织机构代码, then the year and a five-digit serial, e.g.
``000014349/2018-00222``. Agencies also use the whole 统一社会信用代码 and a year-month period
(``11341702486344515H/202110-00013``). An agency's :class:`~gongkai.catalogue.models.IndexPattern` says
which; without one the defaults are the organisation code (characters 9–17 of the USCC), or the
agency's short code in capitals when it has no USCC, "/", the year and five digits.

The serial is one series per agency and calendar year (``next_number("index", agency, year)``, also
for the year-month form), taken inside the publishing transaction: two officers publishing at the
same moment wait for each other's row lock, and a publication that rolls back does not use up a
number. A number once issued stays with its entry for ever, also after withdrawal; a width of five
digits that runs out simply grows a sixth digit (still unique).

A number never exceeds :data:`MAX_LENGTH` (the column's size): a pattern that would give a longer one
(an agency without a USCC and with a long short code) raises :class:`IndexNumberTooLong` instead, and
the agency needs a shorter custom prefix.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db import models

from gongkai.agencies.models import Agency
from gongkai.catalogue.models import IndexPattern, Item
from gongkai.core.sequences import next_number

SERIES = "index"
DEFAULT_SEPARATOR = "/"
DEFAULT_WIDTH = 5
YEAR = IndexPattern.Period.YEAR.value
YEAR_MONTH = IndexPattern.Period.YEAR_MONTH.value


def _max_length() -> int:
    field = Item._meta.get_field("index_number")
    assert isinstance(field, models.CharField) and field.max_length is not None
    return field.max_length


#: The longest index number ``Item.index_number`` holds.
MAX_LENGTH = _max_length()


class IndexNumberTooLong(ValueError):
    """The agency's pattern gives numbers longer than :data:`MAX_LENGTH`; ``number`` is one of them."""

    def __init__(self, number: str) -> None:
        super().__init__(f"index number longer than {MAX_LENGTH} characters: {number}")
        self.number = number


@dataclass(frozen=True)
class Pattern:
    """An agency's index-number format, resolved to plain values."""

    prefix: str
    separator: str = DEFAULT_SEPARATOR
    period: str = YEAR
    width: int = DEFAULT_WIDTH

    def format(self, day: datetime.date, serial: int) -> str:
        """``PREFIX/YYYY-NNNNN`` or ``PREFIX/YYYYMM-NNNNN`` for ``serial`` issued on ``day``."""
        if serial < 1:
            raise ValueError(f"serial must be positive: {serial}")
        period = f"{day:%Y%m}" if self.period == YEAR_MONTH else f"{day:%Y}"
        return f"{self.prefix}{self.separator}{period}-{serial:0{self.width}d}"

    def example(self, day: datetime.date | None = None) -> str:
        return self.format(day or datetime.date(2026, 1, 1), 1)


def org_code_from_uscc(uscc: str) -> str:
    """The 组织机构代码 inside a 统一社会信用代码: characters 9–17 (GB 32100-2015)."""
    code = uscc.strip().upper()
    if len(code) != 18:
        raise ValueError(f"not an 18-character USCC: {uscc!r}")
    return code[8:17]


def default_prefix(agency: Agency) -> str:
    """The organisation code from the agency's USCC, else its short code in capitals."""
    return org_code_from_uscc(agency.uscc) if agency.uscc else agency.short_code.upper()


def pattern_for(agency: Agency) -> Pattern:
    """The agency's pattern (its :class:`IndexPattern`, or the defaults)."""
    stored = IndexPattern.objects.filter(agency=agency).first()
    if stored is None:
        return Pattern(default_prefix(agency))
    if stored.prefix == IndexPattern.Prefix.USCC and agency.uscc:
        prefix = agency.uscc.strip().upper()
    elif stored.prefix == IndexPattern.Prefix.CUSTOM and stored.custom_prefix.strip():
        prefix = stored.custom_prefix.strip()
    else:
        prefix = default_prefix(agency)
    return Pattern(prefix, stored.separator, stored.period, stored.serial_width)


def issue(agency: Agency, day: datetime.date) -> str:
    """Take the next index number of ``agency`` for an entry published on ``day``.

    Call inside the publishing transaction. A number that is somehow taken already (a pattern changed
    to collide with another agency's) is skipped, never reused. Raises :class:`IndexNumberTooLong`
    (before taking a serial when the pattern is too long already) for a number that would not fit.
    """
    pattern = pattern_for(agency)
    shortest = pattern.format(day, 1)
    if len(shortest) > MAX_LENGTH:
        raise IndexNumberTooLong(shortest)
    for _attempt in range(100):
        number = pattern.format(day, next_number(SERIES, agency.pk, day.year))
        if len(number) > MAX_LENGTH:
            raise IndexNumberTooLong(number)
        if not Item.objects.filter(index_number=number).exists():
            return number
    raise RuntimeError(f"no free index number for agency {agency.pk} in {day.year}")  # pragma: no cover
