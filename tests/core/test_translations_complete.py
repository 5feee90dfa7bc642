"""The English catalogue is complete: every message translated, none fuzzy, placeholders kept.

The catalogue is read with a small parser of its own (standard library only) because
``gongkai.core.pocompile.parse_po`` leaves fuzzy and untranslated entries out, which is exactly
what these tests look for.
"""

from __future__ import annotations

import ast
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from gongkai.core import pocompile

EN_PO = pocompile.PACKAGE_DIR / "locale" / "en" / "LC_MESSAGES" / "django.po"

#: ``%(name)s`` and friends; ``%%`` is matched first so that it is never taken for a placeholder.
_CONVERSION = r"[#0\- +]*\d*(?:\.\d+)?[sdifFeEgGxXorac]"
_PERCENT = re.compile(rf"%%|%\([^)]+\){_CONVERSION}|%{_CONVERSION}")
#: ``{name}`` (str.format), but not the ``{{ variable }}`` of template syntax.
_BRACE = re.compile(r"(?<!\{)\{[A-Za-z_][A-Za-z0-9_]*\}(?!\})")
#: Template syntax shown to users (``{{ reasons|sentence }}``, ``{% if %}``) must be copied as is.
_TEMPLATE = re.compile(r"\{\{.*?\}\}|\{%.*?%\}")
#: HTML tags in a message (``<strong>``, ``<a href="%(url)s">``, ``</code>``).
_TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9]*")


@dataclass
class Entry:
    line: int
    flags: set[str] = field(default_factory=set)
    msgctxt: str | None = None
    msgid: str = ""
    msgid_plural: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)

    @property
    def label(self) -> str:
        context = f"[{self.msgctxt}] " if self.msgctxt is not None else ""
        return f"line {self.line}: {context}{self.msgid!r}"


def parse_entries(path: Path) -> list[Entry]:
    """Every entry of ``path``, the header first; obsolete entries (``#~``) are comments and skipped."""
    entries: list[Entry] = []
    current = Entry(1)
    seen_msgid = False
    target: tuple[str, int] = ("", 0)

    def finish(next_line: int) -> None:
        nonlocal current, seen_msgid
        if seen_msgid:
            entries.append(current)
        current, seen_msgid = Entry(next_line), False

    for lineno, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line:
            finish(lineno + 1)
            continue
        if line.startswith("#"):
            if current.msgstr:  # a comment after a msgstr starts the next entry
                finish(lineno)
            if line.startswith("#,"):
                current.flags.update(flag.strip() for flag in line[2:].split(",") if flag.strip())
            continue
        if line.startswith('"'):
            assert target[0], f"{path}:{lineno}: continuation line without a keyword"
            value = ast.literal_eval(line)
            name, index = target
            if name == "msgstr":
                current.msgstr[index] += value
            elif name == "msgctxt":
                current.msgctxt = (current.msgctxt or "") + value
            elif name == "msgid_plural":
                current.msgid_plural = (current.msgid_plural or "") + value
            else:
                current.msgid += value
            continue
        keyword, _space, rest = line.partition(" ")
        value = ast.literal_eval(rest)
        if keyword in ("msgctxt", "msgid") and current.msgstr:
            finish(lineno)
        if keyword == "msgctxt":
            current.msgctxt, target = value, ("msgctxt", 0)
        elif keyword == "msgid":
            current.msgid, target, seen_msgid = value, ("msgid", 0), True
        elif keyword == "msgid_plural":
            current.msgid_plural, target = value, ("msgid_plural", 0)
        elif keyword == "msgstr":
            current.msgstr[0], target = value, ("msgstr", 0)
        else:
            match = re.fullmatch(r"msgstr\[(\d+)\]", keyword)
            assert match, f"{path}:{lineno}: unknown keyword {keyword!r}"
            index = int(match.group(1))
            current.msgstr[index], target = value, ("msgstr", index)
    finish(0)
    return entries


def _nplurals(header: Entry) -> int:
    match = re.search(r"nplurals\s*=\s*(\d+)", header.msgstr.get(0, ""))
    assert match, "the header declares no Plural-Forms"
    return int(match.group(1))


