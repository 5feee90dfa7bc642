"""The demo site's annual reports (政府信息公开工作年度报告), made through the services as the offices would
have made them: draft from the records, figures entered by hand with their source, the 【请填写】 parts
written, checked, warnings acknowledged, published on a past date. Used by ``gongkai seed-demo`` after the
demo records (``gongkai.demo.cases``, ``gongkai.demo.catalogue``).

* The year before last (``today.year - 2``): every agency published its report except 青山乡 (逾期未公开
  in the supervisor's roll-up) — the county government by 31 March, the departments by 31 January except
  the finance bureau (逾期公开, in February), the townships by the deadline the county's 政务公开办 set for
  them (:data:`TOWNSHIP_DEADLINE`); the county government's office corrected its report once (version 2
  with its change note). So next year's reports have last year's for the cross-year check.
* Last year (``today.year - 1``): nothing published. The development and reform bureau and the county
  government's office have drafts; the demo officer writes 自然资源局's and 城关镇's live.

Idempotent per agency and year (an existing report is left as it is) and deterministic.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from gongkai.agencies.models import Agency, AgencyKind
from gongkai.annual import selectors, services
from gongkai.annual.models import LocalDeadline, Report, ReportVersion
from gongkai.reports import drafting

#: (month, day) of publication in the year after the report year, for the year before last.
PUBLISHED_ON: dict[str, tuple[int, int]] = {
    "demo-county": (3, 20),
    "demo-county-office": (1, 24),
    "demo-county-drc": (1, 27),
    "demo-county-finance": (2, 18),  # after 31 January: late
    "demo-county-nr": (1, 20),
    "demo-chengguan": (2, 24),
    "demo-donghu": (2, 26),
    # demo-qingshan: not published (missing)
}
#: The deadline the county's 政务公开办 set for the townships' reports on the year before last.
TOWNSHIP_DEADLINE = (2, 28)
#: A correction of a published report: (month, day) of the new version, what was entered, the change note.
CORRECTIONS: dict[str, tuple[tuple[int, int], str, str]] = {
    "demo-county-office": (
        (2, 10),
        "0.52",
        "更正表二“行政事业性收费”金额：原填0万元，经与财务系统核对，应为0.52万元（档案查询复制工本费）。",
    ),
}
#: Agencies that have opened (not published) a draft of last year's report.
DRAFTS_LAST_YEAR: tuple[str, ...] = ("demo-county-office", "demo-county-drc")


@dataclass(frozen=True)
class HandFigure:
    row: str
    column: str
    value: str
    note: str


#: Table-二 figures entered by hand (2021 format), besides the fee amount of every agency (D9).
HAND_FIGURES: dict[str, tuple[HandFigure, ...]] = {
    "demo-county-nr": (
        HandFigure("fees", "amount", "86.4250", "据本局财务系统统计（不动产登记费、土地复垦费）。"),
    ),
    "demo-county-drc": (
        HandFigure("fees", "amount", "0", "据本局财务系统统计，本年度未收取行政事业性收费。"),
        HandFigure(
            "licensing",
            "decisions",
            "46",
            "本局行政许可在浙江政务服务网办理，决定数量据该平台统计（未在本系统目录中逐件发布）。",
        ),
    ),
}
_NO_FEES = "据本单位财务系统统计，本年度未收取行政事业性收费。"


# ---------------------------------------------------------------------------------------------
# The text the officers wrote where the drafts say 【请填写：…】
# ---------------------------------------------------------------------------------------------

_FOCUS = {
    "demo-county-nr": "土地征收、国土空间规划、矿产资源管理",
    "demo-county-finance": "财政预决算、惠企资金和政府采购",
    "demo-county-drc": "重大建设项目、价格收费和营商环境",
    "demo-county-office": "政府常务会议、重大行政决策和建议提案办理",
}
#: (本年度存在的主要问题, 改进措施) by agency kind and the year's parity: no report repeats last year's.
_PROBLEMS: dict[str, tuple[tuple[str, str], tuple[str, str]]] = {
    AgencyKind.GOVERNMENT: (
        (
            "一是部分部门政策解读形式较为单一，图解、音视频等解读方式运用不多；"
            "二是乡镇（街道）政务公开标准化规范化水平还不均衡。",
            "一是推动各部门运用图解、音视频等方式开展多元化解读；二是对乡镇（街道）政务公开专区开展专项检查。",
        ),
        (
            "一是重大行政决策预公开的意见采纳情况反馈不够及时；二是部分部门网站栏目更新频率偏低。",
            "一是建立决策意见采纳情况统一反馈制度；二是每季度通报各部门网站栏目更新情况。",
        ),
    ),
    AgencyKind.DEPARTMENT: (
        (
            "一是依申请公开答复文书的说理还不够充分；二是目录中部分历史信息的有效性标注不够及时。",
            "一是开展答复文书评查，规范答复说理和救济途径告知；二是对现行有效的行政规范性文件逐件核对有效性。",
        ),
        (
            "一是政策解读与文件发布的同步率还不高；二是信息员业务培训覆盖面不够。",
            "一是落实文件与解读同步起草、同步审签、同步发布；二是每半年组织一次全员业务培训。",
        ),
    ),
    AgencyKind.TOWNSHIP: (
        (
            "一是村务公开与政务公开衔接不够紧密；二是信息员队伍变动较大，业务能力有待提高。",
            "一是推进村（社区）公开栏与镇政府信息公开专栏同步更新；二是每半年组织一次信息员业务培训。",
        ),
        (
            "一是惠民补贴信息公开的颗粒度还不够细；二是政务服务场所公开专区的资料更新不及时。",
            "一是按村逐项公开惠民补贴发放情况；二是明确专人每月更新公开专区资料。",
        ),
    ),
}


def _written(hint: str, agency: Agency, year: int) -> str:
    """What the office wrote for the placeholder whose hint is ``hint``."""
    kind = agency.kind if agency.kind in _PROBLEMS else AgencyKind.DEPARTMENT
    problems, measures = _PROBLEMS[kind][year % 2]
    government = agency.kind == AgencyKind.GOVERNMENT
    township = agency.kind == AgencyKind.TOWNSHIP
    usual = "惠民补贴发放、农村危房改造和村务公开" if township else "财政预决算、重大建设项目和民生保障"
    focus = _FOCUS.get(agency.short_code, usual)
    texts: list[tuple[str, str]] = [
        (
            "总体部署和主要成效",
            "坚持以公开为常态、不公开为例外，围绕中心工作深化决策、执行、管理、服务、结果公开，"
            "政府信息公开工作质量稳步提升",
        ),
        (
            "重点领域信息公开",
            f"围绕{focus}等重点领域及时发布信息；对出台的行政规范性文件同步开展政策解读；"
            "通过政务服务热线和网站留言及时回应社会关切。",
        ),
        (
            "依申请公开的受理",
            "严格按照《条例》规定的程序和时限受理、办理和答复申请，统一使用规范的答复文书，答复前经法制审核。",
        ),
        (
            "属性源头认定",
            "在公文拟制环节同步确定公开属性，坚持“先审查、后公开”和“一事一审”，"
            "及时清理行政规范性文件并公布清理结果。",
        ),
        (
            "平台建设",
            "持续完善政府信息公开专栏和政府信息公开目录，政务新媒体与门户网站同步发布重要信息，"
            "在政务服务场所设置政府信息公开查阅点。",
        ),
        (
            "组织领导",
            "调整充实政务公开工作领导小组，修订完善政府信息公开保密审查等制度，组织全县政务公开业务培训3次；"
            "将政务公开工作纳入年度综合考核并开展社会评议，本年度未发生政府信息公开工作责任追究情况。"
            if government
            else "明确分管领导和专职信息员，修订完善政府信息公开保密审查等制度，组织业务培训2次。",
        ),
        ("整改措施及取得的成效", "已完成整改，相关做法已纳入日常管理。"),
        ("年度报告所列问题及其整改情况", "上一年度报告所列问题均已按计划完成整改。"),
        ("结合本年度工作实际", problems),
        ("逐条写明改进措施", measures),
        (
            "政务公开工作要点",
            f"按照《{year}年示范县政务公开工作要点》，逐项分解任务、明确责任科室和完成时限，各项任务均已按期完成。",
        ),
        (
            "人大代表建议和政协提案",
            "本年度未承办人大代表建议和政协提案。"
            if township
            else f"本年度承办人大代表建议{3 + year % 4}件、政协提案{2 + year % 3}件，均已按期办结，"
            "办理结果已在门户网站公开。",
        ),
        ("创新做法", "推行政策文件“一文一解读”，在政务服务大厅设置政策咨询窗口。"),
        ("其他需要报告的事项", "无。"),
    ]
    return next((text for key, text in texts if key in hint), "已按要求落实。")


def fill_placeholders(text: str, agency: Agency, year: int) -> str:
    """``text`` with every 【请填写：…】 replaced by what the office wrote."""
    return drafting.PLACEHOLDER.sub(lambda m: _written(m.group(0), agency, year), text)


# ---------------------------------------------------------------------------------------------
# Publishing through the services
# ---------------------------------------------------------------------------------------------


def _ready(actor: Any, version: ReportVersion) -> ReportVersion | None:
    """Check the draft and acknowledge its warnings; ``None`` (left as a draft) if the check found errors."""
    version = services.check_draft(actor=actor, version=version)
    state = selectors.readiness(version)
    if state.errors:
        return None
    if state.warnings:
        services.acknowledge_warnings(actor=actor, version=version, note="已逐项核对，数据与记录一致。")
    return version


def write_report(actor: Any, agency: Agency, year: int) -> ReportVersion:
    """Open the draft, enter table 二's hand figures with their notes and write the 【请填写】 parts."""
    version = services.open_draft(actor=actor, agency=agency, year=year)
    figures = HAND_FIGURES.get(agency.short_code) or (HandFigure("fees", "amount", "0", _NO_FEES),)
    if version.format == "2021":
        for figure in figures:
            services.set_hand_entry(
                actor=actor,
                version=version,
                row=figure.row,
                column=figure.column,
                value=figure.value,
                note=figure.note,
            )
    sections = {
        key: fill_placeholders(text, agency, year)
        for key, text in (version.sections or {}).items()
        if key in services.EDITABLE_SECTIONS and drafting.find_placeholders(text)
    }
    if sections:
        services.save_sections(actor=actor, version=version, sections=sections)
    version.refresh_from_db()
    return version


