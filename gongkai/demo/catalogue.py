"""A realistic demo catalogue (主动公开目录) for the demo site: ``seed_catalogue(agency)``.

About sixty published entries per agency over the last two years (or since a given day), across
the 主题分类 and the 第二十条 items: 行政规范性文件 with 文号, 实施日期 and 有效性 (one repealed; over a
longer span some from before it and two repealed), 政策解读 linked to their documents, 行政许可、
行政处罚 and 行政强制 decisions, 预算 and 决算 with a spreadsheet, 招考 announcements with a form to
download, 应急预案, the agency's OGI rules (政府信息公开制度), earlier years' annual reports and two
withdrawn entries with their reasons.

Entries are written directly (status ``published``, an index number and a publication date) — the demo
does not go through the review workflow — and each is indexed for search (``indexing.reindex``).
:func:`seed_review` adds two entries that do go through it (one waiting for the 审核人, one for the 分管领导).
Index numbers follow the national form ``CODE/YYYY-NNNNN`` (CODE = the 9-character organisation code
inside the agency's USCC, else its short code upper-cased) and take their serials from the agency's
``index`` number series, so that numbers issued later by the publishing workflow do not collide.

Deterministic for a given agency and ``today``; idempotent: an agency that has any entry is skipped.
People in decisions are named "王某某": a published decision never names a natural person in full.
"""

from __future__ import annotations

import datetime
import hashlib
import io
import random
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone

from gongkai.agencies.models import Agency, AgencyKind
from gongkai.catalogue import indexing, services
from gongkai.catalogue.models import (
    Attachment,
    Category,
    DisclosureMode,
    DocumentType,
    Item,
    ItemKind,
    Status,
    Validity,
)
from gongkai.core.sequences import next_number

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

#: Category names (taxonomy.DEFAULT_CATEGORIES) used below.
GENERAL = "综合政务"
ECONOMY = "国民经济管理、国有资产监管"
FINANCE = "财政、金融、审计"
LAND = "国土资源、能源"
FARMING = "农业、林业、水利"
MARKET = "市场监管、安全生产监管"
CONSTRUCTION = "城乡建设、环境保护"
EDUCATION = "科技、教育"
HEALTH = "卫生、体育"
LABOUR = "劳动、人事、监察"
JUSTICE = "公安、安全、司法"
CIVIL = "民政、扶贫、救灾"


@dataclass
class Spec:
    """One demo entry before it is written."""

    title: str
    kind: str = ItemKind.INFORMATION
    category: str = GENERAL
    article20: int | None = None
    summary: str = ""
    keywords: str = ""
    paragraphs: list[str] = field(default_factory=list)
    doc_prefix: str = ""  # 文号 prefix, e.g. 示政办发; the number is given in order of publication
    document_type: str = DocumentType.OTHER
    validity: str = ""
    repealed: bool = False
    repealed_after: datetime.date | None = (
        None  # repealed some months after this day (else: after publication)
    )
    is_ogi_rule: bool = False
    published_on: datetime.date | None = None
    age_days: int = 0  # when published_on is not fixed: days before today
    interpretation_of: Spec | None = None
    withdrawn_reason: str = ""
    attachment: str = ""  # "budget" or "form"
    disclosure_mode: str = DisclosureMode.WEBSITE


@dataclass(frozen=True)
class Profile:
    place: str  # 示范县 / 城关镇
    normative_prefix: str  # 文号 of normative documents
    notice_prefix: str  # 文号 of other documents
    licence_prefix: str
    penalty_prefix: str
    normative: tuple[tuple[str, str, str], ...]  # (title, category, summary)
    information: tuple[tuple[str, str, int, str], ...]  # (title, category, article20, summary)
    licences: tuple[str, ...]
    penalties: tuple[str, ...]
    enforcement: tuple[str, ...]
    #: Normative documents from before the demo's span, still in force at its start (given a longer span).
    earlier_normative: tuple[tuple[str, str, str], ...] = ()


