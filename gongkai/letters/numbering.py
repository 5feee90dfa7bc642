"""Letter numbers (文书编号): one gap-free series per agency and year, safe across processes.

The number reads ``f"{prefix}〔{year}〕{serial}号"``; the prefix is the agency's
``AgencyLetterSettings.number_prefix`` if set, else the agency's name followed by "依申请公开".
"""

from __future__ import annotations

from gongkai.agencies.models import Agency
from gongkai.core.sequences import next_number
from gongkai.letters.models import AgencyLetterSettings

DEFAULT_PREFIX_SUFFIX = "依申请公开"
#: Name of the letters' number series in :class:`gongkai.core.models.NumberSeries`.
LETTER_SERIES = "letter"


def number_prefix(agency: Agency) -> str:
    configured = (
        AgencyLetterSettings.objects.filter(agency=agency).values_list("number_prefix", flat=True).first()
    )
    return (configured or "").strip() or f"{agency.name}{DEFAULT_PREFIX_SUFFIX}"


def format_letter_number(prefix: str, year: int, serial: int) -> str:
    return f"{prefix}〔{year}〕{serial}号"


def next_letter_number(agency: Agency, year: int) -> tuple[int, str]:
    """Take the next serial of ``agency``'s series for ``year``; return ``(serial, number)``.

    The series is the core number series ``"letter"`` (:func:`gongkai.core.sequences.next_number`),
    whose row stays locked until the surrounding transaction ends, so concurrent callers in other
    processes wait and never get the same serial. Call it inside the transaction that issues the
    letter: if that rolls back, the serial is not taken.
    """
    if agency.pk is None:
        raise ValueError("next_letter_number() needs a saved agency")
    serial = next_number(LETTER_SERIES, agency.pk, year)
    return serial, format_letter_number(number_prefix(agency), year, serial)
