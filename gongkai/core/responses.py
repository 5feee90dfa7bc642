"""Responses every app sends the same way."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

#: The one 403 page (it extends error_page.html: ``message``, and an optional "back to …" link).
FORBIDDEN_TEMPLATE = "403.html"


def forbidden(
    request: HttpRequest, message: str, back_url: str | None = None, back_label: str | None = None
) -> HttpResponse:
    """The 403 page saying why (``message``, in the reader's language), with a link back when given."""
    context = {"message": message, "back_url": back_url, "back_label": back_label}
    return render(request, FORBIDDEN_TEMPLATE, context, status=403)
