"""Write services of the office's own administration (本机关管理): staff, roles, contact data, letters.

Each one checks the actor's permission (:mod:`gongkai.office.permissions`), validates, writes and audits
(``record_audit``) in one transaction. People are never deleted — their cases, entries and reports stay
attributed to them: a leaver is *deactivated at the agency* (every role there removed); when they then
hold no role anywhere, their account is switched off (``is_active = False``) and they can no longer log
in. 姓名 is kept whole in ``User.first_name`` (Chinese names are one field; ``last_name`` stays empty).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import cast

from django.conf import settings
from django.contrib.auth.models import User
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import transaction
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from gongkai.agencies.models import Agency, Membership, Role
from gongkai.agencies.services import AGENCY_CHANGED, MEMBERSHIP_ADDED, MEMBERSHIP_REMOVED
from gongkai.core.actors import Actor, display_name, user_of
from gongkai.core.audit import record_audit
from gongkai.letters.models import AgencyLetterSettings
from gongkai.letters.services import save_letter_settings
from gongkai.office import permissions

# Audit action codes (stable once released).
STAFF_INVITED = "staff.invited"
STAFF_INVITATION_SENT = "staff.invitation_sent"
STAFF_DEACTIVATED = "staff.deactivated"
STAFF_PASSWORD_RESET_SENT = "staff.password_reset_sent"

NAME_MAX = 150
USERNAME_MAX = 150


def _require_admin(actor: Actor, agency: Agency) -> None:
    if actor is None or not permissions.can_administer(actor, agency):
        raise PermissionDenied(
            _("只有本机关的管理员可以管理“%(agency)s”的人员和设置。") % {"agency": agency.name}
        )


def _require_grantable(actor: Actor, agency: Agency, role: str) -> None:
    _require_admin(actor, agency)
    assert actor is not None
    if role not in Role.values:
        raise ValidationError({"role": _("没有这个角色，请从列表中选择。")}, code="unknown_role")
    if role not in permissions.grantable_roles(actor, agency):
        raise PermissionDenied(
            _("机关管理员不能授予或撤销“%(role)s”角色：政务公开办由超级管理员设置。")
            % {"role": Role(role).label}
        )


def _staff_ids(agency: Agency) -> set[int]:
    return set(Membership.objects.filter(agency=agency).values_list("user_id", flat=True))


def _active_admin_ids(agency: Agency) -> set[int]:
    """The agency's active administrators, their rows locked: two administrators removing each other at
    the same moment cannot leave the agency with none."""
    admins = Membership.objects.select_for_update().filter(agency=agency, role=Role.ADMINISTRATOR)
    return {m.user_id for m in admins.select_related("user") if m.user.is_active}


def _check_not_last_admin(actor: Actor, agency: Agency, user: User) -> None:
    """The agency keeps at least one active administrator (superusers may leave it with none)."""
    if actor is None or permissions.is_superuser(actor):
        return
    if _active_admin_ids(agency) <= {user.pk}:
        raise ValidationError(
            _("%(name)s是本机关最后一位管理员，不能撤销。请先为另一位工作人员授予“管理员”角色。")
            % {"name": display_name(user)},
            code="last_administrator",
        )


# --- Roles ------------------------------------------------------------------------------------


def grant_role(*, actor: Actor, agency: Agency, user: User, role: str) -> Membership:
    """Give a member of the agency's staff another role there (``membership.added``)."""
    with transaction.atomic():
        _require_grantable(actor, agency, role)
        if user.pk not in _staff_ids(agency) and not permissions.is_superuser(cast(User, actor)):
            raise ValidationError(
                _("只能给本机关的工作人员授予角色；新同事请用“邀请工作人员”。"), code="not_staff"
            )
        if Membership.objects.filter(user=user, agency=agency, role=role).exists():
            raise ValidationError(
                _("%(name)s已有“%(role)s”角色。") % {"name": display_name(user), "role": Role(role).label},
                code="duplicate_role",
            )
        membership = Membership.objects.create(user=user, agency=agency, role=role)
        record_audit(
            actor,
            MEMBERSHIP_ADDED,
            membership,
            agency=agency,
            user_id=user.pk,
            username=user.get_username(),
            role=role,
            via="office",
        )
    return membership


