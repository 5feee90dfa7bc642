"""Why a file cannot be read, in the reader's language: the Chinese text (``str``) is unchanged, and
``render_error`` gives English in English with no Chinese left (the catalogue's file errors too)."""

from __future__ import annotations

import re

import pytest
from django.utils import translation

from gongkai.catalogue.content import CatalogueError
from gongkai.catalogue.services.files import check_file
from gongkai.checker.readers import common, read_bytes
from gongkai.checker.source import UnreadableFile
from gongkai.core.i18n import render_error
from gongkai.core.messages import Message

CJK = re.compile(r"[\u4e00-\u9fff]")

REFUSED = [
    (b"", "a.txt", common.MSG_EMPTY),
    (b"   \n ", "a.txt", common.MSG_BLANK),
    (b"PK\x03\x04" + b"\x00" * 40, "a.zip", None),
    (b"\x89PNG\r\n\x1a\n" + b"\x00" * 40, "a.png", None),
    (b"{\\rtf1 hello}", "a.rtf", common.MSG_RTF),
    (bytes(range(256)) * 4, "a.bin", common.MSG_BINARY),
]


@pytest.mark.parametrize(("data", "name", "expected"), REFUSED)
def test_unreadable_files_in_english_and_chinese(data: bytes, name: str, expected: str | None) -> None:
    with pytest.raises(UnreadableFile) as refused:
        read_bytes(data, name)
    chinese = str(refused.value)
    assert CJK.search(chinese)
    if expected is not None:
        assert chinese == expected
    with translation.override("en"):
        english = render_error(refused.value)
    assert english != chinese and not CJK.search(english), english
    with translation.override("zh-hans"):
        assert render_error(refused.value) == chinese


def test_every_reader_message_is_translated() -> None:
    for name in dir(common):
        if name.startswith("MSG_"):
            template = getattr(common, name)
            with translation.override("en"):
                english = render_error(
                    UnreadableFile(
                        Message(
                            template,
                            {"kind": "PNG", "error": "KeyError", "seconds": 60, "pages": 20, "max_pages": 12},
                        )
                    )
                )
            assert not CJK.search(english), (name, english)


def test_a_plain_string_is_kept_as_it_is() -> None:
    error = UnreadableFile("无法读取文件 a.txt：没有权限")
    with translation.override("en"):
        assert render_error(error) == str(error) == "无法读取文件 a.txt：没有权限"


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("", b"x"),
        ("a.pdf", b""),
        ("a.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600),
        ("a.txt", b"%PDF-1.4\n"),
    ],
)
def test_attachment_errors_in_english(name: str, data: bytes) -> None:
    with translation.override("en"), pytest.raises(CatalogueError) as refused:
        check_file(name, data)
    text = " ".join(refused.value.messages)
    assert not CJK.search(re.sub(r"“[^”]*”", "", text)), text
    with translation.override("zh-hans"), pytest.raises(CatalogueError) as chinese:
        check_file(name, data)
    assert CJK.search(" ".join(chinese.value.messages))
