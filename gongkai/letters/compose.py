"""Compose a letter's text: a template filled from a :class:`LetterContext`, as a title and blocks.

The template is rendered with the letter engine (no autoescaping: this is Word text, not HTML). Values
are plain text: characters XML forbids are removed from them (and from the result), so any value
entered by a user round-trips into the document as literal text. Then the text is laid out:

* paragraphs are separated by blank lines; a line break inside a paragraph is kept as a line break;
* a line starting with "# " (in the template, not in a value) is a centred bold heading,
  "< " a paragraph without first-line indent (the salutation), "> " a right-aligned line.

No database and no Word here: :mod:`gongkai.letters.render` picks the effective template and lays
the blocks out as .docx or text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, fields
from typing import Any

from django.template import Context, TemplateSyntaxError
from django.utils import translation
from django.utils.translation import gettext as _

from gongkai.letters.context import LetterContext, expand_basis
from gongkai.letters.engine import compile_template
from gongkai.letters.remedies import remedy_notice
from gongkai.letters.source import TemplateSource

# Markers a template line may start with, replaced before rendering by private-use characters that
# values cannot contain (they are stripped from values), so a value never turns into a heading.
_HEADING, _FLUSH, _RIGHT = "\ue000", "\ue001", "\ue002"
_MARKERS = {"# ": _HEADING, "< ": _FLUSH, "> ": _RIGHT}
_MARKER_LINE = re.compile(r"^[ \t]*(# |< |> )", re.MULTILINE)
_SENTINELS = re.compile("[\ue000-\ue002]")
# XML 1.0 forbids C0 controls except tab/newline/CR, surrogates and U+FFFE/U+FFFF; C1 controls are
# legal XML but never meaningful in a letter and upset Word.
_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
_PARAGRAPH_BREAK = re.compile(r"\n[ \t\u3000]*\n")


class LetterRenderError(ValueError):
    """The template could not be rendered (shown to users as a Chinese message)."""


class Paragraphs(list[str]):
    """A list of paragraphs that prints as the paragraphs separated by blank lines.

    ``{{ remedy }}`` prints every remedy paragraph; ``{% for p in remedy %}`` iterates them.
    """

    def __str__(self) -> str:
        return "\n\n".join(self)


@dataclass(frozen=True)
class Block:
    """One paragraph of the body: ``style`` is "body", "heading", "flush" or "right"."""

    text: str
    style: str = "body"


def clean_text(value: str) -> str:
    """``value`` without characters XML forbids, with Windows/Mac line ends made ``\\n``."""
    return _FORBIDDEN.sub("", value.replace("\r\n", "\n").replace("\r", "\n"))


def template_context(context: LetterContext) -> dict[str, Any]:
    """The variables a template sees: the context's fields, cleaned, plus ``remedy``."""
    values: dict[str, Any] = {}
    for f in fields(LetterContext):
        value = getattr(context, f.name)
        if value is None:
            value = ""
        elif isinstance(value, str):
            value = _SENTINELS.sub("", clean_text(value))
        elif isinstance(value, list | tuple):
            value = Paragraphs(_SENTINELS.sub("", clean_text(str(item))) for item in value)
        values[f.name] = value
    values["outcome_basis"] = expand_basis(values["outcome_basis"])
    values["remedy"] = Paragraphs(
        remedy_notice(
            outcome_group=context.outcome_group,
            decided_on=context.issued_on,
            reconsideration_body=values["reconsideration_body"],
            court=values["court"],
        )
    )
    return values


def render_blocks(source: TemplateSource, context: LetterContext) -> tuple[str, list[Block]]:
    """Render ``source`` for ``context``: the title and the body's blocks."""
    variables = template_context(context)
    marked = _MARKER_LINE.sub(lambda m: _MARKERS[m.group(1)], clean_text(source.body))
    try:
        with translation.override("zh-hans"):
            raw_title = compile_template(clean_text(source.title)).render(
                Context(variables, autoescape=False)
            )
            body = compile_template(marked).render(Context(variables, autoescape=False))
    except (TemplateSyntaxError, ValueError, TypeError, ArithmeticError) as exc:
        raise LetterRenderError(_("文书模板无法生成文书：%(error)s") % {"error": exc}) from exc
    return one_line(raw_title), _blocks(clean_text(body))


def _blocks(text: str) -> list[Block]:
    blocks: list[Block] = []
    styles = {_HEADING: "heading", _FLUSH: "flush", _RIGHT: "right"}
    for paragraph in _PARAGRAPH_BREAK.split(text.strip()):
        # A marked line is a block of its own; unmarked lines between them form body blocks.
        pending: list[str] = []
        for raw in [*paragraph.split("\n"), _HEADING]:  # the sentinel at the end flushes the last body lines
            line = raw.strip(" \t\u3000")
            if line[:1] not in styles:
                pending.append(_SENTINELS.sub("", line))
                continue
            body = "\n".join(pending).strip("\n")
            if body.strip(" \t\u3000"):
                blocks.append(Block(body))
            pending = []
            marked = _SENTINELS.sub("", line).strip(" \t\u3000")
            if marked:
                blocks.append(Block(marked, styles[line[0]]))
    return blocks


def one_line(value: str) -> str:
    """``value`` cleaned, on one line (titles, numbers, names)."""
    return " ".join(_SENTINELS.sub("", clean_text(value)).split())
