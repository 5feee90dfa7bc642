"""Sample annual reports (``ReportDocument``) for the export tests: one per official format, with realistic
prose that does not contradict the tables (the checker compares figures stated in the prose with them).

* 2019 format (国办公开办函〔2019〕60号), report on 2020: table 二 in the 2019 columns, entered by hand
  (the notes say so), with a negative 本年增/减 and a procurement amount with decimals;
* 2021 format (〔2021〕30号), report on 2025: a fee amount of 0.0125 万元 (4 decimals), blank cells
  (an agency without rule-making power leaves 规章 blank), a correction (version 2, change note) and a
  prose sentence stating the number of applications received, consistent with table 三.
"""

from __future__ import annotations

import datetime

import pytest

from gongkai.reports.document import ReportDocument
from gongkai.reports.export import ExportUnavailable
from gongkai.reports.export.pdf import cjk_font_families
from gongkai.reports.model import FORMATS, SECTION3_APPLICANT_COLUMNS, FormatVersion
from gongkai.reports.tables import Cell, Tables


def _cjk_font_installed() -> bool:
    try:
        return bool(cjk_font_families())
    except ExportUnavailable:
        return False


#: PDF tests need a Chinese font (``./dev test`` installs fonts-noto-cjk when it can).
needs_cjk_font = pytest.mark.skipif(
    not _cjk_font_installed(), reason="no Chinese font for WeasyPrint (apt-get install fonts-noto-cjk)"
)

AGENCY_2019 = "南京市鼓楼区城市管理局"
AGENCY_2021 = "杭州市西湖区市场监督管理局"


def section3(
    version: FormatVersion, outcomes: dict[str, list[int]], carried_over: list[int]
) -> dict[str, list[Cell]]:
    """A consistent table 三 from the outcome rows (six applicant columns each) and 上年结转:
    三（七） is the sum of the outcomes, 四 (结转下年度) what remains, 一 (本年新收) follows from
    一 + 二 = 三（七） + 四, and every row's 总计 is the sum of its six applicant columns."""
    fmt = FORMATS[version]
    n = len(SECTION3_APPLICANT_COLUMNS)
    rows: dict[str, list[int]] = {key: [0] * n for key in fmt.section3_row_keys}
    for key, values in outcomes.items():
        rows[key] = list(values)
    rows["total"] = [sum(rows[k][j] for k in fmt.section3_result_keys) for j in range(n)]
    rows["carried_over"] = list(carried_over)
    rows["carried_forward"] = [min(1, rows["total"][j]) for j in range(n)]
    rows["new_received"] = [
        rows["total"][j] + rows["carried_forward"][j] - rows["carried_over"][j] for j in range(n)
    ]
    return {key: [*values, sum(values)] for key, values in rows.items()}


def tables_2019() -> Tables:
    return Tables(
        section2={
            "regulations": {"made": 0, "published": 0, "total_published": 0},
            "normative_documents": {"made": 4, "published": 4, "total_published": 37},
            "licensing": {"previous": 12, "change": -2, "decisions": 865},
            "other_services": {"previous": 5, "change": 0, "decisions": 120},
            "penalty": {"previous": 310, "change": 6, "decisions": 1543},
            "enforcement": {"previous": 8, "change": 1, "decisions": 27},
            "fees": {"previous": 2, "change": 0},
            "procurement": {"items": 14, "amount": 3567820.5},
        },
        section3=section3(
            "2019",
            {
                "granted": [9, 2, 0, 0, 1, 0],
                "partially_granted": [3, 0, 0, 0, 0, 0],
                "denied_third_party": [1, 0, 0, 0, 0, 0],
                "unable_not_held": [4, 1, 0, 0, 0, 0],
                "rejected_petition": [2, 0, 0, 0, 0, 0],
                "other": [1, 0, 0, 0, 0, 0],
            },
            carried_over=[2, 0, 0, 0, 0, 0],
        ),
        section4={
            "reconsideration": [1, 0, 0, 1, 2],
            "litigation_direct": [0, 0, 0, 1, 1],
            "litigation_after_reconsideration": [0, 0, 0, 0, 0],
        },
    )


def tables_2021() -> Tables:
    return Tables(
        section2={
            # No rule-making power: 规章 left blank (the checker only notes it, as info).
            "regulations": {"issued": None, "abolished": None, "in_force": None},
            "normative_documents": {"issued": 3, "abolished": 1, "in_force": 25},
            "licensing": {"decisions": 15203},
            "penalty": {"decisions": 364},
            "enforcement": {"decisions": 12},
            "fees": {"amount": 0.0125},
        },
        section3=section3(
            "2021",
            {
                "granted": [11, 3, 0, 0, 0, 1],
                "partially_granted": [2, 1, 0, 0, 0, 0],
                "denied_process_info": [1, 0, 0, 0, 0, 0],
                "unable_not_held": [5, 0, 0, 0, 0, 0],
                "unable_unclear": [1, 0, 0, 0, 0, 0],
                "rejected_duplicate": [2, 0, 0, 0, 0, 0],
                "other_no_correction": [1, 0, 0, 0, 0, 0],
            },
            carried_over=[1, 1, 0, 0, 0, 0],
        ),
        section4={
            "reconsideration": [2, 1, 0, 0, 3],
            "litigation_direct": [1, 0, 0, 0, 1],
            "litigation_after_reconsideration": [0, 0, 0, 1, 1],
        },
    )


