"""OFD (GB/T 33190-2016, 版式文档, the national fixed-layout format many government sites publish in): its
text and table layout read from the package's XML, the standard's own structure — no OFD library (the
maintained ones pull PyMuPDF, under the AGPL).

An OFD is a zip (held to :data:`gongkai.documents.zipguard.OFFICE_LIMITS` before anything is unpacked):
``OFD.xml`` → ``DocBody/DocRoot`` names the document's ``Document.xml`` → ``Pages/Page/@BaseLoc`` each
page's ``Content.xml`` (paths relative to the file that names them, or to the package root with a leading
``/``). A page's ``Content/Layer`` holds ``TextObject`` s (``Boundary`` "x y w h" in millimetres from the
page's top left, an optional ``CTM`` "a b c d e f" mapping the object's own space, ``Size``, and
``TextCode`` s: the glyphs of a text from ``X``/``Y`` — the baseline — on, ``DeltaX`` the advances between
them, with its ``g n d`` shorthand for n advances of d), ``PathObject`` s (``AbbreviatedData``: ``M``,
``L``, ``C``losed paths; ``B``/``Q``/``A`` curves are skipped) and ``PageBlock`` s that group either.

Each glyph becomes a positioned :class:`~gongkai.documents.layout.Word` and each horizontal or vertical
path segment a :class:`~gongkai.documents.layout.Rule`, in points; the tables are then recovered exactly as
for a PDF (:func:`gongkai.documents.layout.page_items`, pdfplumber's lattice). :func:`read_layout` answers
as the PDF ``layout`` reading does; :func:`all_text` gives the text for the privacy scanner.

Limits: template pages (``TemplatePage``: letterheads, page numbers), annotations and signatures are not
read; text drawn as paths (outlined glyphs) or pictures has no text; a table without ruled lines is read
as lines of text. No Django.
"""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
from collections.abc import Iterator
from typing import Any

from gongkai.documents.layout import Rule, Word, page_items
from gongkai.documents.zipguard import OFFICE_LIMITS, ZipLimits, check_zip

Answer = dict[str, Any]
#: Points per millimetre (OFD measures in millimetres).
PT = 72 / 25.4
_NUMBER = re.compile(r"-?\d+(?:\.\d+)?(?:[eE]-?\d+)?")
_AXIS_TOLERANCE = 0.5  # mm: a segment this close to horizontal or vertical is a ruled line


class NotOfd(Exception):
    """The package is not an OFD we can read (no OFD.xml, no document, a broken part)."""


def is_ofd(names: set[str]) -> bool:
    """Whether a zip with these member names is an OFD package."""
    return any(name.lower() == "ofd.xml" for name in names)


def _local(element: Any) -> str:
    tag = element.tag
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _children(element: Any, name: str) -> Iterator[Any]:
    return (child for child in element if _local(child) == name)


def _child(element: Any, name: str) -> Any | None:
    return next(_children(element, name), None)


def _numbers(text: str | None) -> list[float]:
    return [float(n) for n in _NUMBER.findall(text or "")]


def _parse(archive: zipfile.ZipFile, names: dict[str, str], path: str) -> Any:
    from lxml import etree

    member = names.get(path.lower().lstrip("/"))
    if member is None:
        raise NotOfd(path)
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    return etree.fromstring(archive.read(member), parser)


def _resolve(base: str, location: str) -> str:
    location = location.strip().replace("\\", "/")
    if location.startswith("/"):
        return location.lstrip("/")
    return posixpath.normpath(posixpath.join(posixpath.dirname(base), location))


def delta_x(text: str | None) -> list[float]:
    """The advances of ``DeltaX`` (``"3.5 g 3 4.2 1"`` → [3.5, 4.2, 4.2, 4.2, 1])."""
    tokens = (text or "").split()
    out: list[float] = []
    index = 0
    while index < len(tokens):
        if tokens[index] == "g" and index + 2 < len(tokens):
            out.extend([float(tokens[index + 2])] * int(float(tokens[index + 1])))
            index += 3
        else:
            out.append(float(tokens[index]))
            index += 1
    return out


Matrix = tuple[float, float, float, float, float, float]
_IDENTITY: Matrix = (1, 0, 0, 1, 0, 0)


def _apply(m: Matrix, x: float, y: float) -> tuple[float, float]:
    a, b, c, d, e, f = m
    return a * x + c * y + e, b * x + d * y + f


def _matrix(element: Any) -> Matrix:
    values = _numbers(element.get("CTM"))
    return (
        (values[0], values[1], values[2], values[3], values[4], values[5]) if len(values) == 6 else _IDENTITY
    )


def _text_words(element: Any) -> list[Word]:
    """The glyphs of a TextObject, in page points."""
    box = _numbers(element.get("Boundary"))
    if len(box) < 2:
        return []
    origin_x, origin_y = box[0], box[1]
    m = _matrix(element)
    size = (_numbers(element.get("Size")) or [3.5])[0]
    scale = (abs(m[0] * m[3] - m[1] * m[2]) ** 0.5) or 1.0
    height = size * scale
    words: list[Word] = []
    x = y = 0.0
    for code in _children(element, "TextCode"):
        text = code.text or ""
        xs, ys = _numbers(code.get("X")), _numbers(code.get("Y"))
        x = xs[0] if xs else x
        y = ys[0] if ys else y
        advances = delta_x(code.get("DeltaX"))
        for index, char in enumerate(text):
            advance = advances[index] if index < len(advances) else size * (0.5 if char < "\u0100" else 1.0)
            if not char.isspace():
                left, baseline = _apply(m, x, y)
                right, _ = _apply(m, x + advance, y)
                left, right = min(left, right), max(left, right)
                top = origin_y + baseline - height * 0.88
                words.append(
                    Word(
                        (origin_x + left) * PT,
                        top * PT,
                        (origin_x + right) * PT,
                        (top + height) * PT,
                        char,
                    )
                )
            x += advance
    return words


