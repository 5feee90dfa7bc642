"""Gap-free numbers per agency and year, safe across processes (the database row is locked)."""

from __future__ import annotations

from django.db import transaction
from django.db.models import F

from gongkai.core.models import NumberSeries


def next_number(name: str, agency_id: int, year: int) -> int:
    """Take the next number of series ``name`` for ``agency_id`` in ``year`` (1, 2, 3 …).

    Call inside the transaction that uses the number: if it rolls back, the number is not taken.
    """
    with transaction.atomic():
        NumberSeries.objects.get_or_create(name=name, agency_id=agency_id, year=year)
        # UPDATE takes the row lock; a concurrent caller waits here until we commit.
        NumberSeries.objects.filter(name=name, agency_id=agency_id, year=year).update(last=F("last") + 1)
        return NumberSeries.objects.values_list("last", flat=True).get(
            name=name, agency_id=agency_id, year=year
        )
