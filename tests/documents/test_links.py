"""Finding a year's report among a column's links (gongkai.documents.links), on HTML shaped like real
government sites' columns (TRS and Hanweb list pages, article pages with attachments)."""

from __future__ import annotations

import datetime

import pytest

from gongkai.documents.links import (
    Candidate,
    article_attachments,
    find_report_links,
    is_file_url,
    next_page_links,
    normalize_title,
    page_attachments,
    report_year,
)

BASE = "http://www.example.gov.cn/col/col1229/index.html"

#: A TRS-style 年报 column: the report, older reports and things that are not the report.
TRS_LIST = """<!DOCTYPE html><html><head><meta charset="utf-8"><title>年度报告</title></head><body>
<div class="nav"><a href="../../">首页</a> &gt; <a href="../">政府信息公开</a> &gt; 年度报告</div>
<ul class="list">
  <li><a href="./202601/t20260120_4821.html" target="_blank"
         title="某市自然资源和规划局2025年政府信息公开工作年度报告">某市自然资源和规划局2025年政府信息公开工…</a>
      <span>2026-01-20</span></li>
  <li><a href="./202601/t20260121_4822.html">《某市自然资源和规划局2025年政府信息公开工作年度报告》解读</a>
      <span>2026-01-21</span></li>
  <li><a href="./202501/t20250118_3001.html">某市自然资源和规划局2024年政府信息公开工作年度报告</a>
      <span>2025-01-18</span></li>
  <li><a href="./202503/t20250302_3102.html">某市自然资源和规划局2025年政务公开工作要点</a>
      <span>2025-03-02</span></li>
  <li><a href="./202601/t20260110_4700.html">2025年政府信息公开统计数据</a><span>2026-01-10</span></li>
  <li><a href="./202512/t20251201_4600.html">关于做好2025年度政府信息公开工作年度报告编制和发布工作的通知</a>
      <span>2025-12-01</span></li>
  <li><a href="javascript:void(0)">政府信息公开工作年度报告</a></li>
</ul>
<div class="page"><script>createPageHTML(4, 0, "index", "html");</script></div>
</body></html>"""

#: A Hanweb-style column: a table, the date in the next cell, article URLs by date.
HANWEB_TABLE = """<html><body><table width="100%">
<tr><td class="bt"><a href="/art/2026/1/25/art_2001_77.html" title="某县财政局2025年度政府信息公开工作报告"
   target="_blank">某县财政局2025年度政府信息公开工作报告</a></td><td class="bt_time">2026/01/25</td></tr>
<tr><td class="bt"><a href="/art/2025/1/20/art_2001_12.html">某县财政局2024年度政府信息公开工作报告</a></td>
   <td class="bt_time">2025/01/20</td></tr>
</table>
<div><a href="/col/col2001/index.html?uid=5&amp;pageNum=2">下一页</a></div></body></html>"""


def urls(candidates: list[Candidate]) -> list[str]:
    return [c.url for c in candidates]


def test_the_years_report_among_other_years_plans_statistics_notices_and_readings() -> None:
    found = find_report_links(TRS_LIST, BASE, 2025)
    assert urls(found) == ["http://www.example.gov.cn/col/col1229/202601/t20260120_4821.html"]
    report = found[0]
    assert (
        report.title == "某市自然资源和规划局2025年政府信息公开工作年度报告"
    )  # from title=, the text is cut
    assert report.year == 2025
    assert report.published_on == datetime.date(2026, 1, 20)
    assert not report.is_file


def test_last_years_report_is_found_for_last_year() -> None:
    found = find_report_links(TRS_LIST, BASE, 2024)
    assert urls(found) == ["http://www.example.gov.cn/col/col1229/202501/t20250118_3001.html"]
    assert found[0].published_on == datetime.date(2025, 1, 18)


def test_a_year_with_no_report() -> None:
    assert find_report_links(TRS_LIST, BASE, 2023) == []


def test_the_date_in_the_next_table_cell() -> None:
    found = find_report_links(HANWEB_TABLE, "http://www.example.gov.cn/col/col2001/index.html", 2025)
    assert urls(found) == ["http://www.example.gov.cn/art/2026/1/25/art_2001_77.html"]
    assert found[0].published_on == datetime.date(2026, 1, 25)


