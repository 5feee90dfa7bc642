"""The audit log of logins: every login, logout, failed login (the username tried, never the password) and
lockout, from Django's and axes' signals.

A session opened in code (the test client's ``force_login``, a shell) has no request path: it is not a login
through the site and is not recorded.
"""

from __future__ import annotations

from typing import Any

from axes.signals import user_locked_out
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db import transaction
from django.dispatch import receiver
from django.http import HttpRequest
from django.utils import timezone

from gongkai.accounts import policy, selectors, sessions
from gongkai.accounts.codes import LOCKED_OUT, LOGIN, LOGIN_FAILED, LOGOUT
from gongkai.core.audit import record_audit
from gongkai.core.ratelimit import client_address

#: The longest username kept in an event (what was typed may be anything).
USERNAME_MAX = 150


def _through_site(request: HttpRequest | None) -> bool:
    return request is not None and bool(getattr(request, "path", ""))


def _user_named(username: str) -> AbstractBaseUser | None:
    if not username:
        return None
    model = get_user_model()
    return model._default_manager.filter(**{model.USERNAME_FIELD: username}).first()


@receiver(user_logged_in, dispatch_uid="gongkai.accounts.logged_in")
def _logged_in(sender: Any, request: HttpRequest | None, user: AbstractBaseUser, **kwargs: Any) -> None:
    if request is not None and hasattr(request, "session"):
        sessions.stamp_login(request, timezone.now(), second_factor=selectors.has_second_factor(user))
    if not _through_site(request):
        return
    assert request is not None
    with transaction.atomic():
        record_audit(user, LOGIN, user, address=client_address(request), path=request.path)


@receiver(user_logged_out, dispatch_uid="gongkai.accounts.logged_out")
def _logged_out(
    sender: Any, request: HttpRequest | None, user: AbstractBaseUser | None, **kwargs: Any
) -> None:
    if user is None or not _through_site(request):
        return
    assert request is not None
    reason = str(getattr(request, "gongkai_logout_reason", "") or "user")
    with transaction.atomic():
        record_audit(user, LOGOUT, user, address=client_address(request), reason=reason)


def _username(credentials: dict[str, Any]) -> str:
    return str(credentials.get("username", "") or "")[:USERNAME_MAX]


@receiver(user_login_failed, dispatch_uid="gongkai.accounts.login_failed")
def _login_failed(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    if not _through_site(request):
        return
    assert request is not None
    username = _username(credentials)  # the password never: Django already masks it, and it is not read
    with transaction.atomic():
        record_audit(
            None,
            LOGIN_FAILED,
            _user_named(username),
            username=username,
            address=client_address(request),
            path=request.path,
            # Refused because the username or address was already locked (the password was not checked).
            during_lock=bool(getattr(request, "axes_locked_out", False))
            and getattr(request, "axes_failures_since_start", None) is None,
        )


@receiver(user_locked_out, dispatch_uid="gongkai.accounts.locked_out")
def _locked_out(
    sender: Any, request: HttpRequest, username: str | None, ip_address: str, **kwargs: Any
) -> None:
    """axes says so on the failure that reaches the limit (recorded as the lock) and on every attempt during
    the lock (recorded by the failed login above, with ``during_lock``)."""
    if getattr(request, "axes_failures_since_start", None) is None:
        return
    name = str(username or "")[:USERNAME_MAX]
    with transaction.atomic():
        record_audit(
            None,
            LOCKED_OUT,
            _user_named(name),
            username=name,
            address=str(ip_address or ""),
            failures=int(getattr(request, "axes_failures_since_start", 0) or 0),
            minutes=policy.lock_minutes(),
        )
