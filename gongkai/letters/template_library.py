"""The template tags letter templates may use (loaded as a builtin by :class:`LetterEngine`).

Only tags that compute text are allowed; ``load``, ``include``, ``extends``, ``debug``, ``url``,
``csrf_token`` and the like are unknown to the letter engine, so a template using them does not compile.
"""

from __future__ import annotations

from django.template import Library, defaulttags

ALLOWED_TAGS: tuple[str, ...] = (
    "comment",
    "cycle",
    "filter",
    "firstof",
    "for",
    "if",
    "ifchanged",
    "now",
    "resetcycle",
    "spaceless",
    "templatetag",
    "verbatim",
    "widthratio",
    "with",
)

register = Library()
for _name in ALLOWED_TAGS:
    register.tag(_name, defaulttags.register.tags[_name])

#: Characters that already end a sentence.
_SENTENCE_END = "。！？；…!?"


@register.filter
def sentence(value: object) -> str:
    """Officer-entered text as a sentence: stripped, ending in "。" unless it already ends one."""
    text = str(value or "").strip()
    if not text:
        return ""
    if text[-1] in _SENTENCE_END:
        return text
    return text.rstrip("，,、;：:.") + "。"
