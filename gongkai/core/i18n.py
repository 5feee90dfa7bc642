"""Rendering :class:`gongkai.core.messages.Message` (and ``N_``-marked strings) in the active language."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.utils.functional import lazy
from django.utils.translation import gettext, pgettext

from gongkai.core.messages import ENUMERATION_SEPARATOR, Message


def render(message: Message | str) -> str:
    """``message`` in the active language: its template translated, then its parameters filled in (each
    parameter that is itself a message is rendered first). A plain string is translated if it is a message id
    of the catalogue and returned as is otherwise."""
    if not isinstance(message, Message):
        return gettext(message) if message else message
    text = pgettext(message.context, message.template) if message.context else gettext(message.template)
    if not message.params:
        return text
    return text % {key: _value(value) for key, value in message.params.items()}


def _value(value: Any) -> Any:
    if isinstance(value, Message):
        return render(value)
    if isinstance(value, (list, tuple)):
        return pgettext("enumeration", ENUMERATION_SEPARATOR).join(str(_value(v)) for v in value)
    return value


#: :func:`render` when the text is used (form choices and labels made at import time).
render_lazy = lazy(render, str)


def render_error(error: BaseException) -> str:
    """An error's text in the active language: its argument (or its ``message`` attribute) rendered when it
    is a :class:`Message` (as pure modules raise them), ``str(error)`` otherwise."""
    if len(error.args) == 1 and isinstance(error.args[0], Message):
        return render(error.args[0])
    message = getattr(error, "message", None)
    if isinstance(message, Message):
        return render(message)
    return str(error)


def language_in_argv(argv: Sequence[str], choices: Sequence[str]) -> str:
    """The language a command line asks for with ``--lang X`` or ``--lang=X`` (one of ``choices``), else
    the first choice: commands read it before parsing so that even ``--help`` speaks that language."""
    for index, arg in enumerate(argv):
        value = ""
        if arg == "--lang" and index + 1 < len(argv):
            value = argv[index + 1]
        elif arg.startswith("--lang="):
            value = arg.removeprefix("--lang=")
        if value and value in choices:
            return value
    return choices[0]