_COUNTY = Profile(
    place="示范县",
    normative_prefix="示政办发",
    notice_prefix="示政发",
    licence_prefix="示政许",
    penalty_prefix="示政罚决",
    normative=(
        (
            "示范县人民政府办公室关于进一步优化营商环境的若干措施",
            ECONOMY,
            "从市场准入、政务服务、要素保障等方面提出二十条措施。",
        ),
        ("示范县城乡居民基本医疗保险实施办法", HEALTH, "明确参保范围、筹资标准、待遇支付和经办管理。"),
        (
            "示范县人民政府关于印发示范县行政规范性文件管理办法的通知",
            GENERAL,
            "规范性文件的起草、审核、公布、备案和清理。",
        ),
        ("示范县农村危房改造补助资金管理办法", CONSTRUCTION, "补助对象、标准、申请审批和资金拨付程序。"),
        ("示范县促进就业创业补贴实施细则", LABOUR, "创业担保贷款贴息、一次性创业补贴和就业见习补贴。"),
        ("示范县城市生活垃圾分类管理办法", CONSTRUCTION, "分类标准、投放收运和监督管理。"),
        ("示范县最低生活保障审核确认办法", CIVIL, "低保申请、家庭经济状况核查、审核确认和动态管理。"),
        (
            "示范县重大行政决策程序实施办法",
            GENERAL,
            "决策事项目录、公众参与、专家论证、风险评估和合法性审查。",
        ),
        ("示范县政府投资项目管理办法", ECONOMY, "政府投资项目的审批、实施和监督管理。"),
    ),
    information=(
        ("示范县人民政府机构职能", GENERAL, 2, "县政府的主要职能、工作部门和办公地址。"),
        ("示范县人民政府领导分工", GENERAL, 2, "县长、副县长的工作分工。"),
        (
            "示范县国民经济和社会发展第十五个五年规划纲要",
            ECONOMY,
            3,
            "“十五五”时期的发展目标、主要任务和重大项目。",
        ),
        ("示范县国土空间总体规划（2021—2035年）", LAND, 3, "国土空间开发保护格局、耕地和永久基本农田保护。"),
        (
            "{year}年示范县国民经济和社会发展统计公报",
            ECONOMY,
            4,
            "全县地区生产总值、产业结构、居民收入等主要统计数据。",
        ),
        (
            "示范县{year}年国民经济和社会发展计划执行情况",
            ECONOMY,
            4,
            "上年度计划主要指标完成情况和本年度计划安排。",
        ),
        ("示范县行政事业性收费目录清单", FINANCE, 8, "全县行政事业性收费项目、依据和标准。"),
        (
            "示范县{year}年政府集中采购目录及标准",
            FINANCE,
            9,
            "集中采购机构采购项目、分散采购限额标准和公开招标数额标准。",
        ),
        ("示范县{year}年政府采购意向公开", FINANCE, 9, "各预算单位本年度政府采购意向汇总。"),
        (
            "示范县城南污水处理厂扩建工程批准及实施情况",
            CONSTRUCTION,
            10,
            "项目批准文件、建设规模、投资和建设进度。",
        ),
        ("示范县{year}年重大建设项目计划", ECONOMY, 10, "全年重大建设项目名单、投资计划和责任单位。"),
        (
            "示范县{year}年城乡居民最低生活保障标准调整情况",
            CIVIL,
            11,
            "城乡低保标准统一调整为每人每月1050元。",
        ),
        ("示范县{year}年义务教育阶段学校招生工作方案", EDUCATION, 11, "招生范围、报名时间和入学材料。"),
        ("示范县突发事件总体应急预案", JUSTICE, 12, "应急组织体系、预警、应急处置和保障措施。"),
        ("示范县防汛防台应急预案", FARMING, 12, "防汛防台组织指挥、预警响应和抢险救援。"),
        ("示范县{year}年第3号台风防御情况", FARMING, 12, "台风期间的预警发布、人员转移和灾情处置。"),
        ("示范县{year}年安全生产大检查情况通报", MARKET, 13, "检查企业数、发现隐患数及整改情况。"),
        ("示范县{year}年食品安全监督抽检信息", MARKET, 13, "抽检批次、合格率和不合格产品核查处置情况。"),
        (
            "示范县{year}年生态环境质量状况",
            CONSTRUCTION,
            13,
            "空气质量优良天数比例、地表水和饮用水水源水质。",
        ),
        ("示范县{year}年考试录用公务员职位表", LABOUR, 14, "招录机关、职位、名额和报考条件。"),
        (
            "示范县{year}年考试录用公务员拟录用人员公示",
            LABOUR,
            14,
            "拟录用人员名单（姓名、准考证号）和公示期。",
        ),
        (
            "示范县{year}年事业单位公开招聘工作人员公告",
            LABOUR,
            14,
            "招聘岗位、报名条件、考试和体检考察安排。",
        ),
    ),
    licences=(
        "关于示范县青禾农业开发有限公司设立农产品加工项目的备案通知",
        "关于同意浙江示范建设工程有限公司临时占用城市道路的决定",
        "关于准予示范县东湖物流有限公司道路运输经营许可的决定",
        "关于准予示范县城关镇和平村股份经济合作社取水许可的决定",
        "关于准予示范县第二人民医院放射诊疗许可的决定",
        "关于准予示范县阳光幼儿园办学许可的决定",
        "关于准予示范县青山矿泉水有限公司食品生产许可延续的决定",
        "关于准予示范县新城置业有限公司商品房预售许可的决定",
    ),
    penalties=(
        "示范县人民政府行政处罚决定书（示范县某建材有限公司违法排放大气污染物案）",
        "示范县人民政府行政处罚决定书（示范县某餐饮店超范围经营案）",
        "示范县人民政府行政处罚决定书（示范县某运输有限公司超限运输案）",
        "示范县人民政府行政处罚决定书（王某某违法占用耕地建房案）",
        "示范县人民政府行政处罚决定书（示范县某化工有限公司安全生产违法案）",
        "示范县人民政府行政处罚决定书（李某某无证经营案）",
    ),
    enforcement=("示范县人民政府关于强制拆除城南村违法建筑的决定",),
    earlier_normative=(
        ("示范县政府投资项目管理办法", ECONOMY, "政府投资项目的决策、实施、监督和后评价。"),
        ("示范县城镇住房保障管理办法", CONSTRUCTION, "公共租赁住房的申请、分配、租金和退出管理。"),
        ("示范县扶持农业龙头企业发展的若干意见", FARMING, "农业龙头企业认定、扶持政策和动态监测。"),
    ),
)

