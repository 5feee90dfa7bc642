"""Checks of what an applicant gives us (条例 第二十九条: 姓名或者名称、身份证明、联系方式)."""

from __future__ import annotations

import re

from django.utils.translation import gettext as _
from stdnum import exceptions as stdnum_exceptions
from stdnum.cn import ric as stdnum_ric
from stdnum.cn import uscc as stdnum_uscc

_MOBILE = re.compile(r"^1[3-9]\d{9}$")
_LANDLINE = re.compile(r"^0\d{2,3}\d{7,8}(\d{1,6})?$")
_SEPARATORS = re.compile(r"[\s\-－—()（）+]")


def compact_id(value: str) -> str:
    """Remove spaces and hyphens, full-width to ASCII, upper-case (``x`` → ``X``)."""
    value = value.translate({c: c - 0xFEE0 for c in range(0xFF01, 0xFF5F)})
    return re.sub(r"[\s\-]", "", value).upper()


def validate_identity(applicant_type: str, id_type: str, id_number: str) -> dict[str, str]:
    """Errors by field name (empty when valid). 居民身份证 and 统一社会信用代码 checksums are verified."""
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
        try:
            stdnum_ric.validate(number)
        except stdnum_exceptions.InvalidLength:
            errors["id_number"] = _("居民身份证号码应为18位（15位旧证请换用新证号码）。")
        except stdnum_exceptions.InvalidChecksum:
            errors["id_number"] = _("居民身份证号码的校验码不正确，请核对最后一位。")
        except stdnum_exceptions.ValidationError:
            errors["id_number"] = _("居民身份证号码格式不正确（出生日期或地区码无效）。")
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
