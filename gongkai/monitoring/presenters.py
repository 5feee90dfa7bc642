"""What the monitoring's pages, spreadsheet and command show: statuses, timeliness and fetch errors in the
reader's language, from the stored outcomes (no queries of their own)."""

from __future__ import annotations

import datetime
from typing import Any

from django.utils.translation import gettext as _

from gongkai.monitoring.models import Outcome, OutcomeStatus, Timeliness

#: Outcome (status, timeliness) → the site's flag style (``case-flag--*``).
FLAGS: dict[str, str] = {
    "on_time": "on_time",
    "late": "answered_late",
    "unknown": "answered",
    "not_found": "overdue",
    "unreachable": "waiting",
}


def error_label(code: str) -> str:
    """A fetch error code (``gongkai.documents.fetch``) in the reader's language."""
    if not code:
        return ""
    labels = {
        "timeout": _("网站响应超时"),
        "robots": _("网站的 robots.txt 不允许访问"),
        "robots_unavailable": _("网站的 robots.txt 暂时无法读取（服务器出错），按 robots 协议未访问"),
        "too_complex": _("网页过大或过于复杂，无法在限定的时间和内存内读取"),
        "too_large": _("文件超过大小上限"),
        "private_address": _("网址指向内部网络地址，已拒绝访问"),
        "bad_url": _("网址无效（不是 http 或 https 地址）"),
        "tls": _("网站的 HTTPS 证书或握手出错"),
        "dns": _("无法解析网站域名"),
        "connection": _("无法连接网站"),
        "too_many_redirects": _("网站重定向次数过多"),
        "no_response": _("网站没有响应"),
    }
    if code in labels:
        return labels[code]
    if code.startswith("http_"):
        return _("网站返回 HTTP %(status)s") % {"status": code[5:]}
    return _("访问出错（%(code)s）") % {"code": code}


def status_text(status: str) -> str:
    return str(OutcomeStatus(status).label) if status in OutcomeStatus.values else status


def timeliness_text(timeliness: str) -> str:
    return str(Timeliness(timeliness).label) if timeliness in Timeliness.values else ""


def outcome_status(outcome: Outcome) -> tuple[str, str, str]:
    """(label, flag style, detail) of an outcome: 按时公开 / 逾期公开 / 已找到 (无法判断) with the date the
    column shows, 未找到, or 无法访问 with the reason."""
    if outcome.status == OutcomeStatus.FOUND:
        key = outcome.timeliness or Timeliness.UNKNOWN
        label = timeliness_text(key) if key != Timeliness.UNKNOWN else status_text(outcome.status)
        detail = (
            _("网站显示 %(date)s") % {"date": outcome.published_on.isoformat()}
            if outcome.published_on
            else _("网站未显示公开日期")
        )
        return label, FLAGS[key], detail
    detail = error_label(outcome.error) if outcome.status == OutcomeStatus.UNREACHABLE else ""
    return status_text(outcome.status), FLAGS[outcome.status], detail


def counts(outcomes: list[Outcome]) -> list[tuple[str, int, str]]:
    """(label, number, flag) for on time, late, found without a date, not found, unreachable."""
    tally: dict[str, int] = dict.fromkeys(FLAGS, 0)
    for outcome in outcomes:
        key = (outcome.timeliness or "unknown") if outcome.status == OutcomeStatus.FOUND else outcome.status
        tally[key] += 1
    labels = {
        "on_time": _("按时公开"),
        "late": _("逾期公开"),
        "unknown": _("已找到，无法判断是否按时"),
        "not_found": _("未找到"),
        "unreachable": _("无法访问"),
    }
    return [(labels[key], tally[key], FLAGS[key]) for key in FLAGS]


def sheet_rows(outcomes: list[Outcome], absolute: Any) -> tuple[list[str], list[list[Any]]]:
    """The result table as spreadsheet rows (header, rows)."""
    header = [
        _("机关"),
        _("栏目网址"),
        _("监测结果"),
        _("报告标题"),
        _("报告网址"),
        _("网站显示的公开日期"),
        _("公开期限"),
        _("是否按时"),
        _("错误数"),
        _("警告数"),
        _("说明"),
        _("证据"),
    ]
    rows: list[list[Any]] = []
    for outcome in outcomes:
        label, _flag, detail = outcome_status(outcome)
        published: datetime.date | None = outcome.published_on
        rows.append(
            [
                outcome.agency.name,
                outcome.column_url,
                label,
                outcome.report_title,
                outcome.report_url,
                published,
                outcome.deadline,
                timeliness_text(outcome.timeliness),
                outcome.error_count,
                outcome.warning_count,
                detail,
                absolute(outcome),
            ]
        )
    return header, rows
