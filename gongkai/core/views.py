"""Site-wide views that belong to no feature."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET


@never_cache
@require_GET
def healthz(request: HttpRequest) -> HttpResponse:
    """``/healthz/``: "ok" when the process serves requests (for load balancers; touches no database).

    Also the "minimal Django page" the catalogue benchmark measures beside the real pages.
    """
    return HttpResponse("ok", content_type="text/plain; charset=utf-8")
