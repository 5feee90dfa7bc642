"""The exporters of the annual report: layout (grids, blocks), HTML, Word, PDF, JSON and the dispatcher.

The round trips through the checker are in test_export_roundtrip.py.
"""

from __future__ import annotations

import dataclasses
import io
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import docx
import lxml.html
import pdfplumber
import pytest
from docx.oxml.ns import qn

from gongkai.checker.pipeline import check_bytes
from gongkai.checker.presenters import result_from_json
from gongkai.reports.document import ReportDocument
from gongkai.reports.export import FORMATS_BY_SUFFIX, ExportUnavailable, export, export_format
from gongkai.reports.export.html import render_html
from gongkai.reports.export.jsonexport import LAYOUT, render_json
from gongkai.reports.export.layout import (
    period_sentence,
    report_blocks,
    section2_grid,
    section3_grid,
    section4_grid,
)
from gongkai.reports.export.pdf import MSG_NO_CJK_FONT, MSG_NO_FONTCONFIG, cjk_font_families
from gongkai.reports.findings import Finding
from gongkai.reports.model import FORMATS, RESULT_GROUP, SECTION3_HEADER_NOTE, SECTIONS, TABLES
from gongkai.reports.tables import format_cell
from tests.reports.export_samples import doc_2019, doc_2021, needs_cjk_font

ROOT = Path(__file__).resolve().parents[2]
CJK = re.compile(r"[\u3400-\u9fff]")


def _with(doc: ReportDocument, **changes: object) -> ReportDocument:
    return dataclasses.replace(doc, **changes)  # type: ignore[arg-type]


# ---------------------------------------------------------------------------------------------------
# Layout
# ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "text"),
    [(0, "0"), (15203, "15203"), (-2, "-2"), (0.0125, "0.0125"), (1e-05, "0.00001"), (3567820.5, "3567820.5"),
     (None, ""), ("见附件", "见附件")],
)  # fmt: skip
def test_cell_values_print_as_written(value: int | float | str | None, text: str) -> None:
    assert format_cell(value) == text


def test_a_bool_is_not_a_cell_value() -> None:
    with pytest.raises(TypeError):
        format_cell(True)


@pytest.mark.parametrize("version", ["2019", "2021"])
def test_grids_cover_every_position_with_the_official_merged_cells(version: str) -> None:
    fmt = FORMATS[version]  # type: ignore[index]
    tables = (doc_2019() if version == "2019" else doc_2021()).tables
    g2, g3, g4 = section2_grid(fmt, tables), section3_grid(fmt, tables), section4_grid(fmt, tables)
    for grid in (g2, g3, g4):
        assert all(len(line) == grid.ncols for line in grid.positions())
    # Table 二: a caption row spanning the width before each block.
    assert [c.text for r in g2.rows for c in r if c.colspan == g2.ncols] == [b.caption for b in fmt.section2]
    # Table 三: the header note over 3×3, 三、本年度办理结果 over every outcome row.
    assert (g3.rows[0][0].text, g3.rows[0][0].rowspan, g3.rows[0][0].colspan) == (SECTION3_HEADER_NOTE, 3, 3)
    result = next(c for r in g3.rows for c in r if c.text == RESULT_GROUP)
    assert result.rowspan == sum(1 for r in fmt.section3_rows if r.group is not None)
    assert len(g3.rows) == 3 + len(fmt.section3_rows)
    # Table 四: 3 header rows and one data row of 15 cells.
    assert (len(g4.rows), g4.ncols, len(g4.rows[3])) == (4, 15, 15)
    assert [c.text for c in g4.rows[3]] == [format_cell(v) for vs in tables.section4.values() for v in vs]


def test_blocks_follow_the_six_sections_with_the_tables_and_notes_under_table_2() -> None:
    doc = doc_2019()
    blocks = report_blocks(doc)
    assert blocks[0].kind == "title"
    assert blocks[0].text == "南京市鼓楼区城市管理局2020年政府信息公开工作年度报告"
    assert [b.text for b in blocks if b.kind == "heading"] == [s.heading for s in SECTIONS]
    assert [b.section for b in blocks if b.kind == "table"] == [t.section for t in TABLES]
    i = next(i for i, b in enumerate(blocks) if b.kind == "table")
    assert [b.text for b in blocks[i + 1 : i + 4]] == ["注：", "1." + doc.notes[0], "2." + doc.notes[1]]
    assert blocks[i + 4].kind == "heading"