def revoke_role(*, actor: Actor, agency: Agency, user: User, role: str) -> None:
    """Take one role away (``membership.removed``). The last administrator keeps the administrator role."""
    with transaction.atomic():
        _require_grantable(actor, agency, role)
        membership = (
            Membership.objects.select_for_update().filter(user=user, agency=agency, role=role).first()
        )
        if membership is None:
            raise ValidationError(
                _("%(name)s没有“%(role)s”角色。") % {"name": display_name(user), "role": Role(role).label},
                code="no_such_role",
            )
        if role == Role.ADMINISTRATOR:
            _check_not_last_admin(actor, agency, user)
        last_role = not Membership.objects.filter(user=user).exclude(pk=membership.pk).exists()
        record_audit(
            actor,
            MEMBERSHIP_REMOVED,
            membership,
            agency=agency,
            user_id=user.pk,
            username=user.get_username(),
            role=role,
            via="office",
            # The person's last role anywhere: their account is switched off with it.
            account_deactivated=last_role and user.is_active and not user.is_superuser,
        )
        membership.delete()
        _switch_off_if_roleless(user)


def _switch_off_if_roleless(user: User) -> bool:
    """A person with no role anywhere (and not a superuser) can no longer log in."""
    if user.is_superuser or not user.is_active or Membership.objects.filter(user=user).exists():
        return False
    user.is_active = False
    user.save(update_fields=["is_active"])
    return True


def deactivate(*, actor: Actor, agency: Agency, user: User) -> bool:
    """A leaver: remove every role they hold at the agency (``staff.deactivated``); switch their account off
    when they hold no role anywhere else. Returns whether the account was switched off."""
    with transaction.atomic():
        _require_admin(actor, agency)
        if user_of(actor) is not None and user.pk == cast(User, actor).pk:
            raise ValidationError(_("不能停用自己的账号。请由本机关另一位管理员操作。"), code="self")
        memberships = list(Membership.objects.select_for_update().filter(user=user, agency=agency))
        if not memberships:
            raise ValidationError(
                _("%(name)s不是本机关的工作人员。") % {"name": display_name(user)}, code="not_staff"
            )
        roles = sorted(m.role for m in memberships)
        allowed = set(permissions.grantable_roles(cast(User, actor), agency))
        if not set(roles) <= allowed:
            raise PermissionDenied(_("此人还担任政务公开办角色，只有超级管理员可以停用。"))
        if Role.ADMINISTRATOR in roles:
            _check_not_last_admin(actor, agency, user)
        Membership.objects.filter(pk__in=[m.pk for m in memberships]).delete()
        switched_off = _switch_off_if_roleless(user)
        record_audit(
            actor,
            STAFF_DEACTIVATED,
            user,
            agency=agency,
            username=user.get_username(),
            roles=roles,
            account_deactivated=switched_off,
        )
    return switched_off


# --- Inviting ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Invitation:
    user: User
    #: Whether the e-mail went out (the account exists either way; the invitation can be sent again).
    sent: bool
    error: str = ""


def _clean_invitee(username: str, full_name: str, email: str) -> tuple[str, str, str]:
    username, full_name, email = username.strip(), full_name.strip(), email.strip()
    errors: dict[str, list[str]] = {}
    if not username:
        errors["username"] = [_("请填写用户名（登录用，例如 zhangsan）。")]
    elif len(username) > USERNAME_MAX:
        errors["username"] = [_("用户名最多 %(n)d 个字符。") % {"n": USERNAME_MAX}]
    else:
        try:
            User.username_validator(username)
        except ValidationError:
            errors["username"] = [_("用户名只能包含字母、数字和 @ . + - _，例如 zhangsan。")]
        else:
            if User.objects.filter(username__iexact=username).exists():
                errors["username"] = [_("用户名“%(username)s”已被使用，请换一个。") % {"username": username}]
    if not full_name:
        errors["full_name"] = [_("请填写姓名。")]
    elif len(full_name) > NAME_MAX:
        errors["full_name"] = [_("姓名最多 %(n)d 个字符。") % {"n": NAME_MAX}]
    try:
        validate_email(email)
    except ValidationError:
        errors["email"] = [_("请填写有效的电子邮箱，设置密码的链接将发到这里。")]
    if errors:
        raise ValidationError(errors)
    return username, full_name, email


