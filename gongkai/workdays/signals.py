"""Signals of the working-day calendar.

``calendar_changed`` is sent by :mod:`gongkai.workdays.services` INSIDE the transaction that loads
or deletes a year, after the new days are written, with keyword arguments:

* ``years``: ``list[int]``, the years whose calendar changed, ascending;
* ``actor``: the user who made the change, or ``None`` for the system (``gongkai calendar load``).

Receivers run in the same transaction and see the new calendar through
:func:`gongkai.workdays.store.current_calendar` (e.g. to recompute the due dates of open cases and log
the change on each case). An exception in a receiver rolls the whole load back, audit event included.
"""

from __future__ import annotations

import django.dispatch

calendar_changed = django.dispatch.Signal()
