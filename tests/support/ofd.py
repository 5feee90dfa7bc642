"""A small OFD writer for the tests (GB/T 33190-2016): :func:`write_ofd` packs pages of text runs and
ruled lines; :func:`ofd_twin` makes the OFD twin of a PDF — every word pdfplumber finds, at its place and
size, and every ruled line (lines and the edges of rectangles) — as the "print to OFD" of a converter does.

The package: ``OFD.xml`` (DocBody → DocInfo, DocRoot ``Doc_0/Document.xml``), ``Doc_0/Document.xml``
(CommonData: MaxUnitID, PageArea/PhysicalBox, PublicRes; Pages with BaseLoc ``Pages/Page_N/Content.xml``),
``Doc_0/PublicRes.xml`` (one font) and one ``Content.xml`` per page: a Layer of ``TextObject`` s
(Boundary, Font, Size; ``TextCode`` X/Y/DeltaX, DeltaX written with the ``g`` shorthand where advances
repeat) and ``PathObject`` s (``AbbreviatedData`` "M x y L x y"). Every other text object is written with a
``CTM`` that halves its own space (its coordinates doubled), and some rules inside a ``PageBlock``, so the
reader's handling of both is tested. Units are millimetres from the page's top left.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass, field
from xml.sax.saxutils import escape

NS = "http://www.ofdspec.org/2016"
MM = 25.4 / 72  # millimetres per point


@dataclass
class Run:
    """A run of text: its left edge and baseline (mm), font size (mm) and the advance of each glyph."""

    x: float
    baseline: float
    size: float
    text: str
    advances: list[float]


@dataclass
class Page:
    width: float = 210.0
    height: float = 297.0
    runs: list[Run] = field(default_factory=list)
    #: (x0, y0, x1, y1) in mm.
    lines: list[tuple[float, float, float, float]] = field(default_factory=list)


def _delta(advances: list[float]) -> str:
    out: list[str] = []
    index = 0
    while index < len(advances):
        value = advances[index]
        count = 1
        while index + count < len(advances) and abs(advances[index + count] - value) < 1e-6:
            count += 1
        out.append(f"g {count} {value:.3f}" if count >= 3 else " ".join([f"{value:.3f}"] * count))
        index += count
    return " ".join(out)


def _content(page: Page, first_id: int) -> tuple[str, int]:
    objects: list[str] = []
    unit = first_id
    for number, run in enumerate(page.runs):
        unit += 1
        width = sum(run.advances) + run.size
        top = run.baseline - run.size
        if number % 2:  # a CTM halving the object's space: coordinates doubled
            ctm = ' CTM="0.5 0 0 0.5 0 0"'
            factor = 2.0
        else:
            ctm, factor = "", 1.0
        objects.append(
            f'<ofd:TextObject ID="{unit}" Boundary="{run.x:.3f} {top:.3f} {width:.3f} {run.size * 1.3:.3f}" '
            f'Font="2" Size="{run.size * factor:.3f}"{ctm}>'
            f'<ofd:TextCode X="0" Y="{run.size * factor:.3f}" '
            f'DeltaX="{_delta([a * factor for a in run.advances[:-1]])}">{escape(run.text)}</ofd:TextCode>'
            "</ofd:TextObject>"
        )
    paths: list[str] = []
    for x0, y0, x1, y1 in page.lines:
        unit += 1
        paths.append(
            f'<ofd:PathObject ID="{unit}" Boundary="{min(x0, x1):.3f} {min(y0, y1):.3f} '
            f'{abs(x1 - x0) + 0.3:.3f} {abs(y1 - y0) + 0.3:.3f}" LineWidth="0.25">'
            f"<ofd:AbbreviatedData>M {x0 - min(x0, x1):.3f} {y0 - min(y0, y1):.3f} "
            f"L {x1 - min(x0, x1):.3f} {y1 - min(y0, y1):.3f}</ofd:AbbreviatedData></ofd:PathObject>"
        )
    half = len(paths) // 2
    unit += 1
    block = f'<ofd:PageBlock ID="{unit}">{"".join(paths[half:])}</ofd:PageBlock>'
    unit += 1
    layer = f'<ofd:Layer ID="{unit}">{"".join(objects)}{"".join(paths[:half])}{block}</ofd:Layer>'
    xml = f'<ofd:Page xmlns:ofd="{NS}"><ofd:Content>{layer}</ofd:Content></ofd:Page>'
    return f'<?xml version="1.0" encoding="UTF-8"?>{xml}', unit


def write_ofd(pages: list[Page]) -> bytes:
    """An OFD package of ``pages``."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "OFD.xml",
            f'<?xml version="1.0" encoding="UTF-8"?><ofd:OFD xmlns:ofd="{NS}" Version="1.1" DocType="OFD">'
            "<ofd:DocBody><ofd:DocInfo><ofd:DocID>0c1d4f7e2b3a4c5d8e9f0a1b2c3d4e5f</ofd:DocID>"
            "<ofd:Creator>Gongkai tests</ofd:Creator></ofd:DocInfo>"
            "<ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot></ofd:DocBody></ofd:OFD>",
        )
        archive.writestr(
            "Doc_0/PublicRes.xml",
            f'<?xml version="1.0" encoding="UTF-8"?><ofd:Res xmlns:ofd="{NS}" BaseLoc="Res"><ofd:Fonts>'
            '<ofd:Font ID="2" FontName="宋体" FamilyName="宋体"/></ofd:Fonts></ofd:Res>',
        )
        unit = 10
        entries: list[str] = []
        for number, page in enumerate(pages):
            content, unit = _content(page, unit)
            archive.writestr(f"Doc_0/Pages/Page_{number}/Content.xml", content)
            unit += 1
            entries.append(f'<ofd:Page ID="{unit}" BaseLoc="Pages/Page_{number}/Content.xml"/>')
        first = pages[0] if pages else Page()
        archive.writestr(
            "Doc_0/Document.xml",
            f'<?xml version="1.0" encoding="UTF-8"?><ofd:Document xmlns:ofd="{NS}"><ofd:CommonData>'
            f"<ofd:MaxUnitID>{unit}</ofd:MaxUnitID><ofd:PageArea>"
            f"<ofd:PhysicalBox>0 0 {first.width:.3f} {first.height:.3f}</ofd:PhysicalBox></ofd:PageArea>"
            "<ofd:PublicRes>PublicRes.xml</ofd:PublicRes></ofd:CommonData>"
            f"<ofd:Pages>{''.join(entries)}</ofd:Pages></ofd:Document>",
        )
    return out.getvalue()


