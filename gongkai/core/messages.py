"""Messages that pure modules produce and the reader's language renders: the one way of translating them.

Pure modules (the statute, the clocks, the checker's checks, the report formats) may not import Django, so
they cannot call gettext. They mark a user-facing string with :func:`N_` — it stays the Chinese source text,
and it must be in the catalogue (gongkai/locale/en/LC_MESSAGES/django.po) — and, when it has values, return
a :class:`Message`: the Chinese source text with ``%(name)s`` placeholders and its parameters (a list
parameter is an enumeration, joined as the reader's language joins one: ``2、5、7`` / ``2, 5, 7``).
Views, forms, the CLI and exports render it in the active language with :func:`gongkai.core.i18n.render`;
``str(message)`` is the Chinese text, for logs and for callers that want the source language.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any


def N_(text: str) -> str:
    """Mark ``text`` as a message id to translate when shown (it is returned unchanged)."""
    return text


@dataclass(frozen=True)
class Message:
    """A user-facing sentence: the Chinese source ``template`` (a message id, ``%(name)s`` placeholders) and
    the values to put in it (themselves plain values or other messages)."""

    template: str
    params: Mapping[str, Any] = field(default_factory=dict)
    #: The message context (``msgctxt``) when one Chinese text needs two translations, e.g. "发布" as an
    #: action ("Publish") and as what happened ("Publication").
    context: str | None = None

    def __str__(self) -> str:
        if not self.params:
            return self.template
        return self.template % {k: _source_value(v) for k, v in self.params.items()}


#: How the source language (Chinese) joins a list parameter: ``[2, 5, 7]`` → ``2、5、7``.
ENUMERATION_SEPARATOR = "、"


def _source_value(value: Any) -> Any:
    """A parameter in the source language: a message as its text, a list as an enumeration."""
    if isinstance(value, Message):
        return str(value)
    if isinstance(value, (list, tuple)):
        return ENUMERATION_SEPARATOR.join(str(_source_value(v)) for v in value)
    return value


def params_to_json(params: Mapping[str, Any]) -> dict[str, Any]:
    """A message's parameters as JSON: a parameter that is a message becomes ``{"template", "params"}``."""
    return {key: _param_to_json(value) for key, value in params.items()}


def _param_to_json(value: Any) -> Any:
    if isinstance(value, Message):
        out: dict[str, Any] = {"template": value.template, "params": params_to_json(value.params)}
        if value.context:
            out["context"] = value.context
        return out
    return value


def params_from_json(data: Any) -> dict[str, Any]:
    """The parameters :func:`params_to_json` wrote (anything that is not a mapping gives none)."""
    if not isinstance(data, Mapping):
        return {}
    return {str(key): _param_from_json(value) for key, value in data.items()}


def _param_from_json(value: Any) -> Any:
    if isinstance(value, Mapping) and isinstance(value.get("template"), str):
        context = value.get("context")
        return Message(
            value["template"],
            params_from_json(value.get("params")),
            context if isinstance(context, str) else None,
        )
    return value


def message_to_json(message: Message) -> dict[str, Any]:
    """A message as JSON (``{"template", "params"[, "context"]}``), to store and render later."""
    out: dict[str, Any] = _param_to_json(message)
    return out


def message_from_json(data: Any) -> Message | None:
    """The message :func:`message_to_json` wrote, or None when ``data`` is not one."""
    value = _param_from_json(data)
    return value if isinstance(value, Message) else None
