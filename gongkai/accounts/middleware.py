"""Per request, for a signed-in user, in this order:

1. the session ends after ``GONGKAI_SESSION_IDLE_MINUTES`` without a request, or ``GONGKAI_SESSION_MAX_HOURS``
   after login (back to the login page, with a message saying why);
2. a user who must log in with a second factor (``GONGKAI_REQUIRE_2FA``; or anyone who had set one up when
   they logged in) and has not given it in this session reaches only the 2FA pages and logout: the verify
   page if they have an authenticator, its set-up page if not;
3. an expired password (``GONGKAI_PASSWORD_MAX_AGE_DAYS``) must be changed before anything else.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.models import User
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from gongkai.accounts import policy, selectors, sessions
from gongkai.accounts.models import PasswordHistory

#: Views always open to a signed-in user, whatever they still owe (URL names).
ALWAYS_OPEN = frozenset({"logout", "admin:logout", "set_language", "healthz"})
#: The views of the second factor's login step.
SECOND_FACTOR_VIEWS = frozenset({"accounts:verify", "accounts:totp_start", "accounts:totp_confirm"})
#: The views where an expired password is changed.
PASSWORD_VIEWS = frozenset({"accounts:password_change", "accounts:password_change_done"})


def _with_next(url: str, request: HttpRequest) -> str:
    if request.method in ("GET", "HEAD"):
        return f"{url}?{urlencode({'next': request.get_full_path()})}"
    return url


class AccountSecurityMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view_func: Callable[..., Any], args: Any, kwargs: Any
    ) -> HttpResponse | None:
        user = getattr(request, "user", None)
        match = request.resolver_match
        name = match.view_name if match is not None else ""
        if user is None or not user.is_authenticated or name in ALWAYS_OPEN:
            return None
        return (
            self._session_over(request)
            or self._second_factor(request, name)
            or self._password_expired(request, name)
        )

    def _session_over(self, request: HttpRequest) -> HttpResponse | None:
        reason = sessions.expired(
            request, timezone.now(), idle=policy.idle_timeout(), max_age=policy.session_max_age()
        )
        if not reason:
            return None
        request.gongkai_logout_reason = reason  # type: ignore[attr-defined]  # read by the logout audit
        logout(request)
        if reason == "idle":
            text = _("您已超过 %(n)d 分钟没有操作，为保护账号安全已自动退出，请重新登录。") % {
                "n": int(policy.idle_timeout().total_seconds() // 60)  # type: ignore[union-attr]
            }
        else:
            text = _("登录已超过 %(n)d 小时，为保护账号安全已自动退出，请重新登录。") % {
                "n": int(policy.session_max_age().total_seconds() // 3600)
            }
        messages.info(request, text)
        return HttpResponseRedirect(_with_next(reverse("login"), request))

    def _second_factor(self, request: HttpRequest, name: str) -> HttpResponse | None:
        """Costs no query for a user who has no authenticator (known at login) and need not have one."""
        user = request.user
        if user.is_verified():  # type: ignore[union-attr]
            return None
        required = policy.two_factor_enforced() and policy.needs_second_factor(user)
        pending = bool(request.session.get(sessions.SECOND_FACTOR_PENDING))
        if (not required and not pending) or name in SECOND_FACTOR_VIEWS:
            return None
        has_device = selectors.has_second_factor(user)  # type: ignore[arg-type]
        if not has_device and not required:
            request.session[sessions.SECOND_FACTOR_PENDING] = False  # the devices were reset meanwhile
            return None
        target = reverse("accounts:verify") if has_device else reverse("accounts:totp_start")
        return HttpResponseRedirect(_with_next(target, request))

    def _password_expired(self, request: HttpRequest, name: str) -> HttpResponse | None:
        max_age = policy.password_max_age()
        if max_age is None:
            return None
        if name in PASSWORD_VIEWS or name in SECOND_FACTOR_VIEWS:
            return None
        user = cast(User, request.user)
        last = PasswordHistory.objects.filter(user_id=user.pk).order_by("-created_at").first()
        changed_at = last.created_at if last is not None else getattr(user, "date_joined", None)
        if changed_at is None or timezone.now() - changed_at <= max_age:
            return None
        messages.warning(request, _("您的密码已超过 %(n)d 天未更换，请先修改密码。") % {"n": max_age.days})
        return HttpResponseRedirect(reverse("accounts:password_change"))
