from __future__ import annotations

import io
from datetime import date
from typing import Any

import docx
import pytest
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt

from gongkai.letters.context import SAMPLE_OUTCOME_BY_GROUP, LetterContext, expand_basis, outcome_fields
from gongkai.letters.kinds import LetterKind
from gongkai.letters.render import letter_filename, render_letter, render_text
from gongkai.letters.source import TemplateOrigin, TemplateSource
from gongkai.statute.outcomes import OUTCOMES
from tests.letters.helpers import docx_text, docx_xml

pytestmark = pytest.mark.django_db

NUMBER = "示范县人民政府办公室依申请公开〔2026〕12号"
CITED = {
    LetterKind.RECEIPT: ["第三十一条", "第三十三条", "20个工作日", "查询码为K7QM-9XD4"],
    LetterKind.CORRECTION: ["第三十条", "一次性告知", "2026年3月20日", "视为放弃申请"],
    LetterKind.EXTENSION: ["第三十三条第二款", "工作机构负责人同意", "延长20个工作日", "2026年4月28日"],
    LetterKind.THIRD_PARTY: ["第三十二条", "15个工作日", "由本机关依照"],
    LetterKind.CO_PRODUCER: ["第三十四条", "15个工作日", "视为同意公开"],
    LetterKind.FEE: ["国办函〔2020〕109号", "按量计收", "4700", "次日起20个工作日内", "视为放弃申请"],
}
ANSWER_CITED = {
    "granted": "第三十六条第二项",
    "partial": "第三十七条",
    "denied": "第十六条第二款、第三十六条第三项",
    "unable": "第三十六条第四项",
    "rejected": "第三十六条第六项",
    "other": "第三十条",
}
ADDRESSEE = {
    LetterKind.THIRD_PARTY: "示范县某某建筑工程有限公司",
    LetterKind.CO_PRODUCER: "示范县住房和城乡建设局",
}


def east_asian_font(element: Any) -> str | None:
    """The w:eastAsia font of a run's or a style's w:rPr."""
    fonts = element.xpath("./w:rPr/w:rFonts/@w:eastAsia")
    return str(fonts[0]) if fonts else None


