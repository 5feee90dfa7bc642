"""The 26 areas of the 基层政务公开标准目录 (standard catalogue of grassroots government openness).

Source: 《国务院办公厅关于全面推进基层政务公开标准化规范化工作的指导意见》(国办发〔2019〕54号,
https://www.gov.cn/zhengce/content/2019-12/20/content_5462536.htm): the State Council departments issued
the 基层政务公开标准指引 of 26 pilot areas (试点领域), and every county-level government and its
departments, townships and subdistricts (县级政府及其部门、乡镇（街道）) compile their 标准目录 of those
areas that concern them, published as standing sub-columns of their 政务公开专栏.

Each area has a stable code (used in URLs and the database) and its Chinese name (the ``N_`` message id,
rendered in the reader's language). The list is data: which areas an agency's column shows is the agency's
choice (``catalogue.ColumnArea``). Pure Python.
"""

from __future__ import annotations

from gongkai.core.messages import N_

#: Where the list comes from (shown on the column's pages).
SOURCE = N_("国办发〔2019〕54号《国务院办公厅关于全面推进基层政务公开标准化规范化工作的指导意见》")

#: code → name, in the order of the 指导意见's list of pilot areas.
STANDARD_AREAS: dict[str, str] = {
    "major-projects": N_("重大建设项目"),
    "public-resources": N_("公共资源交易"),
    "budgets": N_("财政预决算"),
    "work-safety": N_("安全生产"),
    "taxation": N_("税收管理"),
    "land-compensation": N_("征地补偿"),
    "housing-expropriation": N_("国有土地上房屋征收与补偿"),
    "environment": N_("环境保护"),
    "public-culture": N_("公共文化服务"),
    "public-legal-services": N_("公共法律服务"),
    "poverty-alleviation": N_("扶贫"),
    "disaster-relief": N_("救灾"),
    "food-drug-supervision": N_("食品药品监管"),
    "urban-rural-planning": N_("城乡规划"),
    "household-registration": N_("户籍管理"),
    "agricultural-subsidies": N_("涉农补贴"),
    "employment": N_("就业"),
    "social-assistance": N_("社会救助"),
    "elderly-care": N_("养老服务"),
    "urban-enforcement": N_("城市综合执法"),
    "compulsory-education": N_("义务教育"),
    "rural-housing-renovation": N_("农村危房改造"),
    "municipal-services": N_("市政服务"),
    "affordable-housing": N_("保障性住房"),
    # The area is 医疗卫生 (the name of its 标准指引); the code, kept from an earlier name, is stable.
    "public-health": N_("医疗卫生"),
    "social-insurance": N_("社会保险"),
}

AREA_CODES: tuple[str, ...] = tuple(STANDARD_AREAS)


def area_name(code: str) -> str:
    """The area's name (an ``N_`` message id); ``KeyError`` for an unknown code."""
    return STANDARD_AREAS[code]