def _path_rules(element: Any) -> list[Rule]:
    """The horizontal and vertical segments of a PathObject, in page points."""
    box = _numbers(element.get("Boundary"))
    data = _child(element, "AbbreviatedData")
    if len(box) < 2 or data is None or not data.text:
        return []
    m = _matrix(element)
    rules: list[Rule] = []
    tokens = data.text.split()
    current: tuple[float, float] | None = None
    start: tuple[float, float] | None = None
    index = 0

    def segment(a: tuple[float, float], b: tuple[float, float]) -> None:
        (x0, y0), (x1, y1) = _apply(m, *a), _apply(m, *b)
        x0, x1, y0, y1 = x0 + box[0], x1 + box[0], y0 + box[1], y1 + box[1]
        if abs(y1 - y0) <= _AXIS_TOLERANCE or abs(x1 - x0) <= _AXIS_TOLERANCE:
            rules.append(Rule(min(x0, x1) * PT, min(y0, y1) * PT, max(x0, x1) * PT, max(y0, y1) * PT))

    counts = {"M": 2, "L": 2, "S": 2, "B": 6, "Q": 4, "A": 7, "C": 0}
    while index < len(tokens):
        op = tokens[index]
        if op not in counts:
            index += 1
            continue
        try:
            args = [float(t) for t in tokens[index + 1 : index + 1 + counts[op]]]
        except ValueError:
            break
        index += 1 + counts[op]
        if op in ("M", "S") and len(args) == 2:
            current = start = (args[0], args[1])
        elif op == "L" and len(args) == 2 and current is not None:
            segment(current, (args[0], args[1]))
            current = (args[0], args[1])
        elif op == "C" and current is not None and start is not None:
            segment(current, start)
            current = start
        elif op in ("B", "Q", "A") and args:
            current = (args[-2], args[-1])
    return rules


def _objects(container: Any) -> Iterator[Any]:
    """The graphic objects of a layer or page block, nested blocks included, in order."""
    for child in container:
        name = _local(child)
        if name == "PageBlock":
            yield from _objects(child)
        elif name in ("TextObject", "PathObject"):
            yield child


def _pages(data: bytes, limits: ZipLimits) -> Iterator[tuple[list[Word], list[Rule]]]:
    check_zip(data, limits)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = {name.lower(): name for name in archive.namelist()}
        root = _parse(archive, names, "OFD.xml")
        body = _child(root, "DocBody")
        doc_root = _child(body, "DocRoot") if body is not None else None
        if doc_root is None or not (doc_root.text or "").strip():
            raise NotOfd("DocRoot")
        document_path = _resolve("OFD.xml", doc_root.text or "")
        document = _parse(archive, names, document_path)
        pages = _child(document, "Pages")
        for page in _children(pages, "Page") if pages is not None else ():
            location = page.get("BaseLoc")
            if not location:
                continue
            content = _parse(archive, names, _resolve(document_path, location))
            words: list[Word] = []
            rules: list[Rule] = []
            for layer_holder in _children(content, "Content"):
                for layer in _children(layer_holder, "Layer"):
                    for obj in _objects(layer):
                        if _local(obj) == "TextObject":
                            words.extend(_text_words(obj))
                        else:
                            rules.extend(_path_rules(obj))
            yield words, rules


def read_layout(data: bytes, limits: ZipLimits = OFFICE_LIMITS) -> Answer:
    """The PDF ``layout`` answer for an OFD: per page its lines and tables in vertical order, the
    characters and tables counted. Raises :class:`NotOfd`, :class:`~gongkai.documents.zipguard.ZipRefused`
    and what :mod:`zipfile` and lxml raise for a broken package."""
    pages: list[list[Answer]] = []
    chars = tables = 0
    for words, rules in _pages(data, limits):
        items, found = page_items(words, rules)
        pages.append(items)
        chars += len(words)
        tables += found
    return {"pages": pages, "chars": chars, "tables": tables}


def all_text(data: bytes, max_chars: int, limits: ZipLimits = OFFICE_LIMITS) -> tuple[str, list[int]]:
    """The text of every page (lines; a table's row one line, its cells separated by spaces), reading
    stopped after the page that passes ``max_chars``; and the offset where each page starts."""
    chunks: list[str] = []
    starts: list[int] = []
    length = 0
    for words, rules in _pages(data, limits):
        starts.append(length)
        items, _ = page_items(words, rules)
        for item in items:
            if "rows" in item:
                lines = [" ".join(cell.replace("\n", "") for cell in row) for row in item["rows"]]
            else:
                lines = [str(item["line"])]
            for line in lines:
                chunks.append(line + "\n")
                length += len(line) + 1
        if length > max_chars:
            break
    return "".join(chunks), starts
