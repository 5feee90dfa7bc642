"""Imported once by the fork server of :mod:`gongkai.documents.isolated` (never by the site itself): reads a
small report there, so that the lazy work of the first reading — the OpenCC dictionaries, compiled patterns,
the libraries' own caches — is done once and every child, a fork of the server, starts warm.

Pure Python (no Django), as the server is.
"""

from __future__ import annotations

from gongkai.checker.pipeline import parse_here
from gongkai.checker.source import UnreadableFile

#: A tiny report with a table row and traditional characters (so that the converter loads).
SAMPLE = (
    "某某局2023年政府信息公开工作年度报告\n"
    "本報告所列數據的統計期限自2023年1月1日起至2023年12月31日止。\n"
    "三、收到和处理政府信息公开申请情况\n"
    "一、本年新收政府信息公开申请数量 | 1 | 0 | 0 | 0 | 0 | 0 | 1 |\n"
)


def warm_up() -> None:
    try:
        parse_here(SAMPLE.encode("utf-8"), "warm.txt")
        parse_here(("<html><body><p>" + SAMPLE + "</p></body></html>").encode("utf-8"), "warm.html")
    except UnreadableFile:
        pass


warm_up()
