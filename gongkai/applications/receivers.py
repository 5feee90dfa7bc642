"""Signal receivers: a calendar change recomputes the due dates of open cases (docs/decisions.md D1)."""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from gongkai.applications.services import recompute_open_cases
from gongkai.workdays.signals import calendar_changed


@receiver(calendar_changed, dispatch_uid="applications.recompute_due_dates")
def recompute_due_dates(sender: Any, *, years: list[int], actor: Any = None, **kwargs: Any) -> None:
    recompute_open_cases(years=years, actor=actor)
