"""Messages that pure modules produce and the reader's language renders: the one way of translating them.

Pure modules (the statute, the clocks, the checker's checks, the report formats) may not import Django, so
they cannot call gettext. They mark a user-facing string with :func:`N_` — it stays the Chinese source text,
and it must be in the catalogue (gongkai/locale/en/LC_MESSAGES/django.po) — and, when it has values, return
a :class:`Message`: the Chinese source text with ``%(name)s`` placeholders and its parameters. Views, forms,
the CLI and exports render it in the active language with :func:`gongkai.core.i18n.render`; ``str(message)``
is the Chinese text, for logs and for callers that want the source language.
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
        return self.template % {k: str(v) if isinstance(v, Message) else v for k, v in self.params.items()}
