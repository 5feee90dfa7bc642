"""The headers every page carries (issue 12, part 6; 等保 入侵防范, ASVS V14.4): a strict
Content-Security-Policy, Referrer-Policy, Permissions-Policy, nosniff, frame denial and
Cross-Origin-Opener-Policy; and no template holds what that policy would block."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from gongkai.reports.export.html import REPORT_CSS

REPO = Path(__file__).resolve().parent.parent.parent
#: Pages that are files opened from disk, never served by the site (the cover of the exported case file).
STANDALONE_FILES = {"applications/templates/applications/officer/case_file_cover.html"}


def directives(header: str) -> dict[str, list[str]]:
    parsed: dict[str, list[str]] = {}
    for part in header.split(";"):
        name, *values = part.split()
        parsed[name] = values
    return parsed


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path", ["/", "/apply/", "/accounts/login/", "/admin/login/", "/gk/", "/no-such-page/"]
)
def test_every_page_carries_the_strict_policy_and_the_other_headers(client: Client, path: str) -> None:
    response = client.get(path)
    csp = directives(response["Content-Security-Policy"])
    assert csp["default-src"] == ["'self'"]
    assert csp["script-src"] == ["'self'"]
    assert csp["style-src"] == ["'self'"]
    assert csp["img-src"] == ["'self'"]
    assert csp["object-src"] == ["'none'"]
    assert csp["base-uri"] == ["'none'"]
    assert csp["frame-ancestors"] == ["'none'"]
    assert csp["form-action"] == ["'self'"]
    assert not any("unsafe" in value for values in csp.values() for value in values)
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    features = dict(item.strip().split("=", 1) for item in response["Permissions-Policy"].split(","))
    for feature in ("camera", "microphone", "geolocation", "payment", "usb"):
        assert features[feature] == "()"
    assert set(features.values()) == {"()"}


def test_the_report_style_sheet_is_served_from_the_export_constant(client: Client) -> None:
    response = client.get(reverse("annual_public:report_css"))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/css; charset=utf-8"
    assert response.content.decode() == REPORT_CSS
    assert "public" in response["Cache-Control"]


INLINE = {
    "inline script": re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE),
    "style block": re.compile(r"<style\b", re.IGNORECASE),
    "style attribute": re.compile(r"\sstyle\s*=", re.IGNORECASE),
    "event handler": re.compile(r"\son[a-z]+\s*=", re.IGNORECASE),
    "javascript: URL": re.compile(r"javascript:", re.IGNORECASE),
}


def test_no_template_holds_what_the_policy_blocks() -> None:
    found = []
    for path in sorted((REPO / "gongkai").glob("*/templates/**/*.html")):
        name = path.relative_to(REPO / "gongkai").as_posix()
        if name in STANDALONE_FILES:
            continue
        text = path.read_text(encoding="utf-8")
        found += [f"{name}: {what}" for what, pattern in INLINE.items() if pattern.search(text)]
    assert found == []


def test_the_detector_finds_each_kind() -> None:
    samples = {
        "inline script": "<script>alert(1)</script>",
        "style block": "<style>p{}</style>",
        "style attribute": '<h2 style="margin: 0">',
        "event handler": '<body onload="x()">',
        "javascript: URL": '<a href="javascript:x()">',
    }
    for what, sample in samples.items():
        assert INLINE[what].search(sample), what
    assert not INLINE["inline script"].search('<script src="/static/a.js"></script>')
