"""The page a locked-out login attempt gets (axes' ``AXES_LOCKOUT_CALLABLE``): what happened, when to try
again, who can unlock — HTTP 429, on /accounts/login/ and /admin/login/ alike."""

from __future__ import annotations

import ipaddress
from typing import Any

from axes.helpers import get_client_username
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from gongkai.accounts import policy, selectors
from gongkai.core.ratelimit import client_address


def client_ip(request: HttpRequest) -> str | None:
    """The client's address for axes (``AXES_CLIENT_IP_CALLABLE``): the one the rate limits read
    (``GONGKAI_TRUSTED_PROXY_COUNT``), or ``None`` when the request carries no valid address — axes stores
    it in an IP address column, which PostgreSQL checks."""
    address = client_address(request)
    try:
        return str(ipaddress.ip_address(address))
    except ValueError:
        return None


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials: Any = None
) -> HttpResponse:
    username = str(get_client_username(request, credentials) or "")
    address = str(getattr(request, "axes_ip_address", "") or "")
    lock = selectors.lock_of(username, address)
    until = timezone.localtime(lock.until) if lock is not None else None
    context = {
        "limit": policy.failure_limit(),
        "minutes": policy.lock_minutes(),
        "until": until,
    }
    response = render(request, "accounts/locked_out.html", context, status=429)
    response["Cache-Control"] = "no-store"
    response["Retry-After"] = str(policy.lock_minutes() * 60)
    return response
