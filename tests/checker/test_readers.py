"""gongkai.checker.readers: every input kind and text layout to the Source form (no Django).

The .docx fixtures are built here with python-docx; the PDF fixtures are minimal PDFs written by hand
(standard Type1 font Helvetica, ruling lines for the table) — reportlab is not a dependency.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gongkai.checker.readers import read_bytes, read_text
from gongkai.checker.source import CELL, Source, UnreadableFile
from tests.pdfs import one_page_pdf

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
NEW = "一、本年新收政府信息公开申请数量"


def _shared(rel: str) -> Path:
    matches = sorted(FIXTURES.glob(rel))
    assert matches, f"fixture missing: {rel}"
    return matches[0]


def _read_shared(rel: str) -> Source:
    path = _shared(rel)
    return read_bytes(path.read_bytes(), path.name)


def row(*cells: str) -> str:
    return "".join(c + CELL for c in cells)


def rows(source: Source) -> list[list[str]]:
    return [line.split(CELL)[:-1] for line in source.text.split("\n") if CELL in line]


def row_starting(source: Source, label: str) -> list[str]:
    found = [r for r in rows(source) if r and r[0].replace(" ", "") == label]
    assert found, f"no row starting with {label!r}"
    return found[0]


def assert_contract(source: Source) -> None:
    """Every line is prose or a row; cells hold no newline/CELL and are stripped."""
    for line in source.text.split("\n"):
        if CELL in line:
            assert line.endswith(CELL)
            for cell in line.split(CELL)[:-1]:
                assert cell == cell.strip()


# -- plain text layouts on the real material -----------------------------------------------------


def test_seed_000_pipes_traditional_with_glosses() -> None:
    s = _read_shared("seeds/000_*.txt")
    assert (s.file_kind, s.layout) == ("text", "pipes")
    lines = s.text.split("\n")
    assert row("规章", "0", "0", "0") in lines
    assert row("信息内容", "本年制发件数", "本年废止件数", "现行有效件数") in lines
    # caption "第二十條第(一)項(xiàng) | |||": gloss removed, the filler fields kept as empty cells
    assert row("第二十条第(一)项", "", "", "") in lines
    assert row("行政许可", "0", "", "") in lines
    assert "在县委、县政府的正确领导下" in s.text
    assert "(lǐng)" not in s.text
    assert row_starting(s, NEW) == [NEW] + ["0"] * 7 + ["", ""]
    assert row_starting(s, "(三)不予公开")[:3] == ["(三)不予 公开", "1.属于国家秘密", "0"]
    assert_contract(s)


def test_seed_001_cell_per_line() -> None:
    s = _read_shared("seeds/001_*.txt")
    assert (s.file_kind, s.layout) == ("text", "cell_per_line")
    lines = s.text.split("\n")
    assert row("行政事业性收费", "3", "0") in lines
    assert row("第二十条第(一)项") in lines
    assert row("信息内容", "本年新制作数量", "本年新公开数量", "对外公开数量") in lines
    assert row("规章", "0", "0", "0") in lines
    assert row_starting(s, "政府集中采购") == [
        "政府集中采购",
        "电脑(6台)空调(1台)打印机(3台),高拍仪(2台)办公室(2张)椅子(7把)",
        "47888元",
    ]
    assert row_starting(s, "一、本年新收政府信息公开申请数量")[1:] == ["0"] * 7
    assert_contract(s)


def test_seed_003_tabs() -> None:
    s = _read_shared("seeds/003_*.txt")
    assert (s.file_kind, s.layout) == ("text", "tabs")
    # the label spans two columns in the original: its filler is an empty tab field, kept
    assert row_starting(s, NEW) == [NEW, ""] + ["0"] * 7
    # trailing empty fields at the end of a line are dropped
    assert row("第二十条第(一)项") in s.text.split("\n")
    assert row("规章", "0", "0", "0") in s.text.split("\n")
    assert_contract(s)


def test_seed_002_free_text_is_plain() -> None:
    s = _read_shared("seeds/002_*.txt")
    assert (s.layout, CELL in s.text) == ("plain", False)


def test_seed_004_web_page_reads_as_text() -> None:
    s = _read_shared("seeds/004_*.txt")
    assert s.file_kind == "text"
    assert "乡镇度政务信息公开工作总结" in s.text


def test_report_021_keeps_empty_cells() -> None:
    s = _read_shared("reports/021_*.txt")
    assert s.layout == "cell_per_line"
    assert row("一、本年新收政府信息公开申请数量", "56", "", "", "", "", "", "56") in s.text.split("\n")
    # table 二 rows written with no separator are split at their labels
    assert row("规章", "0", "0", "0") in s.text.split("\n")
    assert row("行政规范性文件", "0", "0", "0") in s.text.split("\n")
    assert row("信息内容", "本年制发件数", "本年废止件数", "现行有效件数") in s.text.split("\n")
    # "18 | | | | | | | |" then a label: the last bare "|" ends the row (7 cells: 18 and six blanks)
    assert row_starting(s, "三、本年度办理结果") == ["三、本年度办理结果", "(一)予以公开", "18"] + [""] * 6
    assert_contract(s)


def test_report_015_bar_lines_separate_rows() -> None:
    s = _read_shared("reports/015_*.txt")
    assert s.layout == "cell_per_line"
    lines = s.text.split("\n")
    assert row("第二十条第(一)项") in lines
    assert row("规章", "0", "0", "") in lines  # the report's 规章 row has only two of three values
    assert row("行政规范性文件", "5", "12", "8") in lines
    assert row("一、本年新收政府信息公开申请数量", "8", "0", "0", "0", "0", "0", "8") in lines


def test_report_022_pipes_extra_trailing_cell() -> None:
    s = _read_shared("reports/022_*.txt")
    assert s.layout == "pipes"
    assert row("规范性文件", "15", "15", "15", "") in s.text.split("\n")


def test_report_025_pipes() -> None:
    s = _read_shared("reports/025_*.txt")
    assert s.layout == "pipes"
    assert row("行政处罚", "1472") in s.text.split("\n")
    assert row_starting(s, "三、本年度办理结果")[:3] == ["三、本年度办理结果", "(一)予以公开", "0"]


def test_report_036_traditional_pipes() -> None:
    s = _read_shared("reports/036_*.txt")
    assert s.layout == "pipes"
    assert row("信息内容", "本年制发件数", "本年废止件数", "现行有效件数") in s.text.split("\n")
    assert row("行政强制", "0", "", "") in s.text.split("\n")


def test_report_041_prose_then_cells() -> None:
    s = _read_shared("reports/041_*.txt")
    assert s.layout == "cell_per_line"
    assert row("第二十条第(一)项", "信息内容") not in s.text.split("\n")
    assert s.text.startswith("一、总体情况\n")


@pytest.mark.parametrize("rel", ["reports/002_*.txt", "reports/004_*.txt", "reports/006_*.txt"])
def test_squashed_reports(rel: str) -> None:
    s = _read_shared(rel)
    assert (s.file_kind, s.layout) == ("text", "squashed")
    assert CELL not in s.text
    assert "本年新收政府信息公开申请数量" in s.text


@pytest.mark.parametrize("rel", ["reports/011_*.txt", "reports/034_*.txt"])
def test_prose_reports_plain(rel: str) -> None:
    assert _read_shared(rel).layout == "plain"


def test_report_026_glitched_traditional() -> None:
    s = _read_shared("reports/026_*.txt")
    assert "本报告所列数据的统计期限为2023年1月1日至12月31日" in s.text


# -- small synthetic text layouts ----------------------------------------------------------------


def test_pipes_edges() -> None:
    s = read_text("标题\n| a | b |\n规章 | 0 |  | 2 |\nx|y\n||||\n")
    assert s.text.split("\n") == ["标题", row("a", "b"), row("规章", "0", "", "2"), row("x", "y"), ""]
    assert s.layout == "pipes"


def test_cell_per_line_rules() -> None:
    text = "\n".join(
        [
            "前言",
            "第二十条第(一)项 | |||",
            "信息内容 |",
            "本年制发件数 |",
            "||",
            "规章 |",
            "|",
            "3 |",
            "|",
            "|",
            "行政规范性文件 |",
            "5 |",
            "结语",
        ]
    )
    s = read_text(text)
    assert s.text.split("\n") == [
        "前言",
        row("第二十条第(一)项"),
        row("信息内容", "本年制发件数"),
        row("规章", "", "3", ""),
        row("行政规范性文件", "5"),
        "结语",
    ]
    assert s.layout == "cell_per_line"


def test_tabs_keep_inner_and_leading_empties() -> None:
    s = read_text("正文\n\t自然人\t\t总计\t\t\n一、本年新收政府信息公开申请数量\t5\t\t5\n")
    assert s.text.split("\n") == [
        "正文",
        row("", "自然人", "", "总计"),
        row("一、本年新收政府信息公开申请数量", "5", "", "5"),
        "",
    ]
    assert s.layout == "tabs"


def test_indented_prose_with_tab_is_not_a_table() -> None:
    s = read_text("\t一、总体情况\n二、主动公开政府信息情况\t\n正文")
    assert (s.text, s.layout) == ("一、总体情况\n二、主动公开政府信息情况\n正文", "plain")


def test_squashed_detection() -> None:
    assert read_text("三、收到和处理\n一、本年新收政府信息公开申请数量230 000023").layout == "squashed"
    assert read_text("本年新收政府信息公开申请数量为23件").layout == "plain"


def test_layout_follows_section3_table_when_mixed() -> None:
    text = "首页 | 政务公开 | 年报\n" * 3 + "一、本年新收政府信息公开申请数量\t1\t0\t0\t0\t0\t0\t1\n"
    assert read_text(text).layout == "tabs"


def test_input_cell_marker_is_removed() -> None:
    s = read_bytes("a\x1fb\n规章 | 0 |".encode())
    assert s.text.split("\n") == ["ab", row("规章", "0")]


# -- encodings -----------------------------------------------------------------------------------


def test_gb18030_text_decodes() -> None:
    text = "政府信息公开工作年度报告\n规章 | 0 | 0 | 0 |\n"
    s = read_bytes(text.encode("gb18030"), "report.txt")
    assert s.text.split("\n")[:2] == ["政府信息公开工作年度报告", row("规章", "0", "0", "0")]


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-16", "utf-16-le", "utf-32"])
def test_bom_and_utf16(encoding: str) -> None:
    s = read_bytes("政府信息公開\r\n規章 | 0 |".encode(encoding))
    assert s.text == "政府信息公开\n" + row("规章", "0")


def test_big_text_traditional_from_gbk_html_meta() -> None:
    html = '<html><head><meta charset="gbk"></head><body><p>政府信息公開</p></body></html>'
    s = read_bytes(html.encode("gbk"))
    assert (s.file_kind, s.text) == ("html", "政府信息公开")


# -- refused inputs ------------------------------------------------------------------------------


def _refused(data: bytes, filename: str = "") -> str:
    with pytest.raises(UnreadableFile) as info:
        read_bytes(data, filename)
    message = str(info.value)
    assert any("\u4e00" <= ch <= "\u9fff" for ch in message), message
    return message


def test_doc_ole_refused() -> None:
    data = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600 + "WordDocument".encode("utf-16-le")
    # an OLE file that names a Word stream but holds none: LibreOffice cannot convert it
    assert _refused(data, "report.doc") == (
        "旧版 Word（.doc）或 WPS（.wps）文件无法转换，可能已损坏；"
        "请在 Word 或 WPS 中打开并另存为 .docx 后重试"
    )
    # the magic decides, not the suffix
    assert ".doc" in _refused(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "report.txt")


def test_xls_ole_refused() -> None:
    data = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600 + "Workbook".encode("utf-16-le")
    assert "Excel" in _refused(data, "x.xls")


def test_png_refused() -> None:
    assert "图片（PNG）" in _refused(b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 40, "a.png")


def test_docx_zip_bomb_refused_from_its_directory() -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("word/document.xml", bytes(51 * 2**20))  # 51 MB of XML in about 50 KB
    assert _refused(out.getvalue(), "report.docx") == (
        "Word（.docx）文件解压后过大（可能是“压缩炸弹”），无法读取；请在 Word 中另存为 .docx 后重试"
    )


def test_bmp_refused_as_an_image() -> None:
    assert "图片（BMP）" in _refused(b"BM" + bytes(4) + bytes(4) + b"\x36\x00\x00\x00" + bytes(40), "a.bmp")


def test_jpeg_refused() -> None:
    assert "图片" in _refused(b"\xff\xd8\xff\xe0" + b"\x00" * 40)


def test_empty_file_refused() -> None:
    assert "空" in _refused(b"", "empty.txt")
    assert "没有任何文字" in _refused(b" \n\r\n\t ", "blank.txt")


def test_random_bytes_refused() -> None:
    import random

    rng = random.Random(1234)
    data = bytes(rng.randrange(256) for _ in range(4096))
    assert "无法识别" in _refused(data, "x.txt")


def test_xlsx_and_other_zip_refused() -> None:
    def zipped(names: list[str]) -> bytes:
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w") as zf:
            for name in names:
                zf.writestr(name, "x")
        return buf.getvalue()

    assert "Excel" in _refused(zipped(["[Content_Types].xml", "xl/workbook.xml"]), "a.xlsx")
    assert "压缩包" in _refused(zipped(["a.txt"]), "a.zip")


def test_corrupt_docx_refused() -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("word/document.xml", "<not xml")
    assert "已损坏" in _refused(buf.getvalue(), "bad.docx")
    assert "已损坏" in _refused(b"PK\x03\x04garbage" * 10, "bad.docx")


def test_corrupt_pdf_refused() -> None:
    message = _refused(b"%PDF-1.4\n garbage \x00\x01\x02" * 20, "bad.pdf")
    assert "PDF" in message


# -- HTML ----------------------------------------------------------------------------------------


def test_report_012_html() -> None:
    s = _read_shared("reports/012_*.html")
    assert (s.file_kind, s.layout) == ("html", "html")
    lines = s.text.split("\n")
    assert "一、本年新收政府信息公开申请数量\x1f13612\x1f252\x1f0\x1f45\x1f128\x1f32\x1f14069\x1f" in lines
    # colspan/rowspan cells written once
    assert row("行政许可", "11398889") in lines
    assert row("三、本年度办理结果", "(一)予以公开", "5345", "129", "0", "41", "19", "14", "5548") in lines
    assert row("2.其他法律行政法规禁止公开", "30", "0", "0", "0", "0", "0", "30") in lines
    # real empty <td> cells are kept
    assert row("", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "") in lines
    # the <title> (not in the body) is kept as the first line; prose is read in order
    assert lines[0] == "测试市2025年政府信息公开工作年度报告"
    assert lines.index("二、主动公开政府信息情况") < lines.index(row("规章", "3", "5", "74"))
    assert_contract(s)


def test_html_noise_breaks_and_cells() -> None:
    html = """<!DOCTYPE html><html><head><title>测试页面</title><style>p{}</style></head><body>
    <nav>首页 政务公开</nav><script>var a = "脚本";</script>
    <div>第一段<br>第二行</div><p>政府信息
    公开 report</p>
    <table><thead><tr><th>信息内容</th><th>本年制发<br/>件数</th><th>Total<br>count</th></tr></thead>
    <tbody><tr><td rowspan="2">规章</td><td>1</td><td></td></tr>
    <tr><td colspan="2">&nbsp;2&nbsp;</td></tr></tbody></table>
    <p style="display:none">隐藏</p><!-- 注释 --><p>結&#x675F;</p></body></html>"""
    s = read_bytes(html.encode(), "page.html")
    assert s.text.split("\n") == [
        "测试页面",
        "第一段",
        "第二行",
        "政府信息公开 report",
        row("信息内容", "本年制发件数", "Total count"),
        row("规章", "1", ""),
        row("2"),
        "结束",
    ]
    assert s.layout == "html"