_NATURAL_RESOURCES = Profile(
    place="示范县",
    normative_prefix="示自然资规",
    notice_prefix="示自然资发",
    licence_prefix="示自然资许",
    penalty_prefix="示自然资罚决",
    normative=(
        ("示范县农村宅基地审批管理办法", LAND, "宅基地申请条件、面积标准、审批程序和监督管理。"),
        ("示范县集体经营性建设用地入市管理办法", LAND, "入市范围、交易方式、收益分配和监管。"),
        ("示范县耕地占补平衡指标管理办法", LAND, "补充耕地指标的产生、核定、交易和使用。"),
        ("示范县国有建设用地使用权出让管理办法", LAND, "出让计划、出让方式、合同履行和闲置土地处置。"),
        ("示范县地质灾害危险性评估管理规定", LAND, "需要评估的项目范围、评估要求和成果审查。"),
        ("示范县矿产资源开发利用监督管理办法", LAND, "采矿权出让、开采监管和矿山生态修复。"),
        ("示范县城乡建设用地增减挂钩项目管理办法", LAND, "项目立项、实施、验收和节余指标使用。"),
        ("示范县不动产登记便民利民措施", LAND, "一窗受理、并联办理、一次办结的办事指引。"),
        ("示范县林木采伐管理实施细则", FARMING, "采伐限额、采伐许可和伐区监管。"),
    ),
    information=(
        ("示范县自然资源局机构职能", GENERAL, 2, "本局主要职责、内设机构、办公地址和联系方式。"),
        ("示范县自然资源局领导信息", GENERAL, 2, "局长、副局长的姓名和工作分工。"),
        ("示范县国土空间总体规划（2021—2035年）", LAND, 3, "国土空间开发保护格局、耕地和永久基本农田保护。"),
        ("示范县矿产资源总体规划（2021—2025年）", LAND, 3, "矿产资源勘查开发布局和矿山生态修复任务。"),
        ("示范县{year}年土地利用变更调查主要数据", LAND, 4, "耕地、园地、林地、建设用地等地类面积。"),
        ("示范县{year}年度国有建设用地供应计划", LAND, 3, "全年国有建设用地供应总量、结构和布局。"),
        ("示范县不动产登记收费项目及标准", FINANCE, 8, "不动产登记费收费项目、依据和标准。"),
        (
            "示范县自然资源局{year}年政府采购意向公开",
            FINANCE,
            9,
            "本局年度政府采购项目名称、预算和预计采购时间。",
        ),
        ("示范县{year}年度全域土地综合整治项目实施情况", LAND, 10, "项目批准文件、整治规模和实施进度。"),
        ("城关镇和平村土地征收补偿安置方案公告", LAND, 15, "征收范围、补偿标准、安置方式和社会保障。"),
        (
            "示范县{year}年征收土地预公告（第3批次）",
            LAND,
            15,
            "拟征收土地的范围、目的和开展土地现状调查的安排。",
        ),
        ("示范县地质灾害防治应急预案", LAND, 12, "地质灾害的分级、预警、应急响应和处置。"),
        ("示范县{year}年地质灾害防治方案", LAND, 12, "地质灾害隐患点分布、防治措施和责任单位。"),
        ("示范县{year}年汛期地质灾害气象风险预警", LAND, 12, "全县地质灾害气象风险橙色预警及防范措施。"),
        ("示范县{year}年卫片执法检查情况通报", LAND, 13, "卫星图斑核查、违法用地查处和整改情况。"),
        ("示范县{year}年矿山安全生产检查情况", MARKET, 13, "矿山企业安全检查、发现问题和整改落实。"),
        (
            "示范县自然资源局{year}年公开招聘编外工作人员公告",
            LABOUR,
            14,
            "招聘岗位、人数、报名条件和考试安排。",
        ),
        (
            "示范县自然资源局{year}年公开招聘编外工作人员拟聘用人员公示",
            LABOUR,
            14,
            "拟聘用人员名单和公示期。",
        ),
    ),
    licences=(
        "关于示范县青禾农业开发有限公司建设项目用地预审与选址意见书的批复",
        "示范县城关镇人民路东侧地块建设用地规划许可证（地字第330100202500012号）",
        "关于准予示范县青山石料有限公司采矿权延续登记的决定",
        "示范县东湖街道安置房项目建设工程规划许可证（建字第330100202500031号）",
        "关于示范县城北工业园区二期用地的农用地转用批复",
        "关于准予示范县林场林木采伐许可的决定",
        "关于示范县城南片区控制性详细规划修改的批复",
        "关于准予示范县新城置业有限公司临时用地的批复",
        "关于准予浙江示范建设工程有限公司乡村建设规划许可的决定",
    ),
    penalties=(
        "示范县自然资源局行政处罚决定书（示范县某石料有限公司越界开采案）",
        "示范县自然资源局行政处罚决定书（王某某非法占用耕地建房案）",
        "示范县自然资源局行政处罚决定书（示范县某物流有限公司未批先建案）",
        "示范县自然资源局行政处罚决定书（张某某非法占用林地案）",
        "示范县自然资源局行政处罚决定书（示范县某置业有限公司违反规划许可建设案）",
        "示范县自然资源局行政处罚决定书（示范县某砂场无证采砂案）",
    ),
    enforcement=(
        "示范县自然资源局查封施工现场决定书（城北村违法用地案）",
        "示范县自然资源局行政强制执行决定书（青山乡违法建筑拆除案）",
    ),
    earlier_normative=(
        ("示范县土地储备管理办法", LAND, "土地储备计划、收储程序、前期开发和供应。"),
        ("示范县临时用地管理办法", LAND, "临时用地的审批、使用期限、复垦和监管。"),
        ("示范县测绘成果管理实施细则", LAND, "测绘成果的汇交、保管、提供和使用。"),
    ),
)