def invite(
    *,
    actor: Actor,
    agency: Agency,
    username: str,
    full_name: str,
    email: str,
    roles: Iterable[str],
    site_url: str = "",
) -> Invitation:
    """Create a colleague's account (no password yet) with ``roles`` at the agency, and e-mail them a link
    to set their password (Django's password-reset token: valid ``PASSWORD_RESET_TIMEOUT`` seconds, and
    spent once the password is set)."""
    roles = sorted(set(roles))
    if not roles:
        raise ValidationError({"roles": [_("请至少选择一个角色。")]}, code="no_role")
    with transaction.atomic():
        for role in roles:
            _require_grantable(actor, agency, role)
        username, full_name, email = _clean_invitee(username, full_name, email)
        user = User.objects.create_user(username=username, email=email, first_name=full_name)
        user.set_unusable_password()
        user.save(update_fields=["password"])
        for role in roles:
            Membership.objects.create(user=user, agency=agency, role=role)
        record_audit(
            actor,
            STAFF_INVITED,
            user,
            agency=agency,
            username=username,
            full_name=full_name,
            email=email,
            roles=roles,
        )
    return send_invitation(actor=actor, agency=agency, user=user, site_url=site_url)


def set_password_path(user: User) -> str:
    """The one-time link (path) where ``user`` sets a password."""
    uidb64 = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    return reverse("set_password", kwargs={"uidb64": uidb64, "token": token})


