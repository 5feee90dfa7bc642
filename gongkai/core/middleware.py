"""Language selection for a Chinese government site, and the audit of superusers' requests.

Django's ``LocaleMiddleware`` follows the browser's ``Accept-Language`` header, so a browser set to
English would get the English interface unasked. Gongkai's pages speak Simplified Chinese unless the
user picked another language with the language switcher (which sets the language cookie).
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.urls import Resolver404, resolve, reverse
from django.utils import translation
from django.utils.translation import check_for_language

from gongkai.core.audit import record_audit


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


#: Methods that change nothing: a superuser's requests with them are recorded only on the admin site.
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
SUPERUSER_REQUEST = "superuser.request"


class SuperuserAuditMiddleware:
    """Superuser accounts are for setting the site up (三员分立, docs/decisions.md D-audit): every request a
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