SECTIONS_2019 = {
    "overview": (
        "2020年，区城市管理局在区委、区政府的正确领导下，认真贯彻落实《中华人民共和国政府信息公开条例》，"
        "坚持以公开为常态、不公开为例外，扎实做好政府信息公开各项工作。\n"
        "（一）主动公开情况。围绕市容环境整治、垃圾分类和违法建设治理等重点工作，及时通过门户网站和政务新媒体"
        "发布工作动态和通知公告。\n"
        "（二）依申请公开情况。严格按照法定程序和期限办理政府信息公开申请，做到依法答复、规范答复。\n"
        "（三）政府信息管理情况。落实公开前保密审查制度，规范政府信息发布流程。\n"
        "（四）平台建设情况。持续优化政府信息公开专栏，方便公众查询。\n"
        "（五）监督保障情况。将政府信息公开工作纳入年度绩效考核，定期开展自查。"
    ),
    "proactive": "本年度主动公开政府信息情况统计如下（表中数据为手工填报）。",
    "applications": "本年度收到和处理政府信息公开申请情况统计如下。",
    "appeals": "本年度政府信息公开行政复议、行政诉讼情况统计如下。",
    "problems": (
        "一是政策解读形式较为单一，图解、视频等解读方式运用不足。\n"
        "二是个别业务科室对政府信息公开工作重视程度不够，信息报送不够及时。\n"
        "下一步，我局将丰富政策解读形式，加强业务培训，进一步提升政府信息公开工作质量。"
    ),
    "other": "无其他需要报告的事项。",
}

SECTIONS_2021 = {
    "overview": (
        "2025年，区市场监督管理局坚持以习近平新时代中国特色社会主义思想为指导，全面贯彻落实"
        "《中华人民共和国政府信息公开条例》，持续深化政务公开，不断提升政府信息公开工作质量。\n"
        "（一）主动公开方面。聚焦食品安全、特种设备安全和价格监管等群众关注事项，及时公开监督抽检结果和"
        "行政处罚信息。\n"
        "（二）依申请公开方面。本年度共收到政府信息公开申请29件，均在法定期限内依法作出答复。\n"
        "（三）政府信息管理方面。严格执行公开前审查制度，动态更新政府信息公开指南和目录。\n"
        "（四）平台建设方面。优化门户网站信息公开专栏，提升检索和浏览体验。\n"
        "（五）监督保障方面。加强政府信息公开工作培训，组织业务科室开展专题学习。"
    ),
    "proactive": "本年度主动公开政府信息情况统计如下。",
    "applications": "本年度收到和处理政府信息公开申请情况统计如下。",
    "appeals": "本年度政府信息公开行政复议、行政诉讼情况统计如下。",
    "problems": (
        "一是部分公开内容更新不够及时。\n"
        "二是基层工作人员业务能力有待提高。\n"
        "针对上述问题，我局将建立信息更新提醒机制，定期开展业务培训，进一步规范政府信息公开工作。"
    ),
    "other": (
        "本年度未发出信息处理费收费通知，未收取信息处理费。\n本机关规章制定权不适用，表二“规章”各项未填写。"
    ),
}


def doc_2019() -> ReportDocument:
    return ReportDocument(
        agency_name=AGENCY_2019,
        year=2020,
        format="2019",
        sections=dict(SECTIONS_2019),
        tables=tables_2019(),
        published_on=datetime.date(2021, 1, 28),
        notes=(
            "表二 第二十条第（一）项“规范性文件”·本年新制作数量为手工填报：依据区司法局备案登记。",
            "表二 第二十条第（九）项“政府集中采购”·采购总金额为手工填报：单位为元，依据财务系统统计。",
        ),
    )


def doc_2021() -> ReportDocument:
    return ReportDocument(
        agency_name=AGENCY_2021,
        year=2025,
        format="2021",
        sections=dict(SECTIONS_2021),
        tables=tables_2021(),
        published_on=datetime.date(2026, 1, 20),
        version=2,
        change_note="更正了表二中行政处罚的处理决定数量。",
        notes=(
            "表二 第二十条第（八）项“行政事业性收费”·本年收费金额（单位：万元）为手工填报："
            "依据财务系统统计。",
        ),
    )


def sample_doc(version: FormatVersion) -> ReportDocument:
    return doc_2019() if version == "2019" else doc_2021()


def doc_with_tables(version: FormatVersion, tables: Tables) -> ReportDocument:
    """The sample report of ``version`` with other tables (e.g. drawn by hypothesis) and no prose figures."""
    base = sample_doc(version)
    sections = dict(base.sections)
    if version == "2021":
        # The sample's prose states the applications received; other tables have other figures.
        sections["overview"] = sections["overview"].replace("本年度共收到政府信息公开申请29件，均", "申请")
        sections["other"] = "本年度未发出信息处理费收费通知，未收取信息处理费。"
    return ReportDocument(
        agency_name=base.agency_name,
        year=base.year,
        format=base.format,
        sections=sections,
        tables=tables,
        published_on=base.published_on,
        version=base.version,
        change_note=base.change_note,
        notes=base.notes,
    )
