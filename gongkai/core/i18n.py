"""Rendering :class:`gongkai.core.messages.Message` (and ``N_``-marked strings) in the active language."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext

from gongkai.core.messages import Message


def render(message: Message | str) -> str:
    """``message`` in the active language: its template translated, then its parameters filled in (each
    parameter that is itself a message is rendered first). A plain string is translated if it is a message id
    of the catalogue and returned as is otherwise."""
    if not isinstance(message, Message):
        return gettext(message) if message else message
    text = gettext(message.template)
    if not message.params:
        return text
    return text % {key: _value(value) for key, value in message.params.items()}


def _value(value: Any) -> Any:
    return render(value) if isinstance(value, Message) else value