def publish_report(actor: Any, agency: Agency, year: int, on: datetime.date) -> ReportVersion | None:
    """A report written, checked and published on ``on``; ``None`` if the check found errors."""
    version = _ready(actor, write_report(actor, agency, year))
    return None if version is None else services.publish(actor=actor, version=version, on=on)


def correct_report(
    actor: Any, published: ReportVersion, on: datetime.date, fee_amount: str, change_note: str
) -> ReportVersion | None:
    """A correction of the fee amount, with its change note, published on ``on``."""
    draft = services.start_correction(actor=actor, report=published.report)
    services.set_hand_entry(
        actor=actor, version=draft, row="fees", column="amount", value=fee_amount, note="据财务系统核对。"
    )
    services.set_change_note(actor=actor, version=draft, change_note=change_note)
    draft.refresh_from_db()
    version = _ready(actor, draft)
    return None if version is None else services.publish(actor=actor, version=version, on=on)


def seed_reports(
    agencies: Mapping[str, Agency],
    writers: Mapping[str, Any],
    supervisor: Any,
    today: datetime.date,
) -> int:
    """The demo reports of the year before last and last year's drafts (see the module docstring).

    ``agencies``: short code → agency; ``writers``: short code → the user who writes its report;
    ``supervisor``: the county 政务公开办 member who sets the townships' deadline. Returns the number of
    reports made (0 when they all exist)."""
    made = 0
    year = today.year - 2
    county = agencies.get("demo-county")
    if county is not None and not LocalDeadline.objects.filter(supervisor_agency=county, year=year).exists():
        services.set_local_deadline(
            actor=supervisor,
            supervisor_agency=county,
            year=year,
            deadline=datetime.date(year + 1, *TOWNSHIP_DEADLINE),
        )
    for code, (month, day) in PUBLISHED_ON.items():
        agency = agencies.get(code)
        if agency is None or Report.objects.filter(agency=agency, year=year).exists():
            continue
        published = publish_report(writers[code], agency, year, datetime.date(year + 1, month, day))
        made += 1
        if published is not None and code in CORRECTIONS:
            (c_month, c_day), amount, note = CORRECTIONS[code]
            correct_report(writers[code], published, datetime.date(year + 1, c_month, c_day), amount, note)
    for code in DRAFTS_LAST_YEAR:
        agency = agencies.get(code)
        if agency is None or Report.objects.filter(agency=agency, year=today.year - 1).exists():
            continue
        write_report(writers[code], agency, today.year - 1)
        made += 1
    return made
