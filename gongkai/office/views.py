"""Thin views: the workbench (工作台), notifications (站内通知), the office's administration (本机关管理)."""

from __future__ import annotations

from typing import cast

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import SetPasswordForm
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from gongkai.accounts import permissions as account_permissions
from gongkai.accounts import selectors as account_selectors
from gongkai.accounts import services as account_services
from gongkai.agencies.models import Agency, Role
from gongkai.applications import permissions as application_permissions
from gongkai.core import notifications
from gongkai.core.actors import display_name
from gongkai.core.responses import forbidden
from gongkai.letters.models import AgencyLetterSettings
from gongkai.office import permissions, proactive, selectors, services, workbench
from gongkai.office.forms import ContactForm, GrantForm, InviteForm, LetterSettingsForm, ReportColumnForm


def _private(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "private, no-store"
    return response


# --- 工作台 -------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "HEAD"])
def workbench_page(request: HttpRequest) -> HttpResponse:
    user = cast(User, request.user)
    today = timezone.localdate()
    context = {
        "items": workbench.items_for(user, today),
        "roles": workbench.roles_of(user),
        "today": today,
        "recent": list(notifications.inbox(user).filter(read_at__isnull=True)[:5]),
    }
    return _private(render(request, "office/workbench.html", context))


# --- 站内通知 -----------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def notifications_page(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        pk = request.POST.get("pk", "")
        if pk.isdigit():
            notifications.mark_read(request.user, pks=[int(pk)])
        elif request.POST.get("all"):
            count = notifications.mark_read(request.user)
            messages.success(request, _("已将 %(n)d 条通知标为已读。") % {"n": count})
        return redirect("office:notifications")
    inbox = list(notifications.inbox(request.user)[: notifications.PAGE_LIMIT])
    rows = [(notice, notifications.text(notice)) for notice in inbox]
    return _private(render(request, "office/notifications.html", {"rows": rows}))


# --- 本机关管理 ---------------------------------------------------------------------------------


def _agency(request: HttpRequest, short_code: str) -> Agency:
    return selectors.readable_agency(request.user, short_code)


def _administered(request: HttpRequest, short_code: str) -> Agency:
    """The agency, for a page that changes something: readers (政务公开办) get 403, strangers 404."""
    agency = _agency(request, short_code)
    if not permissions.can_administer(request.user, agency):
        raise PermissionDenied(_("政务公开办只能查看下级机关的人员名单，不能修改。"))
    return agency


def _staff_url(agency: Agency) -> str:
    return reverse("office:staff", kwargs={"short_code": agency.short_code})


def _refused(request: HttpRequest, agency: Agency, exc: PermissionDenied) -> HttpResponse:
    return forbidden(request, str(exc), _staff_url(agency), _("返回人员名单"))


@login_required
@require_http_methods(["GET", "HEAD"])
def office_index(request: HttpRequest) -> HttpResponse:
    agencies = list(selectors.office_agencies(request.user))
    if not agencies:
        return forbidden(
            request,
            _("只有机关管理员和政务公开办可以使用本机关管理。"),
            reverse("office:workbench"),
            _("返回工作台"),
        )
    if len(agencies) == 1:
        return redirect(_staff_url(agencies[0]))
    rows = [(agency, permissions.can_administer(request.user, agency)) for agency in agencies]
    return _private(render(request, "office/index.html", {"rows": rows}))


@login_required
@require_http_methods(["GET", "HEAD"])
def staff(request: HttpRequest, short_code: str) -> HttpResponse:
    agency = _agency(request, short_code)
    context = {
        "agency": agency,
        "staff": selectors.staff_of(agency),
        "can_administer": permissions.can_administer(request.user, agency),
    }
    return _private(render(request, "office/staff.html", context))


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def member(request: HttpRequest, short_code: str, user_pk: int) -> HttpResponse:
    agency = _agency(request, short_code)
    person = selectors.member_of(agency, user_pk)
    can_administer = permissions.can_administer(request.user, agency)
    grantable = [r for r in permissions.grantable_roles(request.user, agency) if r not in person.roles]
    form = GrantForm(request.POST or None, roles=grantable)
    if request.method == "POST":
        if not can_administer:
            raise PermissionDenied(_("政务公开办只能查看下级机关的人员名单，不能修改。"))
        if form.is_valid():
            try:
                services.grant_role(
                    actor=request.user, agency=agency, user=person.user, role=form.cleaned_data["role"]
                )
            except PermissionDenied as exc:
                return _refused(request, agency, exc)
            except ValidationError as exc:
                form.add_service_error(exc)
            else:
                messages.success(request, _("已授予角色。"))
                return redirect("office:member", short_code=agency.short_code, user_pk=user_pk)
    revocable = set(permissions.grantable_roles(request.user, agency)) if can_administer else set()
    context = {
        "agency": agency,
        "person": person,
        "roles": [(role, Role(role).label, role in revocable) for role in person.roles],
        "form": form if can_administer and grantable else None,
        "can_administer": can_administer,
        "is_self": person.user.pk == request.user.pk,
        "lock": account_selectors.lock_of(person.user.get_username()),
        "has_second_factor": account_selectors.has_second_factor(person.user),
        "can_manage_account": account_permissions.can_manage_account(request.user, person.user, agency),
    }
    return _private(render(request, "office/member.html", context))


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def revoke(request: HttpRequest, short_code: str, user_pk: int, role: str) -> HttpResponse:
    """Confirm, then take one role away."""
    agency = _administered(request, short_code)
    person = selectors.member_of(agency, user_pk)
    if role not in person.roles:
        return redirect("office:member", short_code=agency.short_code, user_pk=user_pk)
    error = ""
    if request.method == "POST":
        try:
            services.revoke_role(actor=request.user, agency=agency, user=person.user, role=role)
        except PermissionDenied as exc:
            return _refused(request, agency, exc)
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            messages.success(request, _("已撤销角色。"))
            if len(person.roles) == 1:
                return redirect(_staff_url(agency))
            return redirect("office:member", short_code=agency.short_code, user_pk=user_pk)
    context = {
        "agency": agency,
        "person": person,
        "role": role,
        "role_label": Role(role).label,
        "error": error,
    }
    return _private(render(request, "office/confirm_revoke.html", context))


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def deactivate(request: HttpRequest, short_code: str, user_pk: int) -> HttpResponse:
    """Confirm, then remove a leaver from the agency (the account goes off if they work nowhere else)."""
    agency = _administered(request, short_code)
    person = selectors.member_of(agency, user_pk)
    error = ""
    if request.method == "POST":
        try:
            switched_off = services.deactivate(actor=request.user, agency=agency, user=person.user)
        except PermissionDenied as exc:
            return _refused(request, agency, exc)
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            messages.success(
                request,
                _("%(name)s已停用，账号不能再登录。") % {"name": person.name}
                if switched_off
                else _("%(name)s已从本机关移除（仍在其他机关任职，账号保留）。") % {"name": person.name},
            )
            return redirect(_staff_url(agency))
    return _private(
        render(
            request, "office/confirm_deactivate.html", {"agency": agency, "person": person, "error": error}
        )
    )


def _site_url(request: HttpRequest) -> str:
    return str(getattr(settings, "GONGKAI_SITE_URL", "") or request.build_absolute_uri("/"))


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def invite(request: HttpRequest, short_code: str) -> HttpResponse:
    agency = _administered(request, short_code)
    form = InviteForm(request.POST or None, roles=permissions.grantable_roles(request.user, agency))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            invitation = services.invite(
                actor=request.user,
                agency=agency,
                username=data["username"],
                full_name=data["full_name"],
                email=data["email"],
                roles=data["roles"],
                site_url=_site_url(request),
            )
        except PermissionDenied as exc:
            return _refused(request, agency, exc)
        except ValidationError as exc:
            form.add_service_error(exc)
        else:
            _report_invitation(request, invitation)
            return redirect(_staff_url(agency))
    return _private(render(request, "office/invite.html", {"agency": agency, "form": form}))


def _report_invitation(request: HttpRequest, invitation: services.Invitation) -> None:
    name = display_name(invitation.user)
    if invitation.sent:
        messages.success(
            request,
            _("已向 %(email)s 发送邀请邮件，%(name)s可按邮件中的链接设置密码。")
            % {"email": invitation.user.email, "name": name},
        )
    else:
        messages.error(
            request,
            _("账号已建立，但邀请邮件发送失败（%(error)s）。请检查邮件设置后在%(name)s的页面重新发送。")
            % {"error": invitation.error, "name": name},
        )


@login_required
@require_POST
def resend(request: HttpRequest, short_code: str, user_pk: int) -> HttpResponse:
    agency = _administered(request, short_code)
    person = selectors.member_of(agency, user_pk)
    try:
        invitation = services.send_invitation(
            actor=request.user, agency=agency, user=person.user, site_url=_site_url(request)
        )
    except PermissionDenied as exc:
        return _refused(request, agency, exc)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        _report_invitation(request, invitation)
    return redirect("office:member", short_code=agency.short_code, user_pk=user_pk)


@login_required
@require_POST
def send_reset(request: HttpRequest, short_code: str, user_pk: int) -> HttpResponse:
    """E-mail a colleague a link to set a new password."""
    agency = _administered(request, short_code)
    person = selectors.member_of(agency, user_pk)
    try:
        sent = services.send_password_reset(
            actor=request.user, agency=agency, user=person.user, site_url=_site_url(request)
        )
    except PermissionDenied as exc:
        return _refused(request, agency, exc)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        if sent.sent:
            messages.success(request, _("已向 %(email)s 发送重置密码链接。") % {"email": person.user.email})
        else:
            messages.error(request, _("重置密码邮件发送失败（%(error)s）。") % {"error": sent.error})
    return redirect("office:member", short_code=agency.short_code, user_pk=user_pk)


@login_required
@require_POST
def unlock(request: HttpRequest, short_code: str, user_pk: int) -> HttpResponse:
    """End a colleague's login lock (too many wrong passwords)."""
    agency = _agency(request, short_code)  # the service checks who may (accounts.permissions)
    person = selectors.member_of(agency, user_pk)
    try:
        account_services.unlock(actor=request.user, user=person.user, agency=agency)
    except PermissionDenied as exc:
        return _refused(request, agency, exc)
    messages.success(request, _("已解除%(name)s的登录锁定。") % {"name": person.name})
    return redirect("office:member", short_code=agency.short_code, user_pk=user_pk)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def reset_two_factor(request: HttpRequest, short_code: str, user_pk: int) -> HttpResponse:
    """Remove a colleague's authenticators and recovery codes (a lost phone): they set up anew at login.
    GET asks for confirmation first (it cannot be undone); POST does it."""
    agency = _agency(request, short_code)  # the service checks who may (accounts.permissions)
    person = selectors.member_of(agency, user_pk)
    if request.method != "POST":
        if not account_permissions.can_manage_account(request.user, person.user, agency):
            return _refused(request, agency, PermissionDenied(_("您没有权限管理此人的账号安全设置。")))
        context = {"agency": agency, "person": person}
        return _private(render(request, "office/confirm_reset_2fa.html", context))
    try:
        account_services.reset_two_factor(actor=request.user, user=person.user, agency=agency)
    except PermissionDenied as exc:
        return _refused(request, agency, exc)
    messages.success(
        request, _("已重置%(name)s的双因素认证，其下次登录时需重新设置。") % {"name": person.name}
    )
    return redirect("office:member", short_code=agency.short_code, user_pk=user_pk)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def contact(request: HttpRequest, short_code: str) -> HttpResponse:
    agency = _agency(request, short_code)
    can_administer = permissions.can_administer(request.user, agency)
    form = ContactForm(request.POST or None, instance=Agency.objects.get(pk=agency.pk))
    if request.method == "POST":
        if not can_administer:
            raise PermissionDenied(_("政务公开办只能查看下级机关的联系信息，不能修改。"))
        if form.is_valid():
            try:
                services.update_contact(
                    actor=request.user,
                    agency=agency,
                    data={f: form.cleaned_data[f] for f in Agency.CONTACT_FIELDS},
                )
            except PermissionDenied as exc:
                return _refused(request, agency, exc)
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("联系信息已保存，政府信息公开指南随之更新。"))
                return redirect("office:contact", short_code=agency.short_code)
    context = {
        "agency": agency,
        "form": form,
        "can_administer": can_administer,
        "column_form": ReportColumnForm(instance=Agency.objects.get(pk=agency.pk)),
        "can_set_column": permissions.can_set_report_column(request.user, agency),
    }
    return _private(render(request, "office/contact.html", context))


