"""How the scanned (image-only) fixtures in ``tests/fixtures/derived`` were made: a text PDF rasterised with
poppler's ``pdftoppm`` (grey, as a scanner gives it) and rebuilt with Pillow as a PDF of JPEG pictures
only — no text layer, no fonts — optionally with a smudge over one cell (a stamp or a fold), so that the
OCR is unsure of its digits. Run by hand (``python -m tests.support.scans SOURCE.pdf OUT.pdf``); the tests
read the committed result, they do not need poppler.
"""

from __future__ import annotations

import io
import subprocess
import sys
import tempfile
from pathlib import Path

from PIL import Image, ImageFilter

Box = tuple[int, int, int, int]


def image_only_pdf(
    pdf: bytes, *, dpi: int = 200, quality: int = 75, smudge: tuple[int, Box] | None = None
) -> bytes:
    """``pdf`` rasterised at ``dpi`` and rebuilt from its pictures; ``smudge`` = (page index, box in
    pixels) blurs that box."""
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "source.pdf"
        source.write_bytes(pdf)
        subprocess.run(
            ["pdftoppm", "-r", str(dpi), "-gray", "-png", str(source), str(Path(folder) / "page")],
            check=True,
            timeout=120,
        )
        pages = [Image.open(path).convert("L") for path in sorted(Path(folder).glob("page-*.png"))]
    if smudge is not None:
        index, box = smudge
        region = pages[index].crop(box).filter(ImageFilter.GaussianBlur(2.2))
        pages[index].paste(region.point(lambda v: min(255, v + 25)), box[:2])
    out = io.BytesIO()
    pages[0].save(out, "PDF", save_all=True, append_images=pages[1:], resolution=dpi, quality=quality)
    return out.getvalue()


if __name__ == "__main__":  # pragma: no cover - a maker of fixtures
    source, target = sys.argv[1], sys.argv[2]
    smudged = (0, (1330, 1728, 1380, 1764)) if len(sys.argv) > 3 else None
    Path(target).write_bytes(image_only_pdf(Path(source).read_bytes(), smudge=smudged))
