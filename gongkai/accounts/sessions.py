"""What the session itself remembers of the login: when it began and the last request, both in the session
(stored in the database, so every worker process and host sees the same)."""

from __future__ import annotations

import datetime

from django.http import HttpRequest

LOGIN_AT = "gongkai_login_at"
LAST_SEEN = "gongkai_last_seen"
#: Set at login when the user has an authenticator: this session must give a code before anything else
#: (kept in the session, so that a user without one costs no query per request).
SECOND_FACTOR_PENDING = "gongkai_second_factor_pending"
#: The last request is written back at most this often (a session write per request is not needed).
RESOLUTION = datetime.timedelta(seconds=60)


def _read(request: HttpRequest, key: str) -> datetime.datetime | None:
    raw = request.session.get(key)
    if not isinstance(raw, int | float):
        return None
    return datetime.datetime.fromtimestamp(raw, tz=datetime.UTC)


def stamp_login(request: HttpRequest, now: datetime.datetime, *, second_factor: bool) -> None:
    request.session[LOGIN_AT] = now.timestamp()
    request.session[LAST_SEEN] = now.timestamp()
    request.session[SECOND_FACTOR_PENDING] = second_factor


def expired(
    request: HttpRequest,
    now: datetime.datetime,
    *,
    idle: datetime.timedelta | None,
    max_age: datetime.timedelta,
) -> str:
    """Why the session is over (``"idle"``, ``"max_age"``), or ``""`` when it goes on (and is stamped)."""
    login_at = _read(request, LOGIN_AT)
    last_seen = _read(request, LAST_SEEN)
    if login_at is not None and now - login_at > max_age:
        return "max_age"
    if idle is not None and last_seen is not None and now - last_seen > idle:
        return "idle"
    if login_at is None:
        # A session made before this rule (or in code): its age counts from now.
        request.session[LOGIN_AT] = now.timestamp()
    if last_seen is None or now - last_seen >= RESOLUTION:
        request.session[LAST_SEEN] = now.timestamp()
    return ""
