"""The one way to write the audit log.

Every write service calls :func:`record_audit` inside the same ``transaction.atomic()`` block
as the write it records, so the event and the change are committed or rolled back together (a batch of
writes, an import's, may build its events with :func:`audit_event` and append them at once with
:func:`record_audits`, in the batch's transaction). Each event
is appended to the tamper-evident chain (:mod:`gongkai.core.auditchain`) under the chain head's row lock.
"""

from __future__ import annotations

from typing import Any, cast

from django.db import models, transaction

from gongkai.core import auditchain
from gongkai.core.actors import Actor, user_of
from gongkai.core.models import AuditEvent


def record_audit(
    actor: Actor,
    action: str,
    obj: models.Model | None = None,
    agency: models.Model | None = None,
    **details: Any,
) -> AuditEvent:
    """Append an :class:`AuditEvent` and return it.

    ``actor`` is the user who acted (``None`` or anonymous for the system itself), ``action``
    an ``entity.verb`` code such as ``"agency.created"``, ``obj`` the object acted on.
    ``agency`` defaults to ``obj`` itself when it is an agency, else to ``obj.agency`` if
    present. Keyword arguments become the JSON ``details``.
    """
    event = audit_event(actor, action, obj, agency, **details)
    with transaction.atomic():
        auditchain.append(event)
    return event


def audit_event(
    actor: Actor,
    action: str,
    obj: models.Model | None = None,
    agency: models.Model | None = None,
    **details: Any,
) -> AuditEvent:
    """The event :func:`record_audit` appends, checked but not yet in the chain: for
    :func:`record_audits`, which appends a batch of them at once."""
    # Core knows no app: the agency model is the one the audit log's ``agency`` field points to.
    agency_model = cast(type[models.Model], AuditEvent._meta.get_field("agency").related_model)
    user = user_of(actor)
    if agency is None and obj is not None:
        if isinstance(obj, agency_model):
            agency = obj
        else:
            candidate = getattr(obj, "agency", None)
            if isinstance(candidate, agency_model):
                agency = candidate

    event = AuditEvent(
        actor=user,
        actor_label=user.get_username() if user is not None else "",
        agency_id=agency.pk if agency is not None else None,
        actor_ref=user.pk if user is not None else None,
        agency_ref=agency.pk if agency is not None else None,
        action=action,
        details=details,
    )
    if obj is not None:
        if obj.pk is None:
            raise ValueError("record_audit() needs a saved object")
        event.object_type = obj._meta.label_lower
        event.object_id = str(obj.pk)
        event.object_repr = str(obj)[:200]
    event.full_clean(exclude=["actor", "agency"])
    return event


def record_audits(events: list[AuditEvent]) -> list[AuditEvent]:
    """Append the events of :func:`audit_event` to the chain in their order, in one insert (a batch's
    writes, in the batch's transaction, as :func:`record_audit` does one)."""
    with transaction.atomic():
        auditchain.append_many(events)
    return events
