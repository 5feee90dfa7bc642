"""The 政府信息公开指南 of an agency, built from its data (条例 第十二条).

The 条例 requires a guide that gives 政府信息的分类、编排体系、获取方式 and the OGI office's 名称、办公地址、
办公时间、联系电话、传真号码、互联网联系方式 (``docs/law.md`` §1.4). Everything here is
composed from the agency's own record (contact fields, parent, index-number pattern), the subject
categories in the database, the 第二十条 items (``taxonomy.py``) and the statutory periods and fees
written once elsewhere (``applications/clock/``, ``applications/fees.py``), so the guide is always as
current as the data. A contact field left empty is printed as "（未提供）", never as a blank.

:func:`build_guide` returns plain data; the template ``catalogue/public/guide.html`` lays it out.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from gongkai.agencies.models import Agency, AgencyKind
from gongkai.catalogue.models import Category, IndexPattern
from gongkai.catalogue.taxonomy import ARTICLE_20_ITEMS, article_20_number
from gongkai.statute import fees
from gongkai.statute.periods import (
    ANSWER_WORKING_DAYS,
    CORRECTION_NOTICE_WORKING_DAYS,
    EXTENSION_WORKING_DAYS,
    PUBLICATION_WORKING_DAYS,
)


def not_provided() -> str:
    return _("（未提供）")


@dataclass(frozen=True)
class Link:
    label: str
    url: str


@dataclass(frozen=True)
class ContactLine:
    label: str
    value: str
    #: ``tel:``, ``mailto:`` or the web address, when the value is given and can be linked.
    href: str = ""

    @property
    def provided(self) -> bool:
        return self.value != not_provided()


@dataclass(frozen=True)
class Table:
    caption: str
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class Section:
    heading: str
    anchor: str = ""
    paragraphs: tuple[str, ...] = ()
    items: tuple[str, ...] = ()
    ordered: bool = False
    links: tuple[Link, ...] = ()
    tables: tuple[Table, ...] = ()
    contacts: tuple[ContactLine, ...] = ()
    subsections: tuple[Section, ...] = ()


@dataclass(frozen=True)
class Guide:
    agency: Agency
    title: str
    intro: str
    sections: tuple[Section, ...]
    updated_on: datetime.date
    office: tuple[ContactLine, ...] = field(default=())


def _value(text: str) -> str:
    text = (text or "").strip()
    return text if text else not_provided()


def office_contacts(agency: Agency) -> tuple[ContactLine, ...]:
    """The OGI office's contact details (第十二条), every line present, "（未提供）" when empty."""
    phone = agency.phone.strip()
    fax = agency.fax.strip()
    email = agency.email.strip()
    website = agency.website.strip()
    return (
        ContactLine(_("工作机构名称"), _value(agency.office_name)),
        ContactLine(_("办公地址"), _value(agency.office_address)),
        ContactLine(_("邮政编码"), _value(agency.postcode)),
        ContactLine(_("办公时间"), _value(agency.office_hours)),
        ContactLine(_("联系电话"), _value(phone), f"tel:{_tel(phone)}" if _tel(phone) else ""),
        ContactLine(_("传真号码"), _value(fax)),
        ContactLine(_("电子邮箱"), _value(email), f"mailto:{email}" if email else ""),
        ContactLine(
            _("网站"), _value(website), website if website.startswith(("https://", "http://")) else ""
        ),
    )


def _tel(phone: str) -> str:
    """``0571-88000000`` → ``0571-88000000``; anything but digits, ``+`` and ``-`` is dropped."""
    return "".join(ch for ch in phone if ch.isdigit() or ch in "+-")


