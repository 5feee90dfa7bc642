"""Responses every app sends the same way: the 403 page, and every stored, uploaded or generated file."""

from __future__ import annotations

from collections.abc import Iterator
from typing import IO, overload

from django.http import (
    FileResponse,
    HttpRequest,
    HttpResponse,
    HttpResponsePermanentRedirect,
    StreamingHttpResponse,
)
from django.shortcuts import render
from django.utils.http import content_disposition_header

#: The one 403 page (it extends error_page.html: ``message``, and an optional "back to …" link).
FORBIDDEN_TEMPLATE = "403.html"

#: Types a browser shows inline without running anything the file holds: sent inline when the caller asks.
#: ``text/plain`` is one of them only with a declared charset (else a browser may guess the encoding).
INLINE_SAFE_TYPES = frozenset({"application/pdf", "image/png", "image/jpeg", "image/gif", "image/webp"})
#: Types a browser would run as a page or a script from the site's origin: never sent under their own type.
ACTIVE_TYPES = frozenset(
    {
        "text/html",
        "application/xhtml+xml",
        "image/svg+xml",
        "text/xml",
        "application/xml",
        "text/xsl",
        "application/xslt+xml",
        "text/javascript",
        "application/javascript",
        "application/ecmascript",
        "text/ecmascript",
        "application/x-javascript",
        "text/vtt",
        "multipart/x-mixed-replace",
    }
)
#: What an active or unknown type is sent as.
NEUTRAL_TYPE = "application/octet-stream"
#: The policy of every file response: the file may load nothing, and a browser that renders it anyway
#: treats it as a sandboxed document of its own (no script, no forms, a unique origin, no cookies).
FILE_CSP = "default-src 'none'; sandbox"
#: The policy of a PDF shown in the browser: Chromium's PDF viewer does not run in a sandboxed document (it
#: shows an empty page), so the PDF gets the policy without ``sandbox``. It is still sent as
#: ``application/pdf`` with ``nosniff``, which no browser renders as a page of the site's origin (a PDF's
#: own scripts run in the viewer's isolated engine, not on the origin).
PDF_INLINE_CSP = "default-src 'none'"
#: Large files held as a ``memoryview`` (what some database drivers return) are sent in slices this big.
CHUNK = 256 * 1024


class HttpResponsePermanentRedirectKeepMethod(HttpResponsePermanentRedirect):
    """308 Permanent Redirect: the client repeats the same method and body at the new address (a moved
    form's POST)."""

    status_code = 308


def forbidden(
    request: HttpRequest, message: str, back_url: str | None = None, back_label: str | None = None
) -> HttpResponse:
    """The 403 page saying why (``message``, in the reader's language), with a link back when given."""
    context = {"message": message, "back_url": back_url, "back_label": back_label}
    return render(request, FORBIDDEN_TEMPLATE, context, status=403)


def _base_type(content_type: str) -> tuple[str, dict[str, str]]:
    base, *params = (content_type or "").split(";")
    parsed: dict[str, str] = {}
    for param in params:
        name, eq, value = param.partition("=")
        if eq:
            parsed[name.strip().lower()] = value.strip().strip('"')
    return base.strip().lower(), parsed


def served_type(content_type: str) -> str:
    """The Content-Type a stored file is sent with: its own, unless a browser could run it as a page or a
    script (HTML, SVG, XML, JavaScript) or it is missing or malformed: then ``application/octet-stream``."""
    base, params = _base_type(content_type)
    if not base or "/" not in base or base in ACTIVE_TYPES or base.endswith(("+xml", "/xml")):
        return NEUTRAL_TYPE
    if "charset" in params:
        return f"{base}; charset={params['charset']}"
    return base


def shows_inline(content_type: str) -> bool:
    """Whether a file of this (served) type may be shown in the browser rather than downloaded."""
    base, params = _base_type(content_type)
    return base in INLINE_SAFE_TYPES or (base == "text/plain" and bool(params.get("charset")))


def _pieces(view: memoryview) -> Iterator[memoryview]:
    for start in range(0, len(view), CHUNK):
        yield view[start : start + CHUNK]


@overload
def serve_file(
    data: bytes | str,
    *,
    filename: str,
    content_type: str,
    inline: bool = False,
    disposition: str | None = None,
) -> HttpResponse: ...


@overload
def serve_file(
    data: memoryview | IO[bytes] | Iterator[bytes] | Iterator[str],
    *,
    filename: str,
    content_type: str,
    inline: bool = False,
    disposition: str | None = None,
) -> StreamingHttpResponse: ...


def serve_file(
    data: bytes | str | memoryview | IO[bytes] | Iterator[bytes] | Iterator[str],
    *,
    filename: str,
    content_type: str,
    inline: bool = False,
    disposition: str | None = None,
) -> HttpResponse | StreamingHttpResponse:
    """The response for every file Gongkai serves (uploads, letters, exports, attachments).

    * ``Content-Type`` is always explicit, and never one a browser would run (:func:`served_type`);
    * ``Content-Disposition`` is ``attachment`` (with the RFC 6266/5987 name), except when the caller asks
      for ``inline`` *and* the type is a safe inline one (:func:`shows_inline`: PDF, PNG, JPEG, GIF, WebP,
      plain text with a charset); ``disposition`` replaces the header a caller builds itself for an
      attachment;
    * ``X-Content-Type-Options: nosniff`` and a sandboxing ``Content-Security-Policy`` (:data:`FILE_CSP`),
      so nothing a file holds runs on the site's origin even if a browser renders it (a PDF shown inline
      gets :data:`PDF_INLINE_CSP`, without ``sandbox``, which the browser's PDF viewer cannot run under);
    * ``Content-Length`` for bytes and text; a ``memoryview`` is streamed in slices rather than copied
      whole, an open file sent by :class:`~django.http.FileResponse`, an iterator (lines of a CSV being
      written) streamed as it comes, without a length.
    """
    served = served_type(content_type)
    response: HttpResponse | StreamingHttpResponse
    length: int | None = None
    if isinstance(data, bytes | str):  # text is encoded in the type's charset (UTF-8 by default)
        response = HttpResponse(data, content_type=served)
        length = len(response.content)
    elif isinstance(data, memoryview):
        response = StreamingHttpResponse(_pieces(data), content_type=served)
        length = data.nbytes
    elif hasattr(data, "read"):  # an open file: FileResponse sends it in blocks, with its length
        response = FileResponse(data, content_type=served)
    else:
        response = StreamingHttpResponse(data, content_type=served)
    show = inline and shows_inline(served)
    if show or disposition is None:
        disposition = content_disposition_header(not show, filename) or ("inline" if show else "attachment")
    response["Content-Disposition"] = disposition
    if length is not None:
        response["Content-Length"] = str(length)
    response["X-Content-Type-Options"] = "nosniff"
    pdf_shown = show and _base_type(served)[0] == "application/pdf"
    response["Content-Security-Policy"] = PDF_INLINE_CSP if pdf_shown else FILE_CSP
    return response