def test_html_layout_table_is_flattened() -> None:
    html = (
        "<html><body><table><tr><td><p>报告正文</p>"
        "<table><tr><td>规章</td><td>0</td></tr></table></td></tr></table></body></html>"
    )
    s = read_bytes(html.encode())
    assert s.text.split("\n") == ["报告正文", row("规章", "0")]


def test_html_without_tables_reports_text_layout() -> None:
    s = read_bytes("<p>一、本年新收政府信息公开申请数量230 000023</p>".encode())
    assert (s.file_kind, s.layout) == ("html", "squashed")


# -- DOCX ----------------------------------------------------------------------------------------


def _docx_bytes() -> bytes:
    import docx

    document = docx.Document()
    document.add_paragraph("二、主動公開政府信息情況")
    table = document.add_table(rows=4, cols=4)
    # header: a cell spanning all four columns (gridSpan) …
    caption = table.cell(0, 0).merge(table.cell(0, 3))
    caption.text = "第二十條第（一）項"
    for j, text in enumerate(["信息內容", "本年制發件數", "本年廢止件數", "現行有效件數"]):
        table.cell(1, j).text = text
    # … and a label spanning two rows (vMerge restart/continue)
    label = table.cell(2, 0).merge(table.cell(3, 0))
    label.text = "規章"
    for j, text in enumerate(["1", "", "3"], start=1):
        table.cell(2, j).text = text
    for j, text in enumerate(["4", "5", "6"], start=1):
        table.cell(3, j).text = text
    cell = table.cell(1, 1)
    cell.add_paragraph("（單位：件）")  # a second paragraph in a cell joins without space after CJK
    document.add_paragraph("三、收到和處理政府信息公開申請情況")
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()


