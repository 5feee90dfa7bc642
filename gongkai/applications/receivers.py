"""Signal receivers: a calendar change re-dates the open cases (docs/decisions.md D1), as a job.

A person's change (the calendar page) starts the job ``applications.recompute_open_cases`` when the load
commits and the page answers at once; until the job has run, the cases keep their old due dates. The
system's change (``gongkai calendar load``, ``actor`` None) runs the same job at once, as every
``gongkai`` command does its work without a worker.
"""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from gongkai.applications import queue_cache
from gongkai.applications.services import start_recompute
from gongkai.core.backup import restored
from gongkai.workdays.signals import calendar_changed


@receiver(calendar_changed, dispatch_uid="applications.recompute_due_dates")
def recompute_due_dates(sender: Any, *, years: list[int], actor: Any = None, **kwargs: Any) -> None:
    start_recompute(years=years, actor=actor)


@receiver(restored, dispatch_uid="applications.queue_version_restored")
def queue_version_after_restore(**kwargs: Any) -> None:
    """After ``gongkai restore`` (in its transaction) the queue's version jumps past any this site had
    before: a shared cache may hold queue fragments of the replaced database under versions the restored
    one would reach again. As ``core.pagecache.after_restore`` does for the public pages."""
    queue_cache.after_restore()