def placeholders(text: str, *, python_format: bool) -> Counter[str]:
    """What a translation must keep: named ``%(name)s`` (as a set, since a translation may reorder
    or repeat them), positional ``%s`` (counted, when the entry is python-format), ``{name}``, template
    syntax and HTML tags."""
    found: Counter[str] = Counter()
    named = set()
    for token in _PERCENT.findall(text):
        if token == "%%":
            continue
        if token.startswith("%("):
            named.add(token)
        elif python_format:
            found[token] += 1
    found.update(dict.fromkeys(named, 1))
    found.update(dict.fromkeys(set(_BRACE.findall(text)), 1))
    found.update(_TEMPLATE.findall(text))
    found.update(tag.lower() for tag in _TAG.findall(text))
    return found


@pytest.fixture(scope="module")
def entries() -> list[Entry]:
    parsed = parse_entries(EN_PO)
    assert parsed and parsed[0].msgid == "", "the catalogue must start with its header"
    assert len(parsed) > 100, "the parser found too few entries"
    return parsed


def test_parser_reads_the_sample_catalogue(tmp_path: Path) -> None:
    po = tmp_path / "django.po"
    po.write_text(
        'msgid ""\nmsgstr ""\n"Plural-Forms: nplurals=2; plural=(n != 1);\\n"\n\n'
        '#, fuzzy, python-format\nmsgctxt "menu"\nmsgid ""\n"多行"\n"%(n)s 文字"\nmsgstr "Text"\n'
        'msgid "未翻译"\nmsgstr ""\n\n'
        'msgid "件"\nmsgid_plural "件（复数）"\nmsgstr[0] "item"\nmsgstr[1] ""\n\n'
        '#~ msgid "旧"\n#~ msgstr "old"\n',
        encoding="utf-8",
    )
    header, multi, untranslated, plural = parse_entries(po)[:4]
    assert _nplurals(header) == 2
    assert (multi.msgctxt, multi.msgid, multi.flags) == ("menu", "多行%(n)s 文字", {"fuzzy", "python-format"})
    assert untranslated.msgstr == {0: ""}
    assert plural.msgid_plural == "件（复数）" and plural.msgstr == {0: "item", 1: ""}


def test_placeholders_are_found() -> None:
    assert placeholders("共 %(n)s 件，%(n)s 个", python_format=True) == Counter({"%(n)s": 1})
    assert placeholders("%s 和 %d，100%%", python_format=True) == Counter({"%s": 1, "%d": 1})
    assert placeholders("增长 5%s", python_format=False) == Counter()
    assert placeholders("{name}：{{ reasons|sentence }}", python_format=False) == Counter(
        {"{name}": 1, "{{ reasons|sentence }}": 1}
    )
    assert placeholders('<a href="%(url)s">登录</a>', python_format=True) == Counter(
        {"%(url)s": 1, "<a": 1, "</a": 1}
    )


def test_no_message_is_untranslated(entries: list[Entry]) -> None:
    nplurals = _nplurals(entries[0])
    untranslated = []
    for entry in entries[1:]:
        forms = nplurals if entry.msgid_plural is not None else 1
        if [i for i in range(forms) if not entry.msgstr.get(i)]:
            untranslated.append(entry.label)
    assert untranslated == [], f"{EN_PO}: untranslated entries:\n" + "\n".join(untranslated)


def test_no_message_is_fuzzy(entries: list[Entry]) -> None:
    fuzzy = [entry.label for entry in entries if "fuzzy" in entry.flags]
    assert fuzzy == [], f"{EN_PO}: fuzzy entries (check the translation, then drop the flag):\n" + "\n".join(
        fuzzy
    )


def test_translations_keep_the_placeholders(entries: list[Entry]) -> None:
    mismatched = []
    for entry in entries[1:]:
        python_format = "python-format" in entry.flags
        expected = placeholders(entry.msgid_plural or entry.msgid, python_format=python_format)
        for index, translation in sorted(entry.msgstr.items()):
            found = placeholders(translation, python_format=python_format)
            if not translation or found == expected:
                continue
            # Every plural form gets the same values, so the singular may leave out the count
            # ("One item") but must not ask for anything the source does not give.
            if entry.msgid_plural is not None and index == 0 and set(found) <= set(expected):
                continue
            mismatched.append(f"{entry.label} msgstr[{index}]: expected {dict(expected)}, got {dict(found)}")
    assert mismatched == [], "\n".join(mismatched)