def ofd_twin(pdf: bytes) -> bytes:
    """The OFD twin of ``pdf``: its words (as pdfplumber groups its characters) and ruled lines."""
    import pdfplumber

    pages: list[Page] = []
    with pdfplumber.open(io.BytesIO(pdf)) as document:
        for source in document.pages:
            page = Page(width=float(source.width) * MM, height=float(source.height) * MM)
            for word in source.extract_words(extra_attrs=["size"], return_chars=True):
                chars = word["chars"]
                starts = [float(c["x0"]) for c in chars]
                advances = [(b - a) * MM for a, b in zip(starts, starts[1:], strict=False)]
                advances.append((float(chars[-1]["x1"]) - float(chars[-1]["x0"])) * MM)
                page.runs.append(
                    Run(
                        x=float(word["x0"]) * MM,
                        baseline=float(word["bottom"]) * MM,
                        size=float(word["size"]) * MM,
                        text=word["text"],
                        advances=advances,
                    )
                )
            for edge in source.edges:
                page.lines.append(
                    (
                        float(edge["x0"]) * MM,
                        float(edge["top"]) * MM,
                        float(edge["x1"]) * MM,
                        float(edge["bottom"]) * MM,
                    )
                )
            source.close()
            pages.append(page)
    return write_ofd(pages)
