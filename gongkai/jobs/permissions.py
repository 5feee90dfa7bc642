"""Who sees a job — and so may cancel and retry it: the person who started it, the administrators (管理员)
of its agency and of the agencies above it, and superusers; a job an anonymous visitor started, only that
visitor's browser session."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

from gongkai.agencies.models import Role
from gongkai.agencies.permissions import subtrees_where
from gongkai.jobs.models import Job

#: Session key holding the ids of jobs an anonymous visitor started (they see only those).
SESSION_JOBS = "gongkai_jobs"


def administered(user: AbstractBaseUser | AnonymousUser) -> Any:
    """The agencies whose jobs ``user`` sees as an administrator (where they hold 管理员, and below)."""
    return subtrees_where(user, Role.ADMINISTRATOR)


def can_view(user: AbstractBaseUser | AnonymousUser, job: Job, session: Any = None) -> bool:
    if user.is_authenticated and user.is_active:
        if getattr(user, "is_superuser", False) or (job.owner_id is not None and job.owner_id == user.pk):
            return True
        if job.agency_id is not None and administered(user).filter(pk=job.agency_id).exists():
            return True
    if job.owner_id is None and session is not None:
        return str(job.pk) in session.get(SESSION_JOBS, [])
    return False
