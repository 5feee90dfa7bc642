"""Chain the audit events recorded before the chain existed, in the order they were recorded."""

from typing import Any

from django.db import migrations

from gongkai.core.auditchain import GENESIS, chain_day_of, event_hash, normalised_details


def chain_existing(apps: Any, schema_editor: Any) -> None:
    AuditEvent = apps.get_model("core", "AuditEvent")
    AuditChainHead = apps.get_model("core", "AuditChainHead")
    day = None
    sequence = 0
    last_hash = GENESIS
    for event in AuditEvent.objects.order_by("created_at", "id").iterator(chunk_size=2000):
        event_day = chain_day_of(event.created_at)
        if day is not None and event_day < day:
            event_day = day
        sequence = sequence + 1 if event_day == day else 1
        day = event_day
        event.actor_ref = event.actor_id
        event.agency_ref = event.agency_id
        event.chain_day = day
        event.sequence = sequence
        event.prev_hash = last_hash
        event.details = normalised_details(event.details)
        event.hash = event_hash(event)
        event.save(update_fields=["actor_ref", "agency_ref", "chain_day", "sequence", "prev_hash", "hash", "details"])
        last_hash = event.hash
    AuditChainHead.objects.update_or_create(
        pk=1, defaults={"day": day, "sequence": sequence, "last_hash": last_hash if day else ""}
    )


class Migration(migrations.Migration):
    dependencies = [("core", "0005_audit_event_chain")]

    operations = [migrations.RunPython(chain_existing, migrations.RunPython.noop)]