def _send_set_password_link(
    *,
    actor: Actor,
    agency: Agency,
    user: User,
    site_url: str,
    refused: tuple[str, str],
    subject: str,
    opening: str,
    ask: str,
    closing: str,
) -> Invitation:
    """E-mail ``user`` (a serving member of the agency's staff) the one-time link where they set a password.
    ``refused``: the messages for someone not on the staff and for no e-mail address. A failed sending
    changes nothing: the administrator can send it again. The caller records what was sent."""
    _require_admin(actor, agency)
    if user.pk not in _staff_ids(agency) or not user.is_active:
        raise ValidationError(refused[0], code="not_staff")
    if not user.email:
        raise ValidationError(refused[1] % {"name": display_name(user)}, code="no_email")
    base = (getattr(settings, "GONGKAI_SITE_URL", "") or site_url).rstrip("/")
    body = "\n".join(
        [
            _("%(name)s，您好：") % {"name": display_name(user)},
            "",
            opening,
            ask % {"days": max(1, settings.PASSWORD_RESET_TIMEOUT // 86400)},
            base + set_password_path(user),
            "",
            closing,
        ]
    )
    try:
        send_mail(subject, body, None, [user.email])
    except Exception as exc:
        return Invitation(user, sent=False, error=str(exc))
    return Invitation(user, sent=True)


def send_invitation(*, actor: Actor, agency: Agency, user: User, site_url: str = "") -> Invitation:
    """(Re)send the set-password e-mail to a member of the staff; record ``staff.invitation_sent``."""
    invitation = _send_set_password_link(
        actor=actor,
        agency=agency,
        user=user,
        site_url=site_url,
        refused=(_("只能给本机关在岗的工作人员发送邀请。"), _("%(name)s没有电子邮箱，无法发送邀请。")),
        subject=_("[Gongkai] %(agency)s邀请您使用政府信息公开工作平台") % {"agency": agency.name},
        opening=_("%(agency)s为您开通了 Gongkai 账号，用户名：%(username)s。")
        % {"agency": agency.name, "username": user.get_username()},
        ask=_("请打开下面的链接设置密码（链接只能使用一次，%(days)d 天内有效）："),
        closing=_("如果您并不在该机关工作，请忽略本邮件。"),
    )
    if invitation.sent:
        with transaction.atomic():
            record_audit(
                actor,
                STAFF_INVITATION_SENT,
                user,
                agency=agency,
                username=user.get_username(),
                email=user.email,
            )
    return invitation


def send_password_reset(*, actor: Actor, agency: Agency, user: User, site_url: str = "") -> Invitation:
    """E-mail a member of the staff a link to set a new password (the invitation's one-time link; once used,
    every session of theirs ends); record ``staff.password_reset_sent``."""
    sent = _send_set_password_link(
        actor=actor,
        agency=agency,
        user=user,
        site_url=site_url,
        refused=(
            _("只能给本机关在岗的工作人员发送重置密码链接。"),
            _("%(name)s没有电子邮箱，无法发送重置密码链接。"),
        ),
        subject=_("[Gongkai] 重新设置密码"),
        opening=_("%(agency)s的管理员为您的账号 %(username)s 发送了重新设置密码的链接。")
        % {"agency": agency.name, "username": user.get_username()},
        ask=_("请打开下面的链接设置新密码（链接只能使用一次，%(days)d 天内有效）："),
        closing=_("如果您没有提出过这个请求，请联系本机关的管理员。"),
    )
    if sent.sent:
        with transaction.atomic():
            record_audit(
                actor,
                STAFF_PASSWORD_RESET_SENT,
                user,
                agency=agency,
                username=user.get_username(),
                email=user.email,
            )
    return sent


# --- The agency's data ------------------------------------------------------------------------


def update_contact(*, actor: Actor, agency: Agency, data: Mapping[str, str]) -> Agency:
    """Change the 指南 contact fields (条例第十二条) of the agency (``agency.changed``)."""
    unknown = set(data) - set(Agency.CONTACT_FIELDS)
    if unknown:
        raise TypeError(f"update_contact() got unexpected fields: {', '.join(sorted(unknown))}")
    with transaction.atomic():
        _require_admin(actor, agency)
        agency = Agency.objects.select_for_update().get(pk=agency.pk)
        before = {field: getattr(agency, field) for field in data}
        for field, value in data.items():
            setattr(agency, field, value.strip())
        agency.full_clean()
        changed = sorted(field for field in data if getattr(agency, field) != before[field])
        if changed:
            agency.save(update_fields=[*changed, "updated_at"])
            record_audit(
                actor,
                AGENCY_CHANGED,
                agency,
                fields=changed,
                before={f: before[f] for f in changed},
                after={f: getattr(agency, f) for f in changed},
                via="office",
            )
    return agency


def update_report_column(*, actor: Actor, agency: Agency, url: str) -> Agency:
    """Change the address of the agency's 年报 column (``agency.report_column_changed``): by its
    administrator or by the 政务公开办 above it."""
    if actor is None or not permissions.can_set_report_column(actor, agency):
        raise PermissionDenied(
            _("只有本机关的管理员或上级政务公开办可以修改“%(agency)s”的年报栏目网址。")
            % {"agency": agency.name}
        )
    with transaction.atomic():
        agency = Agency.objects.select_for_update().get(pk=agency.pk)
        before = agency.report_column_url
        agency.report_column_url = url.strip()
        agency.full_clean()
        if agency.report_column_url != before:
            agency.save(update_fields=["report_column_url", "updated_at"])
            record_audit(
                actor,
                "agency.report_column_changed",
                agency,
                agency=agency,
                before=before,
                after=agency.report_column_url,
            )
    return agency


LETTER_FIELDS = ("number_prefix", "reconsideration_body", "court")


def update_letter_settings(*, actor: Actor, agency: Agency, data: Mapping[str, str]) -> AgencyLetterSettings:
    """Change the agency's letter settings (the letters app's service audits ``letter_settings.changed``)."""
    unknown = set(data) - set(LETTER_FIELDS)
    if unknown:
        raise TypeError(f"update_letter_settings() got unexpected fields: {', '.join(sorted(unknown))}")
    with transaction.atomic():
        _require_admin(actor, agency)
        current = AgencyLetterSettings.objects.select_for_update().filter(agency=agency).first()
        letter_settings = current or AgencyLetterSettings(agency=agency)
        for field, value in data.items():
            setattr(letter_settings, field, value.strip())
        return save_letter_settings(actor=actor, settings=letter_settings, via="office")
