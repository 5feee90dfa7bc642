"""Password validators of the policy (AUTH_PASSWORD_VALIDATORS): minimum length, character classes, no reuse.

Django's own validators refuse common and all-digit passwords and passwords like the user's name; these add
the minimum length (``GONGKAI_PASSWORD_MIN_LENGTH``, Django's rule with a Chinese message) and the 等保
wording's complexity and history.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import password_validation
from django.contrib.auth.hashers import check_password
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from gongkai.accounts.models import PasswordHistory

#: The four classes of characters a password can mix.
CLASSES = ("upper", "lower", "digit", "symbol")


def character_classes(password: str) -> set[str]:
    """The classes ``password`` uses (a letter without case, such as 汉字, counts as a symbol)."""
    found: set[str] = set()
    for ch in password:
        if ch.isupper():
            found.add("upper")
        elif ch.islower():
            found.add("lower")
        elif ch.isdigit():
            found.add("digit")
        else:
            found.add("symbol")
    return found


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    """Django's minimum length, with its message in Chinese: Django 5.2 changed that message's msgid and its
    own Chinese catalogue still has the old one, so the error came out in English in the Chinese interface."""

    def get_error_message(self) -> str:
        return _("密码太短，至少需要 %(n)d 个字符。") % {"n": self.min_length}

    def get_help_text(self) -> str:
        return _("密码至少需要 %(n)d 个字符。") % {"n": self.min_length}


class CharacterClassesValidator:
    """At least ``min_classes`` of: upper-case letters, lower-case letters, digits, symbols."""

    def __init__(self, min_classes: int = 3) -> None:
        self.min_classes = max(0, min(int(min_classes), len(CLASSES)))

    def validate(self, password: str, user: Any = None) -> None:
        if len(character_classes(password)) < self.min_classes:
            raise ValidationError(
                _("密码须包含大写字母、小写字母、数字和符号中的至少 %(n)d 类。") % {"n": self.min_classes},
                code="password_too_simple",
            )

    def get_help_text(self) -> str:
        return _("密码须包含大写字母、小写字母、数字和符号中的至少 %(n)d 类。") % {"n": self.min_classes}


class PasswordHistoryValidator:
    """Not one of the user's last ``history`` passwords; keeps the hash of every password saved."""

    def __init__(self, history: int = 5) -> None:
        self.history = max(0, int(history))

    def _recent(self, user: Any) -> list[str]:
        if self.history == 0 or user is None or getattr(user, "pk", None) is None:
            return []
        rows = PasswordHistory.objects.filter(user_id=user.pk).order_by("-created_at", "-pk")
        return list(rows.values_list("password", flat=True)[: self.history])

    def validate(self, password: str, user: Any = None) -> None:
        if any(check_password(password, encoded) for encoded in self._recent(user)):
            raise ValidationError(
                _("新密码不能与最近 %(n)d 次使用过的密码相同。") % {"n": self.history},
                code="password_reused",
            )

    def password_changed(self, password: str, user: Any = None) -> None:
        """Called by Django whenever a user's password is saved: keep its hash, drop those past the limit."""
        if user is None or getattr(user, "pk", None) is None:
            return
        PasswordHistory.objects.create(user_id=user.pk, password=user.password, created_at=timezone.now())
        keep = max(self.history, 1)
        old = PasswordHistory.objects.filter(user_id=user.pk).order_by("-created_at", "-pk")[keep:]
        stale = list(old.values_list("pk", flat=True))
        if stale:
            PasswordHistory.objects.filter(pk__in=stale).delete()

    def get_help_text(self) -> str:
        return _("新密码不能与最近 %(n)d 次使用过的密码相同。") % {"n": self.history}
