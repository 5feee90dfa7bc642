"""The receipt date (收到申请之日, 条例 第三十一条, D2)."""

from __future__ import annotations

import datetime

from gongkai.applications.clock.types import CHANNELS_NEEDING_CONFIRMATION, Channel, ClockError, ClockFacts
from gongkai.core.messages import N_, Message

_RECEIPT_RULES: dict[Channel, str] = {
    Channel.IN_PERSON: N_("当面提交的，以提交之日为收到申请之日"),
    Channel.POST_SIGNED: N_("以邮寄方式提交、需签收的，以行政机关签收之日为收到申请之日"),
    Channel.POST_ORDINARY: N_(
        "以平常信函等无需签收的邮寄方式提交的，以政府信息公开工作机构与申请人确认之日为收到申请之日"
    ),
    Channel.ONLINE: N_("通过网上申请平台提交的，系统即时确认，以提交之日为收到申请之日"),
    Channel.EMAIL: N_("通过电子邮件提交的，以双方确认之日为收到申请之日"),
    Channel.FAX: N_("通过传真提交的，以双方确认之日为收到申请之日"),
}


def receipt_date(facts: ClockFacts) -> tuple[datetime.date | None, str]:
    """The legal receipt date under D2 (``None`` while a confirmation is outstanding) and the rule."""
    rule = _RECEIPT_RULES[facts.channel]
    if facts.channel in CHANNELS_NEEDING_CONFIRMATION:
        if facts.confirmed_on is None:
            return None, rule
        if facts.confirmed_on < facts.arrived_on:
            raise ClockError(
                Message(
                    N_("确认收到的日期 %(confirmed)s 早于申请到达的日期 %(arrived)s。"),
                    {"confirmed": facts.confirmed_on, "arrived": facts.arrived_on},
                )
            )
        return facts.confirmed_on, rule
    return facts.arrived_on, rule