def index_number_example(agency: Agency, year: int) -> str:
    """How this agency's index numbers look (the agency's pattern, else the national form)."""
    pattern = IndexPattern.objects.filter(agency=agency).first()
    uscc = agency.uscc.strip().upper()
    prefix_kind = pattern.prefix if pattern else IndexPattern.Prefix.ORG_CODE
    if prefix_kind == IndexPattern.Prefix.CUSTOM and pattern and pattern.custom_prefix:
        prefix = pattern.custom_prefix
    elif prefix_kind == IndexPattern.Prefix.USCC and uscc:
        prefix = uscc
    elif uscc:
        prefix = uscc[8:17]
    else:
        prefix = agency.short_code.upper()
    separator = pattern.separator if pattern else "/"
    period = f"{year}01" if pattern and pattern.period == IndexPattern.Period.YEAR_MONTH else str(year)
    width = pattern.serial_width if pattern else 5
    return f"{prefix}{separator}{period}-{'1'.zfill(width)}"


def _piece_rows() -> tuple[tuple[str, ...], ...]:
    bands = [(1, 10), (11, 30), (31, 40), (41, 50)]
    rows = [
        (_("第%(first)d—%(last)d件") % {"first": a, "last": b}, _fee(fees.piece_rate(a), _("元/件")))
        for a, b in bands
    ]
    rows.append((_("第51件起"), _("每增加10件，每件收费标准增加100元")))
    return tuple(rows)


def _page_rows() -> tuple[tuple[str, ...], ...]:
    bands = [(1, 30), (31, 100), (101, 200)]
    rows = [
        (_("第%(first)d—%(last)d页") % {"first": a, "last": b}, _fee(fees.page_rate(a), _("元/页")))
        for a, b in bands
    ]
    rows.append((_("第201页起"), _fee(fees.page_rate(201), _("元/页"))))
    return tuple(rows)


def _fee(amount: int, unit: str) -> str:
    return _("免费") if amount == 0 else f"{amount} {unit}"


