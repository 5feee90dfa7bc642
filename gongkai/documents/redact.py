"""Redaction of an attachment (涂黑) that really removes the text: no Django, run in the limited child.

* **PDF** (:func:`redact_pdf`): the pages holding a term are rasterised (pypdfium2 renders them, Pillow
  draws a black box over each occurrence and writes the page as an image-only PDF page), and those pages
  replace the original ones — no text layer is left under the boxes. Other pages stay as they were. The
  occurrences are found in the page's characters (pdfplumber), spaces and line breaks ignored, so a
  number the text layer splits over two lines is found too. A rotated page is refused (its boxes could
  miss), and so is a term that is not found: the caller says so rather than publish it.
* **Word (.docx)** (:func:`redact_docx`): each occurrence is replaced in the paragraph's runs (python-docx
  and lxml), also when Word split it over several runs (formatting, spell-check marks): the first run of
  the occurrence takes the replacement, the others lose their part. Body, tables, headers, footers,
  footnotes, endnotes, comments and deleted tracked changes (``w:delText``: still in the file) are
  rewritten, and the document's properties (title, subject, keywords, comments).
* **Old Word and WPS (.doc, .wps)** (:func:`redact_office`): LibreOffice headless prints the file to PDF
  (:func:`gongkai.documents.office.to_pdf`, in this same limited child), and that PDF is redacted as above.
  The answer is a PDF (``"kind": "pdf"``): writing the Word 97 binary format back is not possible safely,
  and a PDF is what the public reads anyway.
* Images and other formats cannot be redacted here: without the positions of the characters (OCR) no
  box can be drawn, so the officer replaces the file. OFD is refused too: its text positions are read
  (:mod:`.ofd`), but nothing here can draw its pages (fonts, images, paths) to rasterise them.

:func:`redact` is the one entry point (``run_isolated(redact, kind, data, replacements)``); it answers a
plain dict: ``{"data": bytes, "kind": "pdf" | "docx", "found": {term: n}, "pages": [1-based page
numbers]}`` or ``{"error": code}`` (``unsupported``, ``broken``, ``rotated``, ``no_office``: LibreOffice
is not installed, ``too_complex``: the conversion took longer than it may).
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from typing import Any

from gongkai.documents import office
from gongkai.documents.docx import open_docx

Answer = dict[str, Any]
#: Pixels per PDF point of a rasterised page (2 = 144 dpi: readable, and a page stays under 10 MB).
PDF_SCALE = 2.0
#: Points added around each character's box, so that no stroke of a glyph shows at the box's edge.
PDF_PADDING = 1.5

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_TEXT_TAGS = (f"{_W}t", f"{_W}delText")
_PARTS = re.compile(r"/word/(document|header\d*|footer\d*|footnotes|endnotes|comments)\.xml")
_XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"


#: The kinds redacted by printing them to PDF first (the answer is a PDF), with the extension LibreOffice
#: is given (a .wps is the same Word 97 binary format).
CONVERTED_KINDS: dict[str, str] = {"doc": ".doc"}


def redact(kind: str, data: bytes, replacements: Sequence[tuple[str, str]]) -> Answer:
    """Redact ``data`` of ``kind`` (``pdf``, ``docx`` or ``doc``): each ``(term, replacement)`` — a PDF (and
    the PDF of a .doc) gets a black box over the term (the replacement is not written), a .docx the
    replacement in its place."""
    try:
        if kind == "pdf":
            return redact_pdf(data, [term for term, _ in replacements])
        if kind == "docx":
            return redact_docx(data, replacements)
        if kind in CONVERTED_KINDS:
            return redact_office(data, CONVERTED_KINDS[kind], [term for term, _ in replacements])
    except MemoryError:
        raise
    except office.OfficeUnavailable:
        return {"error": "no_office"}
    except office.ConversionFailed as failed:
        return {"error": "too_complex" if failed.timeout else "broken", "detail": str(failed)}
    except Exception as error:  # noqa: BLE001 - a broken file is an answer, not a crash
        return {"error": "broken", "detail": type(error).__name__}
    return {"error": "unsupported"}


def redact_office(data: bytes, suffix: str, terms: Sequence[str]) -> Answer:
    """A .doc/.wps printed to PDF by LibreOffice, then redacted as a PDF: the answer is that PDF."""
    return redact_pdf(office.to_pdf(data, suffix), terms)


# --- Word ------------------------------------------------------------------------------------------


def replace_in_nodes(nodes: Sequence[Any], replacements: Sequence[tuple[str, str]]) -> dict[str, int]:
    """Replace every occurrence of each term in the text joined from ``nodes`` (elements with ``.text``,
    in order), however the occurrences are split among them; the longest term wins an overlap."""
    texts = [node.text or "" for node in nodes]
    joined = "".join(texts)
    found: dict[str, int] = {}
    spans: list[tuple[int, int, str]] = []
    for term, replacement in sorted(replacements, key=lambda pair: -len(pair[0])):
        if not term:
            continue
        for m in re.finditer(re.escape(term), joined):
            if any(m.start() < end and start < m.end() for start, end, _ in spans):
                continue
            spans.append((m.start(), m.end(), replacement))
            found[term] = found.get(term, 0) + 1
    if not spans:
        return found
    owner = [index for index, text in enumerate(texts) for _ in text]
    pieces: list[list[str]] = [[] for _ in texts]
    pos = 0
    for start, end, replacement in sorted(spans):
        for k in range(pos, start):
            pieces[owner[k]].append(joined[k])
        pieces[owner[start]].append(replacement)
        pos = end
    for k in range(pos, len(joined)):
        pieces[owner[k]].append(joined[k])
    for node, parts in zip(nodes, pieces, strict=True):
        node.text = "".join(parts)
        node.set(_XML_SPACE, "preserve")
    return found


def _paragraph_groups(root: Any) -> list[list[Any]]:
    """The text nodes of each paragraph (``w:t`` and ``w:delText`` apart: they never join)."""
    groups: list[list[Any]] = []
    for paragraph in root.iter(f"{_W}p"):
        for tag in _TEXT_TAGS:
            # Only this paragraph's own runs: a nested paragraph (a text box) is a group of its own.
            nodes = [n for n in paragraph.iter(tag) if _closest_paragraph(n) is paragraph]
            if nodes:
                groups.append(nodes)
    return groups


def _closest_paragraph(node: Any) -> Any:
    parent = node.getparent()
    while parent is not None and parent.tag != f"{_W}p":
        parent = parent.getparent()
    return parent


def redact_docx(data: bytes, replacements: Sequence[tuple[str, str]]) -> Answer:
    from lxml import etree

    document = open_docx(data)
    found: dict[str, int] = {}

    def count(more: dict[str, int]) -> None:
        for term, n in more.items():
            found[term] = found.get(term, 0) + n

    for part in document.part.package.iter_parts():
        if not _PARTS.fullmatch(str(part.partname)):
            continue
        element = getattr(part, "element", None)
        parsed = element is None
        if parsed:
            parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
            element = etree.fromstring(part.blob, parser)
        before = dict(found)
        for nodes in _paragraph_groups(element):
            count(replace_in_nodes(nodes, replacements))
        if parsed and found != before:
            part._blob = etree.tostring(element, xml_declaration=True, encoding="UTF-8", standalone=True)
    properties = document.core_properties
    for name in ("title", "subject", "keywords", "comments", "category"):
        value = getattr(properties, name) or ""
        holder = _Text(value)
        count(replace_in_nodes([holder], replacements))
        if holder.text != value:
            setattr(properties, name, holder.text)
    out = io.BytesIO()
    document.save(out)
    return {"data": out.getvalue(), "kind": "docx", "found": found, "pages": []}


class _Text:
    """A bare text holder, so document properties go through :func:`replace_in_nodes` too."""

    def __init__(self, text: str) -> None:
        self.text = text

    def set(self, name: str, value: str) -> None:
        pass


# --- PDF -------------------------------------------------------------------------------------------


Box = tuple[float, float, float, float]


def _boxes_on_page(page: Any, terms: Sequence[str]) -> tuple[list[Box], dict[str, int]]:
    """The boxes (x0, top, x1, bottom, in points from the page's visible top-left) of every character of
    every occurrence of each term on the page; whitespace is ignored on both sides."""
    letters: list[tuple[str, dict[str, Any]]] = []
    for char in page.chars:
        for letter in char.get("text", ""):
            if not letter.isspace():
                letters.append((letter, char))
    compact = "".join(letter for letter, _ in letters)
    left, top = float(page.bbox[0]), float(page.bbox[1])
    boxes: list[Box] = []
    found: dict[str, int] = {}
    for term in terms:
        key = "".join(term.split())
        if not key:
            continue
        for m in re.finditer(re.escape(key), compact):
            found[term] = found.get(term, 0) + 1
            for _, char in letters[m.start() : m.end()]:
                boxes.append(
                    (
                        float(char["x0"]) - left,
                        float(char["top"]) - top,
                        float(char["x1"]) - left,
                        float(char["bottom"]) - top,
                    )
                )
    return boxes, found


def _raster_page(document: Any, index: int, boxes: list[Box]) -> bytes:
    """Page ``index`` rendered as an image with black boxes, as a one-page PDF without text."""
    from PIL import ImageDraw

    image = document[index].render(scale=PDF_SCALE).to_pil().convert("RGB")
    draw = ImageDraw.Draw(image)
    for x0, top, x1, bottom in boxes:
        draw.rectangle(
            (
                (x0 - PDF_PADDING) * PDF_SCALE,
                (top - PDF_PADDING) * PDF_SCALE,
                (x1 + PDF_PADDING) * PDF_SCALE,
                (bottom + PDF_PADDING) * PDF_SCALE,
            ),
            fill="black",
        )
    out = io.BytesIO()
    image.save(out, "PDF", resolution=72 * PDF_SCALE)
    return out.getvalue()


#: What stands for a redacted occurrence in the text left on a rasterised page (a separator to the scanner).
REDACTED_MARK = "■"


def residual_text(text: str, found: dict[str, int]) -> str | None:
    """The text of a page with each occurrence of the terms ``found`` on it (whitespace ignored, as they
    were found) replaced by :data:`REDACTED_MARK`: what the rasterised page still shows. None when the
    page's text does not give the same count of occurrences (then nobody can say what is left)."""
    for term, count in sorted(found.items(), key=lambda pair: -len(pair[0])):
        key = "".join(term.split())
        pattern = r"\s*".join(re.escape(ch) for ch in key)
        text, replaced = re.subn(pattern, REDACTED_MARK, text)
        if replaced != count:
            return None
    return text


def redact_pdf(data: bytes, terms: Sequence[str]) -> Answer:
    """The answer also gives ``residual``: for each rasterised page (1-based, as a string key) the text
    left on it (:func:`residual_text`) or None, so that the caller can scan what the image still shows."""
    import pdfplumber
    import pypdfium2  # type: ignore[import-untyped]

    found: dict[str, int] = {}
    boxes_by_page: dict[int, list[Box]] = {}
    residual: dict[str, str | None] = {}
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        for index, page in enumerate(pdf.pages):
            boxes, on_page = _boxes_on_page(page, terms)
            if boxes:
                if int(page.rotation or 0) % 360:
                    return {"error": "rotated", "page": index + 1}
                boxes_by_page[index] = boxes
                residual[str(index + 1)] = residual_text(page.extract_text() or "", on_page)
                for term, n in on_page.items():
                    found[term] = found.get(term, 0) + n
            page.close()
    document = pypdfium2.PdfDocument(data)
    try:
        for index in sorted(boxes_by_page):
            raster = pypdfium2.PdfDocument(_raster_page(document, index, boxes_by_page[index]))
            try:
                document.del_page(index)
                document.import_pages(raster, [0], index)
            finally:
                raster.close()
        out = io.BytesIO()
        document.save(out)
    finally:
        document.close()
    pages = [i + 1 for i in sorted(boxes_by_page)]
    return {"data": out.getvalue(), "kind": "pdf", "found": found, "pages": pages, "residual": residual}