def test_docx_merged_cells_written_once() -> None:
    s = read_bytes(_docx_bytes(), "report.docx")
    assert (s.file_kind, s.layout) == ("docx", "docx")
    assert s.text.split("\n") == [
        "二、主动公开政府信息情况",
        row("第二十条第(一)项"),
        row("信息内容", "本年制发件数(单位:件)", "本年废止件数", "现行有效件数"),
        row("规章", "1", "", "3"),
        row("4", "5", "6"),
        "三、收到和处理政府信息公开申请情况",
    ]


def test_docx_sniffed_by_content_not_suffix() -> None:
    assert read_bytes(_docx_bytes(), "download.bin").file_kind == "docx"


def test_docx_without_text_refused() -> None:
    import docx

    buf = io.BytesIO()
    docx.Document().save(buf)
    assert "没有任何文字" in _refused(buf.getvalue(), "empty.docx")


# -- PDF (hand-written minimal PDFs) -------------------------------------------------------------


def _pdf(content: bytes) -> bytes:
    return one_page_pdf(content)


def _text(x: float, y: float, s: str) -> bytes:
    return b"BT /F1 10 Tf %.1f %.1f Td (%s) Tj ET\n" % (x, y, s.encode("latin-1"))


def _table_pdf() -> bytes:
    # A 3-column table: row 0 is one caption cell spanning all columns; rows 1–2 have 3 cells each.
    xs = [50, 200, 350, 500]
    ys = [700, 680, 660, 640]
    c = bytearray(b"0.5 w\n")
    for y in ys:  # horizontal rules
        c += b"%d %d m %d %d l S\n" % (xs[0], y, xs[-1], y)
    for x in (xs[0], xs[-1]):  # outer verticals, full height
        c += b"%d %d m %d %d l S\n" % (x, ys[0], x, ys[-1])
    for x in xs[1:-1]:  # inner verticals below the caption row only
        c += b"%d %d m %d %d l S\n" % (x, ys[1], x, ys[-1])
    c += _text(50, 750, "Annual report 2021")
    c += _text(55, 686, "Caption 20-1")
    for j, s in enumerate(["Rules", "0", "12"]):
        c += _text(xs[j] + 5, 666, s)
    for j, s in enumerate(["Normative", "5", ""]):
        if s:
            c += _text(xs[j] + 5, 646, s)
    c += _text(50, 600, "After the table")
    return _pdf(bytes(c))


