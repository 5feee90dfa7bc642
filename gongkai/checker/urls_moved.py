"""The checker's old addresses (``/checks/…``, before it moved to ``/check/`` in issue 15): each answers
with a permanent redirect to its new address, the query string kept — ``301`` for GET and HEAD, ``308``
for any other method, so that a form posting to an old address is posted again, unchanged, to the new
one.

(The old ``/`` is the site's front page now; a POST to it — the old check form — is redirected by the
front page itself.)
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse, HttpResponsePermanentRedirect
from django.urls import path, reverse
from django.views.decorators.csrf import csrf_exempt

from gongkai.core.responses import HttpResponsePermanentRedirectKeepMethod

app_name = "checker_moved"


def moved_to(request: HttpRequest, name: str, **kwargs: Any) -> HttpResponse:
    """The permanent redirect of an old address to the checker's URL ``name``."""
    url = reverse(f"checker:{name}", kwargs=kwargs or None)
    if request.META.get("QUERY_STRING"):
        url = f"{url}?{request.META['QUERY_STRING']}"
    if request.method in ("GET", "HEAD"):
        return HttpResponsePermanentRedirect(url)
    return HttpResponsePermanentRedirectKeepMethod(url)


def _moved(name: str) -> Any:
    # No CSRF check here: nothing is done but the redirect; the new address checks the repeated POST.
    @csrf_exempt
    def view(request: HttpRequest, **kwargs: Any) -> HttpResponse:
        return moved_to(request, name, **kwargs)

    view.__name__ = f"moved_{name}"
    return view


urlpatterns = [
    path("save/", _moved("save"), name="save"),
    path("job/<uuid:job_id>/", _moved("job"), name="job"),
    path("", _moved("saved_list"), name="saved_list"),
    path("<int:pk>/", _moved("saved_detail"), name="saved_detail"),
    path("<int:pk>/delete/", _moved("saved_delete"), name="saved_delete"),
]
