"""``gongkai unlock USERNAME`` (or ``--address IP``): end a login lock at once; recorded in the audit log."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from gongkai.accounts import services


class Command(BaseCommand):
    help = "解除登录锁定（连续输错密码造成的），并记入审计日志"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username", nargs="?", help="要解除锁定的用户名")
        parser.add_argument("--address", help="解除某个网络地址的锁定")
        parser.add_argument("--reset-2fa", action="store_true", help="同时重置此人的双因素认证（手机遗失时）")

    def handle(self, *args: Any, **options: Any) -> None:
        username, address = options["username"], options["address"]
        if not username and not address:
            raise CommandError(_("请给出用户名，或用 --address 给出网络地址。"))
        if address:
            removed = services.unlock_address(address=address)
            self.stdout.write(
                _("%(who)s：已解除锁定（清除 %(n)d 条失败记录）。") % {"who": address, "n": removed}
            )
        if username:
            model = get_user_model()
            user = model._default_manager.filter(**{model.USERNAME_FIELD: username}).first()
            if user is None:
                raise CommandError(_("没有用户名为“%(username)s”的账号。") % {"username": username})
            removed = services.unlock(actor=None, user=user)
            self.stdout.write(
                _("%(who)s：已解除锁定（清除 %(n)d 条失败记录）。") % {"who": username, "n": removed}
            )
            if options["reset_2fa"]:
                devices = services.reset_two_factor(actor=None, user=user)
                self.stdout.write(
                    _("%(who)s：已重置双因素认证（移除 %(n)d 个设备）。") % {"who": username, "n": devices}
                )
