"""公民身份号码 (the number on a 居民身份证) as the law issues it: the one rule every form and the privacy
scanner ask.

《中华人民共和国居民身份证法》第三条: the 公民身份号码 is each citizen's lifelong identifier, made up by the
公安机关 according to the national standard, GB 11643-1999《公民身份号码》:

* 18 characters: a 6-digit 地址码 (the county where the number was first issued, a code of GB/T 2260
  《中华人民共和国行政区划代码》), an 8-digit 出生日期码 (YYYYMMDD), a 3-digit 顺序码 and a 校验码
  computed with ISO 7064:1983 MOD 11-2 (GB 11643-1999 §8.2), ``0``–``9`` or ``X`` (ten);
* the 地址码 is the code *at the time the number was issued* and the number never changes afterwards
  (同法第三条: 终身不变). A district created, renamed or merged after a person's birth year (渝中区
  500103 from 1997, 上城区 330102 as merged in 2021, 济南市莱芜区 370116 from 2019) therefore appears in
  numbers "born" before it existed, whenever a number was issued or re-issued there later. So the county
  code is never a reason to refuse: only its first two digits must be a province-level code (省级
  行政区划代码, GB/T 2260), :data:`PROVINCE_CODES`. The county, when some edition of GB/T 2260 knows it,
  is only a hint (:func:`region_hint`, from python-stdnum's historic table ``stdnum.cn.loc``).
* 81, 82 and 83 are the 地址码 of the 公民身份号码 on the 港澳台居民居住证 of 香港, 澳门 and 台湾
  residents (《港澳台居民居住证申领发放办法》, 国办发〔2018〕81号, and the 公安部 rules issued under it:
  810000, 820000, 830000); such a holder may apply for disclosure like anyone (条例 第二十七条), so the
  numbers are accepted (docs/decisions.md D14). 71 (台湾省) is a GB/T 2260 province code too.
* First-generation cards carried a 15-digit number (GB 11643-1989: 6-digit 地址码, YYMMDD of a birth in
  19YY, a 3-digit 顺序码, no check character). Those cards stopped being valid on 2013-01-01 (全国人大常委会
  《关于修改〈中华人民共和国居民身份证法〉的决定》, 2011), but the numbers still identify people: the
  scanner treats them as 身份证号 and forms accept them with a note (:attr:`ResidentId.first_generation`).

Pure Python: no Django. Anything that depends on the day takes ``today``.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from enum import StrEnum
from functools import cache

from stdnum import numdb

__all__ = [
    "PROVINCE_CODES",
    "InvalidResidentId",
    "Problem",
    "ResidentId",
    "check_character",
    "compact",
    "is_valid",
    "parse",
    "problem_of",
    "region_hint",
]

#: The province-level codes (省级行政区划代码) of GB/T 2260, with 81/82/83 of the 港澳台居民居住证.
PROVINCE_CODES: frozenset[str] = frozenset(
    f"{n:02d}"
    for n in (
        *range(11, 16),  # 北京 天津 河北 山西 内蒙古
        *range(21, 24),  # 辽宁 吉林 黑龙江
        *range(31, 38),  # 上海 江苏 浙江 安徽 福建 江西 山东
        *range(41, 47),  # 河南 湖北 湖南 广东 广西 海南 (46 since 1988; numbers issued there before carry 44)
        *range(50, 55),  # 重庆 (50 since 1997) 四川 贵州 云南 西藏
        *range(61, 66),  # 陕西 甘肃 青海 宁夏 新疆
        71,  # 台湾
        81,  # 香港 (居住证)
        82,  # 澳门 (居住证)
        83,  # 台湾居民 (居住证, 国办发〔2018〕81号)
    )
)

#: GB 11643-1999 §8.2 (ISO 7064 MOD 11-2): the weight of each of the first 17 digits, 2^(17-i) mod 11.
_WEIGHTS = tuple(pow(2, 17 - i, 11) for i in range(17))
_CHECK = "10X98765432"  # the check character for (sum of weighted digits) mod 11

_SEPARATORS = re.compile(r"[\s\-]")
_SECOND = re.compile(r"[0-9]{17}[0-9X]")
_FIRST = re.compile(r"[0-9]{15}")


class Problem(StrEnum):
    """Why a number is not a 公民身份号码 (the first found, in this order)."""

    LENGTH = "length"  # neither 18 nor 15 characters
    FORMAT = "format"  # other characters than digits (and a final X)
    CHECKSUM = "checksum"  # the 校验码 does not match the first 17 digits
    BIRTH_DATE = "birth_date"  # no such day (31 February)
    FUTURE_BIRTH = "future_birth"  # a day after ``today``
    PROVINCE = "province"  # the first two digits are no province-level code


class InvalidResidentId(ValueError):
    """Raised by :func:`parse` with the :class:`Problem`."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.value)
        self.problem = problem


