"""The English catalogue is complete: every message translated, none fuzzy, placeholders kept.

The catalogue is read with polib, which keeps the fuzzy and untranslated entries that compiling leaves
out: exactly what these tests look for.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import polib
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


def parse_entries(path: Path) -> list[polib.POEntry]:
    """Every entry of ``path`` (obsolete ``#~`` entries left out), fuzzy and untranslated ones included."""
    return [entry for entry in polib.pofile(str(path), encoding="utf-8") if not entry.obsolete]


def label(entry: polib.POEntry) -> str:
    context = f"[{entry.msgctxt}] " if entry.msgctxt is not None else ""
    return f"line {entry.linenum}: {context}{entry.msgid!r}"


def forms(entry: polib.POEntry) -> dict[int, str]:
    """The translation(s) of ``entry`` by plural index."""
    return dict(entry.msgstr_plural) if entry.msgid_plural else {0: entry.msgstr}


def _nplurals(catalogue: polib.POFile) -> int:
    match = re.search(r"nplurals\s*=\s*(\d+)", catalogue.metadata.get("Plural-Forms", ""))
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
def entries() -> list[polib.POEntry]:
    parsed = parse_entries(EN_PO)
    assert len(parsed) > 100, "too few entries: is this the catalogue?"
    return parsed


def test_untranslated_fuzzy_and_plural_entries_are_seen(tmp_path: Path) -> None:
    po = tmp_path / "django.po"
    po.write_text(
        'msgid ""\nmsgstr ""\n"Plural-Forms: nplurals=2; plural=(n != 1);\\n"\n\n'
        '#, fuzzy, python-format\nmsgctxt "menu"\nmsgid ""\n"多行"\n"%(n)s 文字"\nmsgstr "Text"\n\n'
        'msgid "未翻译"\nmsgstr ""\n\n'
        'msgid "件"\nmsgid_plural "件（复数）"\nmsgstr[0] "item"\nmsgstr[1] ""\n\n'
        '#~ msgid "旧"\n#~ msgstr "old"\n',
        encoding="utf-8",
    )
    multi, untranslated, plural = parse_entries(po)
    assert _nplurals(polib.pofile(str(po))) == 2
    assert (multi.msgctxt, multi.msgid) == ("menu", "多行%(n)s 文字")
    assert set(multi.flags) == {"fuzzy", "python-format"}
    assert forms(untranslated) == {0: ""}
    assert plural.msgid_plural == "件（复数）" and forms(plural) == {0: "item", 1: ""}


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


def test_no_message_is_untranslated(entries: list[polib.POEntry]) -> None:
    nplurals = _nplurals(polib.pofile(str(EN_PO), encoding="utf-8"))
    untranslated = []
    for entry in entries:
        translations = forms(entry)
        count = nplurals if entry.msgid_plural else 1
        if [i for i in range(count) if not translations.get(i)]:
            untranslated.append(label(entry))
    assert untranslated == [], f"{EN_PO}: untranslated entries:\n" + "\n".join(untranslated)


def test_no_message_is_fuzzy(entries: list[polib.POEntry]) -> None:
    fuzzy = [label(entry) for entry in entries if "fuzzy" in entry.flags]
    assert fuzzy == [], f"{EN_PO}: fuzzy entries (check the translation, then drop the flag):\n" + "\n".join(
        fuzzy
    )


def test_translations_keep_the_placeholders(entries: list[polib.POEntry]) -> None:
    mismatched = []
    for entry in entries:
        python_format = "python-format" in entry.flags
        expected = placeholders(entry.msgid_plural or entry.msgid, python_format=python_format)
        for index, translation in sorted(forms(entry).items()):
            found = placeholders(translation, python_format=python_format)
            if not translation or found == expected:
                continue
            # Every plural form gets the same values, so the singular may leave out the count
            # ("One item") but must not ask for anything the source does not give.
            if entry.msgid_plural and index == 0 and set(found) <= set(expected):
                continue
            mismatched.append(f"{label(entry)} msgstr[{index}]: expected {dict(expected)}, got {dict(found)}")
    assert mismatched == [], "\n".join(mismatched)
