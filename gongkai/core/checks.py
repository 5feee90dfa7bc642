"""Gongkai's own checks for ``gongkai system-check --deploy``: Django's deploy warnings name Django settings
(``SECURE_SSL_REDIRECT``, ``SECURE_HSTS_SECONDS``) that a deployer never sets directly; these say, in the
site's language, which ``GONGKAI_*`` environment variable to set, and warn about what Django cannot know.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core import checks
from django.utils.translation import gettext as _


@checks.register(checks.Tags.security, deploy=True)
def transport_declared(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """HTTPS not declared: the variables behind Django's security.W004 / security.W008."""
    if getattr(settings, "SECURE_SSL_REDIRECT", False) and getattr(settings, "SECURE_HSTS_SECONDS", 0):
        return []
    return [
        checks.Warning(
            _(
                "未声明站点经 HTTPS 访问：不跳转到 HTTPS，或不发送 HSTS"
                "（Django 的 security.W004 / W008 说的就是这两项）。"
            ),
            hint=_(
                "在 TLS 反向代理之后设置 GONGKAI_BEHIND_TLS_PROXY=true 和 GONGKAI_SSL_REDIRECT=true，"
                "HSTS 随之默认一年（GONGKAI_HSTS_SECONDS）；见 docs/deployment.md。"
            ),
            id="gongkai.W001",
        )
    ]


@checks.register(checks.Tags.security, deploy=True)
def audit_archive_key(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """Without its own key the audit archives are signed with one derived from SECRET_KEY."""
    if getattr(settings, "GONGKAI_AUDIT_ARCHIVE_KEY", ""):
        return []
    return [
        checks.Warning(
            _(
                "未设置 GONGKAI_AUDIT_ARCHIVE_KEY：审计归档文件用由 SECRET_KEY 派生的密钥签名，"
                "更换 SECRET_KEY 后，此前的归档文件就无法再验证。"
            ),
            hint=_(
                "用 gongkai pii new-key 生成一个密钥，写入只有服务账号可读的文件，"
                "并设置 GONGKAI_AUDIT_ARCHIVE_KEY_FILE（见 docs/deployment.md）。"
            ),
            id="gongkai.W002",
        )
    ]
