"""Pagination that does not count a million rows to show twenty — where a count can be that expensive."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Paginator
from django.utils.functional import cached_property

#: Count at most this many results of a search; beyond it a list says so and offers pages of those.
DEFAULT_COUNT_CAP = 2_000


class CappedPaginator(Paginator[Any]):
    """A :class:`~django.core.paginator.Paginator` whose count stops at ``cap`` (``None``: no cap).

    With a cap, ``count`` is ``COUNT(*)`` over ``LIMIT cap + 1`` (a sub-query the database stops early),
    and ``capped`` says whether there are more; only the newest ``cap`` results can then be reached. A
    catalogue search that matches half the country then costs what one page of results costs. Give a cap
    only where counting is expensive (a text search); browsing and filtered lists count exactly (an
    index-only count on ``(agency, status, …)``) so that every entry stays reachable.
    """

    def __init__(
        self,
        object_list: Any,
        per_page: int,
        *,
        cap: int | None = DEFAULT_COUNT_CAP,
        known_count: int | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(object_list, per_page, **kwargs)
        self.cap = cap
        self.capped = False
        #: The exact count when the caller keeps it already (a counter): nothing is counted.
        self.known_count = known_count

    @cached_property
    def count(self) -> int:
        if self.known_count is not None:
            return self.known_count
        rows: Any = self.object_list
        if hasattr(rows, "order_by"):
            rows = rows.order_by()  # the count needs no order, and without one LIMIT stops early
        if self.cap is None:
            return len(rows) if isinstance(rows, (list, tuple)) else int(rows.count())
        sliced: Any = rows[: self.cap + 1]
        counted = len(sliced) if isinstance(sliced, (list, tuple)) else int(sliced.count())
        self.capped = counted > self.cap
        return min(counted, self.cap)
