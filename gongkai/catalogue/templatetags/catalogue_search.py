"""``{{ text|highlight:query }}``: the words of a search marked in a result (``<mark>``).

The text is escaped first and only then marked, so nothing stored is ever trusted as HTML; the words are
found as the search finds them (:func:`gongkai.catalogue.search.highlight`)."""

from __future__ import annotations

from django import template
from django.utils.html import conditional_escape, escape
from django.utils.safestring import SafeString, mark_safe

from gongkai.catalogue.search import highlight as pieces

register = template.Library()


@register.filter
def highlight(text: object, query: object) -> SafeString:
    """``text`` escaped, with each match of ``query`` in ``<mark>`` (just escaped without a query)."""
    value = "" if text is None else str(text)
    if not query:
        return conditional_escape(value)
    return mark_safe(  # noqa: S308 - every piece is escaped here
        "".join(
            f"<mark>{escape(piece)}</mark>" if marked else escape(piece)
            for piece, marked in pieces(value, str(query))
        )
    )