_TOWNSHIP = Profile(
    place="城关镇",
    normative_prefix="城政规",
    notice_prefix="城政发",
    licence_prefix="城政许",
    penalty_prefix="城政罚决",
    normative=(
        ("城关镇村级公益事业建设一事一议财政奖补资金管理办法", FINANCE, "奖补范围、申报程序和资金管理。"),
        ("城关镇农村宅基地和建房管理实施细则", LAND, "建房申请、审批、放样验线和竣工验收。"),
        ("城关镇村级小微权力清单", GENERAL, "村级重大事项决策、项目招投标和资金使用等权力事项。"),
        ("城关镇困难群众临时救助实施办法", CIVIL, "救助对象、救助标准和审批程序。"),
        ("城关镇农村生活垃圾分类管理办法", CONSTRUCTION, "分类投放、收集运输和考核奖惩。"),
        ("城关镇防汛防台责任制实施办法", FARMING, "防汛防台责任人、值班制度和转移避险。"),
        ("城关镇村集体资产管理办法", FINANCE, "村集体资产的登记、使用、处置和监督。"),
        ("城关镇网格化管理实施办法", GENERAL, "网格划分、网格员职责和事件处置流程。"),
    ),
    information=(
        ("城关镇人民政府机构职能", GENERAL, 2, "镇政府主要职能、内设机构、办公地址和联系方式。"),
        ("城关镇人民政府领导分工", GENERAL, 2, "镇长、副镇长的工作分工。"),
        ("城关镇国民经济和社会发展第十五个五年规划纲要", ECONOMY, 3, "全镇“十五五”发展目标和主要任务。"),
        ("城关镇{year}年主要经济指标", ECONOMY, 4, "全镇财政收入、工业产值和农村居民人均可支配收入。"),
        ("城关镇{year}年政府采购意向公开", FINANCE, 9, "镇本级年度政府采购项目和预算。"),
        ("城关镇和平村美丽乡村建设项目实施情况", CONSTRUCTION, 10, "项目批准文件、建设内容、投资和进度。"),
        (
            "城关镇{year}年城乡居民最低生活保障对象名单",
            CIVIL,
            11,
            "低保对象户主姓名（已作部分隐去）、保障人数和金额。",
        ),
        ("城关镇{year}年困难残疾人生活补贴发放情况", CIVIL, 11, "补贴对象人数、标准和发放金额。"),
        ("城关镇{year}年耕地地力保护补贴发放情况", FARMING, 11, "补贴面积、标准和发放金额。"),
        ("城关镇{year}年土地承包经营权流转情况", FARMING, 15, "流转面积、流转方式和流转价格。"),
        ("城关镇{year}年农村宅基地审批情况公示", LAND, 15, "批准建房户数、宅基地面积和位置。"),
        ("城关镇{year}年度筹资筹劳情况", FINANCE, 15, "一事一议筹资筹劳项目、金额和使用情况。"),
        ("城关镇突发事件总体应急预案", JUSTICE, 12, "镇级应急组织体系、监测预警和应急处置。"),
        ("城关镇防汛防台应急预案", FARMING, 12, "防汛防台组织指挥、预警响应和人员转移。"),
        ("城关镇森林火灾应急预案", FARMING, 12, "森林火灾预防、扑救组织和保障。"),
        ("城关镇{year}年安全生产检查情况", MARKET, 13, "辖区企业安全检查和隐患整改情况。"),
        ("城关镇{year}年公开招聘社区工作者公告", LABOUR, 14, "招聘岗位、人数、报名条件和考试安排。"),
        ("城关镇{year}年公开招聘社区工作者拟聘用人员公示", LABOUR, 14, "拟聘用人员名单和公示期。"),
        ("城关镇和平村土地征收补偿安置方案公告", LAND, 15, "征收范围、补偿标准和安置方式。"),
    ),
    licences=(
        "关于同意城关镇和平村王某某户农村村民住宅建设的批复",
        "关于同意城关镇城南村李某某户农村村民住宅建设的批复",
        "关于准予示范县青禾农业开发有限公司设施农业用地备案的通知",
        "关于同意城关镇东门村赵某某户农村村民住宅建设的批复",
        "关于准予城关镇和平村股份经济合作社临时占用道路的决定",
        "关于同意城关镇北山村陈某某户农村村民住宅建设的批复",
        "关于准予示范县阳光家庭农场设施农业用地备案的通知",
        "关于同意城关镇城南村周某某户农村村民住宅建设的批复",
    ),
    penalties=(
        "城关镇人民政府行政处罚决定书（王某某违法建设案）",
        "城关镇人民政府行政处罚决定书（示范县某餐饮店占道经营案）",
        "城关镇人民政府行政处罚决定书（李某某违规焚烧秸秆案）",
        "城关镇人民政府行政处罚决定书（示范县某建筑公司违规倾倒建筑垃圾案）",
        "城关镇人民政府行政处罚决定书（赵某某擅自搭建案）",
    ),
    enforcement=("城关镇人民政府关于限期拆除违法建筑的决定（城南村赵某某）",),
    earlier_normative=(
        ("城关镇村务公开实施办法", GENERAL, "村务公开的内容、时间、形式和监督。"),
        ("城关镇农村土地承包经营权流转管理办法", FARMING, "流转方式、合同管理和纠纷调处。"),
        ("城关镇集镇环境卫生管理办法", CONSTRUCTION, "集镇保洁、门前三包和考核。"),
    ),
)


