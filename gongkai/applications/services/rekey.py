"""Key rotation: re-seal every encrypted personal value with the current data key (the first of
``GONGKAI_DATA_KEYS``) and recompute the identity numbers' lookup digests (``gongkai pii rekey``). The
letters' .docx and the case files' materials are sealed files in the file storage: each stale one is
stored again, sealed with the current key, under a new name (the old file is deleted after the commit).

Idempotent: a value already sealed with the current key and a digest already right are left alone, so the
command can be stopped and run again. Each case is locked and rewritten in its own transaction, so the
site keeps working while it runs.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import connection, models, transaction

from gongkai.applications.amendments import PERSONAL_FIELDS, event_context
from gongkai.applications.models import (
    CASE_FILE_SEAL_CONTEXT,
    LETTER_SEAL_CONTEXT,
    Application,
    CaseAttachment,
    CaseEvent,
    EventKind,
    Letter,
    LetterDelivery,
)
from gongkai.core import sealing, storage
from gongkai.core.audit import record_audit
from gongkai.core.fields import (
    EncryptedBinaryField,
    EncryptedCharField,
    EncryptedTextField,
    keyring,
    lookup_digest,
)

PERSONAL_DATA_REKEYED = "application.personal_data_rekeyed"
#: Every model with encrypted columns.
MODELS: tuple[type[models.Model], ...] = (Application, Letter, CaseAttachment, LetterDelivery)
_ENCRYPTED = (EncryptedCharField, EncryptedTextField, EncryptedBinaryField)
#: The models whose stored file (``file``) holds sealed bytes, with the sealing context.
SEALED_FILES: dict[type[models.Model], str] = {
    Letter: LETTER_SEAL_CONTEXT,
    CaseAttachment: CASE_FILE_SEAL_CONTEXT,
}


def encrypted_fields(model: type[models.Model]) -> list[str]:
    return [f.name for f in model._meta.get_fields() if isinstance(f, _ENCRYPTED)]


@dataclass
class RekeyResult:
    rows: dict[str, int] = dataclasses.field(default_factory=dict)
    changed: dict[str, int] = dataclasses.field(default_factory=dict)
    events_changed: int = 0


def _token(value: Any) -> str:
    if isinstance(value, (bytes, memoryview)):
        return bytes(value).decode("ascii", "replace")
    return str(value or "")


def _stale(value: Any) -> bool:
    token = _token(value)
    return bool(token) and (not sealing.is_sealed(token) or keyring().needs_reseal(token))


def _stored(model: type[models.Model], names: list[str], pk: int) -> dict[str, Any]:
    """The stored (sealed) values of one row, read past the fields' decryption."""
    if not names:
        return {}
    quote = connection.ops.quote_name
    columns = [str(model._meta.get_field(name).column) for name in names]  # type: ignore[union-attr]
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {', '.join(quote(c) for c in columns)} FROM {quote(model._meta.db_table)} WHERE id = %s",
            [pk],
        )
        row = cursor.fetchone()
    return dict(zip(names, row or (), strict=False))


def _rekey_file(instance: models.Model) -> bool:
    """Re-seal the row's stored file with the current key, as a new file (the old one is deleted once the
    row is saved and committed); False when it is already sealed with it, or empty."""
    context = SEALED_FILES.get(type(instance))
    if context is None:
        return False
    field_file = instance.file  # type: ignore[attr-defined]
    token = storage.read_bytes(field_file).decode("ascii", "replace")
    if not sealing.is_sealed(token) or not keyring().needs_reseal(token):
        return False
    old = field_file.name
    storage.save_sealed(field_file, keyring().open_bytes(token, context), context)
    storage.delete_on_commit(field_file.storage, old)
    return True


def _rekey_row(model: type[models.Model], names: list[str], pk: int) -> bool:
    with transaction.atomic():
        instance = model._default_manager.select_for_update().get(pk=pk)
        stale = [name for name, value in _stored(model, names, pk).items() if _stale(value)]
        if _rekey_file(instance):
            stale.append("file")
        if isinstance(instance, Application) and instance.id_number_digest != lookup_digest(
            instance.id_number
        ):
            stale.append("id_number")  # save() recomputes the digest
        if not stale:
            return False
        # The fields seal with the current key on save.
        instance.save(update_fields=sorted(set(stale)))
        return True


def _rekey_event(event: CaseEvent) -> bool:
    data = dict(event.data)
    changed = False
    for side in ("old", "new"):
        values = dict(data.get(side) or {})
        for field in PERSONAL_FIELDS & set(values):
            token = values[field]
            if sealing.is_sealed(token) and keyring().needs_reseal(token):
                context = event_context(field)
                values[field] = keyring().seal(keyring().open(token, context), context)
                changed = True
        data[side] = values
    if changed:
        # Events are append-only: re-sealing changes no content, only the key it is sealed with.
        CaseEvent._base_manager.filter(pk=event.pk).update(data=data)
    return changed


def rekey(*, progress: Callable[[str, int, int], None] | None = None) -> RekeyResult:
    """Re-seal everything with the current key; ``progress(model, done, total)`` every 200 rows and at the
    end of each table. Audited."""
    result = RekeyResult()
    for model in MODELS:
        names = encrypted_fields(model)
        label = model._meta.label_lower
        pks = list(model._default_manager.order_by("pk").values_list("pk", flat=True))
        result.rows[label], result.changed[label] = len(pks), 0
        for done, pk in enumerate(pks, start=1):
            result.changed[label] += _rekey_row(model, names, pk)
            if progress is not None and (done % 200 == 0 or done == len(pks)):
                progress(label, done, len(pks))
    for event in CaseEvent.objects.filter(kind=EventKind.DETAILS_CORRECTED).iterator():
        with transaction.atomic():
            result.events_changed += _rekey_event(event)
    record_audit(
        None,
        PERSONAL_DATA_REKEYED,
        key_id=keyring().current_id,
        rows=result.rows,
        changed=result.changed,
        events_changed=result.events_changed,
    )
    return result
