from __future__ import annotations

import gettext
from pathlib import Path

from gongkai.core import pocompile

SAMPLE_PO = r"""# A comment
msgid ""
msgstr ""
"Content-Type: text/plain; charset=UTF-8\n"
"Plural-Forms: nplurals=2; plural=(n != 1);\n"

msgid "机关"
msgstr "Agency"

msgctxt "menu"
msgid "首页"
msgstr "Home"

#, python-format
msgid "%(n)s 个机关"
msgid_plural "%(n)s 个机关（复数）"
msgstr[0] "%(n)s agency"
msgstr[1] "%(n)s agencies"

msgid ""
"多行"
"文字"
msgstr ""
"Multi-line "
"text with \"quotes\"\n"

#, fuzzy
msgid "未确认"
msgstr "Unconfirmed"

msgid "未翻译"
msgstr ""
"""


def _load(tmp_path: Path) -> gettext.GNUTranslations:
    po = tmp_path / "django.po"
    po.write_text(SAMPLE_PO, encoding="utf-8")
    mo = pocompile.compile_po(po)
    with mo.open("rb") as fh:
        return gettext.GNUTranslations(fh)


def test_compiled_catalogue_is_readable_by_gettext(tmp_path: Path) -> None:
    catalogue = _load(tmp_path)
    assert catalogue.gettext("机关") == "Agency"
    assert catalogue.pgettext("menu", "首页") == "Home"
    assert catalogue.ngettext("%(n)s 个机关", "%(n)s 个机关（复数）", 1) == "%(n)s agency"
    assert catalogue.ngettext("%(n)s 个机关", "%(n)s 个机关（复数）", 3) == "%(n)s agencies"
    assert catalogue.gettext("多行文字") == 'Multi-line text with "quotes"\n'


def test_fuzzy_and_untranslated_entries_are_left_out(tmp_path: Path) -> None:
    catalogue = _load(tmp_path)
    assert catalogue.gettext("未确认") == "未确认"
    assert catalogue.gettext("未翻译") == "未翻译"


def test_compilation_is_deterministic(tmp_path: Path) -> None:
    po = tmp_path / "django.po"
    po.write_text(SAMPLE_PO, encoding="utf-8")
    first = pocompile.compile_po(po).read_bytes()
    assert pocompile.compile_po(po).read_bytes() == first


def test_every_english_message_is_translated() -> None:
    for po in [pocompile.PACKAGE_DIR / "locale" / "en" / "LC_MESSAGES" / "django.po"]:
        text = po.read_text(encoding="utf-8")
        blocks = [b for b in text.split("\n\n") if "msgid" in b and 'msgid ""\nmsgstr ""\n"' not in b]
        untranslated = [b for b in blocks if b.rstrip().endswith('msgstr ""')]
        assert untranslated == [], f"{po}: untranslated entries"
