"""The hashes of a user's past passwords, so that a new password cannot be one of the last N."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class PasswordHistory(models.Model):
    """One password a user has had (its hash only), and when it was set.

    Written by :class:`gongkai.accounts.validators.PasswordHistoryValidator` whenever a password is saved;
    the newest row also tells when the password was last changed (for ``GONGKAI_PASSWORD_MAX_AGE_DAYS``).
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="password_history"
    )
    password = models.CharField(_("密码哈希"), max_length=128)
    created_at = models.DateTimeField(_("设置时间"), db_index=True)

    class Meta:
        verbose_name = _("历史密码")
        verbose_name_plural = _("历史密码")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.user_id} @ {self.created_at:%Y-%m-%d %H:%M}"
