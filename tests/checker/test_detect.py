"""Tests of ``gongkai.checker.detect``: kind, year, agency, period and sections of every file of the
development material (``tests/fixtures``: seeds and reports), plus the tricky rules in isolation.

Pure pytest (no Django).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import NamedTuple

import pytest

from gongkai.checker.detect import Metadata, detect_metadata
from gongkai.checker.source import CELL
from gongkai.reports.model import SECTIONS
from gongkai.reports.normalize import normalize_text

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
SEEDS = FIXTURES / "seeds"
REPORTS = FIXTURES / "reports"
SIX = [s.key for s in SECTIONS]


class Expected(NamedTuple):
    #: What the parser reports for the file: it found table 二/三/四 of the official formats.
    tables: bool
    kind: str
    year: int | None
    agency: str | None
    period: tuple[str, str] | None = None


#: Keyed by the file name's prefix ("seeds/000", "reports/002", …).
EXPECTED: dict[str, Expected] = {
    "seeds/000": Expected(True, "annual_report", 2021, "团坝镇"),
    "seeds/001": Expected(True, "annual_report", 2019, "樟树市自然资源局"),
    "seeds/002": Expected(False, "legacy_report", 2019, "鹅公镇", ("2018-01-01", "2019-12-31")),
    "seeds/003": Expected(True, "annual_report", 2020, "新习镇"),
    "seeds/004": Expected(False, "not_a_report", None, None),
    "reports/002": Expected(True, "annual_report", 2019, "平潭综合实验区", ("2019-01-01", "2019-12-31")),
    "reports/004": Expected(True, "annual_report", 2021, "平潭综合实验区", ("2021-01-01", "2021-12-31")),
    "reports/006": Expected(True, "annual_report", 2023, "平潭综合实验区", ("2023-01-01", "2023-12-31")),
    "reports/009": Expected(False, "legacy_report", 2018, "平潭综合实验区", ("2018-01-01", "2018-12-31")),
    # A 函 filed in the 年报 column; the agency is the letter's signature.
    "reports/011": Expected(False, "not_a_report", 2014, "平潭综合实验区管委会办公室"),
    "reports/012": Expected(True, "annual_report", 2025, "测试市", ("2025-01-01", "2025-12-31")),
    # "我办"; the text only says "区政府办公室" (generic).
    "reports/015": Expected(True, "annual_report", 2022, None),
    # "我局"; the bureau is never named.
    "reports/016": Expected(True, "annual_report", 2022, None),
    # Title "关于2022年度政府信息公开情况的报告" has no agency; the overview's subject names it.
    "reports/021": Expected(True, "annual_report", 2022, "二道区房屋征收工作管理办公室"),
    # Title "政府政务公开年报", "我镇", no name.
    "reports/022": Expected(True, "annual_report", 2019, None),
    "reports/025": Expected(True, "annual_report", 2023, "官洲街道办事处"),
    # Cut before the tables: an annual report by its title.
    "reports/026": Expected(
        False, "annual_report", 2023, "义乌市廿三里街道办事处", ("2023-01-01", "2023-12-31")
    ),
    "reports/031": Expected(
        True, "annual_report", 2020, "孝感市人民政府办公室", ("2020-01-01", "2020-12-31")
    ),
    "reports/034": Expected(False, "annual_report", 2020, "广东省人民政府"),
    "reports/036": Expected(True, "annual_report", 2024, None, ("2024-01-01", "2024-12-31")),
    # No agency and no year anywhere; cut inside table 二 (the parser finds no table): an annual report by
    # its official headings and the table's caption.
    "reports/041": Expected(False, "annual_report", None, None),
}


def _html_text(data: bytes) -> str:
    try:
        from gongkai.checker.readers import read_bytes
    except ImportError:
        text = data.decode("utf-8")
        text = re.sub(r"(?is)<table.*?</table>", "\n", text)
        return re.sub(r"<[^>]+>", "\n", text)
    return str(read_bytes(data, "report.html").text)


def prose_of(path: Path) -> str:
    """The prose the parser gives detect_metadata: normalised text without table rows."""
    text = _html_text(path.read_bytes()) if path.suffix == ".html" else path.read_text(encoding="utf-8")
    text = normalize_text(text)
    return "\n".join(line for line in text.split("\n") if CELL not in line)


def _material() -> list[Path]:
    return sorted(p for folder in (SEEDS, REPORTS) for p in folder.iterdir() if p.name[:3].isdigit())


def _key(path: Path) -> str:
    return f"{path.parent.name}/{path.name[:3]}"


def _detect(key: str) -> Metadata:
    folder, number = key.split("/")
    (path,) = (FIXTURES / folder).glob(f"{number}_*")
    return detect_metadata(prose_of(path), EXPECTED[key].tables)


# ---------------------------------------------------------------------------------------------
# Every file of the material
# ---------------------------------------------------------------------------------------------


def test_every_material_file_has_an_expectation() -> None:
    assert sorted(_key(p) for p in _material()) == sorted(EXPECTED)


@pytest.mark.parametrize("path", _material(), ids=_key)
def test_material_file(path: Path) -> None:
    exp = EXPECTED[_key(path)]
    md = detect_metadata(prose_of(path), exp.tables)
    assert (md.kind, md.year, md.agency) == (exp.kind, exp.year, exp.agency)
    period = (md.period_start, md.period_end) if md.period_start else None
    assert period == exp.period


@pytest.mark.parametrize("key", ["reports/002", "reports/004", "reports/006"])
def test_squashed_reports_are_annual_reports_by_their_text_alone(key: str) -> None:
    folder, number = key.split("/")
    (path,) = (FIXTURES / folder).glob(f"{number}_*")
    md = detect_metadata(prose_of(path), has_official_tables=False)
    assert md.kind == "annual_report"
    assert md.section_order == SIX


def test_seed_003_duplicated_and_numberless_headings() -> None:
    md = _detect("seeds/003")
    assert md.section_order == ["overview", *SIX]  # "、总体情况" then "一、总体情况"
    assert list(md.sections) == SIX
    # The duplicated title block is merged into the overview, whose real text follows it.
    assert "加强组织领导" in md.sections["overview"]
    assert md.sections["other"] == "2020年新习镇无需要报告的其他事项。"


def test_seed_002_legacy_report() -> None:
    md = _detect("seeds/002")
    assert (md.period_start, md.period_end) == ("2018-01-01", "2019-12-31")
    assert md.title == "鹅公镇2019年政府信息公开工作年度报告"
    # 三、政府信息依申请公开情况 is its applications section; 四、…收费及减免情况 ends it.
    assert md.sections["applications"] == "全镇无依申请公开的政府信息。"
    assert md.section_order == ["overview", "proactive", "applications", "appeals", "problems"]


def test_squashed_report_sections_skip_table_row_labels() -> None:
    md = _detect("reports/002")
    assert md.section_order == SIX
    # "三、本年度办理结果" and "四、结转下年度继续办理" stay inside the applications section.
    assert "三、本年度办理结果" in md.sections["applications"]
    assert md.sections["applications"].rstrip().endswith("四、结转下年度继续办理 0 0 00 00 0")
    assert md.sections["other"] == "无其他需要报告的事项"


def test_crawler_header_title() -> None:
    md = _detect("reports/009")
    assert md.title == "平潭综合实验区2018年度政府信息公开工作年度报告"
    assert "统计表" not in md.sections["problems"]  # 六、…统计表 ends the problems section


# ---------------------------------------------------------------------------------------------
# The rules, one by one
# ---------------------------------------------------------------------------------------------

REPORT = """XX县2021年政府信息公开工作年度报告
本报告包括总体情况、主动公开政府信息情况、收到和处理政府信息公开申请情况、政府信息公开行政复议、\
行政诉讼情况、存在的主要问题及改进情况、其他需要报告的事项。
一、总体情况
2021年,全县认真贯彻条例。
(一)主动公开
主动公开信息100条。
二、主动公开政府信息情况
三、收到和处理政府信息公开申请情况
一、本年新收政府信息公开申请数量 0
二、上年结转政府信息公开申请数量 0
三、本年度办理结果 0
四、结转下年度继续办理 0
四、政府信息公开行政复议、行政诉讼情况
五、存在的主要问题及改进情况
问题。
六、其他需要报告的事项
无。"""


def test_preamble_list_and_subheadings_are_not_headings() -> None:
    md = detect_metadata(REPORT, has_official_tables=True)
    assert md.section_order == SIX
    assert md.sections["overview"] == "2021年,全县认真贯彻条例。\n(一)主动公开\n主动公开信息100条。"


def test_table_row_labels_are_not_headings() -> None:
    md = detect_metadata(REPORT, has_official_tables=True)
    assert md.sections["applications"].splitlines() == [
        "一、本年新收政府信息公开申请数量 0",
        "二、上年结转政府信息公开申请数量 0",
        "三、本年度办理结果 0",
        "四、结转下年度继续办理 0",
    ]


def test_preamble_list_alone_gives_no_sections() -> None:
    text = "本报告包括总体情况、主动公开政府信息情况、收到和处理政府信息公开申请情况等六部分。"
    assert detect_metadata(text, has_official_tables=False).section_order == []


def test_inline_headings_in_squashed_text() -> None:
    text = (
        "截至12月31日止。一、总体情况2019年,在省政府领导下,我区认真工作。二、主动公开政府信息情况 "
        "第二十条第(一)项信息内容规章000三、收到和处理政府信息公开申请情况一、本年新收政府信息公开申请数量"
        "230 000023四、结转下年度继续办理0000000四、政府信息公开行政复议、行政诉讼情况行政复议000"
    )
    md = detect_metadata(text, has_official_tables=True)
    assert md.section_order == ["overview", "proactive", "applications", "appeals"]
    assert md.sections["overview"] == "2019年,在省政府领导下,我区认真工作。"


def test_heading_variants_and_spaces() -> None:
    text = (
        "一、 总 体 情 况\n甲\n五、存在问题及改进情况\n乙\n"
        "四、因政府信息公开工作被申请行政复议提起行政诉讼情况\n丙"
    )
    md = detect_metadata(text, has_official_tables=True)
    assert md.section_order == ["overview", "problems", "appeals"]
    assert md.sections == {"overview": "甲", "problems": "乙", "appeals": "丙"}


def test_publication_and_upload_dates_are_not_the_year() -> None:
    text = (
        "标题: 某某工作总结\n发布时间: 2020-01-20 15:22\n==================== 正文 ====================\n"
        "格式:DOC 上传日期:2023-11-26 17:19:09\n一年来,我镇认真工作。"
    )
    md = detect_metadata(text, has_official_tables=False)
    assert md.year is None
    assert md.kind == "not_a_report"


def test_report_year_is_not_the_signature_date() -> None:
    text = "新习镇2019年政府信息公开工作年度报告\n一、总体情况\n工作。\n新习镇人民政府\n2020年1月15日"
    md = detect_metadata(text, has_official_tables=True)
    assert (md.year, md.agency) == (2019, "新习镇")


@pytest.mark.parametrize(
    ("text", "year"),
    [
        ("孝感市人民政府办公室\n2020年政府信息公开工作年度报告\n正文", 2020),
        ("关于2022年度政府信息公开情况的报告\n一、总体情况\n2021年,我办工作。", 2022),
        ("本报告所列数据的统计期限自2018年1月1日起至2019年12月31日止。", 2019),
        ("现将2019年度政府信息公开工作年度报告公布如下:", 2019),
        ("根据条例,现公布我局2022年政府信息公开工作年度报告。", 2022),
        ("一、总体情况\n2021年,我镇认真执行条例。", 2021),
        ("一、总体情况\n各级政府部门积极主动公开信息。", None),
    ],
)
def test_year_sources(text: str, year: int | None) -> None:
    assert detect_metadata(text, has_official_tables=True).year == year


@pytest.mark.parametrize(
    ("text", "period"),
    [
        ("统计期限自2018年1月1日起至2019年12月31日止", ("2018-01-01", "2019-12-31")),
        ("数据统计期限为2025年1月1日至12月31日。", ("2025-01-01", "2025-12-31")),
        ("统计时间为2020年1月1日至2020年12月31日。", ("2020-01-01", "2020-12-31")),
        ("统计期限 是 2023 年 1 月 1 日 起 至 2023 年 12 月 31 日 止", ("2023-01-01", "2023-12-31")),
        ("统计期限为2023年2月30日至12月31日", (None, None)),  # not a date
        ("2023年1月1日至12月31日,我镇工作。", (None, None)),  # not stated as the statistics period
    ],
)
def test_statistics_period(text: str, period: tuple[str | None, str | None]) -> None:
    md = detect_metadata(text, has_official_tables=True)
    assert (md.period_start, md.period_end) == period


@pytest.mark.parametrize(
    ("text", "agency"),
    [
        # title: the text before the year
        ("鹅公镇2019年政府信息公开工作年度报告\n正文", "鹅公镇"),
        ("标题: 平潭综合实验区2019年度政府信息公开工作年度报告\n正文", "平潭综合实验区"),
        ("根据条例,现公开孝感市人民政府办公室2020年政府信息公开工作年度报告。", "孝感市人民政府办公室"),
        # a proper name ending in the unit word the text calls itself by
        ("我镇认真执行条例,推进团坝镇政务公开工作健康发展。我镇已实现镇村联通。", "团坝镇"),
        ("我局把中国樟树政府网站和樟树市自然资源局门户网站作为主要平台。", "樟树市自然资源局"),
        ("我区在和平区政府网站公开信息。", "和平区"),
        # generic phrases or no self-reference: None
        ("2022年,区政府办公室认真贯彻执行条例。现将我办2022年度政府信息公开情况报告如下:", None),
        ("政府政务公开年报\n2019年,我镇认真贯彻落实条例。全镇主动公开信息66条。", None),
        ("本机关认真贯彻条例,团坝镇政务公开工作健康发展。", None),
        ("2021年,全省各级行政机关认真贯彻条例。", None),
    ],
)
def test_agency_sources(text: str, agency: str | None) -> None:
    assert detect_metadata(text, has_official_tables=True).agency == agency


def test_numberless_heading_only_at_line_start() -> None:
    text = "甲、总体情况乙\n、总体情况\n丙"
    md = detect_metadata(text, has_official_tables=True)
    assert md.section_order == ["overview"]
    assert md.sections["overview"] == "丙"


def test_legacy_report_by_its_2007_headings() -> None:
    text = (
        "某某镇2019年政府信息公开工作年度报告\n一、概述\n甲\n二、主动公开政府信息情况\n乙\n"
        "三、依申请公开政府信息情况\n丙\n四、政府信息公开收费及减免情况\n丁\n"
        "五、因政府信息公开申请行政复议、提起行政诉讼的情况\n戊\n六、存在的主要问题及改进措施\n己"
    )
    md = detect_metadata(text, has_official_tables=False)
    assert md.kind == "legacy_report"
    assert md.sections["applications"] == "丙"  # the fee section ends it
    # The official tables override the wording.
    assert detect_metadata(text, has_official_tables=True).kind == "annual_report"


def test_a_report_on_a_year_before_2019_is_legacy() -> None:
    text = "某某市2017年政府信息公开工作年度报告\n一、概述\n甲\n二、主动公开政府信息情况\n乙"
    assert detect_metadata(text, has_official_tables=False).kind == "legacy_report"


def test_mentioning_the_annual_report_does_not_make_a_report() -> None:
    text = (
        "乡镇政务信息公开工作总结(模板20篇)\n一年来,我镇认真工作。行政机关应当在每年3月31日前公布本行政机关的"
        "政府信息公开工作年度报告。\n二、主动公开政府信息的情况。\n三、依申请公开政府信息的情况。"
    )
    md = detect_metadata(text, has_official_tables=False)
    assert (md.kind, md.year, md.agency) == ("not_a_report", None, None)


def test_official_table_caption_with_two_headings_makes_an_annual_report() -> None:
    text = "一、总体情况\n(一)主动公开\n甲\n二、主动公开政府信息情况\n第二十条第(一)项\n信息内容"
    assert detect_metadata(text, has_official_tables=False).kind == "annual_report"
    assert (
        detect_metadata(text.replace("第二十条第(一)项", ""), has_official_tables=False).kind
        == "not_a_report"
    )


def test_official_headings_without_tables_make_an_annual_report() -> None:
    assert detect_metadata(REPORT, has_official_tables=False).kind == "annual_report"
    without_title = REPORT.split("\n", 1)[1]
    assert detect_metadata(without_title, has_official_tables=False).kind == "annual_report"


@pytest.mark.parametrize("text", ["", "\n\n", "一、", "、", "标题:", "2019年", "现将"])
def test_degenerate_input_does_not_crash(text: str) -> None:
    md = detect_metadata(text, has_official_tables=False)
    assert md.kind == "not_a_report"
    assert md.sections == {} and md.section_order == []
