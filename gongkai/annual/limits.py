"""Rate limits of the annual report's imports, per user and hour, counted in the database
(:func:`gongkai.core.ratelimit.take`): each import reads outside files in limited child processes, and a
user must not keep the server's cores busy with them. Settings ``GONGKAI_PREVIOUS_IMPORTS_PER_HOUR``
(the officer's previous-report import) and ``GONGKAI_BULK_IMPORTS_PER_HOUR`` (the supervisor's bulk-import
uploads)."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from gongkai.core import ratelimit

PREVIOUS_IMPORTS_PER_HOUR = 20
BULK_IMPORTS_PER_HOUR = 10
_HOUR = datetime.timedelta(hours=1)


def _refused(request: HttpRequest, scope: str, limit: int) -> str | None:
    """Count one import of the user; the Chinese message saying when to try again when over ``limit``."""
    retry = ratelimit.take(scope, ratelimit.keyed("user", str(request.user.pk)), 1, limit=limit, window=_HOUR)
    if retry is None:
        return None
    return _("导入过于频繁：每小时最多导入 %(limit)s 次。请在 %(time)s 以后再试。") % {
        "limit": limit,
        "time": timezone.localtime(retry).strftime("%H:%M"),
    }


def previous_import_refused(request: HttpRequest) -> str | None:
    limit = int(getattr(settings, "GONGKAI_PREVIOUS_IMPORTS_PER_HOUR", PREVIOUS_IMPORTS_PER_HOUR))
    return _refused(request, "previous-import", limit)


def bulk_import_refused(request: HttpRequest) -> str | None:
    limit = int(getattr(settings, "GONGKAI_BULK_IMPORTS_PER_HOUR", BULK_IMPORTS_PER_HOUR))
    return _refused(request, "bulk-import", limit)
