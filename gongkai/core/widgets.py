"""Django's ``Select`` and ``TextInput`` with the same markup made in Python instead of through templates.

Django renders a widget through its form renderer: a ``<select>`` is one template plus one included template
for each ``<option>`` (and one for each option's attributes), some 0.3 ms per filter of the officer's queue,
which draws six on every request (issue 16, docs/benchmarks.md). These widgets take Django's own context
(``get_context``: the name, the attributes, the options and which is selected) and write what Django's
templates ``django/forms/widgets/select.html``, ``select_option.html``, ``input.html`` and ``attrs.html``
write, escaped as the templates escape. What they do not handle — option groups, a project that overrides
those templates (``FORM_RENDERER``), a value that is not text or a number — is left to Django's templates.
``tests/core/test_widgets.py`` keeps the markup equal to Django's.
"""

from __future__ import annotations

import html
from typing import Any

from django import forms
from django.conf import settings
from django.utils.functional import Promise
from django.utils.safestring import SafeData, SafeString, mark_safe

#: The renderer these widgets stand in for (Django's default, which reads Django's own widget templates).
_DEFAULT_RENDERER = "django.forms.renderers.DjangoTemplates"
#: Values written as they are (after ``str``), the way the templates write them.
_PLAIN = (str, int, Promise)


def _text(value: Any) -> str:
    """``{{ value }}`` / ``{{ value|stringformat:'s' }}`` with autoescaping: safe text as it is, the rest
    escaped."""
    if isinstance(value, SafeData):
        return str(value)
    return html.escape(str(value))


def _attrs(attrs: dict[str, Any]) -> str | None:
    """``attrs.html``; ``None`` when a value is of a kind the template would write differently."""
    out = []
    for name, value in attrs.items():
        if value is False:
            continue
        if value is True:
            out.append(f" {_text(name)}")
        elif isinstance(value, _PLAIN):
            out.append(f' {_text(name)}="{_text(value)}"')
        else:
            return None
    return "".join(out)


def _ours(renderer: Any) -> bool:
    """Whether Django's own templates would draw the widget (the default renderer, not overridden)."""
    return getattr(settings, "FORM_RENDERER", _DEFAULT_RENDERER) == _DEFAULT_RENDERER and (
        renderer is None or type(renderer).__module__ + "." + type(renderer).__name__ == _DEFAULT_RENDERER
    )


class FastSelect(forms.Select):
    """``forms.Select`` drawn in Python (the same markup)."""

    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None
    ) -> SafeString:
        if (
            self.template_name == forms.Select.template_name
            and self.option_template_name == (forms.Select.option_template_name)
            and _ours(renderer)
        ):
            drawn = self._draw(self.get_context(name, value, attrs)["widget"])
            if drawn is not None:
                return mark_safe(drawn)  # noqa: S308 - every value escaped above
        return super().render(name, value, attrs, renderer)

    @staticmethod
    def _draw(widget: dict[str, Any]) -> str | None:
        attrs = _attrs(widget["attrs"])
        if attrs is None:
            return None
        options = []
        for group_name, group, _index in widget["optgroups"]:
            if group_name:
                return None
            for option in group:
                value, label = option["value"], option["label"]
                option_attrs = _attrs(option["attrs"])
                if option_attrs is None or not isinstance(value, _PLAIN) or not isinstance(label, _PLAIN):
                    return None
                if isinstance(label, int):
                    return None  # the template would localize a number
                # Each included option template ends with a newline; the whole widget is stripped.
                options.append(f'\n  <option value="{_text(value)}"{option_attrs}>{_text(label)}</option>\n')
        return f'<select name="{_text(widget["name"])}"{attrs}>{"".join(options)}\n</select>'


class FastTextInput(forms.TextInput):
    """``forms.TextInput`` drawn in Python (the same markup)."""

    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None
    ) -> SafeString:
        if self.template_name == forms.TextInput.template_name and _ours(renderer):
            widget = self.get_context(name, value, attrs)["widget"]
            attributes = _attrs(widget["attrs"])
            shown = widget["value"]
            if attributes is not None and (shown is None or isinstance(shown, _PLAIN)):
                given = "" if shown is None else f' value="{_text(shown)}"'
                kind, name_ = _text(widget["type"]), _text(widget["name"])
                drawn = f'<input type="{kind}" name="{name_}"{given}{attributes}>'
                return mark_safe(drawn)  # noqa: S308 - every value escaped above
        return super().render(name, value, attrs, renderer)