def test_the_statistics_period_opens_section_1_unless_the_prose_states_it() -> None:
    doc = doc_2021()
    blocks = report_blocks(doc)
    first = next(i for i, b in enumerate(blocks) if b.kind == "heading")
    assert blocks[first + 1].text == period_sentence(2025)
    assert period_sentence(2025) == "本报告中所列数据的统计期限自2025年1月1日起至2025年12月31日止。"
    stated = "本报告所列数据统计期限为2025年1月1日至2025年12月31日。"
    own = _with(doc, sections={**doc.sections, "overview": stated + "\n" + doc.sections["overview"]})
    texts = [b.text for b in report_blocks(own)]
    assert period_sentence(2025) not in texts
    assert texts.count(stated) == 1


def test_lines_under_the_title_say_date_version_and_correction() -> None:
    doc = doc_2021()
    meta = [b.text for b in report_blocks(doc) if b.kind == "meta"]
    assert meta == [
        "发布日期：2026年1月20日",
        "版本：第2版",
        "更正说明：更正了表二中行政处罚的处理决定数量。",
    ]
    draft = _with(doc, published_on=None, version=1, change_note="")
    assert [b for b in report_blocks(draft) if b.kind == "meta"] == []


# ---------------------------------------------------------------------------------------------------
# HTML
# ---------------------------------------------------------------------------------------------------


def test_html_is_a_complete_chinese_page_with_the_official_tables() -> None:
    page = render_html(doc_2021())
    assert page.startswith('<!DOCTYPE html>\n<html lang="zh-CN">')
    assert "<title>杭州市西湖区市场监督管理局2025年政府信息公开工作年度报告</title>" in page
    assert '"Noto Serif CJK SC", "Noto Sans CJK SC", "WenQuanYi Micro Hei", serif' in page
    assert "size: A4" in page
    tree = lxml.html.document_fromstring(page)
    assert [h.text_content() for h in tree.iter("h2")] == [s.heading for s in SECTIONS]
    assert len(tree.findall(".//table")) == 3
    note = tree.xpath("//table[2]//th[@rowspan='3' and @colspan='3']")
    assert [th.text_content() for th in note] == [SECTION3_HEADER_NOTE]
    assert "发布日期：2026年1月20日" in page and "更正说明：" in page


def test_user_text_is_escaped_in_html() -> None:
    doc = doc_2021()
    evil = "<script>alert('x')</script>加强领导 & \"规范\" <b>公开</b>"
    doc = _with(
        doc,
        agency_name="<i>某区</i>市场监督管理局",
        sections={**doc.sections, "problems": evil},
        change_note="</p><script>bad()</script>",
        notes=("<img src=x onerror=alert(1)>",),
    )
    page = render_html(doc)
    assert "<script" not in page and "<img" not in page and "<i>" not in page and "<b>" not in page
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in page
    tree = lxml.html.document_fromstring(page)
    paragraphs = [p.text_content() for p in tree.iter("p")]
    assert evil in paragraphs
    assert "更正说明：</p><script>bad()</script>" in paragraphs
    assert tree.find(".//h1").text_content() == doc.title


def test_the_fragment_is_the_article_only_and_reads_the_same() -> None:
    doc = doc_2021()
    fragment = render_html(doc, standalone=False)
    assert fragment.startswith('<article class="gongkai-report" lang="zh-CN">')
    assert fragment.endswith("</article>")
    assert "<html" not in fragment and "<style" not in fragment and "<!DOCTYPE" not in fragment
    assert fragment in render_html(doc)
    result = check_bytes(fragment.encode(), "fragment.html")
    assert result.report.tables.to_json() == doc.tables.to_json()


# ---------------------------------------------------------------------------------------------------
# Word
# ---------------------------------------------------------------------------------------------------


def _east_asia(run: object) -> str | None:
    rpr = run._element.rPr  # type: ignore[attr-defined]
    return None if rpr is None or rpr.rFonts is None else rpr.rFonts.get(qn("w:eastAsia"))


