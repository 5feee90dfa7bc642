"""Reading jobs."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Q, QuerySet

from gongkai.agencies.models import Agency
from gongkai.jobs.models import Job
from gongkai.jobs.permissions import administered


def visible_jobs(user: AbstractBaseUser | AnonymousUser) -> QuerySet[Job]:
    """The jobs ``user`` may see, newest first."""
    jobs = Job.objects.select_related("owner", "agency").order_by("-created_at")
    if not user.is_authenticated or not user.is_active:
        return jobs.none()
    if getattr(user, "is_superuser", False):
        return jobs
    return jobs.filter(Q(owner_id=user.pk) | Q(agency__in=administered(user)))


def latest(
    kind: str,
    *,
    agency: Agency | None = None,
    actor: AbstractBaseUser | None = None,
    params_contains: dict[str, Any] | None = None,
) -> Job | None:
    """The newest job of ``kind`` (for this agency / started by this user / whose parameters hold these
    values), or ``None``."""
    jobs = Job.objects.filter(kind=kind)
    if agency is not None:
        jobs = jobs.filter(agency=agency)
    if actor is not None:
        jobs = jobs.filter(owner_id=actor.pk)
    for key, value in (params_contains or {}).items():
        jobs = jobs.filter(**{f"params__{key}": value})  # a JSON key lookup, on SQLite and PostgreSQL
    return jobs.order_by("-created_at").first()