@login_required
@require_POST
def report_column(request: HttpRequest, short_code: str) -> HttpResponse:
    """The address of the agency's 年报 column: its administrator or the 政务公开办 above it sets it."""
    agency = _agency(request, short_code)
    if not permissions.can_set_report_column(request.user, agency):
        raise PermissionDenied(_("只有本机关的管理员或上级政务公开办可以修改年报栏目网址。"))
    column_form = ReportColumnForm(request.POST, instance=Agency.objects.get(pk=agency.pk))
    if column_form.is_valid():
        try:
            services.update_report_column(
                actor=request.user, agency=agency, url=column_form.cleaned_data["report_column_url"]
            )
        except PermissionDenied as exc:  # pragma: no cover - checked above by the same rule
            return _refused(request, agency, exc)
        except ValidationError as exc:
            column_form.add_error(None, exc)
        else:
            messages.success(request, _("年报栏目网址已保存。"))
            return redirect("office:contact", short_code=agency.short_code)
    context = {
        "agency": agency,
        "form": ContactForm(instance=Agency.objects.get(pk=agency.pk)),
        "can_administer": permissions.can_administer(request.user, agency),
        "column_form": column_form,
        "can_set_column": True,
    }
    return _private(render(request, "office/contact.html", context))


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def letters(request: HttpRequest, short_code: str) -> HttpResponse:
    agency = _agency(request, short_code)
    can_administer = permissions.can_administer(request.user, agency)
    current = AgencyLetterSettings.objects.filter(agency=agency).first()
    form = LetterSettingsForm(request.POST or None, instance=current)
    if request.method == "POST":
        if not can_administer:
            raise PermissionDenied(_("政务公开办只能查看下级机关的文书设置，不能修改。"))
        if form.is_valid():
            try:
                services.update_letter_settings(
                    actor=request.user,
                    agency=agency,
                    data={f: form.cleaned_data[f] for f in services.LETTER_FIELDS},
                )
            except PermissionDenied as exc:
                return _refused(request, agency, exc)
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("文书设置已保存。"))
                return redirect("office:letters", short_code=agency.short_code)
    context = {"agency": agency, "form": form, "can_administer": can_administer}
    return _private(render(request, "office/letters.html", context))


