"""``{% load gongkai_i18n %}``: ``{{ value|tr }}`` shows an ``N_``-marked label or a
:class:`gongkai.core.messages.Message` of a pure module in the reader's language
(:func:`gongkai.core.i18n.render`)."""

from __future__ import annotations

import datetime
from typing import Any

from django import template

from gongkai.core.formatting import date_message
from gongkai.core.i18n import render
from gongkai.core.messages import Message

register = template.Library()


@register.filter
def tr(value: Any) -> Any:
    """``value`` rendered in the active language if it is a message or a string; anything else as is."""
    if isinstance(value, (Message, str)):
        return render(value)
    return value


@register.filter
def day_text(value: Any) -> Any:
    """A date as :func:`gongkai.core.formatting.cn_date` writes it, in the reader's language
    (``2026年3月16日`` / ``16 March 2026``); anything else as is."""
    if isinstance(value, datetime.date):
        return render(date_message(value))
    return value