def test_word_document_has_the_official_look() -> None:
    doc = doc_2021()
    d = docx.Document(io.BytesIO(export(doc, ".docx")))
    section = d.sections[0]
    dims = [section.page_width, section.page_height, section.top_margin, section.bottom_margin]
    dims += [section.left_margin, section.right_margin]
    # A4, the margins of GB/T 9704
    assert [round(x.mm, 1) if x is not None else None for x in dims] == [210, 297, 37, 35, 28, 26]
    paragraphs = [p for p in d.paragraphs if p.text]
    title = paragraphs[0]
    assert title.text == doc.title
    assert title.alignment == 1  # centred
    assert _east_asia(title.runs[0]) == "方正小标宋简体"
    headings = [p for p in paragraphs if p.text in {s.heading for s in SECTIONS}]
    assert [p.text for p in headings] == [s.heading for s in SECTIONS]
    assert {_east_asia(p.runs[0]) for p in headings} == {"黑体"}
    body = next(p for p in paragraphs if p.text == period_sentence(2025))
    assert _east_asia(body.runs[0]) == "仿宋_GB2312"
    indent = body._p.pPr.find(qn("w:ind")) if body._p.pPr is not None else None
    assert indent is not None and indent.get(qn("w:firstLineChars")) == "200"
    assert len(d.tables) == 3
    assert {t.style.name if t.style is not None else None for t in d.tables} == {"Table Grid"}
    # Table 三's header note: one cell spanning three columns and three rows.
    first = d.tables[1]._tbl.tr_lst[0].tc_lst[0]
    properties = first.tcPr
    assert properties is not None and properties.gridSpan is not None and properties.vMerge is not None
    assert properties.gridSpan.val == 3 and properties.vMerge.val == "restart"
    assert d.tables[1].cell(0, 0).text == SECTION3_HEADER_NOTE
    footer = section.footer._element.xml
    assert "PAGE" in footer and "fldChar" in footer


def test_control_characters_in_the_prose_do_not_break_the_word_file() -> None:
    doc = doc_2021()
    doc = _with(doc, sections={**doc.sections, "problems": "一是公开\x0b不及时\x07。"})
    d = docx.Document(io.BytesIO(export(doc, ".docx")))
    assert "一是公开不及时。" in [p.text for p in d.paragraphs]


# ---------------------------------------------------------------------------------------------------
# JSON
# ---------------------------------------------------------------------------------------------------


def _schema(value: object) -> object:
    """The keys of a JSON value, recursively (the values of tables are not part of the schema)."""
    if isinstance(value, dict):
        return {k: _schema(v) for k, v in value.items()} if "section2" not in value else sorted(value)
    if isinstance(value, list):
        return [_schema(v) for v in value[:1]]
    return None


def test_json_has_exactly_the_checkers_schema() -> None:
    doc = doc_2021()
    checked = check_bytes(export(doc, ".html"), "report.html")
    assert checked.findings  # the blank 规章 row is noted, so findings have their full shape below
    data = render_json(doc, checked.findings, path="杭州.json")
    assert _schema(data) == _schema(checked.to_json())
    assert data["path"] == "杭州.json"
    assert data["kind"] == "annual_report" and data["format"] == "2021" and data["year"] == 2025
    assert data["agency"] == "杭州市西湖区市场监督管理局"
    assert data["layout"] == LAYOUT == "gongkai"
    assert data["period"] == {"start": "2025-01-01", "end": "2025-12-31"}
    assert data["tables"] == doc.tables.to_json()
    assert data["findings"] == [f.to_json() for f in checked.findings]
    # What the checker's pages load back from JSON gives the same JSON.
    assert result_from_json(data).to_json() == data


def test_json_export_is_utf8_indented_and_not_ascii_escaped() -> None:
    doc = doc_2019()
    finding = Finding("cell.blank", "warning", "表二“行政强制”行为空白。", section="proactive")
    raw = export(doc, ".json", findings=[finding])
    assert "南京市鼓楼区城市管理局".encode() in raw
    assert raw.startswith(b'{\n  "path": ""')
    data = json.loads(raw.decode("utf-8"))
    assert data == render_json(doc, [finding])
    assert data["findings"][0]["message"] == "表二“行政强制”行为空白。"
    assert data["tables"]["section2"]["procurement"] == {"items": 14, "amount": 3567820.5}
    assert render_json(doc)["findings"] == []


def test_the_json_layout_value_is_documented() -> None:
    doc = (ROOT / "docs" / "check-json.md").read_text(encoding="utf-8")
    assert f'`"{LAYOUT}"`' in doc


# ---------------------------------------------------------------------------------------------------
# Dispatch
# ---------------------------------------------------------------------------------------------------


def test_formats_by_suffix() -> None:
    assert list(FORMATS_BY_SUFFIX) == [".docx", ".pdf", ".html", ".json"]
    assert export_format("DOCX") is export_format(".docx") is FORMATS_BY_SUFFIX[".docx"]
    assert FORMATS_BY_SUFFIX[".pdf"].content_type == "application/pdf"
    assert export(doc_2019(), ".HTML").startswith(b"<!DOCTYPE html>")


