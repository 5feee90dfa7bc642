"""Signals of the working-day calendar.

``calendar_changed`` is sent by :mod:`gongkai.workdays.services` INSIDE the transaction that loads
or deletes a year, after the new days are written, with keyword arguments:

* ``years``: ``list[int]``, the years whose calendar changed, ascending;
* ``actor``: the user who made the change, or ``None`` for the system (``gongkai calendar load``).

Receivers run in the same transaction and see the new calendar through
:func:`gongkai.workdays.store.current_calendar`. An exception in a receiver rolls the whole load back,
audit event included. The applications app's receiver starts the job that re-dates the open cases
(``applications.recompute_open_cases``, named by :data:`gongkai.workdays.selectors.REDATING_JOB` for
the calendar page, which shows its progress); the calendar never imports the applications.
"""

from __future__ import annotations

import django.dispatch

calendar_changed = django.dispatch.Signal()