def _cn(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def assert_no_template_syntax(text: str) -> None:
    for token in ("{{", "}}", "{%", "%}", "{#", "None"):
        assert token not in text


@pytest.mark.parametrize("kind", [k for k in LetterKind if k != LetterKind.ANSWER])
def test_every_kind_renders_from_its_sample(kind: LetterKind) -> None:
    letter = render_letter(LetterContext.sample(kind))
    text = docx_text(letter.docx)
    assert letter.title == kind.label
    assert text.splitlines()[0] == kind.label
    assert NUMBER in text and letter.number == NUMBER
    assert text.splitlines()[-2:] == ["示范县人民政府办公室", _cn(LetterContext.sample(kind).issued_on)]
    assert ADDRESSEE.get(kind, "张三") in text
    for cited in CITED[kind]:
        assert cited in text, cited
    assert_no_template_syntax(text)


@pytest.mark.parametrize("group", list(SAMPLE_OUTCOME_BY_GROUP))
def test_every_answer_group_renders_from_its_sample(group: str) -> None:
    context = LetterContext.sample(LetterKind.ANSWER, SAMPLE_OUTCOME_BY_GROUP[group])
    assert context.outcome_group == group
    letter = render_letter(context)
    text = docx_text(letter.docx)
    assert letter.title == "政府信息公开申请答复书"
    assert NUMBER in text and "张三" in text and "示范县人民政府办公室" in text
    assert ANSWER_CITED[group] in text
    assert "申请行政复议" in text
    assert_no_template_syntax(text)


@pytest.mark.parametrize("outcome", OUTCOMES, ids=[o.key for o in OUTCOMES])
def test_every_outcome_prints_its_article(outcome: object) -> None:
    key = outcome.key  # type: ignore[attr-defined]
    basis = outcome.basis  # type: ignore[attr-defined]
    text = render_text(LetterContext.sample(LetterKind.ANSWER, key))
    if basis.startswith(("条例", "《")):
        assert expand_basis(basis) in text
    assert_no_template_syntax(text)
    if key == "unable_not_responsible":
        assert "示范县自然资源局（地址：示范县建设路2号；电话：0000-7654321）" in text
    if key == "withdrawn":
        assert "申请行政复议" not in text


def test_a_denial_after_2024_names_reconsideration_first_and_offers_no_direct_suit() -> None:
    context = LetterContext.sample(LetterKind.ANSWER, "denied_state_secret").replace(
        issued_on=date(2024, 1, 1)
    )
    text = docx_text(render_letter(context).docx)
    assert "应当先申请行政复议" in text and "第二十三条第一款第四项" in text
    assert "六个月" not in text and "第四十六条" not in text
    before = docx_text(render_letter(context.replace(issued_on=date(2023, 12, 31))).docx)
    assert "先申请行政复议" not in before and "六个月内" in before


def test_a_partial_disclosure_after_2024_needs_reconsideration_first_for_the_withheld_part() -> None:
    text = render_text(LetterContext.sample(LetterKind.ANSWER, "partially_granted"))
    assert (
        "如对上述决定中不予公开的部分不服，依照《中华人民共和国行政复议法》第二十三条第一款第四项的规定，"
        "应当先申请行政复议" in text
    )
    assert "特此告知：对不予公开的部分，未经行政复议不能向人民法院提起行政诉讼。" in text
    # The disclosed part keeps the choice.
    assert "如对上述决定的其他部分不服" in text and "六个月内" in text


def test_the_docx_layout() -> None:
    letter = render_letter(LetterContext.sample(LetterKind.ANSWER, "denied_process_info"))
    document = docx.Document(io.BytesIO(letter.docx))
    section = document.sections[0]
    width, height, left = section.page_width, section.page_height, section.left_margin
    assert width is not None and height is not None and left is not None
    assert (round(width.mm), round(height.mm)) == (210, 297)
    assert round(left.cm, 1) == 2.8
    title, number = document.paragraphs[0], document.paragraphs[1]
    assert title.alignment == WD_ALIGN_PARAGRAPH.CENTER
    assert title.runs[0].bold and title.runs[0].font.size == Pt(18)
    assert east_asian_font(title.runs[0]._element) == "宋体"
    assert number.alignment == WD_ALIGN_PARAGRAPH.RIGHT and number.text == NUMBER
    salutation = next(p for p in document.paragraphs if p.text == "张三：")
    assert salutation.paragraph_format.first_line_indent is None
    body = next(p for p in document.paragraphs if p.text.startswith("本机关于"))
    run = body.runs[0]
    assert run.font.size == Pt(16)
    assert east_asian_font(run._element) == "仿宋"
    assert body._p.xpath("./w:pPr/w:ind/@w:firstLineChars") == ["200"]
    assert document.paragraphs[-2].text == "示范县人民政府办公室"
    assert document.paragraphs[-1].text == "2026年3月20日"
    assert document.paragraphs[-1].alignment == WD_ALIGN_PARAGRAPH.RIGHT
    assert east_asian_font(document.styles["Normal"].element) == "仿宋"
    assert document.core_properties.title == "政府信息公开申请答复书"
    assert document.core_properties.author == "示范县人民政府办公室"


def test_user_values_round_trip_as_literal_text() -> None:
    hostile = "<script>&\"'"
    context = LetterContext.sample(LetterKind.ANSWER, "denied_process_info").replace(
        applicant_name=hostile,
        description="第一行\x00\x0b\x1f\ufffe第二行",
        reasons="{{ applicant_name }} {% if %} 原样",
        number="某某〔2026〕1号\x07",
    )
    letter = render_letter(context)
    text = docx_text(letter.docx)
    assert f"{hostile}：" in text
    assert "“第一行第二行”" in text
    assert "{{ applicant_name }} {% if %} 原样" in text  # values are not templates
    assert "某某〔2026〕1号" in text
    assert "&lt;script&gt;&amp;" in docx_xml(letter.docx)
    assert f"{hostile}：" in render_text(context)


def test_a_value_cannot_become_a_heading_and_line_breaks_survive() -> None:
    context = LetterContext.sample(LetterKind.CORRECTION).replace(
        applicant_name="# 张三", correction_items="一、写明文号；\n二、写明年度。\r\n\r\n三、写明制作机关。"
    )
    letter = render_letter(context)
    assert letter.blocks[0].style == "flush" and letter.blocks[0].text == "# 张三："
    assert "一、写明文号；\n二、写明年度。" in letter.paragraphs
    assert "三、写明制作机关。" in letter.paragraphs
    document = docx.Document(io.BytesIO(letter.docx))
    paragraph = next(p for p in document.paragraphs if p.text.startswith("一、"))
    assert paragraph._p.xpath(".//w:br")


def test_markers_lay_out_headings_flush_and_right_lines() -> None:
    source = TemplateSource(
        "{{ applicant_name }}的文书",
        "# 一、事项\n正文第一行\n正文第二行\n\n< 顶格\n\n> 右对齐\n\n\n\n{% if reasons %}{% endif %}",
        TemplateOrigin.SITE,
    )
    letter = render_letter(LetterContext.sample(LetterKind.RECEIPT), template=source)
    assert letter.title == "张三的文书"
    assert [(b.style, b.text) for b in letter.blocks] == [
        ("heading", "一、事项"),
        ("body", "正文第一行\n正文第二行"),
        ("flush", "顶格"),
        ("right", "右对齐"),
    ]
    document = docx.Document(io.BytesIO(letter.docx))
    heading = next(p for p in document.paragraphs if p.text == "一、事项")
    assert heading.alignment == WD_ALIGN_PARAGRAPH.CENTER


def test_render_text_is_the_same_letter() -> None:
    context = LetterContext.sample(LetterKind.EXTENSION)
    text = render_text(context)
    letter = render_letter(context)
    assert text.startswith(f"{letter.title}\n\n{NUMBER}\n\n张三：\n\n")
    for paragraph in letter.paragraphs:
        assert paragraph in text
    assert text.rstrip().endswith("示范县人民政府办公室\n2026年3月25日")


def test_file_names() -> None:
    assert letter_filename(LetterKind.CORRECTION, NUMBER) == "补正告知书-〔2026〕12号.docx"
    assert letter_filename(LetterKind.ANSWER, "") == "答复书.docx"
    assert letter_filename(LetterKind.ANSWER, 'a/b\\c:"d"*?<>|\x00 e') == "答复书-a_b_c_d_e.docx"
    assert letter_filename("nonsense", "〔2026〕1号") == "文书-〔2026〕1号.docx"
    assert render_letter(LetterContext.sample(LetterKind.FEE)).filename == "收费通知书-〔2026〕12号.docx"


def test_a_context_fills_only_what_a_kind_needs() -> None:
    context = LetterContext(
        kind=LetterKind.ANSWER, applicant_name="李四", **outcome_fields("unable_not_held")
    )
    text = render_text(context)
    assert "李四：" in text and "第三十六条第四项" in text
    assert_no_template_syntax(text)


def test_a_letter_rendered_twice_is_the_same_file_whatever_the_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    """A retried render job must make the very same file: no member of the zip carries the clock's time."""
    import time

    context = LetterContext.sample(LetterKind.RECEIPT)
    first = render_letter(context).docx
    real_localtime = time.localtime
    monkeypatch.setattr(time, "localtime", lambda secs=None: real_localtime(1_000_000_000))
    assert render_letter(context).docx == first
    assert docx_text(first).splitlines()[0] == LetterKind.RECEIPT.label
