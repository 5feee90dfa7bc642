"""Reads of the audit log: the events a user may read, filtered; the choices the filters offer."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.contrib.auth.models import User
from django.db.models import Count, QuerySet
from django.utils import timezone

from gongkai.agencies.models import Agency
from gongkai.auditlog import permissions
from gongkai.auditlog.permissions import User as AnyUser
from gongkai.core.actors import display_name
from gongkai.core.models import AuditEvent


def events_visible_to(user: AnyUser) -> QuerySet[AuditEvent]:
    condition = permissions.scope(user)
    if condition is None:
        return AuditEvent.objects.none()
    return AuditEvent.objects.filter(condition)


@dataclass(frozen=True)
class Filters:
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None
    action: str = ""
    person: int | None = None
    object_type: str = ""
    agency: int | None = None

    def as_details(self) -> dict[str, Any]:
        """The filters as the export's audit details (only those set)."""
        values = {
            "date_from": self.date_from.isoformat() if self.date_from else None,
            "date_to": self.date_to.isoformat() if self.date_to else None,
            "action": self.action,
            "person": self.person,
            "object_type": self.object_type,
            "agency": self.agency,
        }
        return {k: v for k, v in values.items() if v}


def _start_of(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def filtered(events: QuerySet[AuditEvent], f: Filters) -> QuerySet[AuditEvent]:
    """``events`` filtered (dates are the agency's days, both ends included), newest first."""
    if f.date_from:
        events = events.filter(created_at__gte=_start_of(f.date_from))
    if f.date_to:
        events = events.filter(created_at__lt=_start_of(f.date_to + datetime.timedelta(days=1)))
    if f.action:
        events = events.filter(action=f.action)
    if f.person:
        events = events.filter(actor_id=f.person)
    if f.object_type:
        events = events.filter(object_type=f.object_type)
    if f.agency:
        events = events.filter(agency_id=f.agency)
    return events.select_related("actor", "agency").order_by("-created_at", "-id")


def person_choices(events: QuerySet[AuditEvent]) -> list[tuple[int, str]]:
    """The people who appear in ``events``: (user id, name or user name)."""
    ids = events.exclude(actor_id=None).order_by().values_list("actor_id", flat=True).distinct()
    users = User.objects.filter(pk__in=ids).order_by("last_name", "first_name", "username")
    return [(u.pk, display_name(u)) for u in users]


def object_type_choices(events: QuerySet[AuditEvent]) -> list[tuple[str, str]]:
    """The kinds of records in ``events``: (``app.model``, the model's name)."""
    labels = events.exclude(object_type="").order_by().values_list("object_type", flat=True).distinct()
    return sorted((label, model_name(label)) for label in labels)


def model_name(label: str) -> str:
    try:
        return str(apps.get_model(label)._meta.verbose_name)
    except (LookupError, ValueError):
        return label


def agency_counts(events: QuerySet[AuditEvent]) -> dict[int | None, int]:
    """How many of ``events`` each agency (or none) has."""
    rows = events.order_by().values_list("agency_id").annotate(n=Count("pk"))
    return {agency_id: n for agency_id, n in rows}


def agency_choices(user: AnyUser) -> list[tuple[int, str]]:
    ids = permissions.readable_agency_ids(user)
    agencies = Agency.objects.all() if ids is None else Agency.objects.filter(pk__in=ids)
    return list(agencies.order_by("path", "name").values_list("pk", "name"))