@pytest.mark.parametrize(
    ("row", "date"),
    [
        ("<span>2026-01-20</span>", datetime.date(2026, 1, 20)),
        ("<span>2026/1/20</span>", datetime.date(2026, 1, 20)),
        ("<span>2026.01.20</span>", datetime.date(2026, 1, 20)),
        ("<em>2026年1月20日</em>", datetime.date(2026, 1, 20)),
        ("<span>[01-20]</span>", datetime.date(2026, 1, 20)),
        ("<span>（01-20）</span>", datetime.date(2026, 1, 20)),
        ("<span>２０２６－０１－２０</span>", datetime.date(2026, 1, 20)),
        ("<span>2026-02-30</span>", None),  # no such day
        ("", None),
    ],
)
def test_the_date_written_next_to_a_link(row: str, date: datetime.date | None) -> None:
    page = f'<ul><li><a href="r.html">某局2025年政府信息公开工作年度报告</a>{row}</li></ul>'
    (found,) = find_report_links(page, BASE, 2025)
    assert found.published_on == date


@pytest.mark.parametrize(
    "title",
    [
        "某县民政局2025年政府信息公开工作年度报告",
        "2025年度政府信息公开工作报告",
        "关于某县民政局2025年政府信息公开工作年度报告的公告",
        "某县人民政府办公室2025年度政府信息公开年报",
        "２０２５年某县民政局政府信息公开工作年度报告",
        "某縣民政局2025年政府資訊公開工作年度報告",
        "某县民政局二〇二五年政府信息公开工作年度报告",
        "某县民政局2025年政务公开工作年度报告",
        "某 县 民 政 局 2025 年 政府信息公开 工作年度报告",
        "某县民政局2025年度报告",
        "关于印发某县民政局2025年政府信息公开工作年度报告的通知",
        "2025年年度报告",
    ],
)
def test_the_ways_real_columns_title_the_report(title: str) -> None:
    page = f'<ul><li><a href="r.html">{title}</a><span>2026-01-20</span></li></ul>'
    (found,) = find_report_links(page, BASE, 2025)
    assert found.year == 2025
    assert found.title == " ".join(title.split())


@pytest.mark.parametrize(
    "title",
    [
        "某县民政局2024年政府信息公开工作年度报告",
        "某县民政局2025年政务公开工作要点",
        "某县2025年政府信息公开统计数据",
        "关于做好2025年政府信息公开工作年度报告编制工作的通知",
        "关于报送2025年度政府信息公开工作年度报告的通知",
        "图解：某县民政局2025年政府信息公开工作年度报告",
        "某县民政局2025年政府信息公开工作年度报告解读",
        "某县民政局政府信息公开指南",
        "某县民政局2025年工作总结",
        "某县2025年度法治政府建设年度报告",
        "某县2025年国民经济和社会发展统计公报",
        "某县民政局2025年部门决算报告",
        "政府信息公开工作年度报告",  # no year, no date: not known to be this year's
    ],
)
def test_links_that_are_not_the_years_report(title: str) -> None:
    page = f'<ul><li><a href="r.html">{title}</a></li>'
    page += f'<li><a href="s.html">{title}</a><span>2025-01-10</span></li></ul>'
    assert find_report_links(page, BASE, 2025) == []


def test_links_side_by_side_take_the_date_after_each() -> None:
    page = """<div class="list">
      <a href="a.html">某县2024年政府信息公开工作年度报告</a> 2025-01-20<br>
      <a href="b.html">某县2025年政府信息公开工作年度报告</a> <font color="#999">2026-01-22</font><br>
      <a href="c.html">某县2025年政务公开工作要点</a> 2025-03-01<br>
    </div>"""
    (found,) = find_report_links(page, BASE, 2025)
    assert found.url.endswith("/b.html") and found.published_on == datetime.date(2026, 1, 22)


def test_a_title_without_a_year_is_taken_from_the_date_with_a_lower_score() -> None:
    page = """<ul>
      <li><a href="a.html">某县民政局政府信息公开工作年度报告</a><span>2026-01-22</span></li>
      <li><a href="b.html">某县民政局2025年政府信息公开工作年度报告</a><span>2026-01-23</span></li>
      <li><a href="c.html">某县民政局政府信息公开工作年度报告</a><span>2025-01-22</span></li>
    </ul>"""
    found = find_report_links(page, BASE, 2025)
    assert [c.url.rsplit("/", 1)[1] for c in found] == ["b.html", "a.html"]
    assert found[1].year is None and found[0].score > found[1].score


