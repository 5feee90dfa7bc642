"""Compile gettext ``.po`` catalogues to ``.mo`` in pure Python (no GNU gettext needed).

Django's ``compilemessages`` shells out to GNU ``msgfmt``; this module does the same job for
the subset of the PO format that Django's ``makemessages`` writes (``msgctxt``, plurals,
multi-line strings, ``#, fuzzy`` flags) so that ``./dev install`` needs no apt package.

Usage: ``python -m gongkai.core.pocompile [PATH ...]`` (default: every ``*.po`` below the
``gongkai`` package). Output is deterministic: the same ``.po`` always gives the same bytes.
"""

from __future__ import annotations

import ast
import struct
import sys
from dataclasses import dataclass, field
from pathlib import Path

MO_MAGIC = 0x950412DE
PACKAGE_DIR = Path(__file__).resolve().parent.parent


class PoSyntaxError(ValueError):
    pass


@dataclass
class _Entry:
    msgctxt: str | None = None
    msgid: str = ""
    msgid_plural: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    fuzzy: bool = False


def _unquote(text: str, path: Path, lineno: int) -> str:
    text = text.strip()
    if len(text) < 2 or text[0] != '"' or text[-1] != '"':
        raise PoSyntaxError(f"{path}:{lineno}: expected a quoted string, got {text!r}")
    try:
        value = ast.literal_eval(text)
    except (SyntaxError, ValueError) as exc:
        raise PoSyntaxError(f"{path}:{lineno}: bad string {text!r}") from exc
    if not isinstance(value, str):
        raise PoSyntaxError(f"{path}:{lineno}: bad string {text!r}")
    return value


def parse_po(path: Path) -> dict[str, str]:
    """Return the catalogue as ``{key: translation}`` in ``.mo`` form.

    Keys are ``msgid`` (with ``msgctxt + "\\x04"`` in front when present, and
    ``"\\x00" + msgid_plural`` appended for plurals); plural translations are joined by NUL.
    Fuzzy and untranslated entries are left out, as ``msgfmt`` does, except the header
    (``msgid ""``), which is always kept because it declares the charset.
    """
    entries: list[_Entry] = []
    current = _Entry()
    target: tuple[str, int] | None = None  # the field that continuation lines extend
    started = False

    def finish() -> None:
        nonlocal current, started, target
        if started:
            entries.append(current)
        current, started, target = _Entry(), False, None

    for lineno, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        in_msgstr = target is not None and target[0] == "msgstr"
        if not line:
            finish()
            continue
        if line.startswith("#"):
            # Comments precede an entry, so one after a msgstr starts the next entry.
            # Obsolete entries ("#~") and previous strings ("#|") are comments too.
            if in_msgstr:
                finish()
            if line.startswith("#,") and "fuzzy" in {flag.strip() for flag in line[2:].split(",")}:
                current.fuzzy = True
            continue
        if line.startswith('"'):
            if target is None:
                raise PoSyntaxError(f"{path}:{lineno}: continuation line without a keyword")
            value = _unquote(line, path, lineno)
            name, index = target
            if name == "msgctxt":
                current.msgctxt = (current.msgctxt or "") + value
            elif name == "msgid":
                current.msgid += value
            elif name == "msgid_plural":
                current.msgid_plural = (current.msgid_plural or "") + value
            else:
                current.msgstr[index] += value
            continue
        keyword, _, rest = line.partition(" ")
        if keyword in {"msgctxt", "msgid"} and in_msgstr:
            finish()
        started = True
        value = _unquote(rest, path, lineno)
        if keyword == "msgctxt":
            current.msgctxt, target = value, ("msgctxt", 0)
        elif keyword == "msgid":
            current.msgid, target = value, ("msgid", 0)
        elif keyword == "msgid_plural":
            current.msgid_plural, target = value, ("msgid_plural", 0)
        elif keyword == "msgstr":
            current.msgstr[0], target = value, ("msgstr", 0)
        elif keyword.startswith("msgstr[") and keyword.endswith("]") and keyword[7:-1].isdigit():
            index = int(keyword[7:-1])
            current.msgstr[index], target = value, ("msgstr", index)
        else:
            raise PoSyntaxError(f"{path}:{lineno}: unknown keyword {keyword!r}")
    finish()

    catalogue: dict[str, str] = {}
    for entry in entries:
        if entry.fuzzy and entry.msgid:
            continue
        key = entry.msgid
        if entry.msgctxt is not None:
            key = f"{entry.msgctxt}\x04{key}"
        if entry.msgid_plural is not None:
            key = f"{key}\x00{entry.msgid_plural}"
            forms = [entry.msgstr.get(i, "") for i in range(max(entry.msgstr, default=-1) + 1)]
            if not forms or not all(forms):
                continue
            translation = "\x00".join(forms)
        else:
            translation = entry.msgstr.get(0, "")
            if not translation:
                continue
        catalogue[key] = translation
    return catalogue


def mo_bytes(catalogue: dict[str, str]) -> bytes:
    """Serialise a catalogue in GNU ``.mo`` format (little-endian, no hash table)."""
    keys = sorted(catalogue)
    ids = [k.encode("utf-8") for k in keys]
    strs = [catalogue[k].encode("utf-8") for k in keys]
    count = len(keys)
    header_size = 7 * 4
    originals_offset = header_size
    translations_offset = originals_offset + count * 8
    data_offset = translations_offset + count * 8
    originals: list[tuple[int, int]] = []
    translations: list[tuple[int, int]] = []
    data = bytearray()
    for blob in ids:
        originals.append((len(blob), data_offset + len(data)))
        data += blob + b"\x00"
    for blob in strs:
        translations.append((len(blob), data_offset + len(data)))
        data += blob + b"\x00"
    out = bytearray(struct.pack("<7I", MO_MAGIC, 0, count, originals_offset, translations_offset, 0, 0))
    for length, offset in originals:
        out += struct.pack("<2I", length, offset)
    for length, offset in translations:
        out += struct.pack("<2I", length, offset)
    out += data
    return bytes(out)


def compile_po(po_path: Path) -> Path:
    """Write ``<name>.mo`` next to ``po_path`` (only if the bytes change) and return its path."""
    mo_path = po_path.with_suffix(".mo")
    content = mo_bytes(parse_po(po_path))
    if not mo_path.exists() or mo_path.read_bytes() != content:
        mo_path.write_bytes(content)
    return mo_path


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    roots = [Path(a) for a in args] or [PACKAGE_DIR]
    po_files: list[Path] = []
    for root in roots:
        po_files += [root] if root.is_file() else sorted(root.rglob("LC_MESSAGES/*.po"))
    for po_path in po_files:
        mo_path = compile_po(po_path)
        print(f"compiled {po_path} -> {mo_path.name}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
