"""The page a letter download answers while the letter's .docx is still being made (officer and applicant)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from gongkai.applications.models import Letter

#: Seconds between the waiting page's refreshes (a ``<meta http-equiv="refresh">``: the CSP allows no
#: inline script, and the applicant is anonymous, so the jobs' own status page is not theirs to poll).
REFRESH_SECONDS = 3


def letter_pending(request: HttpRequest, letter: Letter, *, back: str) -> HttpResponse:
    """ "文书正在生成，请稍后刷新": 202, refreshing itself (the download starts once the file is made).
    Says nothing but the letter's title and number, which the asker may already see."""
    response = render(
        request,
        "applications/letter_pending.html",
        {"letter": letter, "back": back, "refresh_seconds": REFRESH_SECONDS},
        status=202,
    )
    response["Retry-After"] = str(REFRESH_SECONDS)
    response["Cache-Control"] = "private, no-store"
    return response