def _profile(agency: Agency) -> Profile:
    if agency.kind == AgencyKind.TOWNSHIP:
        return _TOWNSHIP
    if agency.kind == AgencyKind.GOVERNMENT:
        return _COUNTY
    return _NATURAL_RESOURCES


def _case_of(title: str, kind: str) -> str:
    """``…决定书（王某某违法建设案）`` → ``王某某违法建设案``; a licence is its title."""
    if kind == ItemKind.LICENSING or "（" not in title:
        return title
    return title.rsplit("（", 1)[-1].rstrip("）")


def _normative_body(title: str, summary: str, place: str, effective: datetime.date) -> list[str]:
    return [
        "各有关单位：" if place == "城关镇" else "各乡镇人民政府、街道办事处，县政府各部门、各直属单位：",
        f"《{title}》已经研究同意，现予印发，请认真贯彻执行。",
        f"本文件主要内容：{summary}",
        "一、总体要求。坚持依法行政、公开透明、便民高效，确保各项措施落到实处。",
        "二、主要内容。各责任单位要按照职责分工，细化工作举措，明确完成时限，定期报送落实情况。",
        "三、保障措施。加强组织领导和督促检查，对落实不力的单位予以通报。",
        f"本文件自{effective.year}年{effective.month}月{effective.day}日起施行，有效期五年。",
    ]


def _decision_body(title: str, kind: str) -> list[str]:
    if kind == ItemKind.PENALTY:
        return [
            "当事人：（单位名称或者王某某等，已隐去个人信息）",
            "经查，当事人存在违法行为，事实清楚，证据确凿。本机关依法送达了行政处罚事先告知书，"
            "当事人在法定期限内未提出陈述、申辩意见（或者所提意见不成立）。",
            "依据有关法律、法规的规定，本机关决定对当事人作出如下行政处罚：责令改正违法行为，并处罚款。",
            "当事人如不服本决定，可以自收到本决定书之日起六十日内依法申请行政复议，或者六个月内依法提起行政诉讼。",
        ]
    if kind == ItemKind.ENFORCEMENT:
        return [
            "当事人在法定期限内未履行行政决定确定的义务，经催告仍未履行。",
            "依据《中华人民共和国行政强制法》的有关规定，本机关决定依法实施行政强制措施。",
            "当事人如不服本决定，可以依法申请行政复议或者提起行政诉讼。",
        ]
    return [
        f"{title}",
        "经审查，申请人提交的申请材料齐全，符合法定形式和条件。",
        "依据有关法律、法规的规定，本机关决定准予许可（批准），具体事项以本决定载明的内容为准。",
        "申请人应当按照批准的内容和期限实施，并接受有关部门的监督检查。",
    ]


def _specs(
    agency: Agency, profile: Profile, today: datetime.date, rng: random.Random, since: datetime.date | None
) -> list[Spec]:
    name = agency.name
    #: The oldest age (days before today) of documents and decisions.
    oldest = (today - since).days if since is not None else 715
    specs = _rule_specs(name, rng)
    specs += _normative_specs(profile, rng, oldest)
    specs += _earlier_normative_specs(profile, rng, since)
    _repeal_oldest(specs, today, since)
    specs += _information_specs(profile, rng, oldest)
    specs += _budget_specs(name, today, since)
    specs += _decision_specs(profile, rng, since, oldest)
    specs += _annual_report_specs(name, today, since)
    specs += _withdrawn_specs(name, profile, rng)
    return specs


def _rule_specs(name: str, rng: random.Random) -> list[Spec]:
    specs: list[Spec] = []
    # 政府信息公开制度 (shown in the column's 制度 part).
    for title, summary in (
        (
            f"《{name}政府信息公开保密审查办法》",
            "规定信息公开前的保密审查范围、程序和责任（先审查、后公开，一事一审）。",
        ),
        (f"《{name}政府信息主动公开工作制度》", "主动公开的范围、程序、时限和公开方式。"),
        (f"《{name}依申请公开政府信息办理规程》", "申请的接收、登记、办理、答复和归档。"),
        (f"《{name}政府信息公开工作考核和责任追究办法》", "政府信息公开工作考核、社会评议和责任追究。"),
    ):
        specs.append(
            Spec(
                title,
                category=GENERAL,
                article20=15,
                summary=summary,
                keywords="政府信息公开、制度",
                paragraphs=[
                    f"第一条 为规范{name}政府信息公开工作，根据《中华人民共和国政府信息公开条例》，"
                    "制定本办法。",
                    f"第二条 {summary}",
                    "第三条 政府信息公开工作机构负责组织实施本办法，各科室按照职责分工做好相关工作。",
                    "第四条 本办法自印发之日起施行。",
                ],
                is_ogi_rule=True,
                age_days=rng.randint(500, 700),
            )
        )
    return specs