@pytest.mark.parametrize(("suffix", "shown"), [(".xyz", ".xyz"), ("doc", ".doc"), ("", "（空）")])
def test_an_unknown_suffix_is_refused_in_chinese(suffix: str, shown: str) -> None:
    with pytest.raises(ValueError) as exc:
        export(doc_2019(), suffix)
    assert str(exc.value) == f"不支持的导出格式 {shown}，请使用 .docx、.pdf、.html 或 .json"


# ---------------------------------------------------------------------------------------------------
# PDF
# ---------------------------------------------------------------------------------------------------


@needs_cjk_font
def test_pdf_embeds_a_chinese_font_for_every_chinese_character() -> None:
    data = export(doc_2021(), ".pdf")
    fonts: set[str] = set()
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        assert len(pdf.pages) >= 2
        assert pdf.metadata.get("Title") == doc_2021().title
        for page in pdf.pages:
            for ch in page.chars:
                if CJK.match(ch["text"]):
                    fonts.add(ch["fontname"])
    assert fonts, "no Chinese character in the PDF's text layer"
    # Tofu would be a Latin font (DejaVu) without the glyphs; a subset font name is "ABCDEF+Name".
    for name in fonts:
        assert re.fullmatch(r"[A-Z]{6}\+.*(CJK|WenQuanYi|WQY).*", name, re.IGNORECASE), fonts


@needs_cjk_font
@pytest.mark.skipif(shutil.which("pdffonts") is None, reason="no pdffonts (apt-get install poppler-utils)")
def test_pdffonts_lists_the_chinese_fonts_as_embedded(tmp_path: Path) -> None:
    path = tmp_path / "report.pdf"
    path.write_bytes(export(doc_2019(), ".pdf"))
    out = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    rows = [line.split() for line in out.splitlines()[2:] if line.strip()]
    cjk = [row for row in rows if re.search(r"CJK|WenQuanYi|WQY", row[0], re.IGNORECASE)]
    assert cjk, out
    for row in cjk:
        assert row[-5:-3] == ["yes", "yes"], out  # emb, sub


def _fontconfig_without_cjk(tmp_path: Path) -> Path:
    """A fontconfig configuration that knows only the DejaVu fonts (no Chinese)."""
    config = tmp_path / "fonts.conf"
    config.write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n<fontconfig>\n'
        "  <dir>/usr/share/fonts/truetype/dejavu</dir>\n"
        f"  <cachedir>{tmp_path / 'fc-cache'}</cachedir>\n</fontconfig>\n",
        encoding="utf-8",
    )
    return config


@pytest.mark.skipif(shutil.which("fc-list") is None, reason="fontconfig's fc-list is not installed")
def test_without_a_chinese_font_pdf_export_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FONTCONFIG_FILE", str(_fontconfig_without_cjk(tmp_path)))
    assert cjk_font_families() == []
    with pytest.raises(ExportUnavailable) as exc:
        export(doc_2021(), ".pdf")
    assert str(exc.value) == MSG_NO_CJK_FONT
    assert "fonts-noto-cjk" in str(exc.value)


@needs_cjk_font
def test_without_the_check_weasyprint_would_print_tofu(tmp_path: Path) -> None:
    """Why the check exists: under the same configuration WeasyPrint prints Chinese without a Chinese font."""
    script = (
        "import io, pdfplumber, weasyprint\n"
        "data = weasyprint.HTML(string='<html lang=\"zh-CN\"><p>政府信息公开</p></html>').write_pdf()\n"
        "with pdfplumber.open(io.BytesIO(data)) as pdf:\n"
        "    print(sorted({c['fontname'] for c in pdf.pages[0].chars}))\n"
    )
    env = {"FONTCONFIG_FILE": str(_fontconfig_without_cjk(tmp_path)), "PATH": "/usr/bin:/bin"}
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, check=True)
    assert "CJK" not in proc.stdout and proc.stdout.startswith("[")


def test_without_fc_list_pdf_export_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))  # an empty directory: no fc-list
    with pytest.raises(ExportUnavailable) as exc:
        export(doc_2021(), ".pdf")
    assert str(exc.value) == MSG_NO_FONTCONFIG


def test_without_weasyprints_libraries_pdf_export_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "weasyprint", None)  # import weasyprint → ImportError
    with pytest.raises(ExportUnavailable) as exc:
        export(doc_2021(), ".pdf")
    assert "libpango-1.0-0" in str(exc.value) and str(exc.value).startswith("无法生成 PDF")
