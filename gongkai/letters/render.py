"""Render a letter: the effective template filled from a :class:`LetterContext`, as .docx and as text.

The template is rendered with the letter engine (no autoescaping: this is Word text, not HTML). Values
are plain text: characters XML forbids are removed from them (and from the result), so any value
entered by a user round-trips into the document as literal text. Then the text is laid out:

* paragraphs are separated by blank lines; a line break inside a paragraph is kept as a line break;
* a line starting with "# " (in the template, not in a value) is a centred bold heading,
  "< " a paragraph without first-line indent (the salutation), "> " a right-aligned line;
* the title (centred, 宋体 bold 18pt = 小二) and the letter number (right-aligned) come first,
  the agency name and the date (right-aligned) last.

The page is A4 with the margins of GB/T 9704; body text is 仿宋 16pt (三号) with a first-line
indent of two characters and an exact line spacing of 28pt.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field, fields
from datetime import date
from typing import Any

from django.template import Context, TemplateSyntaxError
from django.utils import translation
from django.utils.translation import gettext as _
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, Twips

from gongkai.agencies.models import Agency
from gongkai.letters.context import LetterContext, expand_basis
from gongkai.letters.engine import compile_template
from gongkai.letters.kinds import SHORT_NAMES, LetterKind
from gongkai.letters.lookup import TemplateSource, effective_template
from gongkai.letters.remedies import remedy_notice

BODY_FONT = "仿宋"
TITLE_FONT = "宋体"
HEADING_FONT = "黑体"
LATIN_FONT = "Times New Roman"
TITLE_SIZE = Pt(18)  # 小二
BODY_SIZE = Pt(16)  # 三号
LINE_SPACING = Pt(28)

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
_UNSAFE_FILENAME = re.compile(r'[\\/:*?"<>|\s\x00-\x1f\x7f]+')


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


@dataclass(frozen=True)
class RenderedLetter:
    title: str
    number: str
    paragraphs: list[str]
    docx: bytes
    filename: str
    blocks: list[Block] = field(default_factory=list)
    signature: list[str] = field(default_factory=list)


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
    return _one_line(raw_title), _blocks(clean_text(body))


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


def render_letter(
    context: LetterContext, *, agency: Agency | None = None, template: TemplateSource | None = None
) -> RenderedLetter:
    """Render ``context`` with the effective template for ``agency`` (or the given ``template``)."""
    source = template or effective_template(context.kind, context.outcome_group, agency)
    title, blocks = render_blocks(source, context)
    number = _one_line(context.number)
    agency_name = _one_line(context.agency_name)
    signature = [s for s in (agency_name, _cn_date(context.issued_on)) if s]
    return RenderedLetter(
        title=title,
        number=number,
        paragraphs=[b.text for b in blocks],
        docx=_docx(title, number, blocks, signature, author=agency_name),
        filename=letter_filename(context.kind, number),
        blocks=blocks,
        signature=signature,
    )


def render_text(context: LetterContext, agency: Agency | None = None) -> str:
    """The same letter as plain text: title, number, paragraphs and signature, blank-line separated."""
    source = effective_template(context.kind, context.outcome_group, agency)
    title, blocks = render_blocks(source, context)
    number = _one_line(context.number)
    signature = "\n".join(s for s in (_one_line(context.agency_name), _cn_date(context.issued_on)) if s)
    parts = [title, number, *(b.text for b in blocks), signature]
    return "\n\n".join(p for p in parts if p) + "\n"


def letter_filename(kind: str, number: str) -> str:
    """E.g. ``"补正告知书-〔2026〕12号.docx"``: safe on Windows, macOS and Linux."""
    try:
        short = SHORT_NAMES[LetterKind(kind)]
    except ValueError:
        short = "文书"
    suffix = number[number.index("〔") :] if "〔" in number else number
    stem = f"{short}-{suffix}" if suffix else short
    stem = _UNSAFE_FILENAME.sub("_", stem).strip("._ ")[:120] or "文书"
    return f"{stem}.docx"


def _one_line(value: str) -> str:
    return " ".join(_SENTINELS.sub("", clean_text(value)).split())


def _cn_date(value: date | None) -> str:
    return f"{value.year}年{value.month}月{value.day}日" if value else ""


# --- .docx ----------------------------------------------------------------------------------------


def _docx(title: str, number: str, blocks: list[Block], signature: list[str], *, author: str) -> bytes:
    document = Document()
    _set_up_page(document)
    _set_up_normal_style(document)

    heading = document.add_paragraph()
    heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _run(heading, title, font=TITLE_FONT, size=TITLE_SIZE, bold=True)
    if number:
        numbered = document.add_paragraph()
        numbered.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        _run(numbered, number)
    document.add_paragraph()

    for block in blocks:
        paragraph = document.add_paragraph()
        if block.style == "heading":
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
            _run(paragraph, block.text, font=HEADING_FONT)
        else:
            if block.style == "right":
                paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            elif block.style == "body":
                paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
                _indent_two_characters(paragraph)
            _run(paragraph, block.text)

    if signature:
        document.add_paragraph()
        for line in signature:
            paragraph = document.add_paragraph()
            paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            _run(paragraph, line)

    properties = document.core_properties
    properties.title = title
    properties.author = author
    properties.last_modified_by = author
    properties.comments = ""
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _set_up_page(document: Any) -> None:
    section = document.sections[0]
    section.page_width, section.page_height = Twips(11906), Twips(16838)  # A4 as Word stores it
    section.top_margin, section.bottom_margin = Cm(3.7), Cm(3.5)
    section.left_margin, section.right_margin = Cm(2.8), Cm(2.6)


def _set_up_normal_style(document: Any) -> None:
    style = document.styles["Normal"]
    style.font.size = BODY_SIZE
    rpr = style.element.get_or_add_rPr()
    _set_fonts(rpr, BODY_FONT)
    lang = rpr.find(qn("w:lang"))
    if lang is None:  # w:lang comes after every property python-docx writes, so appending keeps the order
        lang = rpr.makeelement(qn("w:lang"), {})
        rpr.append(lang)
    lang.set(qn("w:eastAsia"), "zh-CN")
    paragraph_format = style.paragraph_format
    paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    paragraph_format.line_spacing = LINE_SPACING
    paragraph_format.space_before = Pt(0)
    paragraph_format.space_after = Pt(0)


def _set_fonts(rpr: Any, east_asian: str) -> None:
    fonts = rpr.get_or_add_rFonts()
    fonts.set(qn("w:ascii"), LATIN_FONT)
    fonts.set(qn("w:hAnsi"), LATIN_FONT)
    fonts.set(qn("w:eastAsia"), east_asian)
    fonts.set(qn("w:cs"), LATIN_FONT)


def _run(
    paragraph: Any, text: str, *, font: str = BODY_FONT, size: Any = BODY_SIZE, bold: bool = False
) -> None:
    """Add ``text`` as one run; python-docx writes each "\\n" as a line break (``<w:br/>``)."""
    run = paragraph.add_run(text)
    run.font.size = size
    if bold:
        run.font.bold = True
    _set_fonts(run._element.get_or_add_rPr(), font)


def _indent_two_characters(paragraph: Any) -> None:
    paragraph.paragraph_format.first_line_indent = BODY_SIZE * 2
    indent = paragraph._p.get_or_add_pPr().get_or_add_ind()
    indent.set(qn("w:firstLineChars"), "200")
