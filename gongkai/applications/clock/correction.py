"""Correction (补正, 第三十条, D4): the notice, the wait, and the restart of the clock."""

from __future__ import annotations

import datetime

from gongkai.applications.clock.explain import day_message
from gongkai.applications.clock.types import ClockError, ClockFacts
from gongkai.core.messages import N_, Message
from gongkai.statute.periods import CORRECTION_NOTICE_WORKING_DAYS


def correction(
    facts: ClockFacts,
    receipt: datetime.date,
    correction_notice_due: datetime.date,
    today: datetime.date,
    lines: list[Message],
    flags: list[Message],
) -> tuple[datetime.date, bool]:
    """补正 (第三十条): the day counting starts from, and whether the case awaits a correction."""
    counting_from = receipt
    awaiting_correction = False
    requested = facts.correction_requested_on
    if requested is not None or facts.correction_received_on is not None:
        notice = (
            Message(N_("本案于%(day)s发出补正告知。"), {"day": day_message(requested)})
            if requested is not None
            else Message(N_("（未给出补正告知的发出日期。）"))
        )
        lines.append(
            Message(
                N_(
                    "补正告知应在收到申请后%(days)s个工作日内一次性发出，即不晚于%(due)s（条例第三十条）；%(notice)s"
                ),
                {
                    "days": CORRECTION_NOTICE_WORKING_DAYS,
                    "due": day_message(correction_notice_due),
                    "notice": notice,
                },
            )
        )
        if requested is not None and requested > correction_notice_due:
            flags.append(
                Message(
                    N_("补正告知晚于收到申请后第%(days)s个工作日（条例第三十条）。"),
                    {"days": CORRECTION_NOTICE_WORKING_DAYS},
                )
            )
        if facts.correction_received_on is not None:
            if facts.correction_received_on < (requested or receipt):
                raise ClockError(Message(N_("收到补正的日期早于发出补正告知的日期（或收到申请之日）。")))
            counting_from = facts.correction_received_on
            lines.append(
                Message(
                    N_("%(day)s收到补正后的申请，答复期限自该日重新计算（条例第三十条）。"),
                    {"day": day_message(facts.correction_received_on)},
                )
            )
        else:
            awaiting_correction = True
            period = (
                Message(N_("，补正期限至%(day)s"), {"day": day_message(facts.correction_period_end)})
                if facts.correction_period_end
                else ""
            )
            lines.append(
                Message(
                    N_("正在等待申请人补正%(period)s；补正期间答复期限不计算，收到补正后重新计算。"),
                    {"period": period},
                )
            )
            if facts.correction_period_end is not None and today > facts.correction_period_end:
                flags.append(
                    Message(
                        N_(
                            "补正期限已过而申请人未补正：可按“申请人无正当理由逾期不补正”办结（条例第三十条）。"
                        )
                    )
                )
    return counting_from, awaiting_correction