def _normative_specs(profile: Profile, rng: random.Random, oldest: int) -> list[Spec]:
    specs: list[Spec] = []
    # 规范性文件, some with a 政策解读, one repealed.
    for number, (title, category, summary) in enumerate(profile.normative):
        document = Spec(
            title,
            category=category,
            article20=1,
            summary=summary,
            keywords=f"规范性文件、{category.split('、')[0]}",
            doc_prefix=profile.normative_prefix,
            document_type=DocumentType.NORMATIVE,
            validity=Validity.IN_FORCE,
            age_days=rng.randint(5, oldest),
            disclosure_mode=DisclosureMode.GAZETTE if number % 4 == 3 else DisclosureMode.WEBSITE,
        )
        specs.append(document)
        if number % 2 == 0:
            specs.append(
                Spec(
                    f"《{title}》政策解读",
                    kind=ItemKind.INTERPRETATION,
                    category=category,
                    summary=f"解读《{title}》的起草背景、主要内容和适用对象。",
                    keywords="政策解读",
                    paragraphs=[
                        "一、起草背景。为贯彻落实上级有关部署，结合本地实际，制定本文件。",
                        f"二、主要内容。{summary}",
                        "三、适用对象。本文件适用于本行政区域内的有关单位和个人。",
                        "四、解读机关及联系方式。政策解读机关为本文件的起草单位，联系方式见本机关政府信息公开指南。",
                    ],
                    interpretation_of=document,
                )
            )
    return specs


def _earlier_normative_specs(profile: Profile, rng: random.Random, since: datetime.date | None) -> list[Spec]:
    specs: list[Spec] = []
    # Over a longer span, documents from before it, in force at its start.
    if since is not None:
        for title, category, summary in profile.earlier_normative:
            specs.append(
                Spec(
                    title,
                    category=category,
                    article20=1,
                    summary=summary,
                    keywords=f"规范性文件、{category.split('、')[0]}",
                    doc_prefix=profile.normative_prefix,
                    document_type=DocumentType.NORMATIVE,
                    validity=Validity.IN_FORCE,
                    published_on=since - datetime.timedelta(days=rng.randint(90, 1400)),
                )
            )
    return specs


def _repeal_oldest(specs: list[Spec], today: datetime.date, since: datetime.date | None) -> None:
    # The oldest one has since been repealed; over a longer span the two oldest, one in each of its first
    # two years.
    documents = [spec for spec in specs if spec.document_type == DocumentType.NORMATIVE]
    if since is None:
        max(documents, key=lambda spec: spec.age_days).repealed = True
    else:
        documents.sort(key=lambda spec: spec.published_on or today - datetime.timedelta(days=spec.age_days))
        for n, spec in enumerate(documents[:2]):
            spec.repealed = True
            spec.repealed_after = datetime.date(since.year + n, 1, 1)


def _information_specs(profile: Profile, rng: random.Random, oldest: int) -> list[Spec]:
    specs: list[Spec] = []
    # Other information under 第二十条 (some titles carry the year of publication).
    for title, category, item20, summary in profile.information:
        specs.append(
            Spec(
                title,
                category=category,
                article20=item20,
                summary=summary,
                keywords=category.split("、")[0],
                doc_prefix=profile.notice_prefix if item20 in (3, 12) else "",
                attachment="form" if "招聘" in title and "公告" in title else "",
                age_days=rng.randint(5, oldest),
            )
        )
    return specs


def _budget_specs(name: str, today: datetime.date, since: datetime.date | None) -> list[Spec]:
    specs: list[Spec] = []
    # 预算 and 决算 (第二十条（七）), at the times of year they are published, with a spreadsheet.
    for year in range(today.year - 1 if since is None else since.year, today.year + 1):
        for title, day, summary in (
            (
                f"{name}{year}年部门预算",
                datetime.date(year, 2, 18),
                f"{year}年收支预算总表、财政拨款支出表和“三公”经费预算。",
            ),
            (
                f"{name}{year - 1}年部门决算",
                datetime.date(year, 8, 20),
                f"{year - 1}年收支决算总表、财政拨款支出决算表和“三公”经费决算。",
            ),
        ):
            if day <= today:
                specs.append(
                    Spec(
                        title,
                        category=FINANCE,
                        article20=7,
                        summary=summary,
                        keywords="预算、决算、三公经费",
                        attachment="budget",
                        published_on=day,
                    )
                )
    return specs


def _decision_specs(
    profile: Profile, rng: random.Random, since: datetime.date | None, oldest: int
) -> list[Spec]:
    specs: list[Spec] = []
    # Decisions (第二十条（五）（六）), each an entry of its own kind.
    for kind, titles, prefix, item20 in (
        (ItemKind.LICENSING, profile.licences, profile.licence_prefix, 5),
        (ItemKind.PENALTY, profile.penalties, profile.penalty_prefix, 6),
        (ItemKind.ENFORCEMENT, profile.enforcement, profile.penalty_prefix.replace("罚决", "强"), 6),
    ):
        for title in titles:
            specs.append(
                Spec(
                    title,
                    kind=kind,
                    category=LAND if "用地" in title or "占用" in title else MARKET,
                    article20=item20,
                    summary=f"{ItemKind(kind).label}：{_case_of(title, kind)}",
                    keywords=str(ItemKind(kind).label),
                    doc_prefix=prefix,
                    age_days=rng.randint(5, 400 if since is None else oldest),
                )
            )
    return specs