def test_pdf_tables_and_prose_in_order() -> None:
    s = read_bytes(_table_pdf(), "report.pdf")
    assert (s.file_kind, s.layout) == ("pdf", "pdf")
    assert s.text.split("\n") == [
        "Annual report 2021",
        row("Caption 20-1"),  # the spanned positions (None) are not written
        row("Rules", "0", "12"),
        row("Normative", "5", ""),  # a real empty cell stays
        "After the table",
    ]


def test_pdf_without_text_layer_refused() -> None:
    scan = _pdf(b"0.5 w\n50 700 m 500 700 l S\n")
    assert _refused(scan, "scan.pdf") == (
        "该 PDF 没有文字层（可能是扫描件），无法读取；请提供带文字的 PDF 或 Word 文件"
    )


def test_pdf_prose_only_is_plain() -> None:
    s = read_bytes(_pdf(_text(50, 700, "Hello 2021") + _text(50, 680, "Second line")))
    assert (s.text, s.layout) == ("Hello 2021\nSecond line", "plain")


# -- robustness ----------------------------------------------------------------------------------

_TEXTISH = st.text(
    alphabet=st.sampled_from(list("规章一、(三)0123 |\t\n\r\u3000\u00a0領(lǐng)a\x1f|")), max_size=200
)


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=400))
def test_any_bytes_give_a_source_or_unreadable(data: bytes) -> None:
    try:
        source = read_bytes(data, "x.txt")
    except UnreadableFile as exc:
        assert str(exc)
    else:
        assert_contract(source)


@settings(max_examples=300, deadline=None)
@given(_TEXTISH)
def test_any_text_respects_the_contract(text: str) -> None:
    source = read_text(text)
    assert_contract(source)
    assert source.layout in ("pipes", "tabs", "cell_per_line", "squashed", "plain")
    assert "\r" not in source.text
    assert not any("\t" in cell for r in rows(source) for cell in r)
