"""Checks of what an applicant gives us (条例 第二十九条: 姓名或者名称、身份证明、联系方式)."""

from __future__ import annotations

import datetime
import re

from django.utils import timezone
from django.utils.translation import gettext as _
from stdnum import exceptions as stdnum_exceptions
from stdnum.cn import uscc as stdnum_uscc

from gongkai.statute import resident_id
from gongkai.statute.resident_id import Problem

_MOBILE = re.compile(r"^1[3-9]\d{9}$")
_LANDLINE = re.compile(r"^0\d{2,3}\d{7,8}(\d{1,6})?$")
_SEPARATORS = re.compile(r"[\s\-－—()（）+]")


def compact_id(value: str) -> str:
    """Remove spaces and hyphens, full-width to ASCII, upper-case (``x`` → ``X``)."""
    return resident_id.compact(value)


def _resident_id_error(problem: Problem) -> str:
    """What is wrong with a 居民身份证号码 and how to fix it (rule: ``gongkai.statute.resident_id``)."""
    messages = {
        Problem.LENGTH: _("居民身份证号码应为18位（第一代身份证为15位），请核对位数。"),
        Problem.FORMAT: _("居民身份证号码只能由数字组成，18位号码的最后一位可以是X，请核对。"),
        Problem.CHECKSUM: _("居民身份证号码的校验码不正确，请核对最后一位。"),
        Problem.BIRTH_DATE: _("居民身份证号码中的出生日期不是真实存在的日期，请核对号码。"),
        Problem.FUTURE_BIRTH: _("居民身份证号码中的出生日期晚于今天，请核对号码。"),
        Problem.PROVINCE: _("居民身份证号码的前两位应为省级行政区划代码（如11北京、50重庆），请核对号码。"),
    }
    return messages[problem]


def validate_identity(
    applicant_type: str, id_type: str, id_number: str, *, today: datetime.date | None = None
) -> dict[str, str]:
    """Errors by field name (empty when valid). A 居民身份证号码 is checked by the statute's rule
    (:mod:`gongkai.statute.resident_id`: 18 or 15 characters, check character, birth date not after
    ``today`` (default: the local date), province code); a 统一社会信用代码's checksum is verified."""
    errors: dict[str, str] = {}
    number = compact_id(id_number or "")
    if not number:
        errors["id_number"] = _("请填写证件号码。")
        return errors
    if applicant_type == "natural_person" and id_type == "uscc":
        errors["id_type"] = _("自然人请使用身份证件；统一社会信用代码适用于法人或其他组织。")
    if applicant_type != "natural_person" and id_type == "resident_id":
        errors["id_type"] = _("法人或其他组织请填写统一社会信用代码（或其他证明文件）。")
    if id_type == "resident_id":
        problem = resident_id.problem_of(number, today=today or timezone.localdate())
        if problem is not None:
            errors["id_number"] = _resident_id_error(problem)
    elif id_type == "uscc":
        try:
            stdnum_uscc.validate(number)
        except stdnum_exceptions.InvalidLength:
            errors["id_number"] = _("统一社会信用代码应为18位。")
        except stdnum_exceptions.InvalidChecksum:
            errors["id_number"] = _("统一社会信用代码的校验码不正确，请核对最后一位。")
        except stdnum_exceptions.ValidationError:
            errors["id_number"] = _("统一社会信用代码含有不允许的字符或格式不正确。")
    elif not re.fullmatch(r"[0-9A-Z]{5,30}", number):
        errors["id_number"] = _("证件号码应为5至30位字母或数字。")
    return errors


def identity_notes(
    id_type: str, id_number: str, *, today: datetime.date | None = None, region: bool = True
) -> list[str]:
    """Notes on a valid 居民身份证号码 for whoever registers it (never reasons to refuse): a 15-digit
    first-generation number, and with ``region`` the place its 地区码 stands for in some edition of
    GB/T 2260 (a hint only)."""
    if id_type != "resident_id":
        return []
    try:
        parsed = resident_id.parse(id_number or "", today=today or timezone.localdate())
    except resident_id.InvalidResidentId:
        return []
    notes: list[str] = []
    if parsed.first_generation:
        notes.append(_("一代身份证号码（15位），建议核对申请人现用的18位居民身份证号码。"))
    place = resident_id.region_hint(parsed.region_code) if region else None
    if place:
        notes.append(_("地区码 %(code)s：%(place)s") % {"code": parsed.region_code, "place": place})
    return notes


def validate_phone(value: str) -> str | None:
    """The compacted phone number, or None when it is neither a mobile nor a landline number."""
    number = _SEPARATORS.sub("", compact_id(value))
    if number.startswith("86") and len(number) == 13:
        number = number[2:]
    if _MOBILE.match(number) or _LANDLINE.match(number):
        return number
    return None


def mask_id(number: str) -> str:
    """Show the first 3 and last 4 characters: ``110***********002X``."""
    if len(number) <= 7:
        return "*" * len(number)
    return number[:3] + "*" * (len(number) - 7) + number[-4:]


def mask_phone(number: str) -> str:
    if len(number) <= 7:
        return "*" * len(number)
    return number[:3] + "*" * (len(number) - 7) + number[-4:]


def mask_email(value: str) -> str:
    """Show the first character and the domain: ``z***@example.cn``."""
    local, _at, domain = value.partition("@")
    return f"{local[:1]}***@{domain}" if domain else ("***" if value else "")


def mask_name(value: str) -> str:
    """Show the first character: ``李*``."""
    return value[:1] + "*" * (len(value) - 1) if value else ""