def _annual_report_specs(name: str, today: datetime.date, since: datetime.date | None) -> list[Spec]:
    specs: list[Spec] = []
    # Annual reports (第四十九条: departments by 31 January). Over a longer span, those of the years before
    # it: the later ones are written and published in Gongkai (``gongkai.demo.reports``).
    first = today.year - 2 if since is None else since.year - 2
    for report_year in (first, first + 1):
        day = datetime.date(report_year + 1, 1, 20)
        if day <= today:
            specs.append(
                Spec(
                    f"{name}{report_year}年政府信息公开工作年度报告",
                    kind=ItemKind.ANNUAL_REPORT,
                    category=GENERAL,
                    summary=f"{report_year}年主动公开、依申请公开、行政复议和行政诉讼情况，存在的问题及改进措施。",
                    keywords="政府信息公开、年度报告",
                    published_on=day,
                    paragraphs=[
                        "一、总体情况",
                        f"{report_year}年，{name}认真贯彻《中华人民共和国政府信息公开条例》，全面推进决策、执行、"
                        "管理、服务、结果公开，政府信息公开工作质量不断提高。",
                        "二、主动公开政府信息情况",
                        "全年通过政府信息公开专栏主动公开政府信息，及时公开规范性文件、行政许可和行政处罚决定等信息。",
                        "三、收到和处理政府信息公开申请情况",
                        "全年收到的政府信息公开申请均在法定期限内答复。",
                        "四、政府信息公开行政复议、行政诉讼情况",
                        "五、存在的主要问题及改进情况",
                        "六、其他需要报告的事项",
                        "本机关依照《政府信息公开信息处理费管理办法》未收取信息处理费。",
                    ],
                )
            )
    return specs


def _withdrawn_specs(name: str, profile: Profile, rng: random.Random) -> list[Spec]:
    specs: list[Spec] = []
    # Two withdrawn entries (kept, marked, with the reason; the public sees no body).
    specs.append(
        Spec(
            f"{name}关于调整部分行政事业性收费标准的通知",
            category=FINANCE,
            article20=8,
            summary="调整部分行政事业性收费标准。",
            doc_prefix=profile.notice_prefix,
            age_days=rng.randint(200, 400),
            withdrawn_reason="该文件内容与上级最新收费政策不一致，已撤回；现行标准以本机关公布的行政事业性收费目录清单为准。",
        )
    )
    specs.append(
        Spec(
            f"{name}关于{profile.place}部分地块信息的公告",
            category=LAND,
            article20=15,
            summary="部分地块的权属和用途信息。",
            age_days=rng.randint(60, 200),
            withdrawn_reason="经复查，该信息含有应当区分处理的个人信息，已撤回，处理后重新发布。",
        )
    )
    return specs


def _workbook(title: str) -> tuple[bytes, str]:
    from openpyxl import Workbook  # type: ignore[import-untyped]

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "收支总表"
    rows: list[list[str | float]] = [
        [title],
        ["项目", "金额（万元）"],
        ["一般公共预算财政拨款收入", 1268.5],
        ["政府性基金预算财政拨款收入", 320.0],
        ["一般公共服务支出", 986.2],
        ["社会保障和就业支出", 142.3],
        ["“三公”经费", 18.6],
    ]
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    text = "\n".join(" ".join(str(cell) for cell in row) for row in rows)
    return buffer.getvalue(), text


def _form(title: str) -> tuple[bytes, str]:
    import docx

    document = docx.Document()
    document.add_heading("报名登记表", level=1)
    lines = [
        title,
        "姓名：__________  性别：____  出生年月：________",
        "学历：__________  专业：__________",
        "本人签名：__________",
    ]
    for line in lines:
        document.add_paragraph(line)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue(), "\n".join(["报名登记表", *lines])


def _attach(item: Item, spec: Spec) -> None:
    if spec.attachment == "budget":
        data, text = _workbook(item.title)
        filename, kind, content_type = f"{item.title}.xlsx", "xlsx", XLSX
    elif spec.attachment == "form":
        data, text = _form(item.title)
        filename, kind, content_type = "报名登记表.docx", "docx", DOCX
    else:
        return
    attachment = Attachment(
        item=item,
        filename=filename,
        kind=kind,
        content_type=content_type,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        text=text,
    )
    attachment.store_bytes(data)
    attachment.save()


def index_prefix(agency: Agency) -> str:
    """The 9-character organisation code inside the USCC (characters 9–17), else the short code."""
    uscc = agency.uscc.strip().upper()
    return uscc[8:17] if len(uscc) == 18 else agency.short_code.upper()


def _paragraphs_html(paragraphs: list[str]) -> str:
    from django.utils.html import escape

    return "".join(f"<p>{escape(p)}</p>" for p in paragraphs)


def seed_catalogue(
    agency: Agency, today: datetime.date | None = None, *, since: datetime.date | None = None
) -> int:
    """Write the demo catalogue of ``agency``; returns the number of entries made (0 if it had any).

    Documents and decisions are published over the last two years, or since ``since``: the demo site
    passes 1 January two years back, so that the annual reports of both full years have 行政规范性文件
    written and repealed and decisions published in their year (table 二). The catalogue's own annual
    report entries are then those of the two years before ``since``.
    """
    if Item.objects.filter(agency=agency).exists():
        return 0
    today = today or timezone.localdate()
    rng = random.Random(f"gongkai-catalogue-demo-{agency.short_code}")
    profile = _profile(agency)
    specs = _specs(agency, profile, today, rng, since)
    for spec in specs:
        if spec.published_on is None:
            spec.published_on = today - datetime.timedelta(days=spec.age_days)
    for spec in specs:
        if spec.interpretation_of is not None:
            assert spec.interpretation_of.published_on is not None
            spec.published_on = spec.interpretation_of.published_on + datetime.timedelta(
                days=rng.randint(0, 2)
            )
            spec.published_on = min(spec.published_on, today)
    # Publication order decides serials and 文号, as it would in the office.
    order = {id(spec): n for n, spec in enumerate(specs)}
    specs.sort(key=lambda s: (s.published_on, s.interpretation_of is not None, order[id(s)]))
    categories = dict(Category.objects.values_list("name", "pk"))
    prefix = index_prefix(agency)
    doc_serials: dict[tuple[str, int], int] = {}
    created: dict[int, Item] = {}
    with transaction.atomic():
        for spec in specs:
            created[id(spec)] = _write(
                agency, spec, prefix, categories, doc_serials, rng, profile, created, today
            )
    return len(specs)


