"""The one place a letter's .docx bytes are read and written (the storage of ``Letter.docx`` may change:
callers never touch the field).

A letter's record (number, date, kind, title, text) is written in the transaction of the step that
issues it; its .docx is made afterwards by the ``applications.render_letter`` job
(:mod:`gongkai.applications.lettering`). Until then :func:`is_ready` is false and :func:`read` gives None.
"""

from __future__ import annotations

from django.utils import timezone

from gongkai.applications.models import Letter


def is_ready(letter: Letter) -> bool:
    """Whether the letter's .docx has been made (a letter erased under the retention rule stays ready)."""
    return letter.rendered_at is not None


def read(letter: Letter) -> bytes | None:
    """The letter's .docx, or None while it is still being made."""
    if not is_ready(letter):
        return None
    return letter.read_docx()


def write(letter: Letter, data: bytes) -> None:
    """Store the letter's .docx and mark it made (the caller holds the letter's row lock)."""
    letter.store_docx(data)
    letter.rendered_at = timezone.now()
    letter.render_error = ""
    letter.save(update_fields=["file", "rendered_at", "render_error"])
