"""What apps above ``annual`` observed of each agency's report, shown as extra columns of the roll-up.

The 政务公开办's monitoring (``gongkai.monitoring``, a layer above this app) looks for every agency's report
on its website; the roll-up shows what it found next to the status it computes. ``annual`` may not import
that app, so the app registers a *source* here when Django starts (``AppConfig.ready``): a function that
reads, in a fixed number of queries, one :class:`Observation` per agency of a seat's subtree for a year.
The registry is configuration fixed at start-up, never state kept between requests.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from gongkai.agencies.models import Agency


@dataclass(frozen=True)
class Observation:
    #: The status shown (in the reader's language), the site's flag style (``case-flag--*``), a link.
    label: str
    flag: str
    url: str = ""
    #: A second line (a date, an error), may be empty.
    detail: str = ""


#: (seat, year) → agency id → observation.
Source = Callable[[Agency, int], Mapping[int, Observation]]


@dataclass(frozen=True)
class Column:
    key: str
    #: A callable giving the column's title in the reader's language.
    title: Callable[[], str]
    source: Source


_COLUMNS: dict[str, Column] = {}


def register(key: str, title: Callable[[], str], source: Source) -> None:
    """Show ``source``'s observations as a column of the roll-up (registering ``key`` again replaces it)."""
    _COLUMNS[key] = Column(key, title, source)


def columns() -> list[Column]:
    return list(_COLUMNS.values())
