"""Paths given on the command line, shown back to the person who gave them."""

from __future__ import annotations

import os


def shown_path(path: str) -> str:
    """``path`` as printable text. A name whose bytes are not UTF-8 (a zip made on Chinese Windows unpacks
    to GBK names) is read as GB18030, else its bad bytes become U+FFFD: the output stays valid UTF-8."""
    raw = os.fsencode(path)
    for encoding in ("utf-8", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return raw.decode("utf-8", "replace")