# --- Setting the password from the invitation ---------------------------------------------------


class SetPasswordView(auth_views.PasswordResetConfirmView):
    """The invitation's link, and the password-reset link: Django's password-reset confirmation (the token
    is spent once used; every session of the user ends, as the session hash changes)."""

    template_name = "office/set_password.html"
    success_url = reverse_lazy("password_set")

    def form_valid(self, form: SetPasswordForm[User]) -> HttpResponse:
        first = not form.user.has_usable_password()
        response = super().form_valid(form)
        account_services.record_password_change(form.user, via="invitation" if first else "reset")
        return response


class PasswordSetView(auth_views.PasswordResetCompleteView):
    template_name = "office/password_set.html"


# ---------------------------------------------------------------------------------------------
# 依申请公开转主动公开 (条例 第四十四条)
# ---------------------------------------------------------------------------------------------


@login_required
@require_POST
def propose_from_case(request: HttpRequest, case_pk: int) -> HttpResponse:
    """One click on an answered case: its released information becomes a catalogue draft."""
    application = get_object_or_404(
        application_permissions.cases_visible_to(request.user).select_related("agency"), pk=case_pk
    )
    try:
        proposal = proactive.propose_from_application(actor=request.user, application=application)
    except PermissionDenied as exc:
        return forbidden(request, str(exc))
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect("cases:detail", pk=application.pk)
    messages.success(
        request,
        _("已生成主动公开目录草稿，请核对名称、日期和内容后提交保密审查。"),
    )
    for filename, reason in proposal.skipped:
        messages.warning(
            request, _("附件“%(name)s”未能带入：%(reason)s") % {"name": filename, "reason": reason}
        )
    return redirect("catalogue_manage:detail", pk=proposal.item.pk)
