"""What a job's handler raises to end it otherwise than with a result."""

from __future__ import annotations

from typing import Any

from django.utils.functional import Promise

from gongkai.core.messages import Message


class JobFailed(Exception):
    """An expected failure: ``message`` (Chinese, a lazy gettext string or a :class:`Message`) is shown on the
    job page as the reason."""

    def __init__(self, message: str | Promise | Message, **params: Any) -> None:
        super().__init__(str(message))
        if isinstance(message, Message):
            self.message = message
        else:
            # A lazy string's source text is its msgid (the Chinese), which the job page translates.
            self.message = Message(str(_source(message)), params)


class JobCancelled(Exception):
    """Raised by :meth:`JobRun.check_cancelled` when the user asked to cancel; ends the job as cancelled."""


def _source(message: str | Promise) -> str:
    """The msgid of a lazy gettext string (its Chinese source), or the string itself."""
    args = getattr(message, "_args", None)
    if args:
        return str(args[0])
    return str(message)
