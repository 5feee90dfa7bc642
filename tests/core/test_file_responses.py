"""gongkai.core.responses.serve_file: the one way every stored, uploaded or generated file is sent
(ASVS V12.5: attachment unless a safe inline type, never HTML/SVG/XML from the site's origin, explicit
Content-Type, nosniff, a sandboxing CSP)."""

from __future__ import annotations

import io
from pathlib import Path
from urllib.parse import quote

import pytest

from gongkai.core.responses import (
    FILE_CSP,
    NEUTRAL_TYPE,
    PDF_INLINE_CSP,
    serve_file,
    served_type,
    shows_inline,
)

REPO = Path(__file__).resolve().parent.parent.parent
HTML = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"
SVG = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(2)</script></svg>'


def _assert_file_headers(response: object) -> None:
    headers = response.headers  # type: ignore[attr-defined]
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Content-Security-Policy"] == FILE_CSP
    assert "sandbox" in headers["Content-Security-Policy"]
    assert headers["Content-Type"]


@pytest.mark.parametrize(
    ("name", "data", "content_type"),
    [
        ("页面.html", HTML, "text/html; charset=utf-8"),
        ("page.htm", HTML, "TEXT/HTML"),
        ("logo.svg", SVG, "image/svg+xml"),
        ("data.xml", b"<?xml version='1.0'?><a/>", "application/xml"),
        ("feed.atom", b"<feed/>", "application/atom+xml"),
        ("page.xhtml", HTML, "application/xhtml+xml"),
        ("x.js", b"alert(1)", "text/javascript"),
    ],
)
def test_active_content_is_never_sent_as_itself_nor_inline(name: str, data: bytes, content_type: str) -> None:
    for inline in (False, True):
        response = serve_file(data, filename=name, content_type=content_type, inline=inline)
        assert response["Content-Type"] == NEUTRAL_TYPE
        assert response["Content-Disposition"].startswith("attachment;")
        assert response.content == data
        _assert_file_headers(response)


@pytest.mark.parametrize(
    ("content_type", "expected"),
    [
        ("application/pdf", "application/pdf"),
        ("image/png", "image/png"),
        ("image/jpeg", "image/jpeg"),
        ("image/gif", "image/gif"),
        ("image/webp", "image/webp"),
        ("text/plain; charset=utf-8", "text/plain; charset=utf-8"),
    ],
)
def test_safe_types_are_inline_only_when_asked(content_type: str, expected: str) -> None:
    shown = serve_file(b"x", filename="文件", content_type=content_type, inline=True)
    assert shown["Content-Type"] == expected
    assert shown["Content-Disposition"].startswith("inline;")
    if expected == "application/pdf":
        # The browser's PDF viewer cannot run in a sandboxed document: a PDF shown gets no sandbox.
        assert (
            shown["Content-Security-Policy"] == PDF_INLINE_CSP
            and shown["X-Content-Type-Options"] == "nosniff"
        )
    else:
        _assert_file_headers(shown)
    downloaded = serve_file(b"x", filename="文件", content_type=content_type)
    assert downloaded["Content-Disposition"].startswith("attachment;")


@pytest.mark.parametrize(
    "content_type",
    [
        "text/plain",  # no charset: a browser would guess one
        "image/tiff",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "application/zip",
        "text/csv; charset=utf-8",
        "",
        "garbage",
    ],
)
def test_other_types_are_downloaded_even_when_inline_is_asked(content_type: str) -> None:
    response = serve_file(b"x", filename="a.bin", content_type=content_type, inline=True)
    assert response["Content-Disposition"].startswith("attachment;")
    _assert_file_headers(response)


def test_type_rules() -> None:
    assert served_type("") == NEUTRAL_TYPE
    assert served_type("nonsense") == NEUTRAL_TYPE
    assert served_type("Text/Plain; Charset=GBK") == "text/plain; charset=GBK"
    assert served_type("image/svg+xml; charset=utf-8") == NEUTRAL_TYPE
    assert shows_inline("application/pdf") and not shows_inline("text/plain")
    assert not shows_inline(NEUTRAL_TYPE)


def test_the_name_is_encoded_and_lengths_and_streams_are_kept() -> None:
    response = serve_file("甲,乙\r\n", filename="审计 日志.csv", content_type="text/csv; charset=utf-8")
    assert response.content == "甲,乙\r\n".encode()
    assert response["Content-Length"] == str(len("甲,乙\r\n".encode()))
    assert "filename*=utf-8''" + quote("审计 日志.csv") in response["Content-Disposition"]
    streamed = serve_file(
        iter(["a,b\r\n", "1,2\r\n"]), filename="x.csv", content_type="text/csv; charset=utf-8"
    )
    assert b"".join(streamed.streaming_content) == b"a,b\r\n1,2\r\n"  # type: ignore[arg-type]
    assert "Content-Length" not in streamed
    _assert_file_headers(streamed)
    opened = serve_file(io.BytesIO(b"PK\x03\x04zip"), filename="案卷.zip", content_type="application/zip")
    assert b"".join(opened.streaming_content) == b"PK\x03\x04zip"  # type: ignore[arg-type]
    assert opened["Content-Disposition"].startswith("attachment;")
    _assert_file_headers(opened)


def test_every_view_that_sends_a_file_uses_serve_file() -> None:
    """No view builds a file response by hand (it would miss a header): FileResponse, a hand-set
    Content-Disposition or an HttpResponse with a file's content type appear only in core/responses.py."""
    offenders = []
    for path in sorted((REPO / "gongkai").rglob("*.py")):
        if path.name == "responses.py" and path.parent.name == "core":
            continue
        text = path.read_text(encoding="utf-8")
        for marker in ("FileResponse(", '["Content-Disposition"]', "content_disposition_header("):
            if marker in text:
                offenders.append(f"{path.relative_to(REPO)}: {marker}")
    assert offenders == []
