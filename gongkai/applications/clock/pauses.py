"""Pauses (第三十二、三十三、三十四条; 国办函〔2020〕109号; D5): the intervals not counted, and the due
date that skips them.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence

from gongkai.applications.clock.explain import day_message
from gongkai.applications.clock.types import PAUSE_LABELS, Calendar, ClockFacts
from gongkai.core.messages import N_, Message


def merged_intervals(
    intervals: Iterable[tuple[datetime.date, datetime.date]],
) -> list[tuple[datetime.date, datetime.date]]:
    """Merge ``(start, end]`` intervals so that no day is counted twice (D5)."""
    merged: list[tuple[datetime.date, datetime.date]] = []
    for start, end in sorted(intervals):
        if end <= start:
            continue
        if merged and start <= merged[-1][1]:
            if end > merged[-1][1]:
                merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return merged


def count_pauses(
    facts: ClockFacts,
    counting_from: datetime.date,
    today: datetime.date,
    lines: list[Message],
    flags: list[Message],
) -> tuple[list[tuple[datetime.date, datetime.date]], bool]:
    """Pauses (D5): the intervals not counted (only days after counting starts matter), and whether a
    pause is still running."""
    pause_intervals: list[tuple[datetime.date, datetime.date]] = []
    running_pause = False
    for pause in sorted(facts.pauses, key=lambda p: p.start):
        end = pause.end
        label = Message(PAUSE_LABELS[pause.kind])
        if end is None:
            end = max(today, pause.start)
            if pause.limit is not None and end > pause.limit:
                lines.append(
                    Message(
                        N_(
                            "%(label)s：自%(start)s起暂停计时，至%(limit)s期限届满仍未登记结束，此后恢复计算。"
                        ),
                        {
                            "label": label,
                            "start": day_message(pause.start),
                            "limit": day_message(pause.limit),
                        },
                    )
                )
                flags.append(
                    Message(
                        N_(
                            "%(label)s的期限已于%(limit)s届满，答复期限已恢复计算："
                            "请登记结束（收到的意见或期满未答复）。"
                        ),
                        {"label": label, "limit": day_message(pause.limit)},
                    )
                )
            else:
                running_pause = True
                lines.append(
                    Message(
                        N_("%(label)s：自%(start)s起暂停计时，尚未结束（暂计至今日）。"),
                        {"label": label, "start": day_message(pause.start)},
                    )
                )
        else:
            lines.append(
                Message(
                    N_("%(label)s：%(start)s至%(end)s。"),
                    {"label": label, "start": day_message(pause.start), "end": day_message(end)},
                )
            )
            if pause.limit is not None and end > pause.limit:
                lines.append(
                    Message(
                        N_("（%(label)s的期限至%(limit)s，其后的时间计入答复期限。）"),
                        {"label": label, "limit": day_message(pause.limit)},
                    )
                )
        if pause.limit is not None:
            end = min(end, max(pause.limit, pause.start))
        if end > counting_from:
            pause_intervals.append((max(pause.start, counting_from), end))
    return pause_intervals, running_pause


def due_skipping(
    calendar: Calendar, start: datetime.date, n: int, pauses: Sequence[tuple[datetime.date, datetime.date]]
) -> tuple[datetime.date, int]:
    """The ``n``-th working day after ``start`` that is not inside a pause, and the days skipped.

    Walks the merged pauses in order: each pause that begins before the running due date pushes it
    later by the number of the pause's working days up to that due date, which may bring further
    pauses into range.
    """
    due = calendar.add_working_days(start, n)
    skipped = 0
    for s, e in merged_intervals(pauses):
        if s >= due:
            break
        # Working days excluded by this pause: those in (s, e]. Counted days before the pause: the
        # working days in (start, s] not already skipped; the due date is then the remaining
        # counted days after e.
        excluded = calendar.working_days_between(s, e)
        counted_before = calendar.working_days_between(start, s) - skipped
        remaining = n - counted_before
        skipped += excluded
        due = calendar.add_working_days(e, remaining)
    return due, skipped
