"""Writes of the accounts app: second-factor devices, unlocking, and the audit of password changes.

Each one checks who acts (:mod:`gongkai.accounts.permissions`, or that users act on their own account) and
audits (``record_audit``) in the same transaction.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from gongkai.accounts import permissions, selectors
from gongkai.accounts.codes import (
    CODE_FAILED,
    DEVICE_REMOVED,
    PASSWORD_CHANGED,
    PASSWORD_CHECK_FAILED,
    PASSWORD_RESET,
    PASSWORD_RESET_REQUESTED,
    RECOVERY_CODE_USED,
    RECOVERY_CODES_GENERATED,
    TOTP_ADDED,
    TWO_FACTOR_RESET,
    UNLOCKED,
    VERIFIED,
)
from gongkai.agencies.models import Agency
from gongkai.core import ratelimit
from gongkai.core.actors import Actor
from gongkai.core.audit import record_audit

#: How many recovery codes one set holds.
RECOVERY_CODES = 10
TOTP_NAME_MAX = 64
#: What a user may name their authenticator, by default.
DEFAULT_TOTP_NAME = "身份验证器"


def _refuse_unless(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied(_("您没有权限管理此人的账号安全设置。"))


# --- Passwords --------------------------------------------------------------------------------


def record_password_change(user: AbstractBaseUser, *, via: str) -> None:
    """The user changed their own password (``via="self"``), or set it through an e-mailed link
    (``via="reset"`` or ``"invitation"``)."""
    with transaction.atomic():
        record_audit(user, PASSWORD_CHANGED if via == "self" else PASSWORD_RESET, user, via=via)


def record_reset_requested(email: str, *, users: int) -> None:
    """Somebody asked for a reset link for ``email`` (``users``: how many accounts it reached; the page says
    the same whatever the number, so that nobody learns which addresses have accounts)."""
    with transaction.atomic():
        record_audit(None, PASSWORD_RESET_REQUESTED, None, email=email[:254], accounts=users)


# --- Unlocking --------------------------------------------------------------------------------


def unlock(*, actor: Actor, user: AbstractBaseUser, agency: Agency | None = None) -> int:
    """End the login lock of ``user``'s username (axes' attempts of it are removed); ``auth.unlocked``.
    ``actor`` ``None`` is the system (the ``gongkai unlock`` command). Returns the attempts removed."""
    if actor is not None:
        _refuse_unless(permissions.can_manage_account(actor, user, agency))
    username = user.get_username()
    with transaction.atomic():
        removed, _detail = AccessAttempt.objects.filter(username=username).delete()
        record_audit(actor, UNLOCKED, user, agency=agency, username=username, attempts_removed=removed)
    return int(removed)


def unlock_address(*, address: str) -> int:
    """End the lock of one client address (the command line only: the system acts)."""
    with transaction.atomic():
        removed, _detail = AccessAttempt.objects.filter(ip_address=address).delete()
        record_audit(None, UNLOCKED, None, address=address, attempts_removed=removed)
    return int(removed)


# --- Second factor: one's own devices ----------------------------------------------------------


#: The rate-limit scope of passwords asked again of a signed-in user.
PASSWORD_AGAIN_SCOPE = "password-again"


def check_password_again(user: AbstractBaseUser, password: str | None) -> None:
    """The password asked again of a signed-in user (to change it, or what protects the account). Wrong ones
    count like wrong logins, so that a session left open is no way to guess the password:
    ``GONGKAI_LOGIN_FAILURE_LIMIT`` of them within ``GONGKAI_LOGIN_LOCK_MINUTES`` refuse every further try,
    right or wrong, until the oldest leaves that window; each wrong one is audited."""
    minutes = int(settings.GONGKAI_LOGIN_LOCK_MINUTES)
    limit = int(settings.GONGKAI_LOGIN_FAILURE_LIMIT)
    window = datetime.timedelta(minutes=minutes)
    key = ratelimit.keyed("user", str(user.pk))
    if ratelimit.count(PASSWORD_AGAIN_SCOPE, key, window=window) >= limit:
        raise ValidationError(
            _("密码输错次数过多，请 %(n)d 分钟后再试。") % {"n": minutes}, code="too_many_attempts"
        )
    if not password or not user.check_password(password):
        with transaction.atomic():
            ratelimit.hit(PASSWORD_AGAIN_SCOPE, key, limit=limit, window=window)
            record_audit(user, PASSWORD_CHECK_FAILED, user)
        raise ValidationError(_("密码不正确，未作更改。"), code="wrong_password")


def _check_password(user: AbstractBaseUser, password: str | None) -> None:
    """Changing what protects an account asks for its password again."""
    check_password_again(user, password)


def _may_change_devices(user: AbstractBaseUser, verified: bool) -> None:
    """Someone holding only the password must not add a device to an account that has one."""
    if not verified and selectors.has_second_factor(user):
        raise PermissionDenied(_("请先用已有的身份验证器完成验证，再更改双因素认证设置。"))


def start_totp(
    *, user: AbstractBaseUser, verified: bool, name: str = "", password: str | None = None
) -> TOTPDevice:
    """A new authenticator for ``user``, not yet confirmed (it counts once a code from it is entered).
    Older unconfirmed ones are dropped. Adding one to an account that has one (a new phone) asks for the
    password again."""
    _may_change_devices(user, verified)
    if selectors.has_second_factor(user):
        _check_password(user, password)
    name = (name or "").strip()[:TOTP_NAME_MAX] or _(DEFAULT_TOTP_NAME)
    with transaction.atomic():
        TOTPDevice.objects.filter(user_id=user.pk, confirmed=False).delete()
        return TOTPDevice.objects.create(user=user, name=name, confirmed=False)


def confirm_totp(*, user: AbstractBaseUser, verified: bool, device: TOTPDevice, code: str) -> bool:
    """Confirm the new authenticator with one code from it (``2fa.totp_added``); ``False`` on a wrong code
    (``2fa.failed``)."""
    _may_change_devices(user, verified)
    if device.user_id != user.pk or device.confirmed:
        raise PermissionDenied(_("没有这个待确认的身份验证器。"))
    with transaction.atomic():
        if not device.verify_token(_clean_code(code)):
            record_audit(user, CODE_FAILED, user, step="setup")
            return False
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        record_audit(user, TOTP_ADDED, user, device=device.name)
    return True


def generate_recovery_codes(*, user: AbstractBaseUser, verified: bool, password: str | None) -> list[str]:
    """A new set of one-time recovery codes (the old set stops working), to be shown once: each works once
    and is spent when used."""
    if not verified:
        raise PermissionDenied(_("请先完成双因素验证，再生成恢复码。"))
    if not selectors.has_second_factor(user):
        raise ValidationError(_("请先添加身份验证器，再生成恢复码。"), code="no_authenticator")
    _check_password(user, password)
    with transaction.atomic():
        device, _created = StaticDevice.objects.get_or_create(
            user=user, name="recovery", defaults={"confirmed": True}
        )
        device.token_set.all().delete()
        tokens = [StaticToken.random_token() for _i in range(RECOVERY_CODES)]
        StaticToken.objects.bulk_create(StaticToken(device=device, token=token) for token in tokens)
        record_audit(user, RECOVERY_CODES_GENERATED, user, count=len(tokens))
    return tokens


def remove_device(*, user: AbstractBaseUser, password: str, kind: str, pk: int) -> None:
    """Remove one of one's own devices (``kind`` ``"totp"`` or ``"recovery"``) after entering the password
    again (``2fa.device_removed``)."""
    _check_password(user, password)
    model = TOTPDevice if kind == "totp" else StaticDevice if kind == "recovery" else None
    if model is None:
        raise ValidationError(_("没有这个设备。"), code="no_device")
    with transaction.atomic():
        device = model.objects.select_for_update().filter(user_id=user.pk, pk=pk).first()
        if device is None:
            raise ValidationError(_("没有这个设备。"), code="no_device")
        name = device.name
        device.delete()
        record_audit(user, DEVICE_REMOVED, user, kind=kind, device=name)


# --- Second factor: verifying a login ----------------------------------------------------------


@dataclass(frozen=True)
class Verified:
    device: TOTPDevice | StaticDevice
    recovery: bool


def _clean_code(code: str) -> str:
    return "".join((code or "").split())


def verify(*, user: AbstractBaseUser, code: str) -> Verified | None:
    """Check a code from ``user``'s authenticator or one of their recovery codes (spent when used).
    Audited: ``2fa.verified`` / ``2fa.recovery_code_used`` / ``2fa.failed``. django-otp slows down repeated
    failures per device (its throttling, kept in the database)."""
    code = _clean_code(code)
    with transaction.atomic():
        for device in selectors.totp_devices(user):
            if code.isdigit() and device.verify_token(code):
                record_audit(user, VERIFIED, user, device=device.name)
                return Verified(device, recovery=False)
        recovery = selectors.recovery_device(user)
        if recovery is not None and recovery.verify_token(code):
            left = recovery.token_set.count()
            record_audit(user, RECOVERY_CODE_USED, user, codes_left=left)
            return Verified(recovery, recovery=True)
        record_audit(user, CODE_FAILED, user, step="login")
    return None


# --- Second factor: the administrator's reset -------------------------------------------------


def reset_two_factor(*, actor: Actor, user: AbstractBaseUser, agency: Agency | None = None) -> int:
    """Remove every device of ``user`` (they set up a new one at their next login); ``2fa.reset``.
    ``actor`` ``None`` is the system (a command). Returns the devices removed."""
    if actor is not None:
        _refuse_unless(permissions.can_manage_account(actor, user, agency))
    with transaction.atomic():
        totp, _d1 = TOTPDevice.objects.filter(user_id=user.pk).delete()
        static = StaticDevice.objects.filter(user_id=user.pk)
        count = static.count()
        StaticToken.objects.filter(device__in=static).delete()
        static.delete()
        record_audit(actor, TWO_FACTOR_RESET, user, agency=agency, devices=totp + count)
    return int(totp + count)