def build_guide(agency: Agency, *, today: datetime.date | None = None, site: str = "") -> Guide:
    """The guide of ``agency`` (two small queries: the categories and the index-number pattern).

    ``site`` is the site's address (``https://gk.example.org``), put before the web addresses the
    guide names; without it they are paths.
    """
    today = today or timezone.localdate()
    name = agency.name
    office = office_contacts(agency)
    office_name = agency.office_name.strip() or _("本机关政府信息公开工作机构")
    site = site.rstrip("/")
    column_url = site + reverse("catalogue_public:column", args=[agency.short_code])
    categories = list(Category.objects.order_by("order", "name").values_list("name", flat=True))
    parent = agency.parent.name if agency.parent_id and agency.parent else ""

    scope = Section(
        _("（一）公开范围"),
        paragraphs=(
            _(
                "本机关依照《中华人民共和国政府信息公开条例》第十九条、第二十条、第二十一条的规定，"
                "主动公开涉及公众利益调整、需要公众广泛知晓或者需要公众参与决策的政府信息，包括："
            ),
        ),
        items=tuple(f"{article_20_number(n)}{text}" for n, text in ARTICLE_20_ITEMS.items()),
        ordered=False,
    )
    classification = Section(
        _("（二）信息分类与编排体系"),
        paragraphs=(
            _(
                "本机关主动公开的政府信息在本网站“政府信息公开”专栏分为五个部分：政府信息公开指南、"
                "政府信息公开制度、法定主动公开内容、政府信息公开年报和依申请公开。"
            ),
            _(
                "法定主动公开内容按主题分类、按条例第二十条所列事项、按信息类别（政府信息、政策解读、"
                "行政许可决定、行政处罚决定、行政强制决定、年度报告）和按发布年份编排，可以组合筛选，"
                "并可按关键词检索。"
            ),
            _("主题分类共 %(n)d 类：%(names)s。") % {"n": len(categories), "names": _("、").join(categories)},
            _(
                "每条信息列明索引号、名称、内容概述、发布机构、成文日期、发布日期和文号；规章和规范性文件"
                "还列明实施日期、废止日期和有效性。"
            ),
            _(
                "索引号由前段码（组织机构代码或统一社会信用代码）、年份和流水号组成，在发布时生成，"
                "唯一且不再变更，例如：%(example)s。"
            )
            % {"example": index_number_example(agency, today.year)},
        ),
    )
    ways = [
        _("本网站“政府信息公开”专栏（%(url)s），可浏览、检索和下载。") % {"url": column_url},
    ]
    if agency.kind == AgencyKind.GOVERNMENT:
        ways.append(_("本级人民政府公报。"))
    else:
        ways.append(_("本级人民政府公报（规章和规范性文件）。"))
    ways += [
        _("新闻发布会以及报刊、广播、电视等便于公众知晓的方式（条例第二十三条）。"),
        _(
            "国家档案馆、公共图书馆和政务服务场所设置的政府信息查阅场所（条例第二十五条），"
            "本机关及时向其提供主动公开的政府信息。"
        ),
    ]
    modes = Section(_("（三）公开方式"), items=tuple(ways), links=(Link(_("进入本机关专栏"), column_url),))
    timing = Section(
        _("（四）公开时限"),
        paragraphs=(
            _(
                "属于主动公开范围的政府信息，自该信息形成或者变更之日起%(days)d个工作日内予以公开"
                "（条例第二十六条）；法律、法规对公开期限另有规定的，从其规定。"
            )
            % {"days": PUBLICATION_WORKING_DAYS},
        ),
    )
    proactive = Section(
        _("一、主动公开"), anchor="proactive", subsections=(scope, classification, modes, timing)
    )

    apply_url = site + reverse("public:apply")
    channels = Section(
        _("（二）申请方式"),
        paragraphs=(
            _(
                "申请人应当采用包括信件、数据电文在内的书面形式提出申请；采用书面形式确有困难的，可以口头提出，"
                "由政府信息公开工作机构代为填写申请（条例第二十九条）。一份申请以一事一申请为宜。"
            ),
        ),
        items=(
            _("网上申请：通过本网站“在线申请”提交（%(url)s），提交后取得查询码，可查询办理进度。")
            % {"url": apply_url},
            _("当面申请：到%(office)s（%(address)s）当面提交，办公时间：%(hours)s。")
            % {
                "office": office_name,
                "address": _value(agency.office_address),
                "hours": _value(agency.office_hours),
            },
            _("信函申请：邮寄至%(address)s（邮政编码：%(postcode)s），请在信封上注明“政府信息公开申请”字样。")
            % {"address": _value(agency.office_address), "postcode": _value(agency.postcode)},
            _("传真申请：传真至%(fax)s，并请来电确认。") % {"fax": _value(agency.fax)},
            _("电子邮件申请：发送至%(email)s，并请注明“政府信息公开申请”。")
            % {"email": _value(agency.email)},
        ),
        links=(Link(_("在线提交申请"), apply_url),),
    )
    content = Section(
        _("（三）申请内容"),
        paragraphs=(_("申请应当包括下列内容（条例第二十九条第二款）："),),
        items=(
            _("申请人的姓名或者名称、身份证明、联系方式；"),
            _("申请公开的政府信息的名称、文号或者便于行政机关查询的其他特征性描述；"),
            _("申请公开的政府信息的形式要求，包括获取信息的方式、途径。"),
        ),
        ordered=True,
    )
    procedure = Section(
        _("（四）办理程序和时限"),
        items=(
            _(
                "收到申请之日：当面提交的，以提交之日为准；邮寄并需签收的，以签收之日为准；平常信函等无需签收的，"
                "以工作机构与申请人确认之日为准；通过互联网渠道或者传真提交的，以双方确认之日为准（条例第三十一条）。"
            ),
            _(
                "申请内容不明确的，本机关自收到申请之日起%(days)d个工作日内一次性告知申请人补正，"
                "答复期限自收到补正的申请之日起计算（条例第三十条）。"
            )
            % {"days": CORRECTION_NOTICE_WORKING_DAYS},
            _(
                "能够当场答复的，当场予以答复；不能当场答复的，自收到申请之日起%(days)d个工作日内予以答复"
                "（条例第三十三条）。"
            )
            % {"days": ANSWER_WORKING_DAYS},
            _(
                "需要延长答复期限的，经政府信息公开工作机构负责人同意并告知申请人，延长的期限最长不超过"
                "%(days)d个工作日；征求第三方和其他机关意见所需时间不计算在答复期限内（条例第三十二条至第三十四条）。"
            )
            % {"days": EXTENSION_WORKING_DAYS},
            _(
                "本机关按照条例第三十六条的规定作出答复；申请内容属于信访、投诉、举报等事项的，"
                "告知申请人不作为政府信息公开申请处理（条例第三十九条）。"
            ),
        ),
    )
    charges = Section(
        _("（五）收费"),
        paragraphs=(
            _(
                "行政机关依申请提供政府信息，不收取费用。申请人申请公开政府信息的数量、频次明显超过合理范围的，"
                "可以依照《政府信息公开信息处理费管理办法》（国办函〔2020〕109号）收取信息处理费"
                "（条例第四十二条），按件计收或者按量计收，二者择一，均实行超额累进："
            ),
            _(
                "需要收费的，本机关在答复期限内出具收费通知；申请人自收到通知次日起%(days)d个工作日内缴费，"
                "逾期未缴纳的视为放弃申请。"
            )
            % {"days": fees.PAYMENT_PERIOD_WORKING_DAYS},
        ),
        tables=(
            Table(
                _("按件计收（同一申请人一个自然月内累计申请件数）"),
                (_("累计件数"), _("收费标准")),
                _piece_rows(),
            ),
            Table(
                _("按量计收（同一申请件的页数）"),
                (_("页数"), _("收费标准")),
                _page_rows(),
            ),
        ),
    )
    receiver = Section(
        _("（一）受理机构"),
        paragraphs=(
            _("%(office)s负责受理向%(name)s提出的政府信息公开申请，联系方式见本指南第四部分。")
            % {"office": office_name, "name": name},
        ),
    )
    on_request = Section(
        _("二、依申请公开"),
        anchor="on-request",
        subsections=(receiver, channels, content, procedure, charges),
    )

    complaint_to = (
        _("%(parent)s（上一级行政机关）或者政府信息公开工作主管部门") % {"parent": parent}
        if parent
        else _("上一级行政机关或者政府信息公开工作主管部门")
    )
    remedies = Section(
        _("三、监督和救济"),
        anchor="remedies",
        items=(
            _(
                "公民、法人或者其他组织认为本机关在政府信息公开工作中侵犯其合法权益的，可以向%(to)s投诉、举报（条例第五十一条）。"
            )
            % {"to": complaint_to},
            _(
                "也可以依照《中华人民共和国行政复议法》自知道该行政行为之日起六十日内申请行政复议，"
                "或者依照《中华人民共和国行政诉讼法》自知道该行政行为之日起六个月内提起行政诉讼。"
            ),
            _(
                "对行政机关不予公开政府信息的决定不服的，应当先申请行政复议，对行政复议决定不服的，"
                "再依法提起行政诉讼（《中华人民共和国行政复议法》第二十三条第一款第四项）。"
            ),
        ),
    )
    contact = Section(
        _("四、政府信息公开工作机构"),
        anchor="office",
        paragraphs=(_("%(name)s的政府信息公开工作机构及联系方式如下（条例第十二条）：") % {"name": name},),
        contacts=office,
    )
    intro = _(
        "为便于公民、法人和其他组织获取%(name)s的政府信息，根据《中华人民共和国政府信息公开条例》"
        "第十二条，编制本指南。本指南说明政府信息的分类、编排体系和获取方式，以及政府信息公开工作机构的"
        "名称、办公地址、办公时间、联系电话、传真号码和互联网联系方式。"
    ) % {"name": name}
    return Guide(
        agency=agency,
        title=_("%(name)s政府信息公开指南") % {"name": name},
        intro=intro,
        sections=(proactive, on_request, remedies, contact),
        updated_on=timezone.localdate(agency.updated_at) if agency.updated_at else today,
        office=office,
    )
