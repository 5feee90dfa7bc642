from __future__ import annotations

import datetime
import re

from django.template import Context, Template
from django.utils import translation

from gongkai.applications.clock import Channel, ClockFacts, compute
from gongkai.core.formatting import cn_date, date_message
from gongkai.core.i18n import render, render_error, render_lazy
from gongkai.core.messages import N_, Message
from gongkai.workdays.builtin import builtin_years
from gongkai.workdays.calendar import CalendarNotLoaded, WorkCalendar

CJK = re.compile(r"[\u4e00-\u9fff]")


def test_a_message_is_its_chinese_text_and_renders_in_the_active_language() -> None:
    # Both message ids are in the English catalogue (the error pages use them).
    inner = Message(N_("页面不存在"))
    message = Message("%(what)s：%(code)s", {"what": inner, "code": 404})
    assert str(message) == "页面不存在：404"
    with translation.override("en"):
        assert render(inner) == "Page not found"
        assert render(message) == "Page not found：404"
        assert render(N_("返回首页")) == "Back to the home page"
        assert render("不在目录中的文字") == "不在目录中的文字"
    with translation.override("zh-hans"):
        assert render(message) == "页面不存在：404"


def test_a_date_message_is_cn_date_and_reads_in_english() -> None:
    day = datetime.date(2026, 3, 16)
    assert str(date_message(day)) == cn_date(day) == "2026年3月16日"
    assert str(date_message(day, weekday=True)) == cn_date(day, weekday=True) == "2026年3月16日（星期一）"
    with translation.override("en"):
        assert render(date_message(day)) == "16 March 2026"
        assert render(date_message(day, weekday=True)) == "Monday 16 March 2026"
    assert render(date_message(day, weekday=True)) == "2026年3月16日（星期一）"


def test_the_tr_filter_and_errors_render_messages() -> None:
    page = Template("{% load gongkai_i18n %}{{ label|tr }} · {{ line|tr }} · {{ n|tr }}")
    line = Message(N_("决定确定的答复期限为%(due)s。"), {"due": "X"})
    context = Context({"label": N_("已逾期"), "line": line, "n": 3})
    assert page.render(context) == "已逾期 · 决定确定的答复期限为X。 · 3"
    with translation.override("en"):
        assert page.render(context) == "Overdue · The deadline fixed by the decision is X. · 3"
        assert render_error(ValueError(Message(N_("已逾期")))) == "Overdue"
        assert render_error(ValueError("plain")) == "plain"
        assert str(render_lazy(N_("已逾期"))) == "Overdue"


def test_the_clock_explains_itself_in_english() -> None:
    facts = ClockFacts(channel=Channel.IN_PERSON, arrived_on=datetime.date(2026, 2, 10))
    clock = compute(facts, WorkCalendar(builtin_years().values()), datetime.date(2026, 3, 20))
    chinese = [str(line) for line in clock.explanation]
    assert chinese[0] == (
        "渠道：当面提交。当面提交的，以提交之日为收到申请之日（条例第三十一条）：收到申请之日为2026年2月10日（星期二）。"
    )
    assert "春节（放假）不计" in chinese[1]
    assert (
        chinese[-1] == "今日2026年3月20日（星期五）：已超过答复期限（2026年3月16日（星期一）），逾期 4 天。"
    )
    with translation.override("en"):
        english = [render(line) for line in clock.explanation]
        assert render(clock.state_label) == "Overdue"
    assert english[0].startswith(
        "Channel: In person. Handed in in person: the day it is handed in is the day"
    )
    assert "Spring Festival (holiday) not counted" in english[1]
    assert english[-1] == (
        "Today, Friday 20 March 2026: the deadline (Monday 16 March 2026) has passed, 4 days overdue."
    )
    assert not any(CJK.search(line) for line in english)


def test_a_missing_calendar_year_is_explained_in_the_readers_language() -> None:
    error = CalendarNotLoaded(2031)
    assert str(error).startswith("2031年的工作日历尚未载入，无法计算期限。")
    assert render_error(error) == str(error)
    with translation.override("en"):
        assert render_error(error).startswith("The working-day calendar of 2031 is not loaded")
