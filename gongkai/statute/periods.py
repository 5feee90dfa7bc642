"""Statutory periods in working days (工作日), each with its article of the 条例.

The working-day calendar itself (holidays and make-up working days, 调休) is :mod:`gongkai.workdays`;
how the periods combine into a case's clock is :mod:`gongkai.applications.clock`.
"""

from __future__ import annotations

#: 第三十三条第二款: answer within 20 working days of receipt (第一款: on the spot when possible).
ANSWER_WORKING_DAYS = 20
#: 第三十三条第二款: an extension approved by the head of the OGI office adds at most 20 working days.
#: (第三款: time spent consulting third parties and other agencies is not counted.)
EXTENSION_WORKING_DAYS = 20
#: 第三十条: the correction notice (补正告知) is sent within 7 working days of receipt.
CORRECTION_NOTICE_WORKING_DAYS = 7
#: 第三十二条、第三十四条: a third party or co-producing agency replies within 15 working days.
CONSULTATION_REPLY_WORKING_DAYS = 15
#: 第二十六条: proactive information is published within 20 working days of being formed or changed.
PUBLICATION_WORKING_DAYS = 20