_ABOUT_LAST_YEAR = ("统计公报", "变更调查", "执行情况", "主要经济指标")


def _write(
    agency: Agency,
    spec: Spec,
    prefix: str,
    categories: dict[str, int],
    doc_serials: dict[tuple[str, int], int],
    rng: random.Random,
    profile: Profile,
    created: dict[int, Item],
    today: datetime.date,
) -> Item:
    published = spec.published_on
    assert published is not None
    year = published.year
    # Statistics and plan results are about the year before the one they are published in.
    about = year - 1 if any(word in spec.title for word in _ABOUT_LAST_YEAR) else year
    title = spec.title.replace("{year}", str(about))
    doc_number = ""
    if spec.doc_prefix:
        key = (spec.doc_prefix, year)
        doc_serials[key] = doc_serials.get(key, 0) + rng.randint(1, 4)
        doc_number = f"{spec.doc_prefix}〔{year}〕{doc_serials[key]}号"
    written = published - datetime.timedelta(days=rng.randint(1, 12))
    effective = repealed = None
    validity = spec.validity
    if spec.document_type == DocumentType.NORMATIVE:
        effective = published + datetime.timedelta(days=30)
        if spec.repealed:
            start = max(published, spec.repealed_after) if spec.repealed_after else published
            repealed = min(today, start + datetime.timedelta(days=rng.randint(120, 300)))
            validity = Validity.REPEALED
    paragraphs = spec.paragraphs or (
        _normative_body(title, spec.summary, profile.place, effective or published)
        if spec.document_type == DocumentType.NORMATIVE
        else _decision_body(title, spec.kind)
        if spec.kind in (ItemKind.LICENSING, ItemKind.PENALTY, ItemKind.ENFORCEMENT)
        else [spec.summary, f"{title}详见正文及附件。", "特此公告。", agency.name]
    )
    item = Item.objects.create(
        agency=agency,
        kind=spec.kind,
        index_number=f"{prefix}/{year}-{next_number('index', agency.pk, year):05d}",
        title=title,
        publisher=agency.name,
        doc_number=doc_number,
        written_on=written,
        published_on=published,
        effective_on=effective,
        repealed_on=repealed,
        document_type=spec.document_type,
        validity=validity,
        category_id=categories.get(spec.category),
        article20_item=spec.article20,
        disclosure_mode=spec.disclosure_mode,
        summary=spec.summary,
        keywords=spec.keywords,
        body=_paragraphs_html(paragraphs),
        interprets=created.get(id(spec.interpretation_of)) if spec.interpretation_of else None,
        is_ogi_rule=spec.is_ogi_rule,
        status=Status.WITHDRAWN if spec.withdrawn_reason else Status.PUBLISHED,
        withdrawn_reason=spec.withdrawn_reason,
    )
    _attach(item, spec)
    indexing.reindex(item)
    return item


#: Entries in the review workflow, so that the demo's 审核人 and 分管领导 find work on their workbench:
#: (title, summary, the step it has reached).
IN_REVIEW: tuple[tuple[str, str, str], ...] = (
    (
        "关于{year}年度国有建设用地供应计划的公告",
        "公布本年度国有建设用地供应总量、结构、布局和时序安排。",
        Status.SUBMITTED,
    ),
    (
        "关于开展{year}年度地质灾害隐患排查工作的通知",
        "部署汛前地质灾害隐患排查，明确排查范围、时间安排和工作要求。",
        Status.REVIEWED,
    ),
)


def seed_review(agency: Agency, officer: Any, reviewer: Any, today: datetime.date) -> int:
    """Entries drafted by ``officer`` and moved through the services (submitted; one also passed by
    ``reviewer``), which notifies the agency's 审核人 and 分管领导. Idempotent: skipped when the agency has
    an entry in review."""
    if Item.objects.filter(agency=agency, status__in=(Status.SUBMITTED, Status.REVIEWED)).exists():
        return 0
    category = Category.objects.filter(name=LAND).first() or Category.objects.order_by("order").first()
    for title, summary, step in IN_REVIEW:
        data = {
            "title": title.format(year=today.year),
            "summary": summary,
            "keywords": "自然资源",
            "written_on": today - datetime.timedelta(days=3),
            "body": _paragraphs_html([summary, "特此公告。"]),
            "category": category,
        }
        item = services.create_draft(actor=officer, agency=agency, data=data)
        item = services.submit(actor=officer, item=item)
        if step == Status.REVIEWED:
            services.review_pass(actor=reviewer, item=item)
    return len(IN_REVIEW)
