"""Render a letter: the effective template filled from a :class:`LetterContext`, as .docx and as text.

The text is composed by :mod:`gongkai.letters.compose`; here the title (centred, 宋体 bold 18pt = 小二)
and the letter number (right-aligned) come first, the agency name and the date (right-aligned) last.

The page is A4 with the margins of GB/T 9704; body text is 仿宋 16pt (三号) with a first-line
indent of two characters and an exact line spacing of 28pt.
"""

from __future__ import annotations

import dataclasses
import io
import json
import re
import struct
import zipfile
from dataclasses import dataclass, field
from typing import Any

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, Twips

from gongkai.agencies.models import Agency
from gongkai.core.formatting import cn_date
from gongkai.letters.compose import Block, one_line, render_blocks
from gongkai.letters.context import LetterContext
from gongkai.letters.kinds import SHORT_NAMES, LetterKind
from gongkai.letters.lookup import effective_template
from gongkai.letters.source import TemplateSource

BODY_FONT = "仿宋"
TITLE_FONT = "宋体"
HEADING_FONT = "黑体"
LATIN_FONT = "Times New Roman"
TITLE_SIZE = Pt(18)  # 小二
BODY_SIZE = Pt(16)  # 三号
LINE_SPACING = Pt(28)

_UNSAFE_FILENAME = re.compile(r'[\\/:*?"<>|\s\x00-\x1f\x7f]+')


@dataclass(frozen=True)
class RenderedLetter:
    title: str
    number: str
    paragraphs: list[str]
    docx: bytes
    filename: str
    blocks: list[Block] = field(default_factory=list)
    signature: list[str] = field(default_factory=list)


def render_letter(
    context: LetterContext, *, agency: Agency | None = None, template: TemplateSource | None = None
) -> RenderedLetter:
    """Render ``context`` with the effective template for ``agency`` (or the given ``template``)."""
    composed = compose_letter(context, agency=agency, template=template)
    return dataclasses.replace(composed, docx=docx_of(layout_of(composed, context)))


def compose_letter(
    context: LetterContext, *, agency: Agency | None = None, template: TemplateSource | None = None
) -> RenderedLetter:
    """The letter's title, number, paragraphs and signature, without its .docx (``docx`` is empty): the
    quick part of :func:`render_letter` (well under a millisecond; the .docx takes tens of milliseconds),
    which may fail on a broken template. :func:`layout_of` then keeps what :func:`docx_of` needs."""
    source = template or effective_template(context.kind, context.outcome_group, agency)
    title, blocks = render_blocks(source, context)
    number = one_line(context.number)
    agency_name = one_line(context.agency_name)
    signature = [s for s in (agency_name, (cn_date(context.issued_on) if context.issued_on else "")) if s]
    return RenderedLetter(
        title=title,
        number=number,
        paragraphs=[b.text for b in blocks],
        docx=b"",
        filename=letter_filename(context.kind, number),
        blocks=blocks,
        signature=signature,
    )


def layout_of(composed: RenderedLetter, context: LetterContext) -> str:
    """Everything :func:`docx_of` prints, as JSON text: the .docx can be made later, in a job, and made
    again byte for byte (python-docx writes no timestamp of its own)."""
    return json.dumps(
        {
            "title": composed.title,
            "number": composed.number,
            "blocks": [[b.style, b.text] for b in composed.blocks],
            "signature": composed.signature,
            "author": one_line(context.agency_name),
        },
        ensure_ascii=False,
    )


def docx_of(layout: str) -> bytes:
    """The .docx of a :func:`layout_of` layout. ``ValueError`` if the layout is not one."""
    try:
        data = json.loads(layout)
        blocks = [Block(text=str(text), style=str(style)) for style, text in data["blocks"]]
        title, number, author = str(data["title"]), str(data["number"]), str(data["author"])
        signature = [str(line) for line in data["signature"]]
    except (TypeError, KeyError, ValueError) as exc:
        raise ValueError(f"not a letter layout: {exc}") from exc
    return _docx(title, number, blocks, signature, author=author)


def render_text(context: LetterContext, agency: Agency | None = None) -> str:
    """The same letter as plain text: title, number, paragraphs and signature, blank-line separated."""
    source = effective_template(context.kind, context.outcome_group, agency)
    title, blocks = render_blocks(source, context)
    number = one_line(context.number)
    issued = cn_date(context.issued_on) if context.issued_on else ""
    signature = "\n".join(s for s in (one_line(context.agency_name), issued) if s)
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
    return _reproducible(buffer.getvalue())


#: The DOS date and time stamped on every member of a letter's .docx: 1980-01-01 00:00, the zip's earliest
#: (python-docx stamps the clock's).
_ZIP_EPOCH_DATE, _ZIP_EPOCH_TIME = (1 << 5) | 1, 0


def _reproducible(data: bytes) -> bytes:
    """The same .docx with every member stamped 1980-01-01: a letter made twice from one layout (a retried
    render job) is the same file, byte for byte. Only the headers' date fields change (no recompression);
    the CRCs cover the members' contents, not the headers."""
    out = bytearray(data)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        members = archive.infolist()
        position = archive.start_dir
    for member in members:  # local file headers: signature, version, flags, method, time, date, …
        offset = member.header_offset
        if out[offset : offset + 4] != b"PK\x03\x04":
            raise ValueError("unexpected zip layout")
        struct.pack_into("<HH", out, offset + 10, _ZIP_EPOCH_TIME, _ZIP_EPOCH_DATE)
    for _member in members:  # central directory entries: signature, 2 versions, flags, method, time, date, …
        if out[position : position + 4] != b"PK\x01\x02":
            raise ValueError("unexpected zip layout")
        struct.pack_into("<HH", out, position + 12, _ZIP_EPOCH_TIME, _ZIP_EPOCH_DATE)
        name, extra, comment = struct.unpack_from("<HHH", out, position + 28)
        position += 46 + name + extra + comment
    return bytes(out)


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
