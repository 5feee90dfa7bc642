"""Middleware of our own.

* :class:`FormBodyMiddleware` — a POST whose form data Django cannot parse answers 400 with a Chinese page.
* :class:`ChosenLanguageMiddleware` — language selection for a Chinese government site.
* :class:`PermissionsPolicyMiddleware` — the ``Permissions-Policy`` header.
* :class:`SuperuserAuditMiddleware` — every request of a superuser to a write view or the admin site audited.
* :class:`SealingErrorMiddleware` — personal data this server cannot decrypt answers 503 saying why.

Language selection:

Django's ``LocaleMiddleware`` follows the browser's ``Accept-Language`` header, so a browser set to
English would get the English interface unasked. Gongkai's pages speak Simplified Chinese unless the
user picked another language with the language switcher (which sets the language cookie).
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import BadRequest
from django.http import HttpRequest, HttpResponse
from django.http.multipartparser import MultiPartParserError
from django.shortcuts import render
from django.urls import Resolver404, resolve, reverse
from django.utils import translation
from django.utils.translation import check_for_language
from django.utils.translation import gettext as _

from gongkai.core.audit import record_audit
from gongkai.core.sealing import SealingError

logger = logging.getLogger(__name__)


class ChosenLanguageMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen and check_for_language(chosen) else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", translation.get_language())
        response.headers["Vary"] = ", ".join(v for v in (response.headers.get("Vary"), "Cookie") if v)
        return response


class PermissionsPolicyMiddleware:
    """Sends ``Permissions-Policy`` from ``settings.PERMISSIONS_POLICY`` (feature → allow list, ``()`` for
    none) on every response that has none, so no page (nor a script injected into one) can use the camera,
    the microphone, the location, payment or USB devices."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        policy: dict[str, str] = getattr(settings, "PERMISSIONS_POLICY", {})
        self.header = ", ".join(f"{feature}={allow}" for feature, allow in policy.items())

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if self.header:
            response.headers.setdefault("Permissions-Policy", self.header)
        return response


class FormBodyMiddleware:
    """Parse a POST's form data before anything else does, and answer 400 (the Chinese page) when Django
    refuses it, e.g. ``application/x-www-form-urlencoded; charset=gbk`` (Django accepts only UTF-8 there).

    Left alone, the refusal (``BadRequest``) is raised again each time ``request.POST`` is read — by the
    CSRF check, then while the error page is rendered — and the request ends in a 500. After the language
    middleware (the page is in the reader's language), before the CSRF check (which reads the form).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method == "POST":
            try:
                request.POST  # noqa: B018 — parsed now, once
            except (BadRequest, MultiPartParserError):
                request._mark_post_parse_error()  # type: ignore[attr-defined]  # POST is empty from now on
                message = _(
                    "提交的表单内容无法读取（编码或格式不对）。请返回上一页，用浏览器重新填写后再提交。"
                )
                return render(request, "400.html", {"message": message}, status=400)
        return self.get_response(request)


#: Methods that change nothing: a superuser's requests with them are recorded only on the admin site.
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
SUPERUSER_REQUEST = "superuser.request"


class SuperuserAuditMiddleware:
    """Superuser accounts are for setting the site up (三员分立, docs/decisions.md D21): every request a
    superuser makes to a write view (any method but GET/HEAD/OPTIONS) or to the admin site is recorded in the
    audit log (``superuser.request``: method, path, the view's name), before the view runs, so that it is
    recorded whatever the view does. Goes after ``AuthenticationMiddleware``."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and user.is_active
            and getattr(user, "is_superuser", False)
        ):
            admin = request.path.startswith(reverse("admin:index"))
            if admin or request.method not in SAFE_METHODS:
                try:
                    view = resolve(request.path_info).view_name
                except Resolver404:
                    view = ""
                record_audit(
                    user, SUPERUSER_REQUEST, method=request.method or "", path=request.path, view=view
                )
        return self.get_response(request)


class SealingErrorMiddleware:
    """A page that reads personal data this server cannot decrypt — most often a host whose
    ``GONGKAI_DATA_KEYS`` lacks a key another host has started sealing with (docs/administration.md, key
    rotation) — answers 503 with a page that says so, and the error is logged with the key's id, instead
    of a bare 500."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, SealingError):
            return None
        logger.error("personal data cannot be decrypted on %s: %s", request.path, exception)
        message = _(
            "本服务器暂时无法读取加密保存的个人信息（缺少数据密钥，或数据已损坏）。请联系系统管理员："
            "确认每台服务器的 GONGKAI_DATA_KEYS 含有全部在用的密钥并重启服务"
            "（见 docs/administration.md 的 Key rotation 一节）。"
        )
        return render(request, "503.html", {"message": message}, status=503)
