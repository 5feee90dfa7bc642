"""Headers of the static files whitenoise serves (``WHITENOISE_ADD_HEADERS_FUNCTION``).

Whitenoise answers ``/static/`` right after the security middleware, before the CSP middleware: each static
file gets here the same sandboxing policy as every other file the site sends (``responses.FILE_CSP``), so a
style sheet or an image opened on its own runs nothing. Pages keep their own strict policy.
"""

from __future__ import annotations

from collections.abc import MutableMapping


def add_headers(headers: MutableMapping[str, str], path: str, url: str) -> None:
    # Imported here: the settings name this module, and responses imports django.http.
    from gongkai.core.responses import FILE_CSP

    headers["Content-Security-Policy"] = FILE_CSP
