"""Validators for agency identifiers."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from stdnum import exceptions as stdnum_exceptions
from stdnum.cn import uscc as stdnum_uscc

_REASONS = {
    stdnum_exceptions.InvalidLength: _("应为18位"),
    stdnum_exceptions.InvalidFormat: _("含有不允许的字符或格式不正确"),
    stdnum_exceptions.InvalidComponent: _("登记管理部门代码或机构类别代码无效"),
    stdnum_exceptions.InvalidChecksum: _("校验码不正确"),
}


def normalize_uscc(value: str) -> str:
    """Remove spaces and hyphens and upper-case, as agencies often type it."""
    return str(stdnum_uscc.compact(value or ""))


def validate_uscc(value: str) -> None:
    """Validate a 统一社会信用代码 (GB 32100-2015) with python-stdnum.

    Raises a :class:`~django.core.exceptions.ValidationError` with code ``invalid_uscc`` and a
    Chinese message saying what is wrong.
    """
    if not value:
        return
    try:
        stdnum_uscc.validate(value)
    except stdnum_exceptions.ValidationError as exc:
        reason = next(
            (text for cls, text in _REASONS.items() if isinstance(exc, cls)),
            _("格式不正确"),
        )
        raise ValidationError(
            _("“%(value)s”不是有效的统一社会信用代码：%(reason)s。"),
            code="invalid_uscc",
            params={"value": value, "reason": reason},
        ) from exc