@pytest.mark.parametrize(
    "href",
    [
        "/upload/2026/01/P020260120123456.pdf",
        "W020260120.DOC",
        "report.docx",
        "报告.wps",
        "files/report.ofd",
        "/module/download/downfile.jsp?classid=0&filename=2025年报.pdf",
    ],
)
def test_links_straight_to_the_file(href: str) -> None:
    page = f'<li><a href="{href}">某县2025年政府信息公开工作年度报告</a> [01-20]</li>'
    (found,) = find_report_links(page, BASE, 2025)
    assert found.is_file and is_file_url(found.url)


def test_relative_links_follow_the_base_element() -> None:
    page = """<html><head><base href="http://cdn.example.gov.cn/gk/"></head><body>
      <a href="nb/r.html">某县2025年政府信息公开工作年度报告</a> 2026-01-20</body></html>"""
    (found,) = find_report_links(page, BASE, 2025)
    assert found.url == "http://cdn.example.gov.cn/gk/nb/r.html"


def test_one_candidate_per_url_keeping_the_best() -> None:
    page = """<div><a href="r.html"><img src="x.png"></a>
      <ul><li><a href="r.html#top">某县2025年政府信息公开工作年度报告</a>
      <span>2026-01-20</span></li></ul></div>"""
    found = find_report_links(page, BASE, 2025)
    assert urls(found) == ["http://www.example.gov.cn/col/col1229/r.html"]


@pytest.mark.parametrize(
    "page", ["", "   ", "<html></html>", "\x00\x01 not html", "<a href='http://[::1'>x</a>"]
)
def test_pages_with_nothing(page: str) -> None:
    assert find_report_links(page, BASE, 2025) == []
    assert next_page_links(page, BASE) == []


def test_titles_are_normalised() -> None:
    assert normalize_title("某縣２０２５年 政府資訊公開") == "某县2025年政府信息公开"
    assert normalize_title("二〇二五年度报告") == "2025年度报告"
    assert report_year("关于2026年1月发布某县2025年政府信息公开工作年度报告的公告") == 2025
    assert report_year("政府信息公开工作年度报告") is None


# -- pagination -----------------------------------------------------------------------------------------


def test_trs_pager_script() -> None:
    assert next_page_links(TRS_LIST, BASE) == ["http://www.example.gov.cn/col/col1229/index_1.html"]
    second = TRS_LIST.replace(
        'createPageHTML(4, 0, "index", "html")', 'createPageHTML(4, 1, "index", "html")'
    )
    base2 = "http://www.example.gov.cn/col/col1229/index_1.html"
    assert next_page_links(second, base2) == ["http://www.example.gov.cn/col/col1229/index_2.html"]
    last = TRS_LIST.replace('createPageHTML(4, 0, "index", "html")', 'createPageHTML(4, 3, "index", "html")')
    assert next_page_links(last, "http://www.example.gov.cn/col/col1229/index_3.html") == []


def test_a_next_page_link() -> None:
    assert next_page_links(HANWEB_TABLE, "http://www.example.gov.cn/col/col2001/index.html") == [
        "http://www.example.gov.cn/col/col2001/index.html?uid=5&pageNum=2"
    ]


@pytest.mark.parametrize(
    ("base", "pager", "expected"),
    [
        (
            "http://a.gov.cn/gk/nb/index.html",
            '<a href="index.html">1</a><a href="index_1.html">2</a><a href="index_2.html">3</a>',
            "http://a.gov.cn/gk/nb/index_1.html",
        ),
        (
            "http://a.gov.cn/gk/nb/index_1.html",
            '<a href="index.html">1</a><a href="index_1.html">2</a><a href="index_2.html">3</a>',
            "http://a.gov.cn/gk/nb/index_2.html",
        ),
        (
            "http://a.gov.cn/gk/nb/",
            '<a href="index_1.shtml">2</a>',
            "http://a.gov.cn/gk/nb/index_1.shtml",
        ),
        (
            "http://a.gov.cn/list?page=2",
            '<a href="?page=1">1</a><a href="?page=3">3</a>',
            "http://a.gov.cn/list?page=3",
        ),
        ("http://a.gov.cn/list", '<a href="list?page=2">2</a>', "http://a.gov.cn/list?page=2"),
        (
            "http://a.gov.cn/list",
            '<a href="list?page=5">末页</a><a href="list?page=2">下页</a>',
            "http://a.gov.cn/list?page=2",
        ),
        ("http://a.gov.cn/list", '<a href="/list/p2"> 下一页 </a>', "http://a.gov.cn/list/p2"),
    ],
)
def test_common_pagination_patterns(base: str, pager: str, expected: str) -> None:
    assert next_page_links(f"<div class='page'>{pager}</div>", base)[0] == expected


