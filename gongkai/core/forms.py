"""What every form that takes text shares: over-long text is an error the reader sees, never a silent cut.

Django gives a text field with ``max_length`` the HTML attribute ``maxlength``; browsers enforce it without
a word — a pasted 6,000-character description arrives cut at 5,000 and the applicant never knows. Forms
built on :class:`LengthCheckedForm` drop the attribute, so the whole text reaches the server, where the
field's ``max_length`` refuses it with a message naming the length and the limit; the form is shown again
with everything typed.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy

#: The error of a text over its field's limit (``limit_value``, ``show_value`` as Django's validator gives).
TOO_LONG = gettext_lazy(
    "最多 %(limit_value)d 字，现有 %(show_value)d 字，请删减后再提交（已填写的内容仍在框中，未被截断）。"
)


class LengthCheckedForm(forms.BaseForm):
    """A form mixin (put it before ``forms.Form``): no ``maxlength`` for the browser to cut pasted text with;
    the server's check of ``max_length`` with :data:`TOO_LONG` (unless the field sets its own message)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field, forms.CharField) and field.max_length is not None:
                field.widget.attrs.pop("maxlength", None)
                field.error_messages.setdefault("max_length", TOO_LONG)
