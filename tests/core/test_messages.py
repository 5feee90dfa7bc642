from __future__ import annotations

from django.utils import translation

from gongkai.core.i18n import render
from gongkai.core.messages import N_, Message


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