def test_the_last_page_has_no_next_page() -> None:
    pager = '<a href="index.html">首页</a><a href="index_1.html">上一页</a><span>下一页</span>'
    assert next_page_links(pager, "http://a.gov.cn/gk/nb/index_2.html") == []


# -- article pages ----------------------------------------------------------------------------------------

SIDEBAR = (
    '<div class="side"><a href="/files/sqb.doc">政府信息公开申请表</a><a href="/zn.pdf">公开指南</a></div>'
)


def article(content: str) -> str:
    return f'<html><body><div class="content">{content}</div>{SIDEBAR}</body></html>'


REPORT_TEXT = (
    "<p>一、总体情况</p><p>……</p><p>二、主动公开政府信息情况</p><table><tr><td>规章</td></tr></table>"
    "<p>三、收到和处理政府信息公开申请情况</p><p>四、政府信息公开行政复议、行政诉讼情况</p>"
    "<p>五、存在的主要问题及改进情况</p><p>六、其他需要报告的事项</p>"
)


def test_an_html_report_has_no_attachments() -> None:
    assert article_attachments(article(REPORT_TEXT), "http://a.gov.cn/art/1.html") is None


def test_an_article_that_links_the_report_file() -> None:
    page = article('<p>全文见附件。</p><p>附件：<a href="/upload/P020260125.pdf">P020260125.pdf</a></p>')
    found = article_attachments(page, "http://a.gov.cn/art/1.html")
    assert found is not None and urls(found) == ["http://a.gov.cn/upload/P020260125.pdf"]
    assert found[0].is_file


def test_the_named_report_file_comes_first() -> None:
    page = article(
        '<p>附件：<a href="a.xls">附表.xls</a></p>'
        '<p><a href="r.docx">某县2025年政府信息公开工作年度报告.docx</a></p>'
    )
    found = article_attachments(page, "http://a.gov.cn/art/1.html")
    assert found is not None and urls(found)[0] == "http://a.gov.cn/art/r.docx"


def test_an_embedded_pdf_viewer() -> None:
    page = article('<iframe src="/pdfjs/web/viewer.html?file=/upload/report.pdf"></iframe>')
    found = article_attachments(page, "http://a.gov.cn/art/1.html")
    assert found is not None
    assert urls(found) == ["http://a.gov.cn/pdfjs/web/viewer.html?file=/upload/report.pdf"]
    page = article('<embed src="/upload/report.pdf" type="application/pdf">')
    assert urls(article_attachments(page, "http://a.gov.cn/art/1.html") or []) == [
        "http://a.gov.cn/upload/report.pdf"
    ]


def test_the_html_report_wins_over_an_unnamed_file() -> None:
    page = article(REPORT_TEXT + '<p><a href="/upload/scan.pdf">原件扫描件.pdf</a></p>')
    assert article_attachments(page, "http://a.gov.cn/art/1.html") is None


def test_the_named_report_file_wins_over_the_html_text() -> None:
    page = article(REPORT_TEXT + '<p><a href="/upload/r.pdf">2025年政府信息公开工作年度报告（PDF版）</a></p>')
    assert urls(article_attachments(page, "http://a.gov.cn/art/1.html") or []) == [
        "http://a.gov.cn/upload/r.pdf"
    ]


def test_a_column_read_in_a_limited_child() -> None:
    from gongkai.documents.isolated import run_isolated
    from gongkai.documents.links import read_column

    body = TRS_LIST.replace('<meta charset="utf-8">', '<meta charset="gb2312">').encode("gb18030")
    reading = run_isolated(read_column, body, "text/html", BASE, 2025)
    assert urls(reading.candidates) == ["http://www.example.gov.cn/col/col1229/202601/t20260120_4821.html"]
    assert reading.next_pages == ["http://www.example.gov.cn/col/col1229/index_1.html"]
    found = run_isolated(page_attachments, article('<a href="r.pdf">附件1</a>').encode(), "text/html", BASE)
    assert urls(found or []) == ["http://www.example.gov.cn/col/col1229/r.pdf"]
