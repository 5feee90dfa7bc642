"""Site-wide views that belong to no feature."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.http import HttpRequest, HttpResponse, HttpResponseBase, HttpResponseForbidden
from django.utils.translation import gettext as _
from django.views import i18n as i18n_views
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST


@never_cache
@require_GET
def healthz(request: HttpRequest) -> HttpResponse:
    """``/healthz/``: "ok" when the process serves requests (for load balancers; touches no database).

    Also the "minimal Django page" the catalogue benchmark measures beside the real pages.
    """
    return HttpResponse("ok", content_type="text/plain; charset=utf-8")


@csrf_exempt
@require_POST
def set_language(request: HttpRequest) -> HttpResponseBase:
    """Django's language switch (``POST language=<code>``), without a CSRF token in the form.

    Every page carries the switcher, and a form with a token cannot be kept in the page cache
    (:mod:`gongkai.core.pagecache`): the token is one reader's. Choosing a language only sets the language
    cookie; a cross-site request is still refused here — by the browser's ``Sec-Fetch-Site`` header or,
    without it, an ``Origin`` that is not this site's.
    """
    fetch_site = request.headers.get("Sec-Fetch-Site", "")
    origin = request.headers.get("Origin", "")
    if fetch_site == "cross-site" or (
        origin and origin != "null" and urlsplit(origin).netloc != request.get_host()
    ):
        return HttpResponseForbidden(
            _("不能从其他网站切换本站的语言。"), content_type="text/plain; charset=utf-8"
        )
    return i18n_views.set_language(request)