@dataclass(frozen=True)
class ResidentId:
    """A valid 公民身份号码: ``number`` compacted (upper-case ``X``)."""

    number: str
    region_code: str
    birth_date: datetime.date

    @property
    def first_generation(self) -> bool:
        """A 15-digit number of a first-generation card (一代身份证)."""
        return len(self.number) == 15


def compact(value: str) -> str:
    """``value`` without spaces and hyphens, full-width characters made ASCII, upper case (``x`` → ``X``)."""
    value = value.translate({c: c - 0xFEE0 for c in range(0xFF01, 0xFF5F)})
    return _SEPARATORS.sub("", value).upper()


def check_character(first17: str) -> str:
    """The 校验码 of the first 17 digits (GB 11643-1999 §8.2, ISO 7064:1983 MOD 11-2)."""
    if len(first17) != 17 or not first17.isdigit():
        raise ValueError("17 digits expected")
    return _CHECK[sum(int(d) * w for d, w in zip(first17, _WEIGHTS, strict=True)) % 11]


def _date(year: int, month: int, day: int) -> datetime.date:
    try:
        return datetime.date(year, month, day)
    except ValueError:
        raise InvalidResidentId(Problem.BIRTH_DATE) from None


def parse(value: str, *, today: datetime.date) -> ResidentId:
    """The 公民身份号码 in ``value`` (spaces, hyphens and full-width forms allowed); raises
    :class:`InvalidResidentId` with the first :class:`Problem` found."""
    number = compact(value)
    if len(number) == 18:
        if not _SECOND.fullmatch(number):
            raise InvalidResidentId(Problem.FORMAT)
        if check_character(number[:17]) != number[17]:
            raise InvalidResidentId(Problem.CHECKSUM)
        born = _date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    elif len(number) == 15:
        if not _FIRST.fullmatch(number):
            raise InvalidResidentId(Problem.FORMAT)
        born = _date(1900 + int(number[6:8]), int(number[8:10]), int(number[10:12]))
    else:
        raise InvalidResidentId(Problem.LENGTH)
    if born > today:
        raise InvalidResidentId(Problem.FUTURE_BIRTH)
    if number[:2] not in PROVINCE_CODES:
        raise InvalidResidentId(Problem.PROVINCE)
    return ResidentId(number=number, region_code=number[:6], birth_date=born)


def problem_of(value: str, *, today: datetime.date) -> Problem | None:
    """What is wrong with ``value`` as a 公民身份号码, or ``None`` when it is one."""
    try:
        parse(value, today=today)
    except InvalidResidentId as exc:
        return exc.problem
    return None


def is_valid(value: str, *, today: datetime.date) -> bool:
    """Whether ``value`` is a 公民身份号码 (18 or 15 characters)."""
    return problem_of(value, today=today) is None


# ------------------------------------------------------------------------------------------------
# The region hint (GB/T 2260, every edition python-stdnum knows)
# ------------------------------------------------------------------------------------------------

#: Names in the table that are a grouping, not a place ("市辖区", "县").
_NOT_PLACES = frozenset({"市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划", "省直辖行政单位"})


def _latest_name(names: str) -> str:
    """The last name of a table entry such as ``[1983-1989]南头区办事处,[1990-]南山区``."""
    last = names.split(",")[-1]
    return last.split("]", 1)[1] if last.startswith("[") else last


@cache
def _names(code: str) -> tuple[str, str]:
    """(province, county) names the table gives for a 6-digit code, "" where it has none."""
    info: dict[str, str] = {}
    for _part, props in numdb.get("cn/loc").info(code):
        info.update(props)
    return info.get("province", ""), _latest_name(info["county"]) if info.get("county") else ""


def region_hint(region_code: str) -> str | None:
    """The place a 6-digit 地址码 stands for in some edition of GB/T 2260 (its latest name), e.g.
    ``重庆市渝中区`` for 500103, or ``None`` when no edition known to python-stdnum has it. Only a hint:
    never a reason to refuse a number (see the module docstring)."""
    if not re.fullmatch(r"[0-9]{6}", region_code):
        return None
    province, county = _names(region_code)
    if not county:
        return None
    if region_code.endswith("0000"):
        return county if county not in _NOT_PLACES else province or None
    parts = [province]
    if not region_code.endswith("00"):
        _province, prefecture = _names(region_code[:4] + "00")
        if prefecture and prefecture not in _NOT_PLACES and prefecture != province:
            parts.append(prefecture)
    if county not in _NOT_PLACES and county != province:
        parts.append(county)
    return "".join(p for p in parts if p) or None
