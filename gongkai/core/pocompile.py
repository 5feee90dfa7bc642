"""Compile the gettext ``.po`` catalogues to ``.mo`` with polib (no GNU gettext needed).

Django's ``compilemessages`` shells out to GNU ``msgfmt``; polib writes the same files in pure Python, so
``./dev install`` needs no apt package. As ``msgfmt`` does, fuzzy and untranslated entries are left out
(the header is kept: it declares the charset and the plural forms), and the output is deterministic.

Usage: ``python -m gongkai.core.pocompile [PATH ...]`` (default: every ``*.po`` below the ``gongkai``
package).
"""

from __future__ import annotations

import sys
from pathlib import Path

import polib

PACKAGE_DIR = Path(__file__).resolve().parent.parent


def compile_po(po_path: Path) -> Path:
    """Write the ``.mo`` beside ``po_path`` and return its path."""
    mo_path = po_path.with_suffix(".mo")
    polib.pofile(str(po_path), encoding="utf-8").save_as_mofile(str(mo_path))
    return mo_path


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    paths = [Path(a) for a in args] or sorted(PACKAGE_DIR.rglob("*.po"))
    for po in paths:
        print(compile_po(po))
    return 0


if __name__ == "__main__":
    sys.exit(main())
