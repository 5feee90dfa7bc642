"""What the catalogue classifies by, written once (pure Python).

* 条例 第二十条 (一)–(十五): the information every body publishes proactively; the item an entry
  fulfils feeds table 二 of the annual report (``docs/law.md`` §1.3, ``docs/decisions.md`` D9).
* 主题分类: the 22 subject categories of the State Council's public-document subject classification,
  used by government portals for 主题分类; loaded into :class:`~gongkai.catalogue.models.Category` by a
  data migration and editable afterwards.
"""

from __future__ import annotations

#: 条例 第二十条, items (一)–(十五).
ARTICLE_20_ITEMS: dict[int, str] = {
    1: "行政法规、规章和规范性文件",
    2: "机关职能、机构设置、办公地址、办公时间、联系方式、负责人姓名",
    3: "国民经济和社会发展规划、专项规划、区域规划及相关政策",
    4: "国民经济和社会发展统计信息",
    5: "办理行政许可和其他对外管理服务事项的依据、条件、程序以及办理结果",
    6: "实施行政处罚、行政强制的依据、条件、程序以及本机关认为具有一定社会影响的行政处罚决定",
    7: "财政预算、决算信息",
    8: "行政事业性收费项目及其依据、标准",
    9: "政府集中采购项目的目录、标准及实施情况",
    10: "重大建设项目的批准和实施情况",
    11: "扶贫、教育、医疗、社会保障、促进就业等方面的政策、措施及其实施情况",
    12: "突发公共事件的应急预案、预警信息及应对情况",
    13: "环境保护、公共卫生、安全生产、食品药品、产品质量的监督检查情况",
    14: "公务员招考的职位、名额、报考条件等事项以及录用结果",
    15: "法律、法规、规章和国家有关规定规定应当主动公开的其他政府信息",
}

_NUMERALS = "一二三四五六七八九十"


def article_20_number(item: int) -> str:
    """``（一）`` … ``（十五）``."""
    if not 1 <= item <= 15:
        raise ValueError(f"第二十条没有第{item}项")
    text = _NUMERALS[item - 1] if item <= 10 else "十" + _NUMERALS[item - 11]
    return f"（{text}）"


def article_20_label(item: int) -> str:
    return f"第二十条{article_20_number(item)}{ARTICLE_20_ITEMS[item]}"


ARTICLE_20_CHOICES: list[tuple[int, str]] = [(n, article_20_label(n)) for n in ARTICLE_20_ITEMS]

#: The State Council's 22 subject categories (主题分类) used by government portals.
DEFAULT_CATEGORIES: tuple[str, ...] = (
    "国务院组织机构",
    "综合政务",
    "国民经济管理、国有资产监管",
    "财政、金融、审计",
    "国土资源、能源",
    "农业、林业、水利",
    "工业、交通",
    "商贸、海关、旅游",
    "市场监管、安全生产监管",
    "城乡建设、环境保护",
    "科技、教育",
    "文化、广电、新闻出版",
    "卫生、体育",
    "人口与计划生育、妇女儿童工作",
    "劳动、人事、监察",
    "公安、安全、司法",
    "民政、扶贫、救灾",
    "民族、宗教",
    "对外事务",
    "港澳台侨工作",
    "国防",
    "其他",
)
