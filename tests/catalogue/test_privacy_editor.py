"""Writing like in Word (issue 15, item 2): HTML pasted from Word keeps its headings, lists, tables, bold
and links and loses its styles, Office tags, conditional comments and scripts (nh3 on the server); the
editor is a static file and the text area stays for a browser without JavaScript; PDFs open inline for
the public too."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.test import Client

from gongkai.catalogue.content import sanitize_html, word_lists
from tests.catalogue.conftest import MakeItem, People, pdf_bytes
from tests.catalogue.public_factories import add_file, make_item

#: Word's clipboard HTML (CF_HTML) as Word 2016 writes it for a heading, bold text, a link, a numbered
#: and a bulleted list, a table and an empty paragraph (composed after that format).
WORD = (Path(__file__).parent.parent / "fixtures" / "word_paste.html").read_text(encoding="utf-8")


def test_word_paste_keeps_structure_and_drops_styles_and_scripts() -> None:
    body = sanitize_html(WORD)
    assert "<h2>示范县2026年春耕生产补贴发放方案</h2>" in body  # h1 → h2: the page has its own h1
    assert "<b>一、补贴对象</b>" in body
    assert (
        '<a href="https://www.example.gov.cn/zwgk/notice.html" rel="noopener noreferrer">县农业农村局通知</a>'
        in body
    )
    assert re.search(
        r"<ol><li>种粮农民</li>\s*<li>家庭农场</li>\s*</ol><ul><li>以实际种植面积为准</li></ul>", body
    )
    assert "<table>" in body and "<td>" in body and "补贴标准（元/亩）" in body and "城关镇" in body
    for gone in (
        "style",
        "class=",
        "mso",
        "o:p",
        "<script",
        "alert",
        "onclick",
        "[if",
        "<!--",
        "宋体",
        "1.",
        "·",
    ):
        assert gone not in body, gone


def test_word_lists_leaves_other_html_alone() -> None:
    html = "<p>一段</p><ul><li>甲</li></ul>"
    assert word_lists(html) == html
    assert sanitize_html("<h5>小标题</h5><td colspan=2 style='x'>格</td>").startswith("<h4>小标题</h4>")


@pytest.mark.django_db
def test_the_form_loads_the_editor_as_static_files_and_keeps_the_text_area(
    people: People, make_item: MakeItem
) -> None:
    item = make_item()
    client = Client()
    client.force_login(people.officer)
    page = client.get(f"/manage/catalogue/{item.pk}/edit/").content.decode()
    assert re.search(r'<textarea name="body"[^>]*data-rich-editor="true"', page)
    assert "catalogue/vendor/quill-2.0.3/quill.js" in page and "catalogue/editor.js" in page
    assert "<script>" not in page and " style=" not in page  # nothing inline (CSP)
    for name in (
        "catalogue/editor.js",
        "catalogue/vendor/quill-2.0.3/quill.js",
        "catalogue/vendor/quill-2.0.3/LICENSE",
    ):
        assert finders.find(name), name


@pytest.mark.django_db
def test_a_published_pdf_opens_in_the_browser_for_the_public(people: People) -> None:
    entry = make_item(people.agency)
    data = pdf_bytes("public")
    file = add_file(entry, "通知.pdf", data, content_type="application/pdf", kind="pdf")
    url = f"/gk/{people.agency.short_code}/items/{entry.pk}/files/{file.pk}/"
    shown = Client().get(url)
    assert shown["Content-Type"] == "application/pdf" and shown["Content-Disposition"].startswith("inline")
    assert shown["X-Content-Type-Options"] == "nosniff"
    assert Client().get(url + "?download=1")["Content-Disposition"].startswith("attachment;")
